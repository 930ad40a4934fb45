"""Forms of tandems, support requests and logged hours. Rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.forms import Form, GermanDecimalField, date_field
from wegweiser.volunteers.models import TandemEndReason


class TandemForm(Form):
    volunteer = forms.ModelChoiceField(
        label=_("volunteer"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    started_on = date_field(_("start"))
    includes_household = forms.BooleanField(
        label=_("accompanies the whole household"), required=False
    )
    share_phone = forms.BooleanField(label=_("share the phone number"), required=False)
    share_email = forms.BooleanField(label=_("share the e-mail address"), required=False)
    share_address = forms.BooleanField(label=_("share the address"), required=False)
    shared_note = forms.CharField(
        label=_("what the volunteer should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the volunteer. No health, residence or other sensitive details."),
    )

    def __init__(self, *args, volunteers, has_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["volunteer"].to_field_name = "uuid"
        self.fields["volunteer"].label_from_instance = lambda v: v.full_name
        if not has_household:
            self.fields.pop("includes_household")


class SharingForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    includes_household = forms.BooleanField(
        label=_("accompanies the whole household"), required=False
    )
    share_phone = forms.BooleanField(label=_("share the phone number"), required=False)
    share_email = forms.BooleanField(label=_("share the e-mail address"), required=False)
    share_address = forms.BooleanField(label=_("share the address"), required=False)
    shared_note = forms.CharField(
        label=_("what the volunteer should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the volunteer. No health, residence or other sensitive details."),
    )

    def __init__(self, *args, has_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_household:
            self.fields.pop("includes_household")


class TandemEndForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = date_field(_("end"))
    reason = forms.ChoiceField(
        label=_("reason for the end"),
        choices=[
            (c.value, c.label) for c in TandemEndReason if c != TandemEndReason.VOLUNTEER_LEFT
        ],
        widget=forms.RadioSelect,
    )


class HoursForm(Form):
    """Hours given: a meeting in a tandem, time for a mentoring group."""

    date = date_field(_("date"))
    hours = GermanDecimalField(
        label=_("hours"),
        max_digits=4,
        decimal_places=2,
        localize=True,
        help_text=_("For example 1,5 for an hour and a half."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("short note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you did, in a few words. No health or other sensitive details."),
    )


class DoneForm(HoursForm):
    """A support request done: the hours (its date is the request's)."""

    date = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].help_text = _("Including the way there and back. For example 2,5.")


class SupportRequestForm(Form):
    title = forms.CharField(
        label=_("what is needed"),
        max_length=200,
        help_text=_("For example: accompany to the Ausländerbehörde."),
    )
    needed_on = date_field(_("date"))
    time_from = forms.TimeField(
        label=_("from"), required=False, widget=forms.TimeInput(format="%H:%M")
    )
    time_until = forms.TimeField(
        label=_("until"), required=False, widget=forms.TimeInput(format="%H:%M")
    )
    language = forms.ChoiceField(
        label=_("language needed"),
        required=False,
        choices=[("", _("none in particular")), *LANGUAGES],
    )
    field_of_action = forms.ChoiceField(
        label=_("field of action"),
        required=False,
        choices=[("", "—"), *FieldOfAction.choices],
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality"), required=False, queryset=None, empty_label="—"
    )
    place = forms.CharField(label=_("place"), required=False, max_length=200)
    description = forms.CharField(
        label=_("details for the volunteer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to volunteers. No health, residence or other sensitive details."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].to_field_name = "uuid"
        for name in ("time_from", "time_until"):
            self.fields[name].widget.attrs.setdefault("placeholder", "HH:MM")


class CancelRequestForm(Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)
