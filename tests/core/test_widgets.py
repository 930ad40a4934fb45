"""The form renderer writes inputs and text areas in Python: the markup must be exactly what
Django's widget templates make of the same widget (values and attributes escaped alike)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

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


# --- selects: the options' markup is kept between forms ---------------------------------------

SELECT_CHOICES = [
    ("", "—"),
    ("SY", gettext_lazy("Syria")),
    ("UA", "Ukraine <& Krim>"),
    ("AF", gettext_lazy("Afghanistan")),
]
GROUPED_CHOICES = [("", "—"), ("Nah & fern", [("1", "Eins"), ("2", "Zwei")]), ("3", "Drei")]


def _django_select(plain_class, choices, value):
    django_class = plain_class.__mro__[2]  # forms.Select or forms.SelectMultiple
    attrs = {"id": "id_land", "class": "kern-form-input__select"}
    return (
        django_class(choices=choices).render("land", value, attrs, TemplatesSetting()),
        plain_class(choices=choices).render("land", value, attrs),
    )


@pytest.mark.parametrize("plain_class", [PlainSelect, PlainSelectMultiple], ids=["one", "many"])
@pytest.mark.parametrize("choices", [SELECT_CHOICES, GROUPED_CHOICES], ids=["flat", "grouped"])
def test_select_markup_equals_djangos_on_every_render(plain_class, choices):
    """The first render of a list writes the options, later ones (new form, same choices) reuse
    them: each must be Django's markup for its own selection and language."""
    for language, value in [
        ("de", None),
        ("de", "SY"),
        ("en", ["UA", "AF"]),
        ("de", ["1", "3"]),
        ("en", "2"),
        ("de", "nichts"),
    ]:
        with translation.override(language):
            fresh = copy.deepcopy(list(choices))  # as a new form copies its field's choices
            django, plain = _django_select(plain_class, fresh, value)
            assert plain.strip() == django.strip(), (language, value)


def test_a_kept_select_follows_the_language():
    field = forms.ChoiceField(choices=SELECT_CHOICES, widget=PlainSelect)
    with translation.override("en"):
        english = field.widget.render("land", "SY")
    with translation.override("de"):
        german = field.widget.render("land", "SY")
    assert '<option value="SY" selected>Syria</option>' in english
    assert '<option value="SY" selected>Syrien</option>' in german


def test_the_nationalities_keep_one_list_per_language(kreis):
    from wegweiser.clients.forms import ClientCreateForm

    with translation.override("de"):
        first = str(ClientCreateForm(kreis=kreis)["nationalities"])
        chosen = str(ClientCreateForm({"nationalities": ["SY"]}, kreis=kreis)["nationalities"])
    with translation.override("en"):
        english = str(ClientCreateForm(kreis=kreis)["nationalities"])
    assert '<option value="SY">Syrien</option>' in first
    assert '<option value="SY" selected>Syrien</option>' in chosen
    assert '<option value="SY">Syria</option>' in english
    # sorted by the name in the language shown: Deutschland before Frankreich, France before
    # Germany
    assert first.index('value="DE"') < first.index('value="FR"')
    assert english.index('value="FR"') < english.index('value="DE"')
