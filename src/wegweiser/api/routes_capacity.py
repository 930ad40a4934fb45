"""Offers with capacity through the API: consultation-hour slots and courses of the directory,
the bookings and course registrations of a person. Thin: capacity, waiting list, the order of
concurrent requests and the rights live in directory.services/selectors (as in the UI).

Who sees what: slots and courses like the services they belong to (directory.rules); a booking
or registration with the person's identifiers only for users who may see the case file, the
administration of the offer (who records attendance) without them."""

import datetime as dt
from typing import Literal
from uuid import UUID

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from wegweiser.api import queries
from wegweiser.api.errors import invalid
from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import READ_ERRORS, WRITE_ERRORS, bounded_text
from wegweiser.clients import rules as case_rules
from wegweiser.clients.selectors import client_get
from wegweiser.directory import selectors, services
from wegweiser.directory.models import (
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
    SlotBooking,
)

router = Router(tags=["Termine und Kurse"])

READ = READ_ERRORS
WRITE = WRITE_ERRORS

BookingStatusCode = Literal[tuple(BookingStatus.values)]  # type: ignore[valid-type]
EnrolmentStatusCode = Literal[tuple(EnrolmentStatus.values)]  # type: ignore[valid-type]
Reason = bounded_text(500)


class ServiceRef(Schema):
    uuid: UUID
    name: str


class SlotOut(Schema):
    uuid: UUID
    service: ServiceRef
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    online: bool
    capacity: int = Field(..., description="Plätze (Personen je Termin)")
    free: int = Field(..., description="Noch freie Plätze")

    @staticmethod
    def resolve_free(obj) -> int:
        return max(obj.capacity - obj.booked, 0)


class CourseOut(Schema):
    uuid: UUID
    service: ServiceRef
    title: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    places: int
    free: int = Field(..., description="Freie Plätze (angebotene Plätze zählen als belegt)")
    waiting: int = Field(..., description="Personen auf der Warteliste")
    answer_days: int = Field(..., description="Tage, um einen angebotenen Platz anzunehmen")

    @staticmethod
    def resolve_free(obj) -> int:
        return max(obj.places - obj.taken, 0)


class SlotRef(Schema):
    uuid: UUID
    service: ServiceRef
    starts_at: dt.datetime
    place: str
    online: bool


class CourseRef(Schema):
    uuid: UUID
    service: ServiceRef
    title: str
    starts_on: dt.date
    ends_on: dt.date


def _case_uuid(obj) -> UUID | None:
    return obj.case.uuid if getattr(obj, "show_person", False) else None


def _client_uuid(obj) -> UUID | None:
    return obj.case.client.uuid if getattr(obj, "show_person", False) else None


class BookingOut(Schema):
    uuid: UUID
    slot: SlotRef
    case: UUID | None = Field(None, description="Fallakte (nur wer sie einsehen darf)")
    client: UUID | None = Field(None, description="Person (nur wer die Fallakte einsehen darf)")
    status: BookingStatusCode  # type: ignore[valid-type]
    booked_at: dt.datetime
    cancelled_at: dt.datetime | None
    cancel_reason: str
    outcome_at: dt.datetime | None = Field(..., description="Wann Wahrnehmung erfasst wurde")

    resolve_case = staticmethod(_case_uuid)
    resolve_client = staticmethod(_client_uuid)


class EnrolmentOut(Schema):
    uuid: UUID
    course: CourseRef
    case: UUID | None = Field(None, description="Fallakte (nur wer sie einsehen darf)")
    client: UUID | None = Field(None, description="Person (nur wer die Fallakte einsehen darf)")
    status: EnrolmentStatusCode  # type: ignore[valid-type]
    requested_at: dt.datetime
    waiting_position: int | None = Field(None, description="Platz auf der Warteliste (ab 1)")
    offered_at: dt.datetime | None
    answer_by: dt.date | None = Field(..., description="Angebotener Platz: Antwort bis")
    enrolled_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str
    attended_dates: list[dt.date]

    resolve_case = staticmethod(_case_uuid)
    resolve_client = staticmethod(_client_uuid)

    @staticmethod
    def resolve_waiting_position(obj) -> int | None:
        return selectors.waiting_position(obj)


class OfferFilter(Schema):
    service: UUID | None = Field(None, description="Nur Angebote dieses Eintrags (UUID)")


class SlotFilter(OfferFilter):
    bookable: bool = Field(False, description="Nur Termine mit freien Plätzen")


class BookingCreate(Schema):
    slot: UUID = Field(..., description="Der Termin (UUID aus /directory/slots)")


class EnrolmentCreate(Schema):
    course: UUID = Field(..., description="Der Kurs (UUID aus /directory/courses)")


class CancelIn(Schema):
    reason: bounded_text(500, min_length=1)  # type: ignore[valid-type]


class OutcomeIn(Schema):
    attended: bool = Field(..., description="true: wahrgenommen, false: nicht erschienen")


class AnswerIn(Schema):
    accept: bool = Field(..., description="true: Platz angenommen, false: abgelehnt")


class EndIn(Schema):
    reason: Reason = Field("", description="Grund (Pflicht, wenn die Kursverwaltung austrägt)")


def _service(user, uuid: UUID | None):
    if uuid is None:
        return None
    try:
        service, _access = selectors.service_get(user=user, uuid=uuid)
    except Http404:
        raise invalid("service", "Unbekanntes Angebot.") from None
    return service


def _visible_persons(user, qs, cases):
    """``show_person`` as a column: the user may see the content of these of ``cases``."""
    visible = (case_rules.Access.CONTENT, case_rules.Access.EDIT)
    ids = [c.pk for c in cases if case_rules.case_access(user, c) in visible]
    return qs.annotate(
        show_person=ExpressionWrapper(Q(case_id__in=ids), output_field=BooleanField())
    )


def _one(user, obj):
    """Whether the user may see whose booking/registration it is (case file content)."""
    visible = (case_rules.Access.CONTENT, case_rules.Access.EDIT)
    obj.show_person = case_rules.case_access(user, obj.case) in visible
    return obj


def _booking(user, pk: int) -> SlotBooking:
    booking = SlotBooking.objects.select_related(
        "slot", "slot__service", "case", "case__client"
    ).get(pk=pk)
    return _one(user, booking)


def _enrolment(user, pk: int) -> Enrolment:
    enrolment = Enrolment.objects.select_related(
        "course", "course__service", "case", "case__client"
    ).get(pk=pk)
    return _one(user, enrolment)


@router.get(
    "/directory/slots",
    response={200: list[SlotOut], **WRITE},
    summary="Kommende Termine von Sprechstunden",
    operation_id="directory_slots_list",
)
@paginate(PageNumber)
def slots_list(request, filters: Query[SlotFilter]):
    """Die kommenden Termine der Angebote, die Sie sehen (50 je Seite, früheste zuerst), mit
    den noch freien Plätzen; ``bookable=true`` zeigt nur buchbare Termine aktiver Angebote."""
    user = request.auth
    qs = selectors.upcoming_slots(user=user, service=_service(user, filters.service))
    if filters.bookable:
        qs = qs.filter(service__is_active=True, booked__lt=F("capacity"))
    return qs


@router.get(
    "/directory/courses",
    response={200: list[CourseOut], **WRITE},
    summary="Kurse mit Plätzen",
    operation_id="directory_courses_list",
)
@paginate(PageNumber)
def courses_list(request, filters: Query[OfferFilter]):
    """Die Kurse, die noch nicht beendet sind, der Angebote, die Sie sehen (50 je Seite), mit
    freien Plätzen und Länge der Warteliste."""
    user = request.auth
    return selectors.open_courses(user=user, service=_service(user, filters.service))


@router.get(
    "/clients/{uuid}/bookings",
    response={200: list[BookingOut], **READ},
    summary="Gebuchte Termine einer Person",
    operation_id="clients_bookings_list",
)
@paginate(PageNumber)
def clients_bookings_list(request, uuid: UUID):
    """Die Terminbuchungen in den Fallakten der Person, die Sie einsehen dürfen (späteste
    zuerst). Der Abruf wird im Protokoll festgehalten."""
    user = request.auth
    person = queries.client(user, uuid)
    queries.log_person_read(user, person, part="api_bookings")
    rows = (
        SlotBooking.objects.filter(case__in=person.api_cases)
        .select_related("slot", "slot__service", "case", "case__client")
        .order_by("-slot__starts_at", "-pk")
    )
    return _visible_persons(user, rows, person.api_cases)


@router.post(
    "/clients/{uuid}/bookings",
    response={201: BookingOut, **WRITE},
    summary="Termin für eine Person buchen",
    operation_id="clients_bookings_create",
)
def clients_bookings_create(request, uuid: UUID, payload: BookingCreate):
    """Bucht einen Termin für die Person (in ihrer offenen Fallakte). Ein ausgebuchter oder
    bereits begonnener Termin wird mit 422 abgelehnt."""
    user = request.auth
    person = client_get(user=user, uuid=uuid)
    case = queries.open_case(user, person)
    try:
        slot, _access = selectors.slot_get(user=user, uuid=payload.slot)
    except Http404:
        raise invalid("slot", "Unbekannter Termin.") from None
    booking = services.slot_book(actor=user, slot=slot, case=case)
    return Status(201, _booking(user, booking.pk))


@router.post(
    "/bookings/{uuid}/cancel",
    response={200: BookingOut, **WRITE},
    summary="Termin absagen",
    operation_id="bookings_cancel",
)
def bookings_cancel(request, uuid: UUID, payload: CancelIn):
    """Sagt einen gebuchten Termin ab (mit Grund); der Platz wird wieder frei."""
    user = request.auth
    booking = selectors.booking_get(user=user, uuid=uuid)
    services.booking_cancel(actor=user, booking=booking, reason=payload.reason)
    return _booking(user, booking.pk)


@router.post(
    "/bookings/{uuid}/outcome",
    response={200: BookingOut, **WRITE},
    summary="Wahrnehmung eines Termins erfassen",
    operation_id="bookings_outcome",
)
def bookings_outcome(request, uuid: UUID, payload: OutcomeIn):
    """Nach dem Termin: wahrgenommen (``attended: true``) oder nicht erschienen."""
    user = request.auth
    booking = selectors.booking_get(user=user, uuid=uuid)
    services.booking_record_outcome(actor=user, booking=booking, attended=payload.attended)
    return _booking(user, booking.pk)


@router.get(
    "/clients/{uuid}/enrolments",
    response={200: list[EnrolmentOut], **READ},
    summary="Kursanmeldungen einer Person",
    operation_id="clients_enrolments_list",
)
@paginate(PageNumber)
def clients_enrolments_list(request, uuid: UUID):
    """Die Kursanmeldungen (angemeldet, Warteliste mit Platz, angebotener Platz mit Frist,
    beendet) in den Fallakten der Person, die Sie einsehen dürfen. Der Abruf wird im
    Protokoll festgehalten."""
    user = request.auth
    person = queries.client(user, uuid)
    queries.log_person_read(user, person, part="api_enrolments")
    rows = (
        Enrolment.objects.filter(case__in=person.api_cases)
        .select_related("course", "course__service", "case", "case__client")
        .order_by("-requested_at", "-pk")
    )
    return _visible_persons(user, rows, person.api_cases)


@router.post(
    "/clients/{uuid}/enrolments",
    response={201: EnrolmentOut, **WRITE},
    summary="Person zu einem Kurs anmelden",
    operation_id="clients_enrolments_create",
)
def clients_enrolments_create(request, uuid: UUID, payload: EnrolmentCreate):
    """Meldet die Person (in ihrer offenen Fallakte) zu einem Kurs an: mit freiem Platz
    ``enrolled``, sonst ``waiting`` (Warteliste in der Reihenfolge der Anmeldung)."""
    user = request.auth
    person = client_get(user=user, uuid=uuid)
    case = queries.open_case(user, person)
    try:
        course, _access = selectors.course_get(user=user, uuid=payload.course)
    except Http404:
        raise invalid("course", "Unbekannter Kurs.") from None
    enrolment = services.course_enrol(actor=user, course=course, case=case)
    return Status(201, _enrolment(user, enrolment.pk))


@router.post(
    "/enrolments/{uuid}/answer",
    response={200: EnrolmentOut, **WRITE},
    summary="Angebotenen Kursplatz annehmen oder ablehnen",
    operation_id="enrolments_answer",
)
def enrolments_answer(request, uuid: UUID, payload: AnswerIn):
    """Die Person nimmt einen freigewordenen Platz an oder lehnt ihn ab (dann erhält ihn die
    nächste Person der Warteliste). Nach Ablauf der Frist wird die Antwort abgelehnt."""
    user = request.auth
    enrolment = selectors.enrolment_get(user=user, uuid=uuid)
    services.enrolment_answer_offer(actor=user, enrolment=enrolment, accept=payload.accept)
    return _enrolment(user, enrolment.pk)


@router.post(
    "/enrolments/{uuid}/end",
    response={200: EnrolmentOut, **WRITE},
    summary="Kursanmeldung beenden",
    operation_id="enrolments_end",
)
def enrolments_end(request, uuid: UUID, payload: EndIn):
    """Die Person tritt zurück (erfasst von der Fallverantwortung) oder die Kursverwaltung trägt
    sie aus (dann mit Grund); ein frei werdender Platz wird der Warteliste angeboten."""
    user = request.auth
    enrolment = selectors.enrolment_get(user=user, uuid=uuid)
    services.enrolment_end(actor=user, enrolment=enrolment, reason=payload.reason)
    return _enrolment(user, enrolment.pk)
