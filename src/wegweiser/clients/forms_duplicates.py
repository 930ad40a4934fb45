"""Forms of the duplicate check and the merge of two case files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form

NOT_A_DUPLICATE_LABEL = _("None of these persons is the person I am recording: create anyway")


def not_a_duplicate_field() -> forms.BooleanField:
    """The confirmation the intake form asks for when it found likely duplicates."""
    return forms.BooleanField(label=NOT_A_DUPLICATE_LABEL, required=False)


class CaseMergeForm(Form):
    other = forms.ChoiceField(
        label=_("the other case file of the same person"), widget=forms.RadioSelect
    )
    stays = forms.ChoiceField(
        label=_("which case file stays"),
        widget=forms.RadioSelect,
        choices=[
            ("this", _("this case file (the other one is merged into it)")),
            ("other", _("the other case file (this one is merged into it)")),
        ],
        initial="this",
    )
    confirm = forms.BooleanField(
        label=_(
            "Both case files are about the same person. Sessions, plan, referrals, consents "
            "and volunteer support are moved; the merged case file is closed."
        ),
        required=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, others: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = others
