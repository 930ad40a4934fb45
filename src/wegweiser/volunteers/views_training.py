"""Views of the training events (Qualifizierung): thin, they parse input, call one service or
selector, render. The coordination's pages under /ehrenamt/fortbildungen/, the certificate of a
qualification, and the volunteer's own pages under /ehrenamt/mein/fortbildungen/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegweiser.core.forms import call_service
from wegweiser.volunteers import rules
from wegweiser.volunteers import selectors_training as selectors
from wegweiser.volunteers import services_training as services
from wegweiser.volunteers.forms_training import (
    AttendanceForm,
    CertificateForm,
    EventForm,
    RegistrationForm,
    VersionForm,
    event_initial,
)
from wegweiser.volunteers.pdf_training import (
    attendance_certificate_file_name,
    attendance_certificate_pdf,
)

NAV = "volunteers"
PAST_SHOWN = 50
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _managed_event(request, uuid):
    event, can_manage = selectors.event_get(user=request.user, uuid=uuid)
    if not can_manage:
        raise PermissionDenied
    return event


# --- the coordination's pages -------------------------------------------------------------------


@require_GET
def training_event_list(request):
    user = request.user
    upcoming = selectors.event_list(user=user)
    past = selectors.event_list(user=user, upcoming=False)[:PAST_SHOWN]
    return render(
        request,
        "volunteers/training_event_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "past_shown": PAST_SHOWN,
            "can_manage": rules.can_manage(user),
            "nav": NAV,
        },
    )


def training_event_create(request):
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event, ok = call_service(
            form, services.event_create, actor=request.user, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The training event has been added."))
            return redirect("volunteers:training_event_detail", uuid=event.uuid)
    return render(
        request,
        "volunteers/training_event_form.html",
        {"form": form, "creating": True, "nav": NAV},
    )


@require_GET
def training_event_detail(request, uuid):
    event, can_manage = selectors.event_get(user=request.user, uuid=uuid)
    registrations = list(selectors.event_registrations(event))
    started = services.has_started(event)
    cancelled = event.cancelled_at is not None
    return render(
        request,
        "volunteers/training_event_detail.html",
        {
            "event": event,
            "registrations": registrations,
            "can_manage": can_manage,
            "started": started,
            "cancelled": cancelled,
            "registration_closed": services.registration_closed(event),
            "full": event.capacity is not None and event.registered >= event.capacity,
            "can_record_attendance": can_manage and started and not cancelled,
            "nav": NAV,
        },
    )


def training_event_update(request, uuid):
    event = _managed_event(request, uuid)
    if event.cancelled_at is not None:
        messages.error(request, _("This training event has been cancelled."))
        return redirect("volunteers:training_event_detail", uuid=event.uuid)
    form = EventForm(request.POST or None, initial=event_initial(event))
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.event_update,
            actor=request.user,
            event=event,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The training event has been saved."))
            return redirect("volunteers:training_event_detail", uuid=event.uuid)
    return render(
        request,
        "volunteers/training_event_form.html",
        {"form": form, "event": event, "nav": NAV},
    )


def training_event_cancel(request, uuid):
    event = _managed_event(request, uuid)
    form = VersionForm(request.POST or None, initial={"version": event.version})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.event_cancel,
            actor=request.user,
            event=event,
            version=form.cleaned_data["version"],
        )
        if ok:
            messages.success(request, _("The training event has been cancelled."))
            return redirect("volunteers:training_event_detail", uuid=event.uuid)
    return render(
        request,
        "volunteers/training_event_cancel.html",
        {"form": form, "event": event, "nav": NAV},
    )


def training_registration_create(request, uuid):
    event = _managed_event(request, uuid)
    form = RegistrationForm(
        request.POST or None,
        volunteers=selectors.volunteers_to_register(user=request.user, event=event),
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.registration_add,
            actor=request.user,
            event=event,
            volunteer=form.cleaned_data["volunteer"],
        )
        if ok:
            messages.success(request, _("The volunteer has been registered."))
            return redirect("volunteers:training_event_detail", uuid=event.uuid)
    return render(
        request,
        "volunteers/training_registration_form.html",
        {"form": form, "event": event, "nav": NAV},
    )


@require_POST
def training_registration_cancel(request, uuid):
    registration = selectors.registration_get(user=request.user, uuid=uuid)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The registration has been cancelled."))
    return redirect("volunteers:training_event_detail", uuid=registration.event.uuid)


@require_POST
def training_attendance(request, uuid):
    event = _managed_event(request, uuid)
    form = AttendanceForm(request.POST, registrations=selectors.event_registrations(event))
    if not form.is_valid():
        messages.error(request, _("Please choose for each volunteer whether they attended."))
        return redirect("volunteers:training_event_detail", uuid=event.uuid)
    try:
        services.attendance_record(actor=request.user, event=event, attendance=form.attendance())
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The attendance has been saved."))
    return redirect("volunteers:training_event_detail", uuid=event.uuid)


@require_GET
def training_certificate(request, uuid):
    """The generated certificate of attendance (PDF) of an attended registration: for the
    coordination and the volunteer themselves; the download is audited (in the selector)."""
    registration = selectors.attendance_certificate(user=request.user, uuid=uuid)
    return _file(
        attendance_certificate_pdf(registration),
        "application/pdf",
        attendance_certificate_file_name(registration),
    )


# --- the certificate of a qualification ---------------------------------------------------------


def qualification_certificate(request, uuid, q_uuid):
    qualification = selectors.qualification_get(user=request.user, volunteer_uuid=uuid, uuid=q_uuid)
    volunteer = qualification.volunteer
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _result, ok = call_service(
            form,
            services.qualification_certificate_attach,
            actor=request.user,
            qualification=qualification,
            name=upload.name,
            content=upload.read(),
        )
        if ok:
            messages.success(request, _("The certificate has been uploaded."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/training_qualification_certificate.html",
        {"form": form, "volunteer": volunteer, "qualification": qualification, "nav": NAV},
    )


@require_GET
def qualification_certificate_download(request, uuid, q_uuid):
    document = selectors.certificate_download(user=request.user, volunteer_uuid=uuid, uuid=q_uuid)
    return _file(
        bytes(document.content),
        document.content_type,
        f"nachweis-{str(q_uuid)[:8]}.{EXTENSIONS[document.content_type]}",
    )


# --- the volunteer's own pages ------------------------------------------------------------------


@require_GET
def my_training(request):
    user = request.user
    return render(
        request,
        "volunteers/training_mine.html",
        {
            "volunteer": selectors.require_own_volunteer(user),
            "events": selectors.events_for_volunteer(user=user),
            "qualifications": selectors.qualifications_for_volunteer(user=user),
            "now": timezone.now(),
            "nav": "portal",
        },
    )


@require_POST
def my_training_register(request, uuid):
    volunteer = selectors.require_own_volunteer(request.user)
    event = selectors.portal_event_get(user=request.user, uuid=uuid)
    try:
        services.registration_add(actor=request.user, event=event, volunteer=volunteer)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("You are registered for the training event."))
    return redirect("volunteers:my_training")


@require_POST
def my_training_cancel(request, uuid):
    event = selectors.portal_event_get(user=request.user, uuid=uuid)
    registration = selectors.own_registration(user=request.user, event=event)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect("volunteers:my_training")
