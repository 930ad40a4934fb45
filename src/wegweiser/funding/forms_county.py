"""Forms of the county side of the funding administration. They parse input (amounts with a
decimal comma, uploads); the rules (frame, deadline, signed form, totals) live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, GermanDecimalField
from wegweiser.funding.selectors import format_amount

# Empty pass-through rows offered below the recorded ones (no JavaScript needed).
EXTRA_ROWS = 5
MAX_ROWS = 50
UPLOAD_HINT = _("PDF, PNG or JPEG, at most 10 MB.")


def money_field(label, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return GermanDecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ApplicationForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    amount = money_field(_("amount applied for (EUR)"))
    posts = GermanDecimalField(
        label=_("posts (full-time equivalents)"),
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=6,
        decimal_places=2,
        localize=True,
        help_text=_("For example 1,5 for one and a half posts."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    planned_uses = forms.CharField(
        label=_("planned uses"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    signed_form = forms.FileField(label=_("signed application form"), required=False)

    def __init__(self, *args, frame_amount: Decimal | None, has_signed_form: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if frame_amount is not None:
            self.fields["amount"].help_text = _("Your county's planning frame: %(amount)s EUR.") % {
                "amount": format_amount(frame_amount)
            }
        hint = UPLOAD_HINT
        if has_signed_form:
            hint = _("A signed form has been uploaded; a new file replaces it. %(hint)s") % {
                "hint": UPLOAD_HINT
            }
        self.fields["signed_form"].help_text = hint


class PassThroughRowForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("recipient (provider or municipality of the county)"),
        required=False,
        queryset=None,
        to_field_name="uuid",
        empty_label=_("– other recipient, see below –"),
    )
    recipient_name = forms.CharField(label=_("or other recipient"), required=False, max_length=200)
    planned = money_field(_("planned amount (EUR)"), required=False)

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = recipients

    def row(self) -> dict | None:
        """The row for the service, ``None`` for an empty row."""
        data = getattr(self, "cleaned_data", None) or {}
        organisation = data.get("organisation")
        name = (data.get("recipient_name") or "").strip()
        planned = data.get("planned")
        if organisation is None and not name and planned is None:
            return None
        return {"organisation": organisation, "recipient_name": name, "planned": planned}


PassThroughFormSet = forms.formset_factory(
    PassThroughRowForm, extra=EXTRA_ROWS, max_num=MAX_ROWS, validate_max=True
)


class PaidForm(Form):
    """The amounts passed on so far, one field per recipient (``paid_<pk>``)."""

    def __init__(self, *args, pass_throughs, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(pass_throughs)
        for row in self.rows:
            self.fields[f"paid_{row.pk}"] = money_field(row.recipient_name)
            self.fields[f"paid_{row.pk}"].initial = row.paid
            self.fields[f"paid_{row.pk}"].help_text = _("planned: %(amount)s EUR") % {
                "amount": format_amount(row.planned)
            }

    def changes(self) -> list[tuple[object, Decimal]]:
        """(pass-through, new amount) of the changed rows, lowered amounts first (so that moving
        money from one recipient to another never exceeds the grant on the way)."""
        changed = [
            (row, self.cleaned_data[f"paid_{row.pk}"])
            for row in self.rows
            if self.cleaned_data.get(f"paid_{row.pk}") is not None
            and self.cleaned_data[f"paid_{row.pk}"] != row.paid
        ]
        return sorted(changed, key=lambda item: item[1] - item[0].paid)


class ProofForm(Form):
    spent = money_field(_("amount spent (EUR)"))
    narrative = forms.FileField(label=_("narrative report"), required=False)

    def __init__(self, *args, has_narrative: bool, **kwargs):
        super().__init__(*args, **kwargs)
        hint = UPLOAD_HINT
        if has_narrative:
            hint = _("A report has been uploaded; a new file replaces it. %(hint)s") % {
                "hint": UPLOAD_HINT
            }
        self.fields["narrative"].help_text = hint
