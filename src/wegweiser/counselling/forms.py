from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.clients.models import Client
from wegweiser.core.forms import Form, date_field
from wegweiser.counselling.models import MAX_DURATION_MINUTES, NOTE_MAX, SUMMARY_MAX, Channel


class SessionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    held_on = date_field(_("date"))
    duration_minutes = forms.IntegerField(
        label=_("duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES
    )
    channel = forms.ChoiceField(
        label=_("channel"), choices=Channel.choices, widget=forms.RadioSelect
    )
    interpreter_used = forms.BooleanField(label=_("with interpreter"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("interpreter language"), required=False, choices=[("", "—"), *LANGUAGES]
    )
    fields_of_action = forms.MultipleChoiceField(
        label=_("fields of action"),
        choices=FieldOfAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    members_present = forms.ModelMultipleChoiceField(
        label=_("household members present"),
        required=False,
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("short summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown in lists and the timeline. No health details here."),
    )
    confidential_note = forms.CharField(
        label=_("confidential note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Health, trauma or residence matters. Stored encrypted, never shown in lists, search "
            "or exports."
        ),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        client = case.client
        if client.household_id:
            self.fields["members_present"].queryset = Client.objects.filter(
                household_id=client.household_id
            ).exclude(pk=client.pk)
            self.fields["members_present"].label_from_instance = lambda c: c.full_name
        else:
            del self.fields["members_present"]
        self.fields["interpreter_used"].widget.attrs["data-toggles"] = "id_interpreter_language"

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["members_present"] = list(data.get("members_present") or [])
        return data
