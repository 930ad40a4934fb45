"""Recording and correcting counselling sessions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGE_CODES
from wegweiser.clients.models import Case, Client
from wegweiser.clients.services import _require_edit
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.core.validators import validate_no_control_characters
from wegweiser.counselling.models import (
    MAX_DURATION_MINUTES,
    NOTE_MAX,
    Channel,
    CounsellingSession,
    SessionAttendance,
)
from wegweiser.statistics import rollups

# What a counsellor enters about a session (besides the household members present).
SESSION_FIELDS = (
    "held_on",
    "duration_minutes",
    "channel",
    "interpreter_used",
    "interpreter_language",
    "fields_of_action",
    "summary",
    "confidential_note",
)


def _validate(
    *,
    case: Case,
    held_on,
    duration_minutes,
    channel,
    interpreter_used,
    interpreter_language,
    fields_of_action,
    confidential_note,
    members,
    **_ignored,
) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if held_on is None:
        errors["held_on"] = _("Please enter the date of the session.")
    elif held_on > today:
        errors["held_on"] = _("A session cannot lie in the future.")
    elif held_on < case.opened_on:
        errors["held_on"] = _("The session cannot be before the case was opened (%(date)s).") % {
            "date": case.opened_on.strftime("%d.%m.%Y")
        }
    if duration_minutes is None or not (1 <= duration_minutes <= MAX_DURATION_MINUTES):
        errors["duration_minutes"] = _("The duration must be between 1 and %(max)d minutes.") % {
            "max": MAX_DURATION_MINUTES
        }
    if channel not in Channel.values:
        errors["channel"] = _("Please choose how the session took place.")
    if interpreter_used and interpreter_language not in LANGUAGE_CODES:
        errors["interpreter_language"] = _("Please choose the interpreter's language.")
    unknown = [f for f in fields_of_action if f not in FieldOfAction.values]
    if unknown:
        errors["fields_of_action"] = _("Unknown field of action.")
    if confidential_note and len(confidential_note) > NOTE_MAX:
        errors["confidential_note"] = _(
            "The confidential note may have at most %(max)d characters."
        ) % {"max": NOTE_MAX}
    elif confidential_note:
        try:
            validate_no_control_characters(confidential_note)
        except ValidationError as exc:
            errors["confidential_note"] = exc.messages[0]
    household_id = case.client.household_id
    for member in members:
        if member.pk != case.client_id and (
            not household_id or member.household_id != household_id
        ):
            errors["members_present"] = _("Only members of the person's household can be present.")
    if errors:
        raise ValidationError(errors)


def _count_new_session(case: Case, held_on: dt.date) -> None:
    """A new session: one more in the case's count, and its date if it is the latest. One
    UPDATE that reads the row as it is when it gets the row lock, so two sessions recorded at
    once in the same case both count (as ``_refresh_case_rollup``, without reading the
    sessions again)."""
    Case.objects.filter(pk=case.pk).update(
        session_count=F("session_count") + 1,
        last_session_on=Greatest(Coalesce("last_session_on", Value(held_on)), Value(held_on)),
    )


def _refresh_case_rollup(case: Case) -> None:
    """Keep the case's last session date and count current (desk and figures read them).

    The case row is locked first: two sessions recorded at once in the same case would otherwise
    each count without the other's and the later write would be one short."""
    list(Case.objects.select_for_update(no_key=True).filter(pk=case.pk).values_list("pk"))
    agg = CounsellingSession.objects.filter(case=case).aggregate(last=Max("held_on"), n=Count("pk"))
    Case.objects.filter(pk=case.pk).update(last_session_on=agg["last"], session_count=agg["n"])


def _set_members(session: CounsellingSession, members: list[Client]) -> None:
    SessionAttendance.objects.filter(session=session).delete()
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(kreis_id=session.kreis_id, session=session, client=m) for m in members]
    )


@transaction.atomic
def session_record(
    *,
    actor,
    case: Case,
    held_on: dt.date,
    duration_minutes: int,
    channel: str,
    interpreter_used: bool = False,
    interpreter_language: str = "",
    fields_of_action: list[str] | None = None,
    summary: str = "",
    confidential_note: str = "",
    members_present: list[Client] | None = None,
) -> CounsellingSession:
    _require_edit(actor, case)
    if not case.is_open:
        raise ValidationError(_("Sessions can only be recorded on an open case."))
    fields_of_action = list(dict.fromkeys(fields_of_action or []))
    members = list(members_present or [])
    _validate(
        case=case,
        held_on=held_on,
        duration_minutes=duration_minutes,
        channel=channel,
        interpreter_used=interpreter_used,
        interpreter_language=interpreter_language,
        fields_of_action=fields_of_action,
        confidential_note=confidential_note,
        members=members,
    )
    session = CounsellingSession(
        kreis_id=case.kreis_id,
        case=case,
        held_on=held_on,
        duration_minutes=duration_minutes,
        channel=channel,
        interpreter_used=interpreter_used,
        interpreter_language=interpreter_language if interpreter_used else "",
        fields_of_action=fields_of_action,
        summary=summary.strip(),
        confidential_note=confidential_note.strip(),
        counsellor=actor,
    )
    # The county, case and counsellor are the rows the rights check just read (no lookups to see
    # that they exist), the uuid is new (no uniqueness query), and _validate checked the ranges
    # of the table's check constraints (which the database enforces all the same).
    session.full_clean(
        exclude=["confidential_note", "kreis", "case", "counsellor"],
        validate_unique=False,
        validate_constraints=False,
    )
    session.save()
    if members:
        _set_members(session, members)
    _count_new_session(case, held_on)
    rollups.refresh_case_months(case, [held_on])
    audit_record(
        actor=actor,
        action="counselling.session.recorded",
        obj=session,
        client=case.client,
        case=case,
        data={"channel": channel, "minutes": duration_minutes},
    )
    return session


@transaction.atomic
def session_update(
    *, actor, session: CounsellingSession, version: int | None, **fields
) -> CounsellingSession:
    case = session.case
    _require_edit(actor, case)
    fresh = lock_for_update(session, expected_version=version)
    held_before = fresh.held_on
    members = fields.pop("members_present", None)
    values = {name: fields.get(name, getattr(fresh, name)) for name in SESSION_FIELDS}
    values["fields_of_action"] = list(dict.fromkeys(values["fields_of_action"] or []))
    if not values["interpreter_used"]:
        values["interpreter_language"] = ""
    values["summary"] = (values["summary"] or "").strip()
    values["confidential_note"] = (values["confidential_note"] or "").strip()
    member_list = list(members) if members is not None else list(fresh.members_present.all())
    _validate(case=case, members=member_list, **values)
    changed = apply_changes(fresh, values)
    if members is not None:
        before = set(
            SessionAttendance.objects.filter(session=fresh).values_list("client_id", flat=True)
        )
        if before != {m.pk for m in member_list}:
            changed.append("members_present")
            _set_members(fresh, member_list)
    if changed:
        fresh.version += 1
        fresh.full_clean(exclude=["confidential_note"])
        fresh.save()
        _refresh_case_rollup(case)
        rollups.refresh_case_months(case, [held_before, fresh.held_on])
        audit_record(
            actor=actor,
            action="counselling.session.updated",
            obj=fresh,
            client=case.client,
            case=case,
            data={"fields": sorted(changed)},
        )
    return fresh
