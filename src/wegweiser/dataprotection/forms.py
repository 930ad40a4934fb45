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


class RetentionRulesForm(Form):
    """The county's retention periods in months, one field per rule."""

    def __init__(self, *args, months: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        from wegweiser.dataprotection.models import RetentionKind

        for kind in RetentionKind:
            if kind == RetentionKind.REQUEST:
                continue  # no period: erased when confirmed
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label, min_value=1, max_value=240, initial=months[kind.value]
            )
            self.fields[kind.value].help_text = _("months")


class DecideForm(Form):
    proposals = forms.ModelMultipleChoiceField(
        queryset=None, to_field_name="uuid", widget=forms.MultipleHiddenInput
    )
    keep_reason = forms.CharField(
        label=_("reason for keeping"),
        required=False,
        max_length=1000,
        help_text=_("Only when keeping, for example a legal hold or a pending procedure."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = queryset
