"""Forms of the directory. Rules live in the services; forms parse input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.forms import Form, ModelForm, date_field
from wegweiser.directory import hsds
from wegweiser.directory.models import Service, ServiceProvider
from wegweiser.directory.services import PROVIDER_FIELDS, SERVICE_FIELDS


class FilterForm(Form):
    q = forms.CharField(label=_("Search text"), required=False, max_length=200)
    field_of_action = forms.ChoiceField(
        label=_("field of action"),
        required=False,
        choices=[("", _("all")), *FieldOfAction.choices],
    )
    language = forms.ChoiceField(
        label=_("language"), required=False, choices=[("", _("all")), *LANGUAGES]
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality"), required=False, queryset=None, empty_label=_("all")
    )
    inactive = forms.BooleanField(label=_("show deactivated services"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].to_field_name = "uuid"


def _website_field() -> forms.URLField:
    return forms.URLField(label=_("website"), required=False, max_length=200, assume_scheme="https")


class ProviderForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = _website_field()

    class Meta:
        model = ServiceProvider
        fields = list(PROVIDER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in PROVIDER_FIELDS}


class ServiceForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = _website_field()
    provider = forms.ModelChoiceField(label=_("service provider"), queryset=None)
    fields_of_action = forms.MultipleChoiceField(
        label=_("fields of action"),
        required=False,
        choices=FieldOfAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    counties_served = forms.ModelMultipleChoiceField(
        label=_("counties served"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = ["provider", *SERVICE_FIELDS, "counties_served"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, providers, municipalities, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["municipality"].queryset = municipalities
        self.fields["counties_served"].queryset = counties
        self.fields["opening_hours"].help_text = _(
            "For example 'Mo–Fr 8–12 Uhr'. Tick below if visits are only by appointment."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in SERVICE_FIELDS}
        for name in SERVICE_FIELDS:
            if data[name] is None and name not in ("municipality",):
                data[name] = ""
        data["by_appointment_only"] = bool(self.cleaned_data.get("by_appointment_only"))
        data["fields_of_action"] = list(data["fields_of_action"] or [])
        data["languages"] = list(data["languages"] or [])
        data["provider"] = self.cleaned_data["provider"]
        data["counties_served"] = list(self.cleaned_data.get("counties_served") or [])
        return data


class DeactivateForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_("A JSON data package (.json) or a ZIP file of CSV tables (.zip), UTF-8."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > hsds.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


# --- Offers with capacity -------------------------------------------------------------------


class SlotForm(Form):
    starts_at = forms.DateTimeField(
        label=_("starts at"),
        help_text=_("Date and time, for example 03.02.2027 09:30."),
        input_formats=["%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format="%d.%m.%Y %H:%M", attrs={"autocomplete": "off"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("duration (minutes)"), initial=30, min_value=5, max_value=480
    )
    place = forms.CharField(label=_("place"), required=False, max_length=200)
    online = forms.BooleanField(label=_("online"), required=False)
    capacity = forms.IntegerField(label=_("capacity"), initial=1, min_value=1, max_value=100)


class CourseForm(Form):
    title = forms.CharField(label=_("title"), max_length=200)
    starts_on = date_field(_("starts on"))
    ends_on = date_field(_("ends on"))
    places = forms.IntegerField(label=_("places"), min_value=1, max_value=500)
    answer_days = forms.IntegerField(
        label=_("days to answer an offered place"), initial=7, min_value=1, max_value=60
    )
    place = forms.CharField(label=_("place"), required=False, max_length=200)


class ReasonForm(Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class BookSlotForm(Form):
    slot = forms.ChoiceField(label=_("appointment"))

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {str(s.uuid): s for s in slots}
        self.fields["slot"].choices = [
            (
                key,
                f"{s.service.name}: {timezone.localtime(s.starts_at):%d.%m.%Y %H:%M} "
                f"({s.capacity - s.booked}/{s.capacity})",
            )
            for key, s in self.slots.items()
        ]

    def chosen(self):
        return self.slots[self.cleaned_data["slot"]]


class EnrolForm(Form):
    course = forms.ChoiceField(label=_("course"))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = {str(c.uuid): c for c in courses}
        self.fields["course"].choices = [
            (
                key,
                f"{c.title} ({c.service.name}, {c.starts_on:%d.%m.%Y}–{c.ends_on:%d.%m.%Y})",
            )
            for key, c in self.courses.items()
        ]

    def chosen(self):
        return self.courses[self.cleaned_data["course"]]


class AttendanceForm(Form):
    on = date_field(_("date"))
