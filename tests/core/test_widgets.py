"""The form renderer writes inputs and text areas in Python: the markup must be exactly what
Django's widget templates make of the same widget (values and attributes escaped alike)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from wegweiser.core.forms import KernFormMixin, KernFormRenderer
from wegweiser.core.widgets import (
    PLAIN_TEMPLATES,
    PlainCheckboxes,
    PlainRadios,
    PlainSelect,
    PlainSelectMultiple,
)

WIDGETS = [
    forms.TextInput(attrs={"maxlength": 100, "class": "kern-form-input__input"}),
    forms.DateInput(format="%d.%m.%Y"),
    forms.NumberInput(attrs={"min": 0, "step": "any"}),
    forms.EmailInput(),
    forms.HiddenInput(),
    forms.PasswordInput(render_value=True),
    forms.URLInput(),
    forms.CheckboxInput(attrs={"data-toggles": "id_x"}),
    forms.Textarea(attrs={"rows": 4}),
]
VALUES = [
    None,
    "",
    "Amina",
    "Ö <b>\"&'",
    mark_safe("<i>sicher</i>"),
    0,
    45,
    dt.date(2026, 6, 1),
    True,
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_plain_widget_markup_equals_djangos(widget, value):
    attrs = {"id": "id_feld", "required": True, "disabled": False, "aria-describedby": "a b"}
    context = widget.get_context("feld", value, attrs)
    assert widget.template_name in PLAIN_TEMPLATES
    django = TemplatesSetting().render(widget.template_name, context)
    assert KernFormRenderer().render(widget.template_name, context) == django


# --- the field template (label, hint, errors around the widget) --------------------------------


class _Sample(KernFormMixin, forms.Form):
    name = forms.CharField(label="Name <b>&", help_text="Wie im Pass & mehr", max_length=5)
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notiz")
    agree = forms.BooleanField(help_text=mark_safe("<a href='#'>Hinweis</a>"))
    copy = forms.BooleanField(required=False, label="Kopie")
    kind = forms.ChoiceField(
        choices=[("a", "A & B"), ("b", "C")], widget=PlainRadios, help_text="Art"
    )
    topics = forms.MultipleChoiceField(
        choices=[("x", "<X>"), ("y", "Y")], widget=PlainCheckboxes, required=False
    )
    pick = forms.ChoiceField(choices=[("", "—"), ("1", "Eins")], widget=PlainSelect)
    many = forms.MultipleChoiceField(
        choices=[("1", "Eins"), ("2", "Zwei")], widget=PlainSelectMultiple, required=False
    )
    day = forms.DateField(required=False)


def _fields_equal(form) -> None:
    renderer = KernFormRenderer()
    for bound in form:
        context = {"field": bound}
        django = TemplatesSetting().render(renderer.field_template_name, context)
        assert renderer.render(renderer.field_template_name, context) == django, bound.name


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"name": "Zu <lang>", "kind": "c", "topics": ["x", "z"], "pick": "9", "day": "31.02."},
        {"name": "Ada", "agree": "on", "kind": "a", "topics": ["y"], "pick": "1", "many": ["2"]},
    ],
    ids=["unbound", "empty", "invalid", "valid"],
)
def test_plain_field_markup_equals_the_field_template(data):
    """The form renderer writes includes/field.html in Python: for every kind of field, unbound,
    with errors and with values, the markup is exactly the template's."""
    form = _Sample(data)
    form.is_valid() if data is not None else None
    _fields_equal(form)


def test_the_intake_form_renders_as_with_the_field_template(kreis):
    """The forms people fill in (here: the intake form, with the errors of an empty POST)."""
    from wegweiser.clients.forms import ClientCreateForm

    form = ClientCreateForm({"given_names": "<Amina>"}, kreis=kreis)
    assert not form.is_valid()
    _fields_equal(form)
    _fields_equal(ClientCreateForm(kreis=kreis))
