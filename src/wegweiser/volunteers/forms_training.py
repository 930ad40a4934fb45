"""Forms of the training events. Rules live in services_training; forms parse input."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.core.forms import Form, GermanDecimalField, date_field
from wegweiser.funding.forms_county import UPLOAD_HINT
from wegweiser.funding.services import MAX_DOCUMENT_BYTES
from wegweiser.volunteers.services_training import EVENT_FIELDS

DATETIME_FORMATS = ["%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=_("Date and time, for example 03.02.2027 09:30."),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(format="%d.%m.%Y %H:%M", attrs={"autocomplete": "off"}),
    )


class EventForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the volunteers and printed on the certificate of attendance."),
    )
    provider = forms.CharField(label=_("provider"), max_length=200, required=False)
    place = forms.CharField(label=_("place"), max_length=200)
    starts_at = datetime_field(_("start"))
    ends_at = datetime_field(_("end"))
    hours = GermanDecimalField(
        label=_("hours"),
        min_value=Decimal("0.5"),
        max_digits=5,
        decimal_places=1,
        localize=True,
        help_text=_("Hours of training, for example 2,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    capacity = forms.IntegerField(
        label=_("places"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Left empty: no limit."),
    )
    registration_until = date_field(
        _("registration until"),
        required=False,
        help_text=_("Left empty: until the start."),
    )

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in EVENT_FIELDS}
        for name in ("title", "description", "provider", "place"):
            data[name] = data[name] or ""
        return data


def event_initial(event) -> dict:
    return {"version": event.version, **{name: getattr(event, name) for name in EVENT_FIELDS}}


class VersionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegistrationForm(Form):
    volunteer = forms.ModelChoiceField(label=_("volunteer"), queryset=None)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["volunteer"].to_field_name = "uuid"


ATTENDED = "1"
ABSENT = "0"


class AttendanceForm(Form):
    """One choice per registration (field name: the registration's UUID): attended, not
    attended, or left open (not recorded)."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        for registration in registrations:
            self.fields[str(registration.uuid)] = forms.ChoiceField(
                label=registration.volunteer.full_name,
                required=False,
                choices=[(ATTENDED, _("attended")), (ABSENT, _("did not attend"))],
                widget=forms.RadioSelect,
            )

    def attendance(self) -> dict[str, bool]:
        return {
            name: value == ATTENDED
            for name, value in self.cleaned_data.items()
            if value in (ATTENDED, ABSENT)
        }


class CertificateForm(Form):
    file = forms.FileField(label=_("certificate"), help_text=UPLOAD_HINT)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
