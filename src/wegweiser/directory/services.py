"""Every write of the directory. Each service runs in one transaction, checks the actor's
rights, validates, and writes the audit entry."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event, audit_record
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.directory import rules
from wegweiser.directory.models import (
    ACTIVE_ENROLMENT,
    TAKING_A_PLACE,
    BookingStatus,
    ConsultationSlot,
    Course,
    Enrolment,
    EnrolmentStatus,
    Service,
    ServiceKind,
    ServiceProvider,
    SlotBooking,
)

PROVIDER_FIELDS = ("name", "description", "email", "website", "phone", "external_id")
SERVICE_FIELDS = (
    "name",
    "kind",
    "description",
    "fields_of_action",
    "languages",
    "street",
    "postal_code",
    "city",
    "municipality",
    "contact_name",
    "phone",
    "email",
    "website",
    "opening_hours",
    "by_appointment_only",
    "accessibility",
    "costs",
    "eligibility",
    "external_id",
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)

# A cell that a spreadsheet would run as a formula (CSV/formula injection). A leading + or - is
# allowed only for something that looks like a phone number or a number ("+49 7571 102-0").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s()/.\-]+$")


def looks_like_formula(value) -> bool:
    if not isinstance(value, str) or not value or not value.startswith(_FORMULA_START):
        return False
    return not (value[0] in "+-" and _NUMBER_LIKE.match(value))


def _check_formulas(obj, names) -> None:
    errors = {}
    for name in names:
        if looks_like_formula(getattr(obj, name, None)):
            errors[name] = _("The text must not start with =, +, -, @ (spreadsheet formula).")
    if errors:
        raise ValidationError(errors)


def _require_edit(actor, entry) -> None:
    access = rules.access(actor, entry)
    if access is rules.Access.NONE:
        raise Http404
    if access is not rules.Access.EDIT:
        raise PermissionDenied


def _require_create(actor) -> None:
    if not rules.can_edit(actor):
        raise PermissionDenied


def _check_choices(service: Service) -> None:
    errors = {}
    if not isinstance(service.fields_of_action, list) or any(
        f not in FieldOfAction.values for f in service.fields_of_action
    ):
        errors["fields_of_action"] = _("Please choose only fields of action from the list.")
    if not isinstance(service.languages, list) or any(
        code not in LANGUAGE_CODES for code in service.languages
    ):
        errors["languages"] = _("Please choose only languages from the list.")
    if service.kind not in ServiceKind.values:
        errors["kind"] = _("Please choose a kind of service from the list.")
    if errors:
        raise ValidationError(errors)
    # A stable order, so that an unchanged selection is no change.
    service.fields_of_action = [f for f in FieldOfAction.values if f in service.fields_of_action]
    service.languages = sorted(set(service.languages))


def _check_municipality(actor, service: Service) -> None:
    from wegweiser.directory.selectors import municipalities

    if (
        service.municipality_id
        and not municipalities(user=actor).filter(pk=service.municipality_id).exists()
    ):
        raise ValidationError({"municipality": _("Please choose a municipality of your county.")})


def _check_provider(actor, service: Service) -> None:
    provider = service.provider
    if provider.kreis_id != service.kreis_id or provider.land_id != service.land_id:
        raise ValidationError(
            {"provider": _("Please choose a provider that belongs to the same directory.")}
        )
    if rules.access(actor, provider) is not rules.Access.EDIT:
        raise ValidationError({"provider": _("Please choose a provider you may edit.")})


def _set_counties(actor, service: Service, counties_served) -> list[int]:
    """Counties served must be of the actor's Land; returns the ids set."""
    if counties_served is None:
        return sorted(service.counties_served.values_list("pk", flat=True))
    ids = sorted({c.pk for c in counties_served})
    if any(c.land_id != service.land_id for c in counties_served):
        raise ValidationError({"counties_served": _("Please choose counties of your state.")})
    service.counties_served.set(ids)
    return ids


def _unique_provider_name(provider: ServiceProvider) -> None:
    clash = ServiceProvider.objects.filter(
        kreis_id=provider.kreis_id, land_id=provider.land_id, name=provider.name
    ).exclude(pk=provider.pk)
    if clash.exists():
        raise ValidationError({"name": _("A provider with this name already exists.")})


@transaction.atomic
def provider_create(*, actor, **fields) -> ServiceProvider:
    _require_create(actor)
    kreis_id, land_id = rules.target_scope(actor)
    provider = ServiceProvider(
        kreis_id=kreis_id,
        land_id=land_id,
        **{k: v for k, v in fields.items() if k in PROVIDER_FIELDS},
    )
    _check_formulas(provider, PROVIDER_FIELDS)
    _unique_provider_name(provider)
    provider.full_clean(validate_constraints=False)
    provider.save()
    audit_record(actor=actor, action="directory.provider.created", obj=provider)
    return provider


@transaction.atomic
def provider_update(
    *, actor, provider: ServiceProvider, version: int | None, **fields
) -> ServiceProvider:
    _require_edit(actor, provider)
    fresh = lock_for_update(provider, expected_version=version)
    changed = apply_changes(fresh, {k: v for k, v in fields.items() if k in PROVIDER_FIELDS})
    _check_formulas(fresh, PROVIDER_FIELDS)
    _unique_provider_name(fresh)
    fresh.full_clean(validate_constraints=False)
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="directory.provider.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def service_create(
    *, actor, provider: ServiceProvider, counties_served=None, uuid=None, **fields
) -> Service:
    _require_create(actor)
    kreis_id, land_id = rules.target_scope(actor)
    service = Service(
        kreis_id=kreis_id,
        land_id=land_id,
        provider=provider,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in SERVICE_FIELDS},
    )
    if uuid is not None:
        service.uuid = uuid
    _check_provider(actor, service)
    _check_choices(service)
    _check_municipality(actor, service)
    _check_formulas(service, SERVICE_FIELDS)
    service.full_clean()
    service.save()
    _set_counties(actor, service, counties_served or [])
    audit_record(actor=actor, action="directory.service.created", obj=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    service: Service,
    version: int | None,
    provider: ServiceProvider | None = None,
    counties_served=None,
    **fields,
) -> Service:
    _require_edit(actor, service)
    fresh = lock_for_update(service, expected_version=version)
    changes = {k: v for k, v in fields.items() if k in SERVICE_FIELDS}
    if provider is not None:
        changes["provider"] = provider
    if "fields_of_action" in changes:
        changes["fields_of_action"] = [
            f for f in FieldOfAction.values if f in changes["fields_of_action"]
        ] + [f for f in changes["fields_of_action"] if f not in FieldOfAction.values]
    if "languages" in changes:
        changes["languages"] = sorted(set(changes["languages"]))
    changed = apply_changes(fresh, changes)
    _check_provider(actor, fresh)
    _check_choices(fresh)
    _check_municipality(actor, fresh)
    _check_formulas(fresh, SERVICE_FIELDS)
    fresh.full_clean()
    before = sorted(fresh.counties_served.values_list("pk", flat=True))
    after = _set_counties(actor, fresh, counties_served)
    if after != before:
        changed.append("counties_served")
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="directory.service.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def service_set_active(*, actor, service: Service, version: int | None, active: bool) -> Service:
    """Deactivate (or reactivate) an entry: it leaves the lists but stays for referrals."""
    _require_edit(actor, service)
    fresh = lock_for_update(service, expected_version=version)
    if fresh.is_active == active:
        if active:
            raise ValidationError(_("This service is already active."))
        raise ValidationError(_("This service has already been deactivated."))
    fresh.is_active = active
    fresh.version += 1
    fresh.save(update_fields=["is_active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="directory.service.reactivated" if active else "directory.service.deactivated",
        obj=fresh,
    )
    return fresh


def export_recorded(*, actor, kind: str, count: int) -> None:
    """Log an export of the directory (no personal data; for traceability)."""
    audit_record(
        actor=actor, action="directory.export.created", data={"format": kind, "services": count}
    )


# --- Offers with capacity -------------------------------------------------------------------
# Slots and courses are administered by whoever may edit the service (directory.rules). Bookings
# and enrolments are about a person: the actor must be allowed to edit the case
# (clients.rules.case_access) and to read the service. Capacity is counted inside a transaction
# that holds the row lock of the slot or course (select_for_update), so concurrent bookings
# serialise on that row; partial unique constraints keep one active booking per case.


def _require_case_edit(actor, case) -> None:
    from wegweiser.clients.rules import require_case_edit

    require_case_edit(actor, case)


def _require_service_read(actor, service: Service) -> None:
    if rules.access(actor, service) is rules.Access.NONE:
        raise Http404


def _require_open_case(case) -> None:
    if case.closed_on is not None:
        raise ValidationError(_("The case is closed."))


@transaction.atomic
def slot_create(
    *,
    actor,
    service: Service,
    starts_at: dt.datetime,
    duration_minutes: int = 30,
    place: str = "",
    online: bool = False,
    capacity: int = 1,
    now: dt.datetime | None = None,
) -> ConsultationSlot:
    _require_edit(actor, service)
    now = now or timezone.now()
    slot = ConsultationSlot(
        service=service,
        kreis_id=service.kreis_id,
        land_id=service.land_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        online=online,
        capacity=capacity,
        created_by=actor,
    )
    errors = {}
    if starts_at is not None and starts_at <= now:
        errors["starts_at"] = _("The appointment must lie in the future.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("At least one person must be able to book the appointment.")
    if duration_minutes is None or not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("The duration must be between 5 and 480 minutes.")
    if not online and not place.strip():
        errors["place"] = _("Please enter a place or mark the appointment as online.")
    if errors:
        raise ValidationError(errors)
    _check_formulas(slot, ("place",))
    slot.full_clean()
    slot.save()
    audit_record(
        actor=actor,
        action="directory.slot.created",
        obj=slot,
        data={"service": str(service.uuid), "capacity": capacity},
    )
    return slot


def _lock_slot(slot: ConsultationSlot) -> ConsultationSlot:
    return ConsultationSlot.objects.select_for_update().get(pk=slot.pk)


@transaction.atomic
def slot_book(
    *, actor, slot: ConsultationSlot, case, now: dt.datetime | None = None
) -> SlotBooking:
    """Book the slot for the person of ``case``; refused when it is taken or in the past."""
    _require_case_edit(actor, case)
    _require_service_read(actor, slot.service)
    _require_open_case(case)
    locked = _lock_slot(slot)
    now = now or timezone.now()
    if locked.starts_at <= now:
        raise ValidationError(_("This appointment has already begun and can no longer be booked."))
    active = SlotBooking.objects.filter(slot=locked).exclude(status=BookingStatus.CANCELLED)
    if active.filter(case=case).exists():
        raise ValidationError(_("This appointment is already booked for this person."))
    if active.count() >= locked.capacity:
        raise ValidationError(_("This appointment is fully booked."))
    booking = SlotBooking(
        kreis_id=case.kreis_id, slot=locked, case=case, booked_by=actor, booked_at=now
    )
    booking.full_clean(validate_constraints=False)
    booking.save()
    audit_case_event(
        actor=actor,
        action="directory.booking.created",
        case=case,
        obj=booking,
        data={"slot": str(locked.uuid)},
    )
    return booking


def _lock_booking(booking: SlotBooking) -> SlotBooking:
    return (
        SlotBooking.objects.select_related("slot", "case")
        .select_for_update(of=("self",))
        .get(pk=booking.pk)
    )


@transaction.atomic
def booking_cancel(
    *, actor, booking: SlotBooking, reason: str, now: dt.datetime | None = None
) -> SlotBooking:
    """Cancel a booking (who, when, why); the place is free again."""
    _require_case_edit(actor, booking.case)
    now = now or timezone.now()
    _lock_slot(booking.slot)
    fresh = _lock_booking(booking)
    if fresh.status != BookingStatus.BOOKED:
        raise ValidationError(_("Only a booked appointment can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for the cancellation.")})
    fresh.status = BookingStatus.CANCELLED
    fresh.cancelled_by = actor
    fresh.cancelled_at = now
    fresh.cancel_reason = reason.strip()
    fresh.full_clean(validate_constraints=False)
    fresh.save()
    audit_case_event(actor=actor, action="directory.booking.cancelled", case=fresh.case, obj=fresh)
    return fresh


def may_record_outcome(user, booking: SlotBooking) -> bool:
    from wegweiser.clients import rules as case_rules

    if rules.access(user, booking.slot.service) is rules.Access.EDIT:
        return True
    return case_rules.case_access(user, booking.case) is case_rules.Access.EDIT


@transaction.atomic
def booking_record_outcome(
    *, actor, booking: SlotBooking, attended: bool, now: dt.datetime | None = None
) -> SlotBooking:
    """After the slot time: the person came (attended) or did not (no-show)."""
    if not may_record_outcome(actor, booking):
        from wegweiser.clients import rules as case_rules

        if case_rules.case_access(actor, booking.case) is case_rules.Access.NONE:
            raise Http404
        raise PermissionDenied
    now = now or timezone.now()
    fresh = _lock_booking(booking)
    if fresh.status == BookingStatus.CANCELLED:
        raise ValidationError(_("The appointment has been cancelled."))
    if fresh.slot.starts_at > now:
        raise ValidationError(_("Attendance can be recorded only after the appointment."))
    fresh.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    fresh.outcome_by = actor
    fresh.outcome_at = now
    fresh.save()
    audit_case_event(
        actor=actor,
        action="directory.booking.attended" if attended else "directory.booking.no_show",
        case=fresh.case,
        obj=fresh,
    )
    return fresh


@transaction.atomic
def course_create(
    *,
    actor,
    service: Service,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    places: int,
    answer_days: int = 7,
    place: str = "",
) -> Course:
    _require_edit(actor, service)
    course = Course(
        service=service,
        kreis_id=service.kreis_id,
        land_id=service.land_id,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        places=places,
        answer_days=answer_days,
        place=place,
        created_by=actor,
    )
    errors = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The course cannot end before it starts.")
    if places is None or places < 1:
        errors["places"] = _("A course needs at least one place.")
    if answer_days is None or not 1 <= answer_days <= 60:
        errors["answer_days"] = _("The time to answer must be between 1 and 60 days.")
    if errors:
        raise ValidationError(errors)
    _check_formulas(course, ("title", "place"))
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        action="directory.course.created",
        obj=course,
        data={"service": str(service.uuid), "places": places},
    )
    return course


def _lock_course(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _offer_free_places(*, actor, course: Course, now: dt.datetime) -> list[Enrolment]:
    """With the course row locked: offer every free place to the first on the waiting list."""
    offered = []
    taken = Enrolment.objects.filter(course=course, status__in=TAKING_A_PLACE).count()
    free = course.places - taken
    if free <= 0:
        return offered
    waiting = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITING).order_by(
        "requested_at", "pk"
    )[:free]
    for enrolment in waiting:
        enrolment.status = EnrolmentStatus.OFFERED
        enrolment.offered_at = now
        enrolment.answer_by = timezone.localdate(now) + dt.timedelta(days=course.answer_days)
        enrolment.save(update_fields=["status", "offered_at", "answer_by"])
        audit_case_event(
            actor=actor,
            action="directory.enrolment.offered",
            case=enrolment.case,
            obj=enrolment,
            data={"answer_by": enrolment.answer_by.isoformat()},
        )
        offered.append(enrolment)
    return offered


def _expire_offers(*, actor, course: Course, now: dt.datetime) -> int:
    """With the course row locked: offers not answered in time expire (the next is offered)."""
    today = timezone.localdate(now)
    expired = list(
        Enrolment.objects.filter(
            course=course, status=EnrolmentStatus.OFFERED, answer_by__lt=today
        ).select_related("case", "case__client")
    )
    for enrolment in expired:
        enrolment.status = EnrolmentStatus.EXPIRED
        enrolment.ended_at = now
        enrolment.save(update_fields=["status", "ended_at"])
        audit_case_event(
            actor=actor, action="directory.enrolment.expired", case=enrolment.case, obj=enrolment
        )
    return len(expired)


@transaction.atomic
def _process_offers(*, actor, course: Course, now: dt.datetime) -> tuple[int, int]:
    locked = _lock_course(course)
    expired = _expire_offers(actor=actor, course=locked, now=now)
    offered = _offer_free_places(actor=actor, course=locked, now=now)
    return expired, len(offered)


def course_process_offers(*, actor=None, course: Course, now: dt.datetime | None = None) -> int:
    """Let unanswered offers expire and offer the freed places (for the daily job or the course
    page). Returns how many offers expired."""
    expired, _offered = _process_offers(actor=actor, course=course, now=now or timezone.now())
    return expired


@dataclass(frozen=True)
class OfferRun:
    courses: int
    expired: int
    offered: int


def process_all_course_offers(*, now: dt.datetime | None = None) -> OfferRun:
    """The daily job (``manage.py process_course_offers``): in every course that has not ended
    and has offers or a waiting list, offers past their answer date expire and free places go
    to the next on the waiting list. One transaction per course, so that one course's failure
    leaves the others done; the system is recorded as the actor in the audit log."""
    now = now or timezone.now()
    pending = (
        Course.objects.filter(ends_on__gte=timezone.localdate(now))
        .filter(
            Exists(
                Enrolment.objects.filter(
                    course_id=OuterRef("pk"),
                    status__in=(EnrolmentStatus.OFFERED, EnrolmentStatus.WAITING),
                )
            )
        )
        .order_by("pk")
    )
    courses = expired = offered = 0
    for course in pending.iterator():
        run_expired, run_offered = _process_offers(actor=None, course=course, now=now)
        courses += 1
        expired += run_expired
        offered += run_offered
    return OfferRun(courses=courses, expired=expired, offered=offered)


@transaction.atomic
def course_enrol(*, actor, course: Course, case, now: dt.datetime | None = None) -> Enrolment:
    """Enrol the person of ``case``: a free place → enrolled, else → waiting list."""
    _require_case_edit(actor, case)
    _require_service_read(actor, course.service)
    _require_open_case(case)
    locked = _lock_course(course)
    # Read the clock inside the lock: the order of requests is the order of the lock.
    now = now or timezone.now()
    if locked.ends_on < timezone.localdate(now):
        raise ValidationError(_("This course has already ended."))
    _expire_offers(actor=actor, course=locked, now=now)
    _offer_free_places(actor=actor, course=locked, now=now)
    if Enrolment.objects.filter(course=locked, case=case, status__in=ACTIVE_ENROLMENT).exists():
        raise ValidationError(_("This person is already registered for this course."))
    taken = Enrolment.objects.filter(course=locked, status__in=TAKING_A_PLACE).count()
    enrolment = Enrolment(
        kreis_id=case.kreis_id,
        course=locked,
        case=case,
        requested_at=now,
        requested_by=actor,
    )
    if taken < locked.places:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
    else:
        enrolment.status = EnrolmentStatus.WAITING
    enrolment.full_clean(validate_constraints=False)
    enrolment.save()
    audit_case_event(
        actor=actor,
        action=f"directory.enrolment.{enrolment.status}",
        case=case,
        obj=enrolment,
        data={"course": str(locked.uuid)},
    )
    return enrolment


def _locked_enrolment(enrolment: Enrolment) -> tuple[Course, Enrolment]:
    course = _lock_course(enrolment.course)
    fresh = (
        Enrolment.objects.select_related("case", "course__service")
        .select_for_update(of=("self",))
        .get(pk=enrolment.pk)
    )
    return course, fresh


def enrolment_answer_offer(
    *, actor, enrolment: Enrolment, accept: bool, now: dt.datetime | None = None
) -> Enrolment:
    """The person accepts (→ enrolled) or declines (→ the next one is offered) a place. An
    offer past its answer date expires first (and stays expired although the answer is
    refused)."""
    _require_case_edit(actor, enrolment.case)
    now = now or timezone.now()
    course_process_offers(actor=actor, course=enrolment.course, now=now)
    return _answer_offer(actor=actor, enrolment=enrolment, accept=accept, now=now)


@transaction.atomic
def _answer_offer(*, actor, enrolment: Enrolment, accept: bool, now: dt.datetime) -> Enrolment:
    course, fresh = _locked_enrolment(enrolment)
    if fresh.status == EnrolmentStatus.EXPIRED:
        raise ValidationError(_("The time to answer this offer has passed."))
    if fresh.status != EnrolmentStatus.OFFERED:
        raise ValidationError(_("No place is offered to this person at the moment."))
    if accept:
        fresh.status = EnrolmentStatus.ENROLLED
        fresh.enrolled_at = now
    else:
        fresh.status = EnrolmentStatus.DECLINED
        fresh.ended_at = now
        fresh.ended_by = actor
    fresh.save()
    audit_case_event(
        actor=actor,
        action="directory.enrolment.accepted" if accept else "directory.enrolment.declined",
        case=fresh.case,
        obj=fresh,
    )
    _offer_free_places(actor=actor, course=course, now=now)
    return fresh


def may_remove(user, enrolment: Enrolment) -> bool:
    return rules.access(user, enrolment.course.service) is rules.Access.EDIT


@transaction.atomic
def enrolment_end(
    *, actor, enrolment: Enrolment, reason: str = "", now: dt.datetime | None = None
) -> Enrolment:
    """The person withdraws (recorded by a manager of the case) or the course administration
    removes them; a freed place is offered to the first on the waiting list."""
    from wegweiser.clients import rules as case_rules

    by_case = case_rules.case_access(actor, enrolment.case) is case_rules.Access.EDIT
    by_admin = may_remove(actor, enrolment)
    if not by_case and not by_admin:
        if case_rules.case_access(actor, enrolment.case) is case_rules.Access.NONE:
            raise Http404
        raise PermissionDenied
    if by_admin and not by_case and not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for removing the person.")})
    now = now or timezone.now()
    course, fresh = _locked_enrolment(enrolment)
    if not fresh.is_active:
        raise ValidationError(_("This registration has already ended."))
    fresh.status = EnrolmentStatus.WITHDRAWN if by_case else EnrolmentStatus.REMOVED
    fresh.ended_at = now
    fresh.ended_by = actor
    fresh.end_reason = reason.strip()
    fresh.full_clean(validate_constraints=False)
    fresh.save()
    audit_case_event(
        actor=actor, action=f"directory.enrolment.{fresh.status}", case=fresh.case, obj=fresh
    )
    _offer_free_places(actor=actor, course=course, now=now)
    return fresh


@transaction.atomic
def enrolment_record_attendance(
    *, actor, enrolment: Enrolment, on: dt.date, attended: bool = True
) -> Enrolment:
    """Mark (or unmark) one course date as attended; only for enrolled persons, within the
    course period and not in the future."""
    if not may_remove(actor, enrolment):
        if rules.access(actor, enrolment.course.service) is rules.Access.NONE:
            raise Http404
        raise PermissionDenied
    course, fresh = _locked_enrolment(enrolment)
    if fresh.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Attendance can be recorded only for enrolled persons."))
    if on is None or not course.starts_on <= on <= course.ends_on:
        raise ValidationError({"on": _("The date must lie within the course period.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("Attendance cannot be recorded for a future date.")})
    dates = set(fresh.attended_dates)
    if attended:
        dates.add(on.isoformat())
    else:
        dates.discard(on.isoformat())
    fresh.attended_dates = sorted(dates)
    fresh.save(update_fields=["attended_dates"])
    audit_case_event(
        actor=actor,
        action="directory.enrolment.attendance",
        case=fresh.case,
        obj=fresh,
        data={"date": on.isoformat(), "attended": attended},
    )
    return fresh
