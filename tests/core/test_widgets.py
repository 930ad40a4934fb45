"""The form renderer writes inputs and text areas in Python: the markup must be exactly what
Django's widget templates make of the same widget (values and attributes escaped alike)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from wegweiser.core.forms import KernFormRenderer
from wegweiser.core.widgets import PLAIN_TEMPLATES

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
