"""Forms of the funding authority: programme, basis data, deadline extension, decisions,
payouts, proof of use. Amounts are typed the German way ("8.000.000,00" or "8000000") and become
``Decimal``; the services check the rules, their refusals appear beside the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, date_field, parse_amount
from wegweiser.funding.models import BasisKind, Rounding
from wegweiser.funding.selectors import format_amount

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class MoneyField(forms.Field):
    """An amount in euros and cents (German or plain notation)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("maxlength", "30")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_amount(value)
        return value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except ValueError:
            raise ValidationError(
                _("Please enter an amount in euros, e.g. 1.234.567,89."), code="invalid"
            ) from None
        if amount < 0:
            raise ValidationError(_("An amount cannot be negative."), code="negative")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(_("Amounts are given in euros and cents."), code="cents")
        if amount >= Decimal("1000000000000"):
            raise ValidationError(_("The amount is too large."), code="large")
        return amount.quantize(Decimal("0.01"))


class PercentField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _percent_of(share) -> Decimal | None:
    if share in (None, ""):
        return None
    value = Decimal(str(share)) * 100
    if value == value.to_integral_value():
        return value.quantize(Decimal("1"))
    return value.quantize(Decimal("0.1"))


class ProgrammeForm(VersionMixin, Form):
    """A programme with its allocation key. The key combines a share by inhabitants and a share
    by refugees (in %, together 100), and/or a flat amount per county or per post, with optional
    floor, cap and change limit (the previous year's programme is then needed)."""

    name = forms.CharField(label=_("Name of the programme"), max_length=200)
    year = forms.IntegerField(label=_("Funding year"), min_value=2000, max_value=2100)
    period_start = date_field(_("Funding period from"))
    period_end = date_field(_("Funding period until"))
    budget = MoneyField(label=_("Budget (EUR)"))
    purpose = forms.CharField(
        label=_("Purpose and eligible uses"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the Stadt- und Landkreise; whether funds may be passed on."),
    )
    application_deadline = date_field(_("Application deadline"))
    proof_deadline = date_field(_("Proof of use due"), required=False)
    weight_inhabitants = PercentField(
        label=_("Share allocated by inhabitants (%)"),
        required=False,
        help_text=_("The shares by inhabitants and by refugees add up to 100 %."),
    )
    weight_refugees = PercentField(label=_("Share allocated by refugees (%)"), required=False)
    flat_per_body = MoneyField(
        label=_("Flat amount per county (EUR)"),
        required=False,
        help_text=_("Paid to every county first; the rest is distributed by the shares."),
    )
    per_post = MoneyField(label=_("Flat amount per post (EUR)"), required=False)
    floor = MoneyField(label=_("Minimum per county (EUR)"), required=False)
    cap = MoneyField(label=_("Maximum per county (EUR)"), required=False)
    max_change = PercentField(
        label=_("Largest change against the previous year (%)"),
        required=False,
        help_text=_("Needs the previous year's programme."),
    )
    previous = forms.ModelChoiceField(
        label=_("Previous year's programme"), queryset=None, required=False
    )
    rounding = forms.ChoiceField(
        label=_("Rounding"), choices=Rounding.choices, initial=Rounding.EURO
    )
    instalments = forms.IntegerField(
        label=_("Payout instalments"), min_value=1, max_value=12, initial=2
    )
    basis = forms.ModelMultipleChoiceField(
        label=_("Basis data of the allocation"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One dataset per kind; a flat amount needs a dataset to know the counties."),
    )

    def __init__(self, *args, previous_qs, basis_qs, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(instance)
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = previous_qs
        self.fields["basis"].queryset = basis_qs
        self.fields["basis"].label_from_instance = lambda b: f"{b} – {b.source}"

    @staticmethod
    def initial_of(programme) -> dict:
        weights = programme.weights or {}
        initial = {
            name: getattr(programme, name)
            for name in (
                "name",
                "year",
                "period_start",
                "period_end",
                "budget",
                "purpose",
                "recipients",
                "application_deadline",
                "proof_deadline",
                "flat_per_body",
                "per_post",
                "floor",
                "cap",
                "rounding",
                "instalments",
                "version",
            )
        }
        initial["previous"] = programme.previous_id
        initial["basis"] = list(programme.basis.values_list("pk", flat=True))
        initial["weight_inhabitants"] = _percent_of(weights.get(BasisKind.INHABITANTS))
        initial["weight_refugees"] = _percent_of(weights.get(BasisKind.REFUGEES))
        initial["max_change"] = _percent_of(programme.max_change)
        return initial

    def clean(self):
        data = super().clean()
        inhabitants = data.get("weight_inhabitants") or Decimal("0")
        refugees = data.get("weight_refugees") or Decimal("0")
        if "weight_inhabitants" in data and "weight_refugees" in data:
            total = inhabitants + refugees
            if total and total != 100:
                self.add_error(
                    "weight_refugees",
                    _("The shares by inhabitants and by refugees must add up to 100 %."),
                )
            if not total and not data.get("flat_per_body") and not data.get("per_post"):
                self.add_error(
                    "weight_inhabitants",
                    _("Please give the shares of the key, a flat amount per county or per post."),
                )
        basis = data.get("basis") or []
        kinds = [b.kind for b in basis]
        duplicates = {k for k in kinds if kinds.count(k) > 1}
        if duplicates:
            self.add_error("basis", _("Please choose one dataset per kind."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        weights = {}
        for kind, name in (
            (BasisKind.INHABITANTS, "weight_inhabitants"),
            (BasisKind.REFUGEES, "weight_refugees"),
        ):
            if data.get(name):
                weights[str(kind)] = format((data[name] / 100).normalize(), "f")
        max_change = data.get("max_change")
        return {
            "name": data["name"],
            "year": data["year"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "budget": data["budget"],
            "purpose": data["purpose"],
            "recipients": data["recipients"],
            "application_deadline": data["application_deadline"],
            "proof_deadline": data["proof_deadline"],
            "weights": weights,
            "flat_per_body": data["flat_per_body"],
            "per_post": data["per_post"],
            "floor": data["floor"],
            "cap": data["cap"],
            "max_change": None
            if max_change is None
            else (max_change / 100).quantize(Decimal("0.001")),
            "rounding": data["rounding"],
            "previous": data["previous"],
            "instalments": data["instalments"],
            "version": data.get("version"),
        }


class BasisUploadForm(Form):
    kind = forms.ChoiceField(label=_("Kind of basis data"), choices=BasisKind.choices)
    reference_date = date_field(
        _("Reference date (or end of the reference period)"),
    )
    period_start = date_field(_("Start of the reference period"), required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("E.g. Statistisches Landesamt, Bevölkerungsstand 31.12.2021."),
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns AGS (Kreisschlüssel) and value; one row per county of the state, the "
            "header in the first row."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class BasisReferenceForm(Form):
    reference_date = forms.TypedChoiceField(label=_("Reference date"), coerce=str, choices=())

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_date"].choices = [
            (d.isoformat(), d.strftime("%d.%m.%Y")) for d in dates
        ]


class ExtensionForm(Form):
    kreis = forms.ModelChoiceField(label=_("County"), queryset=None)
    until = date_field(_("Extended until"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].queryset = counties


class NoteForm(VersionMixin, Form):
    note = forms.CharField(
        label=_("Note to the county"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class GrantForm(VersionMixin, Form):
    amount = MoneyField(label=_("Amount granted (EUR)"))
    first_due = date_field(
        _("First instalment due on"),
        required=False,
        help_text=_("Empty: the start of the funding period or today, whichever is later."),
    )
    note = forms.CharField(
        label=_("Note to the county"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaidForm(Form):
    paid_on = date_field(_("Paid on"))


class ProofDecisionForm(Form):
    """The note; the decision is the button pressed (``decision=accept|correction``)."""

    note = forms.CharField(
        label=_("Note to the county"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you ask for a correction."),
    )
