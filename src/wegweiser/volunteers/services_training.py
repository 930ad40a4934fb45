"""Every write of the training events (Qualifizierung): events, registrations, attendance, and
the certificate of a qualification. Each service runs in one transaction, checks the actor's
rights (volunteers.rules), validates, and writes the audit entry (codes, never personal values).

Rights:
- Events, registering any volunteer of the Kreis, cancelling any registration, attendance and
  certificates: the managers (volunteer and county coordination) of the event's Kreis.
- A user with the volunteer role registers themselves (never another volunteer) and cancels
  their own registration before the event starts.
- An event or a volunteer of another Kreis answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Qualification,
    TrainingEvent,
    TrainingRegistration,
    Volunteer,
    VolunteerStatus,
)

EVENT_FIELDS = (
    "title",
    "description",
    "provider",
    "place",
    "starts_at",
    "ends_at",
    "hours",
    "capacity",
    "registration_until",
)


# --- rights -------------------------------------------------------------------------------------


def _require_manager(actor) -> None:
    if not rules.can_manage(actor):
        raise PermissionDenied


def _require_event(actor, event: TrainingEvent) -> None:
    """The actor manages the event's Kreis (another Kreis: 404)."""
    _require_manager(actor)
    if event.kreis_id != actor.kreis_id:
        raise Http404


def _require_volunteer_managed(actor, volunteer: Volunteer) -> None:
    access = rules.access(actor, volunteer)
    if access is rules.Access.NONE:
        if rules.can_read(actor):
            raise Http404
        raise PermissionDenied
    if access is not rules.Access.EDIT:
        raise PermissionDenied


# --- helpers ------------------------------------------------------------------------------------


def event_date(event: TrainingEvent) -> dt.date:
    """The day the event starts, in the local time zone."""
    return timezone.localtime(event.starts_at).date()


def has_started(event: TrainingEvent, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= event.starts_at


def registration_closed(event: TrainingEvent, today: dt.date | None = None) -> bool:
    """The registration deadline has passed (the day itself still counts)."""
    today = today or timezone.localdate()
    return event.registration_until is not None and today > event.registration_until


def registered_count(event: TrainingEvent) -> int:
    """Registrations that take a place: every uncancelled one."""
    return TrainingRegistration.objects.filter(event=event, cancelled_at__isnull=True).count()


def _clean_event(event: TrainingEvent) -> None:
    for name in ("title", "description", "provider", "place"):
        setattr(event, name, (getattr(event, name) or "").strip())
    errors = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if (
        event.starts_at
        and event.registration_until is not None
        and event.registration_until > event_date(event)
    ):
        errors["registration_until"] = _(
            "Registration must close on the day of the event at the latest."
        )
    if event.hours is not None and event.hours <= 0:
        errors["hours"] = _("Please enter the hours of the training.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("Please enter at least one place, or leave it empty.")
    if errors:
        raise ValidationError(errors)


def _refuse_if_cancelled(event: TrainingEvent) -> None:
    if event.cancelled_at is not None:
        raise ValidationError({"event": _("This training event has been cancelled.")})


# --- events -------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal,
    description: str = "",
    provider: str = "",
    capacity: int | None = None,
    registration_until: dt.date | None = None,
) -> TrainingEvent:
    """Announce a training event in the actor's Kreis."""
    _require_manager(actor)
    event = TrainingEvent(
        kreis_id=actor.kreis_id,
        title=title,
        description=description,
        provider=provider,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours,
        capacity=capacity,
        registration_until=registration_until,
        created_by=actor,
    )
    _clean_event(event)
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action="volunteers.training_event.created",
        obj=event,
        data={"capacity": capacity, "hours": str(hours)},
    )
    return event


@transaction.atomic
def event_update(*, actor, event: TrainingEvent, version: int | None, **fields) -> TrainingEvent:
    """Change an event (fields not given stay as they are); ``version`` guards against a
    concurrent save. A cancelled event cannot be changed; the places cannot go below the
    registrations already made. Qualifications already created from attendance keep the title,
    date, provider and hours they were created with."""
    _require_event(actor, event)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    fresh = lock_for_update(event, expected_version=version)
    _refuse_if_cancelled(fresh)
    changed = apply_changes(fresh, fields)
    _clean_event(fresh)
    if "capacity" in changed and fresh.capacity is not None:
        taken = registered_count(fresh)
        if fresh.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s volunteers are registered; please enter at least as many places."
                    )
                    % {"count": taken}
                }
            )
    fresh.full_clean()
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="volunteers.training_event.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def event_cancel(*, actor, event: TrainingEvent, version: int | None) -> TrainingEvent:
    """Cancel an event before it starts. The registrations stay as they were (for the record);
    nobody can register any more, and no attendance is recorded."""
    _require_event(actor, event)
    fresh = lock_for_update(event, expected_version=version)
    _refuse_if_cancelled(fresh)
    if has_started(fresh):
        raise ValidationError(
            {"event": _("A training event that has started cannot be cancelled.")}
        )
    fresh.cancelled_at = timezone.now()
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_record(
        actor=actor,
        action="volunteers.training_event.cancelled",
        obj=fresh,
        data={"registrations": registered_count(fresh)},
    )
    return fresh


# --- registrations ------------------------------------------------------------------------------


@transaction.atomic
def registration_add(*, actor, event: TrainingEvent, volunteer: Volunteer) -> TrainingRegistration:
    """Register a volunteer for an event: a manager registers any volunteer of the Kreis who
    has not left; a user with the volunteer role registers themselves only. Refused when the
    event is cancelled, has started, its registration has closed, it is fully booked (every
    uncancelled registration takes a place), or the volunteer is already registered.

    The event row is locked first, so that concurrent registrations are counted one after the
    other and never overbook."""
    if rules.can_manage(actor):
        if event.kreis_id != actor.kreis_id or volunteer.kreis_id != actor.kreis_id:
            raise Http404
        by_self = False
    else:
        own = rules.own_volunteer(actor)
        if own is None:
            raise PermissionDenied
        if event.kreis_id != actor.kreis_id:
            raise Http404
        if own.pk != volunteer.pk:
            raise PermissionDenied
        by_self = True
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    if has_started(event):
        raise ValidationError({"event": _("This training event has already started.")})
    if registration_closed(event):
        raise ValidationError({"event": _("Registration for this training event has closed.")})
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError({"volunteer": _("This volunteer has left the network.")})
    registrations = TrainingRegistration.objects.filter(event=event, cancelled_at__isnull=True)
    if registrations.filter(volunteer=volunteer).exists():
        raise ValidationError(
            {"volunteer": _("The volunteer is already registered for this training event.")}
        )
    if event.capacity is not None and registrations.count() >= event.capacity:
        raise ValidationError({"event": _("This training event is fully booked.")})
    registration = TrainingRegistration(
        kreis_id=event.kreis_id, event=event, volunteer=volunteer, registered_by=actor
    )
    registration.full_clean()
    registration.save()
    audit_record(
        actor=actor,
        action="volunteers.training.registered",
        obj=registration,
        data={"event": str(event.uuid), "volunteer": str(volunteer.uuid), "by_self": by_self},
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration: TrainingRegistration) -> TrainingRegistration:
    """Cancel a registration: the volunteer themselves before the event starts, or a manager
    at any time until attendance has been recorded. The place becomes free again."""
    if rules.can_manage(actor):
        if registration.kreis_id != actor.kreis_id:
            raise Http404
        by_self = False
    else:
        own = rules.own_volunteer(actor)
        if own is None:
            raise PermissionDenied
        if registration.volunteer_id != own.pk:
            raise Http404
        by_self = True
    fresh = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
    event = fresh.event
    if fresh.cancelled_at is not None:
        raise ValidationError({"event": _("This registration has already been cancelled.")})
    if fresh.attended is not None:
        raise ValidationError(
            {"event": _("Attendance has been recorded; the registration cannot be cancelled.")}
        )
    if by_self and has_started(event):
        raise ValidationError(
            {
                "event": _(
                    "The training event has already started; please contact the volunteer "
                    "coordination."
                )
            }
        )
    fresh.cancelled_at = timezone.now()
    fresh.save(update_fields=["cancelled_at", "updated_at"])
    audit_record(
        actor=actor,
        action="volunteers.training.registration_cancelled",
        obj=fresh,
        data={"event": str(event.uuid), "by_self": by_self},
    )
    return fresh


# --- attendance ---------------------------------------------------------------------------------


def _qualification_for(actor, registration: TrainingRegistration) -> Qualification:
    event = registration.event
    qualification = Qualification(
        kreis_id=registration.kreis_id,
        volunteer_id=registration.volunteer_id,
        title=event.title,
        attended_on=event_date(event),
        provider=event.provider,
        hours=event.hours,
        recorded_by=actor,
    )
    qualification.full_clean()
    qualification.save()
    audit_record(
        actor=actor,
        action="volunteers.qualification.recorded",
        obj=qualification,
        data={"training_event": str(event.uuid), "hours": str(event.hours)},
    )
    return qualification


@transaction.atomic
def attendance_record(
    *, actor, event: TrainingEvent, attendance: Mapping[str, bool]
) -> list[TrainingRegistration]:
    """Record who attended, once the event has started (not for a cancelled event).
    ``attendance`` maps the UUID (as text) of an uncancelled registration to True (attended)
    or False (did not attend); registrations not named stay as they are.

    The rule, kept consistent in both directions: a registration marked as attended has exactly
    one Qualification (title, date, provider and hours of the event) on the volunteer's profile,
    linked to it; one not attended has none.
    - Marked as attended (before: not recorded or not attended): the Qualification is created.
    - Attended changed to not attended: the link is removed and the Qualification deleted, but
      only while no certificate has been uploaded for it; once it has a certificate the change
      is refused (the certificate documents the attendance).
    Returns the registrations whose attendance changed."""
    _require_event(actor, event)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    if not has_started(event):
        raise ValidationError(
            {"event": _("Attendance can be recorded once the training event has started.")}
        )
    registrations = {
        str(r.uuid): r
        for r in TrainingRegistration.objects.select_for_update(of=("self",))
        .filter(event=event, cancelled_at__isnull=True)
        .select_related("qualification", "event")
    }
    unknown = set(map(str, attendance)) - set(registrations)
    if unknown:
        raise ValidationError({"attendance": _("Please record attendance of registrations only.")})
    changed: list[TrainingRegistration] = []
    removed = 0
    for key, attended in attendance.items():
        registration = registrations[str(key)]
        attended = bool(attended)
        if registration.attended is attended:
            continue
        if attended:
            registration.qualification = _qualification_for(actor, registration)
        elif registration.qualification is not None:
            qualification = registration.qualification
            if qualification.certificate_id is not None:
                raise ValidationError(
                    {
                        "attendance": _(
                            "A certificate has been uploaded for the training of %(name)s; the "
                            "attendance cannot be withdrawn."
                        )
                        % {"name": registration.volunteer.full_name}
                    }
                )
            # Unlink first: the registration protects its qualification from deletion.
            registration.qualification = None
            registration.save(update_fields=["qualification", "updated_at"])
            audit_record(
                actor=actor,
                action="volunteers.qualification.removed",
                obj=qualification,
                data={"training_event": str(event.uuid)},
            )
            qualification.delete()
            removed += 1
        registration.attended = attended
        registration.full_clean()
        registration.save(update_fields=["qualification", "attended", "updated_at"])
        changed.append(registration)
    if changed:
        audit_record(
            actor=actor,
            action="volunteers.training.attendance_recorded",
            obj=event,
            data={
                "attended": sum(1 for r in changed if r.attended),
                "absent": sum(1 for r in changed if not r.attended),
                "qualifications_removed": removed,
            },
        )
    return changed


# --- certificates -------------------------------------------------------------------------------


@transaction.atomic
def qualification_certificate_attach(
    *, actor, qualification: Qualification, name: str, content: bytes
) -> Qualification:
    """Keep an uploaded certificate (PDF, PNG or JPEG, at most 10 MB; see
    funding.services.document_store) and link it to the qualification; a new file replaces the
    link to the previous one (the previous file is kept)."""
    from wegweiser.funding.services import document_store

    _require_volunteer_managed(actor, qualification.volunteer)
    fresh = (
        Qualification.objects.select_for_update(of=("self",))
        .select_related("kreis")
        .get(pk=qualification.pk)
    )
    try:
        document = document_store(
            actor=actor,
            land_id=fresh.kreis.land_id,
            kreis_id=fresh.kreis_id,
            name=name,
            content=content,
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    replaced = fresh.certificate_id is not None
    fresh.certificate = document
    fresh.full_clean()
    fresh.save(update_fields=["certificate", "updated_at"])
    audit_record(
        actor=actor,
        action="volunteers.qualification.certificate_attached",
        obj=fresh,
        data={"size": document.size, "type": document.content_type, "replaced": replaced},
    )
    return fresh
