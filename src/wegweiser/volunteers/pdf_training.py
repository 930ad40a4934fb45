"""The attendance certificate (Teilnahmebescheinigung) of a training event, rendered with
WeasyPrint from an HTML template in German on A4, the way funding.pdf renders its documents: no
external resources (styles in the template, fonts from the system), a pure function; the
selector checks the rights and audits the download."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from wegweiser.volunteers.models import TrainingRegistration


def _no_fetch(url, *args, **kwargs):
    raise ValueError("external resources are not allowed")


def attendance_certificate_pdf(registration: TrainingRegistration) -> bytes:
    """The certificate of an attended registration: the volunteer, the event (title, provider,
    date and time, place, hours, contents) and the county that issues it."""
    from weasyprint import HTML

    event = registration.event
    with translation.override("de"), timezone.override("Europe/Berlin"):
        starts = timezone.localtime(event.starts_at)
        ends = timezone.localtime(event.ends_at)
        html = render_to_string(
            "volunteers/training_certificate_pdf.html",
            {
                "registration": registration,
                "volunteer": registration.volunteer,
                "event": event,
                "kreis": registration.kreis,
                "starts": starts,
                "ends": ends,
                "one_day": starts.date() == ends.date(),
                "today": timezone.localdate(),
            },
        )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def attendance_certificate_file_name(registration: TrainingRegistration) -> str:
    return f"teilnahmebescheinigung-{str(registration.uuid)[:8]}.pdf"
