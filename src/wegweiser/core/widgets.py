"""Form widgets that write their option lists in Python instead of including Django's option
template once per option (same markup): a list of 250 nationalities took ~20 ms in the template
engine, the dashboard's filter with four short lists ~5 ms.

``includes/field.html`` chooses its markup by ``BoundField.widget_type``, which is the widget's
class name: these widgets keep the names of Django's."""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    """As ``conditional_escape`` (without its checks for lazy strings, done by ``str``)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else html_escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """As Django's ``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class _PlainOptionsMixin:
    """The HTML of Django's select templates, written in Python: the list of nationalities
    has about 250 options, and the template engine takes ~20 ms to include the option template
    250 times (the intake form answers every duplicate check with it)."""

    def render(self, name, value, attrs=None, renderer=None):
        # As ChoiceWidget.get_context/optgroups and select.html, select_option.html.
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        out = [f'<select name="{_escape(name)}"{_attrs_html(attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, [(option_value, option_label)]
            if group_name:
                out.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for subvalue, sublabel in choices:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in values
                has_selected |= selected
                out.append(
                    f'\n  <option value="{_escape(str(subvalue))}"'
                    f"{' selected' if selected else ''}>{_escape(sublabel)}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
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
        value = widget["value"]
        value_html = "" if value is None else f' value="{_escape(str(value))}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{_escape(widget["type"])}"'
            f' name="{_escape(widget["name"])}"{value_html}'
            f"{_attrs_html(widget['attrs'])}>"
        )


PlainCheckboxes = type(
    "CheckboxSelectMultiple",
    (_PlainInputOptionsMixin, forms.CheckboxSelectMultiple),
    {"__module__": __name__},
)
PlainRadios = type(
    "RadioSelect", (_PlainInputOptionsMixin, forms.RadioSelect), {"__module__": __name__}
)
