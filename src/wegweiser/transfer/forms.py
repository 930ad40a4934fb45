"""Forms of the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.transfer.fields import fields_of
from wegweiser.transfer.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the file contain?"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.PERSONS,
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_(
            "Semicolon or comma separated, UTF-8 or Windows encoding; Excel files with a title "
            "above the table and merged header cells are fine. At most 50 MB."
        ),
    )


class ReadingForm(forms.Form):
    """Which sheet and which header row (when the automatic choice was wrong)."""

    sheet = forms.ChoiceField(label=_("sheet"), required=False)
    header_row = forms.IntegerField(
        label=_("header row"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("The row number of the column headings, as Excel shows it."),
    )

    def __init__(self, *args, sheets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(s, s) for s in sheets]
        if len(sheets) < 2:
            del self.fields["sheet"]


class MappingForm(forms.Form):
    """One choice of column per Wegweiser field, the responsible person for case files the file
    assigns to nobody, and a name to remember the assignment under."""

    def __init__(self, *args, kind: str, headers: list[str], responsibles, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("— not imported —"))] + [(h, h) for h in headers]
        self.kind = kind
        for f in fields_of(kind):
            self.fields[f"map_{f.key}"] = forms.ChoiceField(
                label=f.label,
                choices=columns,
                required=False,
                help_text=f.help,
            )
            self.fields[f"map_{f.key}"].required_field = f.required
        if kind == ImportKind.PERSONS:
            self.fields["default_responsible"] = forms.ModelChoiceField(
                label=_("responsible when the file names nobody"),
                queryset=responsibles,
                required=False,
                help_text=_(
                    "Case files whose row names no responsible integration manager are assigned "
                    "to this person. Without a choice such rows are refused."
                ),
            )
        self.fields["template_name"] = forms.CharField(
            label=_("remember this assignment as"),
            required=False,
            max_length=100,
            help_text=_(
                "With a name, the county's next file with the same columns is assigned the same "
                "way."
            ),
        )

    def mapping(self) -> dict[str, str]:
        return {
            name[4:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value
        }
