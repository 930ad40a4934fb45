"""Forms of the case file. Validation of rules lives in the services; forms parse input."""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import CASEWORK_ROLES
from wegweiser.clients import choices
from wegweiser.clients.forms_duplicates import not_a_duplicate_field
from wegweiser.clients.languages import LANGUAGES
from wegweiser.clients.models import Client
from wegweiser.clients.services import CLIENT_FIELDS
from wegweiser.core.forms import Form, ModelForm, date_field
from wegweiser.organisations.models import Municipality

CLIENT_FORM_FIELDS = list(CLIENT_FIELDS)


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


# includes/field.html chooses its markup by ``BoundField.widget_type``, which is the widget's class
# name: the faster widgets keep the names of Django's.
_PlainSelect = type("Select", (_PlainOptionsMixin, forms.Select), {"__module__": __name__})
_PlainSelectMultiple = type(
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


_PlainCheckboxes = type(
    "CheckboxSelectMultiple",
    (_PlainInputOptionsMixin, forms.CheckboxSelectMultiple),
    {"__module__": __name__},
)
_PlainRadios = type(
    "RadioSelect", (_PlainInputOptionsMixin, forms.RadioSelect), {"__module__": __name__}
)


class ClientForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    birth_date = date_field(_("date of birth"), required=False)
    arrival_date = date_field(_("arrival in Germany"), required=False)
    residence_valid_until = date_field(_("residence permit valid until"), required=False)
    accommodation_since = date_field(_("in this accommodation since"), required=False)
    nationalities = forms.MultipleChoiceField(
        label=_("nationalities"),
        required=False,
        choices=lambda: list(countries),
        widget=_PlainSelectMultiple(attrs={"size": 6}),
        help_text=_("Several can be chosen with Ctrl or Cmd."),
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        required=False,
        choices=LANGUAGES,
        widget=_PlainCheckboxes,
    )
    interpreter_language = forms.ChoiceField(
        label=_("interpreter language"),
        required=False,
        choices=[("", "—"), *LANGUAGES],
        widget=_PlainSelect,
    )

    class Meta:
        model = Client
        fields = CLIENT_FORM_FIELDS
        widgets = {
            "birth_date_precision": _PlainRadios,
            "gender": _PlainRadios,
            "residence_status": _PlainSelect,
            "accommodation_phase": _PlainSelect,
            "municipality": _PlainSelect,
        }

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(kreis=kreis)
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
