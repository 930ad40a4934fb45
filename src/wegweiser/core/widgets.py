"""Form widgets written in Python instead of Django's widget templates (same markup): a list of
250 nationalities took ~20 ms in the template engine, the dashboard's filter with four short
lists ~5 ms; the inputs of every form go through ``PLAIN_TEMPLATES``.

``includes/field.html`` chooses its markup by ``BoundField.widget_type``, which is the widget's
class name: these widgets keep the names of Django's."""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext


def _escape(value) -> str:
    """As ``conditional_escape`` (without its checks for lazy strings, done by ``str``)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else html_escape(str(value))


def _formatted(value) -> str:
    """As ``{{ value|stringformat:'s' }}``: the value as a string, escaped unless it is marked
    safe (the filter keeps it safe)."""
    return _escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """As Django's ``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """As Django's ``django/forms/widgets/input.html`` (text, date, number, e-mail, hidden,
    checkbox … include it), stripped as the form renderer returns it."""
    value = widget["value"]
    value_html = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
        f"{value_html}{_attrs_html(widget['attrs'])}>"
    )


def textarea_html(widget: dict) -> str:
    """As Django's ``django/forms/widgets/textarea.html``."""
    value = widget["value"]
    return (
        f'<textarea name="{_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>\n'
        f"{_escape(value) if value else ''}</textarea>"
    )


_ERROR_ICON = (
    '<span class="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>'
)


def _optional(field) -> str:
    if field.field.required:
        return ""
    return f' <span class="kern-label__optional">– {_escape(gettext("optional"))}</span>'


def field_html(field) -> str:
    """As ``includes/field.html`` (the form renderer's template for one field with its label,
    hint and errors), written in Python: the intake form's 25 fields went through the template
    engine on every duplicate check (35.6 → 25.1 ms with this). A test renders the project's
    forms through both and compares the markup."""
    widget_type = field.widget_type
    errors = field.errors
    auto_id = _escape(field.auto_id)
    help_text = field.help_text
    if widget_type in ("checkboxselectmultiple", "radioselect"):
        # a group of inputs: hint and errors without ids of their own
        help_html = f'<div class="kern-hint">{_escape(help_text)}</div>' if help_text else ""
        choices = "".join(
            '\n    <div class="kern-form-check">\n'
            f"      {choice.tag()}\n"
            f'      <label class="kern-label" for="{_escape(choice.id_for_label)}">'
            f"{_escape(choice.choice_label)}</label>\n"
            "    </div>\n    "
            for choice in field
        )
        errors_html = "".join(
            f'<p class="kern-error" role="alert">{_ERROR_ICON}'
            f'<span class="kern-body">{_escape(error)}</span></p>'
            for error in errors
        )
        body = (
            f'<fieldset class="kern-fieldset{" kern-fieldset--error" if errors else ""}">\n'
            f'  <legend class="kern-label">{_escape(field.label)}{_optional(field)}</legend>\n'
            f"  {help_html}\n"
            f'  <div class="kern-fieldset__body ww-checks">\n    {choices}\n  </div>\n'
            f"  {errors_html}\n"
            "</fieldset>\n"
        )
        return body.strip()  # as the form renderer returns a template's output
    help_html = (
        f'<div class="kern-hint" id="{auto_id}_helptext">{_escape(help_text)}</div>'
        if help_text
        else ""
    )
    errors_html = "".join(
        f'<p class="kern-error" id="{auto_id}_error" role="alert">{_ERROR_ICON}'
        f'<span class="kern-body">{_escape(error)}</span></p>'
        for error in errors
    )
    if widget_type == "checkbox":
        body = (
            f'<div class="kern-form-check{" kern-form-check--error" if errors else ""}">\n'
            f"  {field}\n"
            f'  <label class="kern-label" for="{auto_id}">{_escape(field.label)}</label>\n'
            f"  {help_html}\n"
            f"  {errors_html}\n"
            "</div>\n"
        )
    else:
        control = str(field)
        if widget_type in ("select", "selectmultiple"):
            control = f'<div class="kern-form-input__select-wrapper">{control}</div>'
        body = (
            f'<div class="kern-form-input{" kern-form-input--error" if errors else ""}">\n'
            f'  <label class="kern-label" for="{auto_id}">{_escape(field.label)}'
            f"{_optional(field)}</label>\n"
            f"  {help_html}\n"
            f"  {errors_html}\n"
            f"  {control}\n"
            "</div>\n"
        )
    return body.strip()  # as the form renderer returns a template's output


#: Django's widget templates that ``input_html`` and ``textarea_html`` write (the form renderer,
#: core.forms.KernFormRenderer, answers them without the template engine: the intake form's
#: 20 inputs spent ~4 ms including them and attrs.html).
PLAIN_TEMPLATES = {
    **{
        f"django/forms/widgets/{name}.html": input_html
        for name in (
            "input",
            "text",
            "date",
            "datetime",
            "time",
            "email",
            "number",
            "hidden",
            "password",
            "url",
            "search",
            "tel",
            "checkbox",
        )
    },
    "django/forms/widgets/textarea.html": textarea_html,
}


# The options' markup of lists that stay the same (module constants, the nationalities of a
# language): Django copies the choices into new tuples for every form, but the values and the
# label objects stay, so they are the key (with the language), and the entry holds the labels so
# that their ids cannot be reused. Model choices and groups are written anew each time.
_OPTIONS: dict[tuple, tuple[list, list]] = {}
_OPTIONS_KEPT = 256


def _option_parts(choices: list) -> list:
    """The markup of the options and groups: strings, and for each option a tuple of its value
    (compared with the selected values), the markup before `` selected`` and after it."""
    parts: list = []
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        if isinstance(option_label, (list, tuple)):
            group_name, group = option_value, option_label
        else:
            group_name, group = None, [(option_value, option_label)]
        if group_name:
            parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
        for subvalue, sublabel in group:
            value = str(subvalue)
            parts.append(
                (value, f'\n  <option value="{_escape(value)}"', f">{_escape(sublabel)}</option>\n")
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return parts


def _options_of(choices) -> list:
    if isinstance(choices, ModelChoiceIterator):
        return _option_parts(choices)  # model choices: new values on every iteration
    if not isinstance(choices, (list, tuple)):
        choices = list(choices)  # a callable's or another iterator's (clients.forms.CountryChoices)
    if any(isinstance(label, (list, tuple)) for _value, label in choices):
        return _option_parts(choices)  # groups: copied into new lists for every form
    key = (tuple((value, id(label)) for value, label in choices), get_language())
    kept = _OPTIONS.get(key)
    if kept is None:
        if len(_OPTIONS) >= _OPTIONS_KEPT:
            _OPTIONS.clear()
        kept = _OPTIONS[key] = ([label for _value, label in choices], _option_parts(choices))
    return kept[1]


class _PlainOptionsMixin:
    """The HTML of Django's select templates, written in Python: the list of nationalities
    has about 250 options, and the template engine takes ~20 ms to include the option template
    250 times (the intake form answers every duplicate check with it). The escaped options of
    a list that does not change are kept (``_options_of``)."""

    def render(self, name, value, attrs=None, renderer=None):
        # As ChoiceWidget.get_context/optgroups and select.html, select_option.html.
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            attrs["multiple"] = True
        out = [f'<select name="{_escape(name)}"{_attrs_html(attrs)}>']
        has_selected = False
        for part in _options_of(self.choices):
            if isinstance(part, str):
                out.append(part)
                continue
            option_value, before, after = part
            selected = (not has_selected or multiple) and option_value in values
            has_selected |= selected
            out.append(f"{before} selected{after}" if selected else f"{before}{after}")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


PlainSelect = type("Select", (_PlainOptionsMixin, forms.Select), {"__module__": __name__})
PlainSelectMultiple = type(
    "SelectMultiple", (_PlainOptionsMixin, forms.SelectMultiple), {"__module__": __name__}
)


class _PlainInputOptionsMixin:
    """Checkboxes and radio buttons rendered one by one (``{{ choice.tag }}`` in
    includes/field.html) with the HTML of Django's option templates (stripped, as the form
    renderer returns them), written in Python."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name != self.option_template_name or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        return mark_safe(input_html(widget))  # noqa: S308 - every value is escaped


PlainCheckboxes = type(
    "CheckboxSelectMultiple",
    (_PlainInputOptionsMixin, forms.CheckboxSelectMultiple),
    {"__module__": __name__},
)
PlainRadios = type(
    "RadioSelect", (_PlainInputOptionsMixin, forms.RadioSelect), {"__module__": __name__}
)
