"""Every read of the training events (Qualifizierung). Selectors take ``user=`` and return only
what that user may see:

- The events and their registrations: the readers of the volunteer register of the Kreis
  (managers, integration managers, team leads); the managers change them.
- The portal of a user with the volunteer role: the upcoming events of their Kreis, their own
  registrations and certificates.
- Certificates (uploaded, or the generated attendance certificate): the managers of the Kreis
  and the volunteer themselves; every download is audited.
- Another Kreis: 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wegweiser.audit.services import audit_record
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Qualification,
    TrainingEvent,
    TrainingRegistration,
    Volunteer,
    VolunteerStatus,
)
from wegweiser.volunteers.services_training import has_started, registration_closed


def _with_counts(qs: QuerySet[TrainingEvent]) -> QuerySet[TrainingEvent]:
    return qs.annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )


def event_list(*, user, upcoming: bool = True) -> QuerySet[TrainingEvent]:
    """The events of the user's Kreis with the number of registrations (``registered``):
    upcoming ones (not yet ended) soonest first, or past ones latest first."""
    if not rules.can_read(user):
        raise PermissionDenied
    qs = _with_counts(TrainingEvent.objects.filter(kreis_id=user.kreis_id))
    now = timezone.now()
    if upcoming:
        return qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def event_get(*, user, uuid) -> tuple[TrainingEvent, bool]:
    """The event if the user may see it (another Kreis: 404), and whether they manage it."""
    if not rules.can_read(user):
        raise PermissionDenied
    try:
        event = _with_counts(TrainingEvent.objects.filter(kreis_id=user.kreis_id)).get(uuid=uuid)
    except (TrainingEvent.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    return event, rules.can_manage(user)


def event_registrations(event: TrainingEvent) -> QuerySet[TrainingRegistration]:
    """The uncancelled registrations of an event the caller may see, by name."""
    return (
        TrainingRegistration.objects.filter(event=event, cancelled_at__isnull=True)
        .select_related("volunteer", "qualification", "registered_by")
        .order_by("volunteer__family_name", "volunteer__given_name", "pk")
    )


def volunteers_to_register(*, user, event: TrainingEvent) -> QuerySet[Volunteer]:
    """Volunteers of the Kreis who have not left and are not registered for the event yet."""
    if not rules.can_manage(user):
        raise PermissionDenied
    return (
        Volunteer.objects.filter(kreis_id=user.kreis_id)
        .exclude(status=VolunteerStatus.LEFT)
        .exclude(
            training_registrations__event=event,
            training_registrations__cancelled_at__isnull=True,
        )
        .order_by("family_name", "given_name", "pk")
    )


def registration_get(*, user, uuid) -> TrainingRegistration:
    """A registration the user manages (another Kreis: 404)."""
    if not rules.can_manage(user):
        raise PermissionDenied
    try:
        return TrainingRegistration.objects.select_related("event", "volunteer").get(
            uuid=uuid, kreis_id=user.kreis_id
        )
    except (TrainingRegistration.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- the volunteer's portal ---------------------------------------------------------------------


def require_own_volunteer(user) -> Volunteer:
    """The user's own Volunteer (volunteer role, linked profile, not left); otherwise 403."""
    own = rules.own_volunteer(user)
    if own is None:
        raise PermissionDenied
    return own


@dataclass(frozen=True)
class PortalEvent:
    """An upcoming event as the volunteer sees it."""

    event: TrainingEvent
    registration: TrainingRegistration | None
    places_left: int | None  # None: no limit
    registration_open: bool

    @property
    def registered(self) -> bool:
        return self.registration is not None

    @property
    def can_register(self) -> bool:
        return self.registration is None and self.registration_open and self.places_left != 0

    @property
    def can_cancel(self) -> bool:
        return self.registration is not None


def events_for_volunteer(*, user) -> list[PortalEvent]:
    """For the volunteer's portal: the upcoming (not yet started), not cancelled events of the
    volunteer's Kreis, soonest first, with whether the volunteer is registered and the places
    left."""
    own = require_own_volunteer(user)
    now = timezone.now()
    events = list(
        _with_counts(
            TrainingEvent.objects.filter(
                kreis_id=own.kreis_id, cancelled_at__isnull=True, starts_at__gt=now
            )
        ).order_by("starts_at", "pk")
    )
    mine = {
        r.event_id: r
        for r in TrainingRegistration.objects.filter(
            volunteer=own, event__in=events, cancelled_at__isnull=True
        )
    }
    today = timezone.localdate()
    return [
        PortalEvent(
            event=event,
            registration=mine.get(event.pk),
            places_left=_places_left(event),
            registration_open=not has_started(event, now) and not registration_closed(event, today),
        )
        for event in events
    ]


def _places_left(event: TrainingEvent) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - event.registered, 0)


def portal_event_get(*, user, uuid) -> TrainingEvent:
    """An event of the volunteer's Kreis (another Kreis, or unknown: 404)."""
    own = require_own_volunteer(user)
    try:
        return TrainingEvent.objects.get(uuid=uuid, kreis_id=own.kreis_id)
    except (TrainingEvent.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def own_registration(*, user, event: TrainingEvent) -> TrainingRegistration:
    """The volunteer's uncancelled registration for the event (none: 404)."""
    own = require_own_volunteer(user)
    registration = TrainingRegistration.objects.filter(
        event=event, volunteer=own, cancelled_at__isnull=True
    ).first()
    if registration is None:
        raise Http404
    return registration


def qualifications_for_volunteer(*, user) -> QuerySet[Qualification]:
    """The volunteer's own training attended, latest first, with the registration (for the
    generated attendance certificate) and whether a certificate was uploaded."""
    own = require_own_volunteer(user)
    return Qualification.objects.filter(volunteer=own).select_related("registration")


# --- certificates -------------------------------------------------------------------------------


def _require_own_or_managed(user, volunteer: Volunteer) -> None:
    """Managers of the volunteer's Kreis, or the volunteer themselves. A volunteer the user
    could see otherwise (a reader of the register): 403; one they could not see: 404."""
    if rules.can_manage(user):
        if volunteer.kreis_id != user.kreis_id:
            raise Http404
        return
    own = rules.own_volunteer(user)
    if own is not None:
        if own.pk != volunteer.pk:
            raise Http404
        return
    if rules.can_read(user):
        if volunteer.kreis_id != user.kreis_id:
            raise Http404
    raise PermissionDenied


def certificate_download(*, user, volunteer_uuid, uuid):
    """The uploaded certificate (funding.Document) of a qualification; the access is audited."""
    try:
        qualification = Qualification.objects.select_related("volunteer", "certificate").get(
            uuid=uuid, volunteer__uuid=volunteer_uuid
        )
    except (Qualification.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    _require_own_or_managed(user, qualification.volunteer)
    document = qualification.certificate
    if document is None:
        raise Http404
    audit_record(
        actor=user,
        action="volunteers.qualification.certificate_downloaded",
        obj=qualification,
        data={"size": document.size, "type": document.content_type},
    )
    return document


def attendance_certificate(*, user, uuid) -> TrainingRegistration:
    """An attended registration for the generated attendance certificate; the access is
    audited. Not attended (or not recorded yet): 404."""
    try:
        registration = TrainingRegistration.objects.select_related(
            "event", "volunteer", "kreis"
        ).get(uuid=uuid, cancelled_at__isnull=True)
    except (TrainingRegistration.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    _require_own_or_managed(user, registration.volunteer)
    if registration.attended is not True:
        raise Http404
    audit_record(
        actor=user,
        action="volunteers.training.certificate_downloaded",
        obj=registration,
        data={"event": str(registration.event.uuid)},
    )
    return registration


def qualification_get(*, user, volunteer_uuid, uuid) -> Qualification:
    """A qualification of a volunteer the user manages (another Kreis: 404)."""
    try:
        qualification = Qualification.objects.select_related("volunteer", "certificate").get(
            uuid=uuid, volunteer__uuid=volunteer_uuid
        )
    except (Qualification.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, qualification.volunteer)
    if access is rules.Access.NONE:
        if rules.can_read(user):
            raise Http404
        raise PermissionDenied
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return qualification
