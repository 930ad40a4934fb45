"""Forms of the mentoring groups. Rules live in the services; forms parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, GermanDecimalField, date_field
from wegweiser.volunteers.forms_tandems import HoursForm
from wegweiser.volunteers.models import CommitmentKind, MentoringGroup


class GroupForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("name of the group"), max_length=200)
    shared_note = forms.CharField(
        label=_("what the group should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the members. No health, residence or other sensitive details."),
    )
    starts_on = date_field(_("start of the accompaniment"), required=False)
    ends_on = date_field(_("end of the accompaniment"), required=False)

    def __init__(self, *args, group: MentoringGroup | None = None, **kwargs):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "version": group.version,
                    "name": group.name,
                    "shared_note": group.shared_note,
                    "starts_on": group.starts_on,
                    "ends_on": group.ends_on,
                },
            )
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in ("name", "shared_note")}
        data["starts_on"] = self.cleaned_data.get("starts_on")
        data["ends_on"] = self.cleaned_data.get("ends_on")
        return data


class MemberAddForm(Form):
    volunteer = forms.ModelChoiceField(label=_("volunteer"), queryset=None)
    joined_on = date_field(_("joined on"))
    is_contact = forms.BooleanField(label=_("contact person of the group"), required=False)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["volunteer"].to_field_name = "uuid"
        self.fields["volunteer"].label_from_instance = lambda v: v.full_name


class MemberRemoveForm(Form):
    left_on = date_field(_("left on"))


class CommitmentForm(Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CommitmentKind.choices)
    description = forms.CharField(
        label=_("description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    monthly_amount = GermanDecimalField(
        label=_("amount per month (EUR)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        localize=True,
        help_text=_("Needed for the rent."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    from_on = date_field(_("from"))
    until_on = date_field(_("until"))


class FamilyForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    case = forms.ModelChoiceField(
        label=_("case"),
        queryset=None,
        help_text=_("Your open cases. The person must have consented to passing contact data."),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].to_field_name = "uuid"
        self.fields["case"].label_from_instance = lambda c: f"{c.number} – {c.client.full_name}"


class VersionForm(Form):
    """Confirms an action on a group (start) against a concurrent change."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = date_field(_("end of the accompaniment"))


ActivityForm = HoursForm  # the same hours as in a tandem
