"""Forms of the volunteer register. Rules live in the services; forms parse input."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.forms import Form, ModelForm, date_field
from wegweiser.volunteers.models import CheckKind, Volunteer, VolunteerStatus
from wegweiser.volunteers.services import INITIAL_STATUSES, VOLUNTEER_FIELDS


class FilterForm(Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all")), *VolunteerStatus.choices]
    )
    language = forms.ChoiceField(
        label=_("language"), required=False, choices=[("", _("all")), *LANGUAGES]
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality"), required=False, queryset=None, empty_label=_("all")
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].to_field_name = "uuid"


class VolunteerForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[(s.value, s.label) for s in INITIAL_STATUSES],
        initial=VolunteerStatus.INTERESTED,
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    fields_of_action = forms.MultipleChoiceField(
        label=_("fields of action"),
        required=False,
        choices=FieldOfAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("municipalities"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    user = forms.ModelChoiceField(
        label=_("user account (volunteer role)"),
        required=False,
        queryset=None,
        empty_label=_("none"),
        help_text=_("Only if the volunteer logs in with an own account."),
    )

    class Meta:
        model = Volunteer
        fields = [
            "given_name",
            "family_name",
            "phone",
            "email",
            "languages",
            "skills",
            "availability",
            "municipalities",
            "fields_of_action",
            "user",
        ]
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 3}),
            "availability": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipalities, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        self.fields["user"].queryset = accounts
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # The status has its own page (leaving needs a date).
            self.fields.pop("status")

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in VOLUNTEER_FIELDS}
        for name in ("given_name", "family_name", "phone", "email", "skills", "availability"):
            data[name] = data[name] or ""
        data["languages"] = list(data["languages"] or [])
        data["fields_of_action"] = list(data["fields_of_action"] or [])
        data["municipalities"] = list(self.cleaned_data.get("municipalities") or [])
        if "status" in self.fields:
            data["status"] = self.cleaned_data["status"]
        return data


class StatusForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("status"), choices=VolunteerStatus.choices)
    left_on = date_field(
        _("left on"), required=False, help_text=_("Needed when the volunteer has left.")
    )


class CheckForm(Form):
    kind = forms.ChoiceField(label=_("check"), choices=CheckKind.choices, widget=forms.RadioSelect)
    issued_on = date_field(
        _("issued or signed on"),
        help_text=_("Certificate of conduct: date of issue. Undertaking: date of signature."),
    )
    next_due_on = date_field(
        _("next due on"),
        required=False,
        help_text=_(
            "Only for the certificate of conduct. Left empty: five years after the date of issue."
        ),
    )


class QualificationForm(Form):
    title = forms.CharField(label=_("title"), max_length=200)
    attended_on = date_field(_("date"))
    provider = forms.CharField(label=_("provider"), max_length=200, required=False)
    hours = forms.DecimalField(
        label=_("hours"), required=False, min_value=Decimal("0.5"), max_digits=5, decimal_places=1
    )
