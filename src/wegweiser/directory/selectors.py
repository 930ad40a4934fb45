"""Every read of the directory. List selectors take ``user=`` and return only what that user may
see (the rules live in directory.rules)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

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
    ServiceProvider,
    SlotBooking,
)
from wegweiser.organisations.models import Kreis, Municipality


def _require_read(user) -> None:
    if not rules.can_read(user):
        raise PermissionDenied


def service_list(
    *,
    user,
    query: str = "",
    field_of_action: str = "",
    language: str = "",
    municipality=None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    _require_read(user)
    qs = Service.objects.filter(rules.visible_q(user)).select_related(
        "provider", "municipality", "kreis"
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if field_of_action:
        qs = qs.filter(fields_of_action__icontains=f'"{field_of_action}"')
    if language:
        qs = qs.filter(languages__icontains=f'"{language}"')
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    for term in query.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(provider__name__icontains=term)
            | Q(city__icontains=term)
            | Q(eligibility__icontains=term)
        )
    return qs.order_by("name", "pk")


def service_get(*, user, uuid) -> tuple[Service, rules.Access]:
    """The entry if the user may see it (else 404, as for a foreign Kreis)."""
    _require_read(user)
    try:
        service = (
            Service.objects.select_related("provider", "municipality", "kreis", "land")
            .prefetch_related("counties_served")
            .get(uuid=uuid)
        )
    except (Service.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, service)
    if access is rules.Access.NONE:
        raise Http404
    return service, access


def services_by_uuid(*, user, uuids) -> list[Service]:
    """The visible entries among ``uuids`` (unknown or foreign ones are left out)."""
    _require_read(user)
    valid = []
    for value in uuids:
        try:
            valid.append(Service._meta.get_field("uuid").to_python(value))
        except ValidationError:
            continue
    return list(
        Service.objects.filter(rules.visible_q(user), uuid__in=valid)
        .select_related("provider", "municipality")
        .order_by("name", "pk")
    )


def provider_list(*, user, editable: bool = False) -> QuerySet[ServiceProvider]:
    _require_read(user)
    q = rules.editable_q(user) if editable else rules.visible_q(user)
    return ServiceProvider.objects.filter(q).order_by("name", "pk")


def provider_get(*, user, uuid) -> tuple[ServiceProvider, rules.Access]:
    _require_read(user)
    try:
        provider = ServiceProvider.objects.get(uuid=uuid)
    except (ServiceProvider.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, provider)
    if access is rules.Access.NONE:
        raise Http404
    return provider, access


def municipalities(*, user) -> QuerySet[Municipality]:
    """Municipalities a user may choose for an entry: of the own Kreis (state users: the Land)."""
    if user.is_state_user:
        return Municipality.objects.filter(kreis__land_id=user.land_id).order_by("name")
    return Municipality.objects.filter(kreis_id=user.kreis_id).order_by("name")


def counties(*, user) -> QuerySet[Kreis]:
    return Kreis.objects.filter(land_id=user.land_id).order_by("name")


def export_scope(*, user, kreis=None) -> tuple[QuerySet[ServiceProvider], QuerySet[Service]]:
    """What an export of the directory contains: the entries the user may see (or, for the
    HSDS endpoint of a county, the active entries of that county and its Land's state-wide ones)."""
    if kreis is not None:
        q = Q(kreis=kreis) | Q(kreis__isnull=True, land_id=kreis.land_id)
        services = Service.objects.filter(q, is_active=True)
    else:
        _require_read(user)
        services = Service.objects.filter(rules.visible_q(user))
    services = services.select_related("provider", "municipality", "municipality__kreis")
    services = services.prefetch_related("counties_served").order_by("name", "pk")
    providers = ServiceProvider.objects.filter(pk__in=services.values("provider_id")).order_by(
        "name", "pk"
    )
    return providers, services


# --- Offers with capacity -------------------------------------------------------------------


def _with_free(slots: QuerySet[ConsultationSlot]) -> QuerySet[ConsultationSlot]:
    return slots.annotate(
        booked=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED))
    )


def _with_taken(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.annotate(
        taken=Count("enrolments", filter=Q(enrolments__status__in=TAKING_A_PLACE)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
    )


def upcoming_slots(*, user, service: Service | None = None) -> QuerySet[ConsultationSlot]:
    """Future slots of the services the user may read (with ``booked``)."""
    _require_read(user)
    qs = ConsultationSlot.objects.filter(
        rules.visible_q(user, "service__"), starts_at__gt=timezone.now()
    )
    if service is not None:
        qs = qs.filter(service=service)
    return _with_free(qs.select_related("service", "service__provider")).order_by("starts_at", "pk")


def bookable_slots(*, user) -> list[ConsultationSlot]:
    return [
        s
        for s in upcoming_slots(user=user).filter(service__is_active=True)
        if s.booked < s.capacity
    ]


def open_courses(*, user, service: Service | None = None) -> QuerySet[Course]:
    """Courses that have not ended, of the services the user may read (with ``taken``)."""
    _require_read(user)
    qs = Course.objects.filter(
        rules.visible_q(user, "service__"), ends_on__gte=timezone.localdate()
    )
    if service is not None:
        qs = qs.filter(service=service)
    return _with_taken(qs.select_related("service", "service__provider")).order_by(
        "starts_on", "title", "pk"
    )


def slot_get(*, user, uuid) -> tuple[ConsultationSlot, rules.Access]:
    _require_read(user)
    try:
        slot = _with_free(ConsultationSlot.objects.select_related("service")).get(uuid=uuid)
    except (ConsultationSlot.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, slot.service)
    if access is rules.Access.NONE:
        raise Http404
    return slot, access


def course_get(*, user, uuid) -> tuple[Course, rules.Access]:
    _require_read(user)
    try:
        course = _with_taken(Course.objects.select_related("service")).get(uuid=uuid)
    except (Course.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, course.service)
    if access is rules.Access.NONE:
        raise Http404
    return course, access


def _named(user, rows):
    """Mark each booking/enrolment whether the user may see the person's name (case content)."""
    from wegweiser.clients import rules as case_rules

    visible = (case_rules.Access.CONTENT, case_rules.Access.EDIT)
    for row in rows:
        row.show_name = case_rules.case_access(user, row.case) in visible
    return rows


def slot_bookings(*, user, slot: ConsultationSlot) -> list[SlotBooking]:
    qs = SlotBooking.objects.filter(slot=slot).select_related("case", "case__client")
    return _named(user, list(qs.order_by("booked_at", "pk")))


def course_participants(*, user, course: Course) -> dict:
    """Enrolled, offered and waiting (in order, with position 1..n) and ended registrations."""
    qs = Enrolment.objects.filter(course=course).select_related("case", "case__client")
    rows = _named(user, list(qs.order_by("requested_at", "pk")))
    waiting = [e for e in rows if e.status == EnrolmentStatus.WAITING]
    for position, enrolment in enumerate(waiting, start=1):
        enrolment.position = position
    return {
        "enrolled": [e for e in rows if e.status == EnrolmentStatus.ENROLLED],
        "offered": [e for e in rows if e.status == EnrolmentStatus.OFFERED],
        "waiting": waiting,
        "ended": [e for e in rows if e.status not in ACTIVE_ENROLMENT],
    }


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    earlier = Enrolment.objects.filter(
        course_id=enrolment.course_id, status=EnrolmentStatus.WAITING
    ).filter(
        Q(requested_at__lt=enrolment.requested_at)
        | Q(requested_at=enrolment.requested_at, pk__lt=enrolment.pk)
    )
    return earlier.count() + 1


def bookings_of_case(case) -> list[SlotBooking]:
    """The bookings of a case the caller has already checked (``case_get``)."""
    return list(
        SlotBooking.objects.filter(case=case)
        .select_related("slot", "slot__service", "slot__service__provider")
        .order_by("-slot__starts_at", "pk")
    )


def enrolments_of_case(case) -> list[Enrolment]:
    rows = list(
        Enrolment.objects.filter(case=case)
        .select_related("course", "course__service", "course__service__provider")
        .order_by("-requested_at", "pk")
    )
    for row in rows:
        row.position = waiting_position(row)
    return rows


def booking_get(*, user, uuid) -> SlotBooking:
    """A booking whose case the user may see (else 404)."""
    from wegweiser.clients import rules as case_rules

    try:
        booking = SlotBooking.objects.select_related("slot", "slot__service", "case").get(
            uuid=uuid, kreis_id=user.kreis_id
        )
    except (SlotBooking.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if (
        case_rules.case_access(user, booking.case) is case_rules.Access.NONE
        and rules.access(user, booking.slot.service) is not rules.Access.EDIT
    ):
        raise Http404
    return booking


def enrolment_get(*, user, uuid) -> Enrolment:
    from wegweiser.clients import rules as case_rules

    try:
        enrolment = Enrolment.objects.select_related("course", "course__service", "case").get(
            uuid=uuid
        )
    except (Enrolment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if (
        case_rules.case_access(user, enrolment.case) is case_rules.Access.NONE
        and rules.access(user, enrolment.course.service) is not rules.Access.EDIT
    ):
        raise Http404
    return enrolment


DESK_LIMIT = 20


@dataclass
class PendingOffers:
    enrolments: list[Enrolment]
    count: int
    team: bool


def offers_awaiting_answer(*, user) -> PendingOffers | None:
    """Course places offered to persons of the user's caseload (a team lead: of the team) that
    await their answer, the earliest deadline first. Two queries, whatever the number."""
    from wegweiser.accounts.roles import Role
    from wegweiser.clients import rules as case_rules

    if not (user.is_authenticated and user.kreis_id and user.does_casework):
        return None
    qs = Enrolment.objects.filter(
        case_rules.casework_q(user, "case__"),
        kreis_id=user.kreis_id,
        status=EnrolmentStatus.OFFERED,
    )
    team = user.role == Role.TEAM_LEAD
    if not team:
        qs = qs.filter(case__responsible_id=user.pk)
    rows = list(
        qs.select_related(
            "case", "case__client", "case__responsible", "course", "course__service"
        ).order_by("answer_by", "pk")[:DESK_LIMIT]
    )
    return PendingOffers(enrolments=rows, count=qs.count(), team=team)
