"""Forms of the data protection pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, date_field


class CaseNumberForm(Form):
    number = forms.CharField(
        label=_("case number"), max_length=30, help_text=_("For example 2026-0042.")
    )


class AuskunftForm(Form):
    reference = forms.CharField(
        label=_("reference of the request"),
        max_length=100,
        required=False,
        help_text=_(
            "For example the file number of the request. Needed for the data protection officer."
        ),
    )
    fmt = forms.ChoiceField(
        label=_("format"),
        choices=[("pdf", _("PDF (readable)")), ("json", _("JSON (machine-readable)"))],
        widget=forms.RadioSelect,
        initial="pdf",
    )


class RestrictionForm(Form):
    requested_on = date_field(_("requested on"))
    reason = forms.CharField(
        label=_("reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the person contests the accuracy of their data (Art. 18 (1) a GDPR)."
        ),
    )
