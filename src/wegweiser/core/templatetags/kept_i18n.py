"""Django's ``i18n`` template library (settings: TEMPLATES OPTIONS ``libraries``), with one
change: ``{% translate "a literal" %}`` without filters, context or ``as`` keeps its
translation per language on the node, instead of asking the catalogue on every render. A page
has 50 to 100 of them (the case file: 70, about 0.3 ms of the page); the catalogue does not
change while the process runs. The active language is looked up once per template rendered
(``{% language %}`` makes the nodes inside it look again). Every other tag and filter is
Django's own."""

from __future__ import annotations

from django import template
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


# The active language, looked up once per template rendered (a context variable lookup costs
# ~1 µs, and a page has 80 of these nodes) and kept in the template's render context;
# ``{% language %}`` (below) makes the nodes inside it look again.
_LANGUAGE = "wegweiser.language"


def _language(context) -> str:
    render_context = context.render_context
    language = render_context.get(_LANGUAGE)
    if language is None:
        language = render_context[_LANGUAGE] = get_language()
    return language


class KeptTranslateNode(django_i18n.TranslateNode):
    """A ``TranslateNode`` of a plain literal, its output kept per language and escaping."""

    def render(self, context):
        key = (_language(context), context.autoescape)
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = super().render(context)
        return kept


def _plain_literal(node) -> bool:
    expression = node.filter_expression
    return (
        not node.asvar
        and node.message_context is None
        and not expression.filters
        and isinstance(expression.var, template.Variable)
        and expression.var.literal is not None
    )


def translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    if isinstance(node, django_i18n.TranslateNode) and _plain_literal(node):
        node.__class__ = KeptTranslateNode
        node.kept = {}
    return node


register.tag("translate", translate)
register.tag("trans", translate)


class KeptLanguageNode(django_i18n.LanguageNode):
    """``{% language %}``: the nodes inside the block look up the language it activates, the
    nodes after it the one active before."""

    def render(self, context):
        render_context = context.render_context
        before = render_context.get(_LANGUAGE)
        render_context[_LANGUAGE] = None
        try:
            return super().render(context)
        finally:
            render_context[_LANGUAGE] = before


@register.tag("language")
def language(parser, token):
    node = django_i18n.language(parser, token)
    node.__class__ = KeptLanguageNode
    return node
