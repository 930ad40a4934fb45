"""Form base: KERN markup for every widget, German date format, version field for locking."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from wegweiser.core import widgets
from wegweiser.core.errors import ConflictError


class KernFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"

    def render(self, template_name, context, request=None):
        plain = widgets.PLAIN_TEMPLATES.get(template_name)
        if plain is not None:
            return plain(context["widget"])
        if template_name == self.field_template_name and set(context) == {"field"}:
            return widgets.field_html(context["field"])
        return super().render(template_name, context, request)


def _kern_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "kern-form-check__radio"
    if isinstance(widget, forms.Select):
        return "kern-form-input__select"
    return "kern-form-input__input"


class KernFormMixin:
    """Adds KERN classes to widgets, marks invalid fields, renders dates as dd.mm.yyyy."""

    default_renderer = KernFormRenderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                widget.attrs.get("class", "") + " " + _kern_class(widget)
            ).strip()
            if isinstance(field, forms.DateField):
                widget.format = "%d.%m.%Y"
                widget.attrs.setdefault("placeholder", "TT.MM.JJJJ")
                widget.attrs.setdefault("inputmode", "numeric")
                widget.attrs.setdefault("autocomplete", "off")

    def full_clean(self):
        # Mark invalid fields only after validation (subclasses adjust fields in __init__).
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None:
                css = _kern_class(field.widget)
                field.widget.attrs["class"] += f" {css}--error"
                field.widget.attrs["aria-invalid"] = "true"


class Form(KernFormMixin, forms.Form):
    pass


class ModelForm(KernFormMixin, forms.ModelForm):
    pass


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%d.%m.%Y"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
    )


def add_service_errors(form: forms.BaseForm, exc) -> None:
    """Put a service's ValidationError beside the fields (unknown fields: above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def call_service(form: forms.BaseForm, service, /, **kwargs) -> tuple[object, bool]:
    """Run a service for a valid form. Its refusals become form errors, so that the user's input
    stays on screen: a conflicting concurrent save above the form, validation beside the fields.
    Returns ``(result, True)`` on success and ``(None, False)`` when the service refused."""
    try:
        return service(**kwargs), True
    except ConflictError as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None, False


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(text: str) -> Decimal:
    """ "1.234.567,89", "1234567,89", "1 234 567 €", "1234567.89" -> Decimal (ValueError)."""
    value = (text or "").strip().replace("€", "").replace("EUR", "").replace("\xa0", "")
    value = value.replace(" ", "")
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(value):
        value = value.replace(".", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(text)
    return amount


class GermanDecimalField(forms.DecimalField):
    """A decimal as written in German: ``1,5``, ``100.000,00`` or ``100.000`` (points group the
    thousands); ``1.5`` is still read as one and a half (``parse_amount``)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = str(parse_amount(value))
            except ValueError:
                pass  # DecimalField reports it as invalid
        return super().to_python(value)
