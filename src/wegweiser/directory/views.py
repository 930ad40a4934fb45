"""Views of the directory: thin, they parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegweiser.clients import rules as case_rules
from wegweiser.clients import selectors as case_selectors
from wegweiser.core.forms import call_service
from wegweiser.directory import hsds, pdf, rules, selectors, services
from wegweiser.directory.forms import (
    AttendanceForm,
    BookSlotForm,
    CourseForm,
    DeactivateForm,
    EnrolForm,
    FilterForm,
    ImportForm,
    ProviderForm,
    ReasonForm,
    ServiceForm,
    SlotForm,
)

PAGE_SIZE = 50


def service_list(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    # Services are no personal data: the filters are sent by GET, so a search can be bookmarked.
    form = FilterForm(request.GET or None, municipalities=selectors.municipalities(user=user))
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "field_of_action": data["field_of_action"],
            "language": data["language"],
            "municipality": data["municipality"],
            "include_inactive": data["inactive"] and rules.can_edit(user),
        }
    page = Paginator(selectors.service_list(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    if not rules.can_edit(user):
        form.fields.pop("inactive")
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "query_string": query.urlencode(),
        "can_edit": rules.can_edit(user),
        "can_import": rules.can_import(user),
        "nav": "directory",
    }
    template = "directory/_service_table.html" if request.htmx else "directory/service_list.html"
    return render(request, template, context)


def service_detail(request, uuid):
    service, access = selectors.service_get(user=request.user, uuid=uuid)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "can_edit": access is rules.Access.EDIT,
            "provider_access_edit": rules.access(request.user, service.provider)
            is rules.Access.EDIT,
            "slots": selectors.upcoming_slots(user=request.user, service=service),
            "courses": selectors.open_courses(user=request.user, service=service),
            "nav": "directory",
        },
    )


def _service_form(request, instance=None):
    user = request.user
    return ServiceForm(
        request.POST or None,
        instance=instance,
        providers=selectors.provider_list(user=user, editable=True),
        municipalities=selectors.municipalities(user=user),
        counties=selectors.counties(user=user),
    )


def service_create(request):
    if not rules.can_edit(request.user):
        raise PermissionDenied
    form = _service_form(request)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        service, ok = call_service(form, services.service_create, actor=request.user, **fields)
        if ok:
            messages.success(request, _("The service has been created."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "creating": True, "nav": "directory"},
    )


def _editable_service(request, uuid):
    service, access = selectors.service_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return service


def service_update(request, uuid):
    service = _editable_service(request, uuid)
    form = _service_form(request, instance=service)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        _result, ok = call_service(
            form,
            services.service_update,
            actor=request.user,
            service=service,
            version=form.cleaned_data["version"],
            **fields,
        )
        if ok:
            messages.success(request, _("The service has been saved."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "service": service, "nav": "directory"},
    )


def service_deactivate(request, uuid):
    service = _editable_service(request, uuid)
    form = DeactivateForm(request.POST or None, initial={"version": service.version})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.service_set_active,
            actor=request.user,
            service=service,
            version=form.cleaned_data["version"],
            active=False,
        )
        if ok:
            messages.success(request, _("The service has been deactivated."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_deactivate.html",
        {"form": form, "service": service, "nav": "directory"},
    )


@require_POST
def service_reactivate(request, uuid):
    service = _editable_service(request, uuid)
    try:
        services.service_set_active(actor=request.user, service=service, version=None, active=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The service has been reactivated."))
    return redirect("directory:service_detail", uuid=service.uuid)


def provider_create(request):
    if not rules.can_edit(request.user):
        raise PermissionDenied
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider, ok = call_service(
            form, services.provider_create, actor=request.user, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The provider has been created."))
            return redirect("directory:service_create")
    return render(
        request,
        "directory/provider_form.html",
        {"form": form, "creating": True, "nav": "directory"},
    )


def provider_update(request, uuid):
    provider, access = selectors.provider_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.provider_update,
            actor=request.user,
            provider=provider,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The provider has been saved."))
            return redirect("directory:service_list")
    return render(
        request,
        "directory/provider_form.html",
        {"form": form, "provider": provider, "nav": "directory"},
    )


def directory_import(request):
    if not rules.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result, ok = call_service(
            form, hsds.import_upload, actor=request.user, data=form.cleaned_data["file"].read()
        )
        if ok:
            messages.success(
                request,
                _(
                    "Import complete. Services created: %(created)s, updated: %(updated)s; "
                    "providers created: %(providers)s."
                )
                % {
                    "created": result.services_created,
                    "updated": result.services_updated,
                    "providers": result.providers_created,
                },
            )
            return redirect("directory:service_list")
    return render(request, "directory/import.html", {"form": form, "nav": "directory"})


@require_GET
def directory_export(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    kind = request.GET.get("format", "json")
    if kind not in ("json", "csv"):
        kind = "json"
    providers, service_qs = selectors.export_scope(user=user)
    tables = hsds.export_tables(providers, service_qs)
    scope = user.kreis.ags if user.kreis_id else f"land-{user.land.code.lower()}"
    name = f"wegweiser-angebote-{scope}"
    title = _("Services and regular services") + f" ({user.kreis or user.land})"
    services.export_recorded(actor=user, kind=kind, count=len(tables["service"]))
    if kind == "csv":
        body = hsds.to_csv_zip(tables, name=name, title=title)
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    else:
        body = hsds.to_json(tables, name=name, title=title)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@require_POST
def services_pdf(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    chosen = selectors.services_by_uuid(user=user, uuids=request.POST.getlist("angebot")[:100])
    if not chosen:
        messages.error(request, _("Please select at least one service for the overview."))
        return redirect("directory:service_list")
    body = pdf.services_overview(chosen, today=timezone.localdate())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="angebote.pdf"'
    return response


# --- Offers with capacity -------------------------------------------------------------------


def slot_create(request, uuid):
    service = _editable_service(request, uuid)
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slot, ok = call_service(
            form,
            services.slot_create,
            actor=request.user,
            service=service,
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            place=data["place"],
            online=data["online"],
            capacity=data["capacity"],
        )
        if ok:
            messages.success(request, _("The appointment has been created."))
            return redirect("directory:slot_detail", uuid=slot.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {"form": form, "service": service, "heading": _("New appointment"), "nav": "directory"},
    )


def course_create(request, uuid):
    service = _editable_service(request, uuid)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course, ok = call_service(
            form, services.course_create, actor=request.user, service=service, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The course has been created."))
            return redirect("directory:course_detail", uuid=course.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {"form": form, "service": service, "heading": _("New course"), "nav": "directory"},
    )


def _administered_slot(request, uuid):
    slot, access = selectors.slot_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return slot


def slot_detail(request, uuid):
    """Administration of one slot: the bookings, attendance after the slot time."""
    slot = _administered_slot(request, uuid)
    return render(
        request,
        "directory/slot_detail.html",
        {
            "slot": slot,
            "service": slot.service,
            "bookings": selectors.slot_bookings(user=request.user, slot=slot),
            "past": slot.starts_at <= timezone.now(),
            "nav": "directory",
        },
    )


@require_POST
def booking_outcome(request, uuid):
    booking = selectors.booking_get(user=request.user, uuid=uuid)
    try:
        services.booking_record_outcome(
            actor=request.user, booking=booking, attended=request.POST.get("attended") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The attendance has been recorded."))
    if rules.access(request.user, booking.slot.service) is rules.Access.EDIT:
        return redirect("directory:slot_detail", uuid=booking.slot.uuid)
    return redirect("directory:case_appointments", uuid=booking.case.uuid)


def booking_cancel(request, uuid):
    booking = selectors.booking_get(user=request.user, uuid=uuid)
    if case_rules.case_access(request.user, booking.case) is not case_rules.Access.EDIT:
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = True
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.booking_cancel,
            actor=request.user,
            booking=booking,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("The appointment has been cancelled."))
            return redirect("directory:case_appointments", uuid=booking.case.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {"form": form, "case": booking.case, "heading": _("Cancel appointment"), "nav": "cases"},
    )


def course_detail(request, uuid):
    """Administration of one course: participants, offers, waiting list, attendance."""
    course, access = selectors.course_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return render(
        request,
        "directory/course_detail.html",
        {
            "course": course,
            "service": course.service,
            "today": timezone.localdate(),
            "attendance_form": AttendanceForm(initial={"on": timezone.localdate()}),
            **selectors.course_participants(user=request.user, course=course),
            "nav": "directory",
        },
    )


@require_POST
def course_process_offers(request, uuid):
    course, access = selectors.course_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    count = services.course_process_offers(actor=request.user, course=course)
    messages.success(request, _("Offers past their answer date: %(count)s.") % {"count": count})
    return redirect("directory:course_detail", uuid=course.uuid)


def enrolment_end(request, uuid):
    enrolment = selectors.enrolment_get(user=request.user, uuid=uuid)
    by_case = case_rules.case_access(request.user, enrolment.case) is case_rules.Access.EDIT
    if not by_case and not services.may_remove(request.user, enrolment):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.enrolment_end,
            actor=request.user,
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("The registration has been ended."))
            if by_case:
                return redirect("directory:case_appointments", uuid=enrolment.case.uuid)
            return redirect("directory:course_detail", uuid=enrolment.course.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {
            "form": form,
            "case": enrolment.case if by_case else None,
            "heading": _("End registration"),
            "nav": "cases" if by_case else "directory",
        },
    )


@require_POST
def enrolment_answer(request, uuid):
    enrolment = selectors.enrolment_get(user=request.user, uuid=uuid)
    try:
        services.enrolment_answer_offer(
            actor=request.user, enrolment=enrolment, accept=request.POST.get("accept") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The answer has been recorded."))
    return redirect("directory:case_appointments", uuid=enrolment.case.uuid)


@require_POST
def enrolment_attendance(request, uuid):
    enrolment = selectors.enrolment_get(user=request.user, uuid=uuid)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_record_attendance(
                actor=request.user,
                enrolment=enrolment,
                on=form.cleaned_data["on"],
                attended=request.POST.get("attended", "1") == "1",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attendance has been recorded."))
    else:
        messages.error(request, _("Please enter a valid date."))
    return redirect("directory:course_detail", uuid=enrolment.course.uuid)


def case_appointments(request, uuid):
    """The bookings and course registrations of a case."""
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    if access is case_rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request,
        "directory/case_appointments.html",
        {
            "case": case,
            "can_edit": access is case_rules.Access.EDIT,
            "bookings": selectors.bookings_of_case(case),
            "enrolments": selectors.enrolments_of_case(case),
            "now": timezone.now(),
            "nav": "cases",
        },
    )


def _editable_case(request, uuid):
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    if access is not case_rules.Access.EDIT:
        raise PermissionDenied
    return case


def case_book_slot(request, uuid):
    case = _editable_case(request, uuid)
    form = BookSlotForm(request.POST or None, slots=selectors.bookable_slots(user=request.user))
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.slot_book, actor=request.user, slot=form.chosen(), case=case
        )
        if ok:
            messages.success(request, _("The appointment has been booked."))
            return redirect("directory:case_appointments", uuid=case.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {"form": form, "case": case, "heading": _("Book an appointment"), "nav": "cases"},
    )


def case_enrol(request, uuid):
    case = _editable_case(request, uuid)
    form = EnrolForm(request.POST or None, courses=selectors.open_courses(user=request.user))
    if request.method == "POST" and form.is_valid():
        enrolment, ok = call_service(
            form, services.course_enrol, actor=request.user, course=form.chosen(), case=case
        )
        if ok:
            if enrolment.status == "waiting":
                messages.success(
                    request, _("The course is full: the person is on the waiting list.")
                )
            else:
                messages.success(request, _("The person has been enrolled."))
            return redirect("directory:case_appointments", uuid=case.uuid)
    return render(
        request,
        "directory/capacity_form.html",
        {"form": form, "case": case, "heading": _("Enrol in a course"), "nav": "cases"},
    )
