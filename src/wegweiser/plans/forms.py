"""Forms of the integration plan. They parse input; the rules live in plans.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.core.forms import Form, date_field
from wegweiser.core.validators import validate_no_control_characters
from wegweiser.directory.models import Service
from wegweiser.plans.models import AgreementForm, GoalStatus, Priority, StepOwner, StepStatus
from wegweiser.plans.services import REVIEW_MONTHS_MAX, REVIEW_MONTHS_MIN

GOAL_TEXT_MAX = 2000
STEP_TEXT_MAX = 1000


class GoalForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_of_action = forms.ChoiceField(label=_("field of action"), choices=FieldOfAction.choices)
    text = forms.CharField(
        label=_("goal"),
        max_length=GOAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_control_characters],
        help_text=_("What the person wants to reach, in their words where possible."),
    )
    target_date = date_field(_("target date"), required=False)
    priority = forms.ChoiceField(
        label=_("priority"), choices=Priority.choices, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(label=_("status"), choices=GoalStatus.choices)
    reached_on = date_field(
        _("reached on"),
        required=False,
        help_text=_("Only for a reached goal; empty means today."),
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class StepForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("step"),
        max_length=STEP_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_control_characters],
    )
    owner = forms.ChoiceField(label=_("who"), choices=StepOwner.choices, widget=forms.RadioSelect)
    service = forms.ModelChoiceField(
        label=_("service from the directory"),
        required=False,
        queryset=Service.objects.none(),
        help_text=_("Only when a service does the step."),
    )
    due_on = date_field(_("by when"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=StepStatus.choices)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class AgreeForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agreed_on = date_field(_("agreed on"))
    agreement_form = forms.ChoiceField(
        label=_("how the client agreed"), choices=AgreementForm.choices, widget=forms.RadioSelect
    )
    review_interval_months = forms.IntegerField(
        label=_("review every (months)"),
        min_value=REVIEW_MONTHS_MIN,
        max_value=REVIEW_MONTHS_MAX,
        help_text=_("The next review appears on the desk when it is due."),
    )


class StatusForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField(max_length=20)
