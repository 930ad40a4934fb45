"""``{% url %}`` for every template (a template builtin, settings.TEMPLATES), answering the two
common cases without a full ``reverse()``:

- no arguments (the navigation, forms' actions): the address is the same for every request
  with the same URL configuration and script prefix, and is kept;
- only UUIDs as arguments (a case file's pages: ten links on the case page): the address is
  reversed once per view name with placeholder UUIDs, and the request's UUIDs are put in their
  place. A UUID needs no quoting, so the result is what ``reverse()`` returns.

Everything else (other arguments, keyword arguments, a name that does not resolve) goes to
Django's own tag. A case page reversed 32 addresses at ~25 µs each; a test compares both tags
for every URL of the project that takes no or only UUID arguments. The URL configuration and
script prefix are looked up once per template rendered (kept in its render context), not for
each address.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from wegweiser.core.addresses import fast_reverse, url_scope

register = template.Library()

_SCOPE = "wegweiser.url_scope"  # key in the render context (one per template rendered)


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        render_context = context.render_context
        scope = render_context.get(_SCOPE)
        if scope is None:
            scope = render_context[_SCOPE] = url_scope()
        url = ""
        try:
            url = fast_reverse(view_name, args, current_app, scope)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
