"""Forms of the case file. Validation of rules lives in the services; forms parse input."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import CASEWORK_ROLES
from wegweiser.clients import choices
from wegweiser.clients.forms_duplicates import not_a_duplicate_field
from wegweiser.clients.languages import LANGUAGES
from wegweiser.clients.models import Client
from wegweiser.clients.services import CLIENT_FIELDS
from wegweiser.core import widgets
from wegweiser.core.forms import Form, ModelForm, date_field
from wegweiser.core.prepared import PreparedRead
from wegweiser.organisations.models import Municipality

CLIENT_FORM_FIELDS = list(CLIENT_FIELDS)


class CountryChoices(BaseChoiceIterator):
    """The choices of a nationalities field: the countries sorted by their name in the language
    active when iterated, one list per language for every form (django-countries sorts 250
    translated names on each iteration), which also lets the select keep its markup
    (core.widgets). An iterator object, so that Django takes it as it is (a callable's choices
    are copied into new tuples on every iteration: 250 per render and per validation)."""

    _lists: dict[str, list[tuple[str, str]]] = {}

    def __iter__(self):
        language = get_language()
        found = self._lists.get(language)
        if found is None:
            found = self._lists[language] = [(code, name) for code, name in countries]
        return iter(found)


def _municipalities_of(kreis_id):
    return Municipality.objects.filter(kreis_id=kreis_id)


# The county's municipalities for the form's list, compiled once (the intake form is answered
# on every duplicate check; building the query took about 1 ms of it).
_MUNICIPALITIES = PreparedRead(_municipalities_of, kreis_id=Municipality._meta.get_field("kreis"))


class _MunicipalityChoices(ModelChoiceIterator):
    """The choices of the municipality field from the compiled read (same rows, same order as
    the field's queryset, which still checks a chosen value)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for municipality in _MUNICIPALITIES.fetch(kreis_id=self.field.kreis_id):
            yield self.choice(municipality)


class ClientForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    birth_date = date_field(_("date of birth"), required=False)
    arrival_date = date_field(_("arrival in Germany"), required=False)
    residence_valid_until = date_field(_("residence permit valid until"), required=False)
    accommodation_since = date_field(_("in this accommodation since"), required=False)
    nationalities = forms.MultipleChoiceField(
        label=_("nationalities"),
        required=False,
        choices=CountryChoices(),
        widget=widgets.PlainSelectMultiple(attrs={"size": 6}),
        help_text=_("Several can be chosen with Ctrl or Cmd."),
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        required=False,
        choices=LANGUAGES,
        widget=widgets.PlainCheckboxes,
    )
    interpreter_language = forms.ChoiceField(
        label=_("interpreter language"),
        required=False,
        choices=[("", "—"), *LANGUAGES],
        widget=widgets.PlainSelect,
    )

    class Meta:
        model = Client
        fields = CLIENT_FORM_FIELDS
        widgets = {
            "birth_date_precision": widgets.PlainRadios,
            "gender": widgets.PlainRadios,
            "residence_status": widgets.PlainSelect,
            "accommodation_phase": widgets.PlainSelect,
            "municipality": widgets.PlainSelect,
        }

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        municipality.kreis_id = kreis.pk
        municipality.iterator = _MunicipalityChoices
        municipality.queryset = _municipalities_of(kreis.pk)  # sets the widget's choices
        self.fields["interpreter_needed"].widget.attrs["data-toggles"] = "id_interpreter_language"
        self.fields["given_names_latin"].help_text = _(
            "Leave empty to transliterate automatically."
        )
        self.fields["family_name_latin"].help_text = _(
            "Leave empty to transliterate automatically."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["nationalities"] = [c.code for c in self.instance.nationalities]

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in CLIENT_FORM_FIELDS}
        for name in (
            "given_names_latin",
            "family_name_latin",
            "phone",
            "email",
            "interpreter_language",
        ):
            data[name] = data[name] or ""
        data["languages"] = list(data["languages"] or [])
        data["nationalities"] = list(data["nationalities"] or [])
        return data


class ClientCreateForm(ClientForm):
    household_label = forms.CharField(
        label=_("new household (name)"),
        required=False,
        max_length=200,
        help_text=_("For example 'Family Haddad'. Leave empty for a person living alone."),
    )
    opened_on = date_field(_("case opened on"))
    open_case = forms.BooleanField(
        label=_("open an own case file for this person"),
        required=False,
        initial=True,
        help_text=_(
            "Leave unticked for a household member who is not counselled (e.g. a small child)."
        ),
    )

    # Asked only when likely duplicates were found (clients.views_duplicates).
    not_a_duplicate = not_a_duplicate_field()

    field_order = ["given_names", "family_name", "opened_on", "open_case"]


class CaseForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    responsible = forms.ModelChoiceField(
        label=_("responsible integration manager"), queryset=User.objects.none()
    )
    shared_with_team = forms.BooleanField(label=_("shared with the team"), required=False)
    period_years = forms.TypedChoiceField(
        label=_("counselling period"),
        coerce=int,
        choices=[(3, _("3 years")), (4, _("4 years (with justification)"))],
        widget=forms.RadioSelect,
    )
    extension_reason = forms.CharField(
        label=_("justification for a fourth year"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(
            kreis=kreis, is_active=True, role__in=[r.value for r in CASEWORK_ROLES]
        ).order_by("last_name", "first_name")


class CaseCloseForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = date_field(_("closed on"))
    close_reason = forms.ChoiceField(
        label=_("reason for closing"),
        choices=[c for c in choices.CloseReason.choices if c[0] != choices.CloseReason.MERGED],
        widget=forms.RadioSelect,
    )


class ConsentForm(Form):
    given_on = date_field(_("given on"))
    form = forms.ChoiceField(
        label=_("form"), choices=choices.ConsentForm.choices, widget=forms.RadioSelect
    )
    witness = forms.CharField(
        label=_("witness"),
        required=False,
        max_length=200,
        help_text=_("Required for oral consent."),
    )
    covers_processing = forms.BooleanField(
        label=_("processing for integration management"), required=False, initial=True
    )
    covers_referral = forms.BooleanField(
        label=_("passing data to services when referring"), required=False
    )
    covers_volunteer = forms.BooleanField(
        label=_("passing contact data to volunteers"), required=False
    )
    referral_recipient = forms.ModelChoiceField(
        label=_("recipient (service of the directory)"),
        queryset=None,
        required=False,
        help_text=_("Only if the person consents to passing data to this one service."),
    )
    referral_recipient_name = forms.CharField(
        label=_("recipient (other service)"), required=False, max_length=200
    )

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        from wegweiser.referrals.selectors import services_for_referral

        self.fields["referral_recipient"].queryset = services_for_referral(kreis)


class ConsentWithdrawForm(Form):
    withdrawn_on = date_field(_("withdrawn on"))


class AccessReasonForm(Form):
    reason = forms.CharField(
        label=_("reason for opening this case file"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is recorded in the audit log together with your name."),
    )


class SearchForm(Form):
    q = forms.CharField(
        label=_("Search by name, date of birth (dd.mm.yyyy) or case number"),
        required=False,
        max_length=200,
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("open", _("open")), ("closed", _("closed")), ("all", _("all"))],
    )
