"""Forms of referrals and contacts at authorities. They parse input; the rules are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, date_field
from wegweiser.directory.models import Service
from wegweiser.referrals.models import (
    CLOSING_STATUSES,
    OPEN_STATUSES,
    OUTCOME_MAX,
    REASON_MAX,
    AuthorityKind,
)

ANONYMOUS_HELP = _(
    "The service receives no personal data from you: no name, date of birth, address, contact "
    "details or details of the case. You only describe the need in general terms; the person "
    "contacts the service themselves. Required when no consent to passing data to services is "
    "recorded."
)


class ReferralForm(Form):
    service = forms.ModelChoiceField(
        label=_("service from the directory"),
        queryset=Service.objects.none(),
        required=False,
        empty_label="—",
    )
    service_name = forms.CharField(
        label=_("or another service (free text)"),
        required=False,
        max_length=200,
        help_text=_("Only when the service is not in the directory."),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person needs from the service. No health details here."),
    )
    referred_on = date_field(_("referred on"))
    status = forms.ChoiceField(
        label=_("status"),
        choices=[(s.value, s.label) for s in OPEN_STATUSES[:3]],
        widget=forms.RadioSelect,
    )
    appointment_on = date_field(_("appointment on"), required=False)
    follow_up_on = date_field(
        _("follow up on"), help_text=_("When you will ask how the referral went.")
    )
    anonymous = forms.BooleanField(
        label=_("anonymous referral"), required=False, help_text=ANONYMOUS_HELP
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.name} ({s.provider.name})"


class ReferralUpdateForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[(s.value, s.label) for s in OPEN_STATUSES],
        widget=forms.RadioSelect,
    )
    appointment_on = date_field(_("appointment on"), required=False)
    follow_up_on = date_field(_("next follow-up on"))
    outcome = forms.CharField(
        label=_("notes on the outcome so far"),
        required=False,
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralCloseForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("result"),
        choices=[(s.value, s.label) for s in CLOSING_STATUSES],
        widget=forms.RadioSelect,
    )
    closed_on = date_field(_("closed on"))
    outcome = forms.CharField(
        label=_("outcome"), max_length=OUTCOME_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class AuthorityContactForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("authority"), choices=AuthorityKind.choices)
    office_name = forms.CharField(
        label=_("office"),
        max_length=200,
        help_text=_("For example: Jobcenter Landkreis Sigmaringen, Geschäftsstelle Pfullendorf"),
    )
    contact_person = forms.CharField(label=_("contact person"), required=False, max_length=200)
    phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("e-mail"), required=False)
    reference_number = forms.CharField(
        label=_("reference number"),
        required=False,
        max_length=60,
        help_text=_("Aktenzeichen, BG-Nummer, Kundennummer or Versichertennummer"),
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
