"""Every write of tandems (Patenschaften), support requests and the hours volunteers give.

A tandem links a volunteer to the person of a case. It is set up by someone who may change the
case (the responsible integration manager, the team lead), needs the person's standing consent to
passing contact data to volunteers, and a volunteer who is active and whose required checks are
in order. Withdrawing that consent ends every running tandem and cancels every support request
of the person at once (``consent_withdrawn``, called by the consent service in the same
transaction); the volunteer's views check the consent on every read as well.

Each service runs in one transaction, checks the actor's rights, validates and writes the audit
entry (codes and ids, never names or notes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.clients import rules as case_rules
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.organisations.models import Municipality
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Activity,
    ActivityKind,
    SupportRequest,
    SupportRequestStatus,
    Tandem,
    TandemEndReason,
    Volunteer,
    VolunteerStatus,
)
from wegweiser.volunteers.selectors import checks_in_order

SHARING_FIELDS = (
    "includes_household",
    "share_phone",
    "share_email",
    "share_address",
    "shared_note",
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)
MIN_HOURS = Decimal("0.25")
MAX_HOURS = Decimal("24")
# How far back a volunteer may log hours (a month's paper notes, typed in later).
LOG_BACK_DAYS = 92


def _require_consent(case, field: str | None = None) -> None:
    if not rules.consent_stands(case):
        message = _(
            "The person has not consented to passing contact data to volunteers. "
            "Please record the consent first."
        )
        raise ValidationError({field: message} if field else message)


# --- Tandems -----------------------------------------------------------------------------------


@transaction.atomic
def tandem_create(
    *,
    actor,
    case,
    volunteer: Volunteer,
    started_on: dt.date | None,
    includes_household: bool = False,
    share_phone: bool = True,
    share_email: bool = False,
    share_address: bool = False,
    shared_note: str = "",
) -> Tandem:
    """Link a volunteer to the person of the case (a Patenschaft)."""
    case_rules.require_case_edit(actor, case)
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    if volunteer.kreis_id != case.kreis_id:
        raise Http404
    _require_consent(case)
    errors = {}
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.ACTIVE:
        errors["volunteer"] = _("Only an active volunteer can accompany someone.")
    elif not checks_in_order(volunteer):
        errors["volunteer"] = _(
            "The volunteer's certificate of conduct or confidentiality undertaking is missing "
            "or overdue."
        )
    elif Tandem.objects.filter(volunteer=volunteer, case=case, ended_on__isnull=True).exists():
        errors["volunteer"] = _("This volunteer already accompanies the person.")
    if started_on is None:
        errors["started_on"] = _("Please enter the start.")
    elif started_on > timezone.localdate() + dt.timedelta(days=365):
        errors["started_on"] = _("The start must lie within the next year.")
    if errors:
        raise ValidationError(errors)
    if includes_household and not case.client.household_id:
        includes_household = False
    tandem = Tandem(
        kreis_id=case.kreis_id,
        volunteer=volunteer,
        case=case,
        started_on=started_on,
        includes_household=includes_household,
        share_phone=share_phone,
        share_email=share_email,
        share_address=share_address,
        shared_note=(shared_note or "").strip(),
        created_by=actor,
    )
    tandem.full_clean()
    tandem.save()
    audit_record(
        actor=actor,
        action="volunteers.tandem.created",
        obj=tandem,
        data={"case": str(case.uuid), "volunteer": str(volunteer.uuid)},
    )
    return tandem


@transaction.atomic
def tandem_update(*, actor, tandem: Tandem, version: int | None, **fields) -> Tandem:
    """Change what the volunteer sees of the person (sharing and the note)."""
    case_rules.require_case_edit(actor, tandem.case)
    unknown = set(fields) - set(SHARING_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    fresh = lock_for_update(tandem, expected_version=version)
    if fresh.ended_on is not None:
        raise ValidationError(_("The tandem has ended."))
    if "shared_note" in fields:
        fields["shared_note"] = (fields["shared_note"] or "").strip()
    if fields.get("includes_household") and not fresh.case.client.household_id:
        fields["includes_household"] = False
    changed = apply_changes(fresh, fields)
    if changed:
        fresh.version += 1
        fresh.full_clean()
        fresh.save()
        audit_record(
            actor=actor,
            action="volunteers.tandem.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


def _may_end(actor, tandem: Tandem) -> bool:
    if rules.can_manage(actor) and actor.kreis_id == tandem.kreis_id:
        return True
    return case_rules.case_access(actor, tandem.case) is case_rules.Access.EDIT


@transaction.atomic
def tandem_end(
    *, actor, tandem: Tandem, version: int | None, ended_on: dt.date | None, reason: str
) -> Tandem:
    """End a tandem (the case's manager or the volunteer coordination)."""
    if tandem.kreis_id != actor.kreis_id:
        raise Http404
    if not _may_end(actor, tandem):
        raise PermissionDenied
    fresh = lock_for_update(tandem, expected_version=version)
    if fresh.ended_on is not None:
        raise ValidationError(_("The tandem has already ended."))
    errors = {}
    if reason not in TandemEndReason.values:
        errors["reason"] = _("Please choose the reason for the end.")
    if ended_on is None:
        errors["ended_on"] = _("Please enter the end.")
    elif ended_on > timezone.localdate():
        errors["ended_on"] = _("The end cannot be in the future.")
    elif ended_on < fresh.started_on:
        errors["ended_on"] = _("The end cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    _end(actor, fresh, ended_on, reason)
    return fresh


def _end(actor, tandem: Tandem, ended_on: dt.date, reason: str) -> None:
    tandem.ended_on = max(ended_on, tandem.started_on)
    tandem.end_reason = reason
    tandem.version += 1
    tandem.full_clean()
    tandem.save()
    audit_record(actor=actor, action="volunteers.tandem.ended", obj=tandem, data={"reason": reason})


def consent_withdrawn(*, actor, case) -> None:
    """The person withdrew the consent to passing data to volunteers (or it no longer stands):
    end every running tandem and cancel every open or taken support request of the person's
    cases, in the caller's transaction. Called by the consent service."""
    from wegweiser.clients.models import Case

    if rules.consent_stands(case):
        return
    today = timezone.localdate()
    cases = Case.objects.filter(kreis_id=case.kreis_id, client_id=case.client_id)
    for tandem in Tandem.objects.select_for_update().filter(case__in=cases, ended_on__isnull=True):
        _end(actor, tandem, today, TandemEndReason.CONSENT_WITHDRAWN)
    for request in SupportRequest.objects.select_for_update().filter(
        case__in=cases, status__in=[SupportRequestStatus.OPEN, SupportRequestStatus.TAKEN]
    ):
        _cancel(actor, request, _("consent withdrawn"))


def volunteer_left(*, actor, volunteer: Volunteer, left_on: dt.date) -> None:
    """A volunteer left the network: end their tandems and give their support requests back
    (called by the status service in its transaction)."""
    for tandem in Tandem.objects.select_for_update().filter(
        volunteer=volunteer, ended_on__isnull=True
    ):
        _end(actor, tandem, left_on, TandemEndReason.VOLUNTEER_LEFT)
    for request in SupportRequest.objects.select_for_update().filter(
        taken_by=volunteer, status=SupportRequestStatus.TAKEN
    ):
        _release(actor, request)


def case_closed(*, actor, case) -> None:
    """The case was closed: its tandems end and its pending support requests are cancelled."""
    today = timezone.localdate()
    for tandem in Tandem.objects.select_for_update().filter(case=case, ended_on__isnull=True):
        _end(actor, tandem, today, TandemEndReason.CASE_CLOSED)
    for request in SupportRequest.objects.select_for_update().filter(
        case=case, status__in=[SupportRequestStatus.OPEN, SupportRequestStatus.TAKEN]
    ):
        _cancel(actor, request, _("case closed"))


# --- Hours -------------------------------------------------------------------------------------


def check_hours(
    date: dt.date | None,
    hours: Decimal | None,
    *,
    not_before: dt.date,
    before_message: str | None = None,
) -> None:
    """The one rule for logged hours: a date from ``not_before`` (the start of the tandem, the
    joining of the group) and at most three months back, not in the future; a quarter of an hour
    to 24 hours."""
    errors = {}
    today = timezone.localdate()
    if date is None:
        errors["date"] = _("Please enter the date.")
    elif date > today:
        errors["date"] = _("The date cannot be in the future.")
    elif date < not_before:
        errors["date"] = before_message or _("The date lies before the start.")
    elif date < today - dt.timedelta(days=LOG_BACK_DAYS):
        errors["date"] = _("Hours can be logged for the last three months only.")
    if hours is None:
        errors["hours"] = _("Please enter the hours.")
    elif hours < MIN_HOURS or hours > MAX_HOURS:
        errors["hours"] = _("Please enter between 0.25 and 24 hours.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def tandem_meeting_log(
    *, actor, tandem: Tandem, date: dt.date | None, hours: Decimal | None, note: str = ""
) -> Activity:
    """The volunteer of a running tandem logs a meeting and its hours."""
    own = rules.own_volunteer(actor)
    if own is None:
        raise PermissionDenied
    fresh = (
        Tandem.objects.select_for_update()
        .filter(pk=tandem.pk, volunteer=own, ended_on__isnull=True)
        .filter(rules.consent_stands_q())
        .first()
    )
    if fresh is None:
        raise Http404
    check_hours(date, hours, not_before=fresh.started_on)
    return record_activity(
        actor, own, ActivityKind.TANDEM, date, hours, note, tandem=fresh, audit_obj=fresh
    )


def record_activity(actor, volunteer, kind, date, hours, note, *, audit_obj, **link) -> Activity:
    """Write one entry of hours given (after ``check_hours``), with its audit entry."""
    activity = Activity(
        kreis_id=volunteer.kreis_id,
        volunteer=volunteer,
        kind=kind,
        date=date,
        hours=hours,
        note=(note or "").strip(),
        recorded_by=actor,
        **link,
    )
    activity.full_clean()
    activity.save()
    audit_record(
        actor=actor,
        action="volunteers.activity.logged",
        obj=activity,
        data={"kind": kind, "of": str(audit_obj.uuid), "hours": str(hours)},
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity) -> Activity:
    """Cancel a wrongly logged entry (the volunteer who logged it, or the coordination)."""
    own = rules.own_volunteer(actor)
    mine = own is not None and activity.volunteer_id == own.pk
    coordinating = rules.can_manage(actor) and actor.kreis_id == activity.kreis_id
    if not (mine or coordinating):
        raise Http404
    fresh = Activity.objects.select_for_update().get(pk=activity.pk)
    if fresh.cancelled_at is not None:
        raise ValidationError(_("This entry has already been cancelled."))
    fresh.cancelled_at = timezone.now()
    fresh.save(update_fields=["cancelled_at", "updated_at"])
    audit_record(actor=actor, action="volunteers.activity.cancelled", obj=fresh)
    return fresh


# --- Support requests --------------------------------------------------------------------------


@transaction.atomic
def support_request_create(
    *,
    actor,
    case,
    title: str,
    needed_on: dt.date | None,
    description: str = "",
    field_of_action: str = "",
    language: str = "",
    municipality: Municipality | None = None,
    place: str = "",
    time_from: dt.time | None = None,
    time_until: dt.time | None = None,
) -> SupportRequest:
    """Post a request for support for the person of the case (the case's manager)."""
    case_rules.require_case_edit(actor, case)
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    _require_consent(case)
    errors = {}
    if needed_on is None:
        errors["needed_on"] = _("Please enter the date.")
    elif needed_on < timezone.localdate():
        errors["needed_on"] = _("The date cannot be in the past.")
    if field_of_action and field_of_action not in FieldOfAction.values:
        errors["field_of_action"] = _("Please choose a field of action from the list.")
    if language and language not in LANGUAGE_CODES:
        errors["language"] = _("Please choose a language from the list.")
    if municipality is not None and municipality.kreis_id != case.kreis_id:
        errors["municipality"] = _("Please choose a municipality of your county.")
    if time_from and time_until and time_until <= time_from:
        errors["time_until"] = _("The end must be after the beginning.")
    if errors:
        raise ValidationError(errors)
    request = SupportRequest(
        kreis_id=case.kreis_id,
        case=case,
        title=(title or "").strip(),
        description=(description or "").strip(),
        field_of_action=field_of_action,
        language=language,
        municipality=municipality,
        place=(place or "").strip(),
        needed_on=needed_on,
        time_from=time_from,
        time_until=time_until,
        posted_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="volunteers.support_request.posted",
        obj=request,
        data={"case": str(case.uuid), "language": language},
    )
    return request


def _cancel(actor, request: SupportRequest, reason: str) -> None:
    request.status = SupportRequestStatus.CANCELLED
    request.cancel_reason = reason[:300]
    request.closed_at = timezone.now()
    request.version += 1
    request.full_clean()
    request.save()
    audit_record(actor=actor, action="volunteers.support_request.cancelled", obj=request)


def _release(actor, request: SupportRequest) -> None:
    request.status = SupportRequestStatus.OPEN
    request.taken_by = None
    request.taken_at = None
    request.version += 1
    request.full_clean()
    request.save()
    audit_record(actor=actor, action="volunteers.support_request.released", obj=request)


@transaction.atomic
def support_request_cancel(*, actor, request: SupportRequest, reason: str = "") -> SupportRequest:
    """Withdraw a request that is no longer needed (the case's manager)."""
    case_rules.require_case_edit(actor, request.case)
    fresh = SupportRequest.objects.select_for_update().get(pk=request.pk)
    if fresh.status not in (SupportRequestStatus.OPEN, SupportRequestStatus.TAKEN):
        raise ValidationError(_("The request is already closed."))
    _cancel(actor, fresh, (reason or "").strip())
    return fresh


def suitable(volunteer: Volunteer, request: SupportRequest) -> bool:
    """Whether the volunteer may take the request: active, checks in order, speaks the
    language asked for (if any)."""
    if volunteer.status != VolunteerStatus.ACTIVE or volunteer.kreis_id != request.kreis_id:
        return False
    if request.language and request.language not in volunteer.languages:
        return False
    return checks_in_order(volunteer)


def _own_request(actor, request: SupportRequest) -> tuple[Volunteer, SupportRequest]:
    own = rules.own_volunteer(actor)
    if own is None:
        raise PermissionDenied
    fresh = SupportRequest.objects.select_for_update().filter(pk=request.pk).first()
    if fresh is None or fresh.kreis_id != own.kreis_id:
        raise Http404
    return own, fresh


@transaction.atomic
def support_request_take(*, actor, request: SupportRequest) -> SupportRequest:
    """A volunteer takes an open request they are suitable for (first come, first served: the
    row is locked, a second volunteer gets a clear message)."""
    own, fresh = _own_request(actor, request)
    if not suitable(own, fresh):
        raise Http404
    if fresh.status != SupportRequestStatus.OPEN:
        raise ValidationError(_("Someone else has already taken this request."))
    if fresh.needed_on < timezone.localdate():
        raise ValidationError(_("The date of this request has passed."))
    if not rules.consent_stands(fresh.case):
        raise ValidationError(_("This request is no longer needed."))
    fresh.status = SupportRequestStatus.TAKEN
    fresh.taken_by = own
    fresh.taken_at = timezone.now()
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_record(actor=actor, action="volunteers.support_request.taken", obj=fresh)
    return fresh


@transaction.atomic
def support_request_release(*, actor, request: SupportRequest) -> SupportRequest:
    """The volunteer gives a taken request back (it is open again for others)."""
    own, fresh = _own_request(actor, request)
    if fresh.taken_by_id != own.pk:
        raise Http404
    if fresh.status != SupportRequestStatus.TAKEN:
        raise ValidationError(_("The request is already closed."))
    _release(actor, fresh)
    return fresh


@transaction.atomic
def support_request_done(
    *, actor, request: SupportRequest, hours: Decimal | None, note: str = ""
) -> SupportRequest:
    """The volunteer reports a taken request as done, with the hours it took."""
    own, fresh = _own_request(actor, request)
    if fresh.taken_by_id != own.pk:
        raise Http404
    if fresh.status != SupportRequestStatus.TAKEN:
        raise ValidationError(_("The request is already closed."))
    if fresh.needed_on > timezone.localdate():
        raise ValidationError(_("A request can be reported as done from its date on."))
    check_hours(fresh.needed_on, hours, not_before=fresh.needed_on)
    fresh.status = SupportRequestStatus.DONE
    fresh.closed_at = timezone.now()
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_record(actor=actor, action="volunteers.support_request.done", obj=fresh)
    record_activity(
        actor,
        own,
        ActivityKind.SUPPORT_REQUEST,
        fresh.needed_on,
        hours,
        note,
        support_request=fresh,
        audit_obj=fresh,
    )
    return fresh
