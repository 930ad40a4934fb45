"""Keeping ``ContactMonth`` current. Called by the services that write sessions and cases, inside
their transaction: a refresh rebuilds the rows of one case for the months touched, from that
case's sessions in those months only (bounded work, whatever the size of the county)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from wegweiser.statistics.models import FIELD_BITS, ContactMonth

CHANNELS = ("in_person", "phone", "email", "video", "outreach")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _mask(fields: Iterable[str]) -> int:
    mask = 0
    for code in fields or ():
        mask |= FIELD_BITS.get(code, 0)
    return mask


SESSION_COLUMNS = (
    "pk",
    "held_on",
    "counsellor_id",
    "duration_minutes",
    "interpreter_used",
    "channel",
    "fields_of_action",
)


def refresh_case_months(case, months: Iterable[dt.date] | None = None) -> None:
    """Rebuild the rows of ``case`` for ``months`` (first days), or for all its months. Reads
    only the columns it counts (never the encrypted notes): a few queries per call."""
    from wegweiser.clients.models import Case, Client
    from wegweiser.counselling.models import CounsellingSession

    months = None if months is None else sorted({month_of(m) for m in months})
    old = ContactMonth.objects.filter(case_id=case.pk)
    sessions = CounsellingSession.objects.filter(case_id=case.pk)
    if months is not None:
        if not months:
            return
        old = old.filter(month__in=months)
        sessions = sessions.filter(held_on__gte=months[0], held_on__lt=_next_month(months[-1]))
    rows_of_sessions, members = _sessions_with_members(sessions)
    if Case.client.is_cached(case):  # read with the case (the case page and its forms)
        household_id = case.client.household_id
    else:
        household_id = Client.objects.filter(pk=case.client_id).values_list(
            "household_id", flat=True
        )[0]
    rows = _rows_for(case, household_id, rows_of_sessions, members, months)
    # Within the calling service's transaction without a savepoint of its own (two statements
    # less per saved session): a failure here fails the service as a whole.
    with transaction.atomic(savepoint=False):
        old.delete()
        ContactMonth.objects.bulk_create(rows)


def _sessions_with_members(sessions) -> tuple[list[tuple], dict[int, list[tuple[int, int | None]]]]:
    """The sessions' counted columns and the persons present at each, in one query (a join to
    the attendance; a session without household members present is one row with nothing
    joined): one round trip less on every saved session than reading the two apart."""
    width = len(SESSION_COLUMNS)
    rows_of_sessions: list[tuple] = []
    members: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    seen: set[int] = set()
    for row in sessions.order_by().values_list(
        *SESSION_COLUMNS, "sessionattendance__client_id", "sessionattendance__client__household_id"
    ):
        pk = row[0]
        if pk not in seen:
            seen.add(pk)
            rows_of_sessions.append(row[:width])
        if row[width] is not None:
            members[pk].append((row[width], row[width + 1]))
    return rows_of_sessions, members


def _members(session_ids) -> dict[int, list[tuple[int, int | None]]]:
    """The persons present at each session (household members besides the case's person)."""
    from wegweiser.counselling.models import SessionAttendance

    members = defaultdict(list)
    if session_ids:
        for session_id, client_id, household_id in SessionAttendance.objects.filter(
            session_id__in=session_ids
        ).values_list("session_id", "client_id", "client__household_id"):
            members[session_id].append((client_id, household_id))
    return members


def _rows_for(case, household_id, rows_of_sessions, members, months=None) -> list[ContactMonth]:
    """The rollup rows of one case from its sessions (pure: no queries)."""
    client_id = case.client_id
    rows: dict[tuple, ContactMonth] = {}
    for pk, held_on, counsellor_id, minutes, interpreter, channel, fields in rows_of_sessions:
        month = month_of(held_on)
        if months is not None and month not in months:
            continue
        key = (month, counsellor_id, client_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = _row(case, month, counsellor_id, client_id, household_id, True)
        row.sessions += 1
        row.minutes += minutes
        row.interpreter_sessions += 1 if interpreter else 0
        if channel in CHANNELS:
            setattr(row, channel, getattr(row, channel) + 1)
        mask = _mask(fields)
        row.fields_mask |= mask
        for member_id, member_household in members[pk]:
            if member_id == client_id:
                continue
            mkey = (month, counsellor_id, member_id)
            mrow = rows.get(mkey)
            if mrow is None:
                mrow = rows[mkey] = _row(
                    case, month, counsellor_id, member_id, member_household, False
                )
            mrow.fields_mask |= mask
    return list(rows.values())


def _row(case, month, counsellor_id, client_id, household_id, is_case_client: bool) -> ContactMonth:
    return ContactMonth(
        kreis_id=case.kreis_id,
        month=month,
        counsellor_id=counsellor_id,
        team_id=case.team_id,
        organisation_id=case.organisation_id,
        case_id=case.pk,
        client_id=client_id,
        is_case_client=is_case_client,
        household_key=f"h{household_id}" if household_id else f"p{client_id}",
    )


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


REBUILD_CHUNK = 2000


def rebuild(kreis=None) -> int:
    """Rebuild every row (of one county, or all): after an import or a repair. Cases are read in
    chunks, with a few queries per chunk (not per case). Returns the number of cases refreshed."""
    from wegweiser.clients.models import Case
    from wegweiser.counselling.models import CounsellingSession

    cases = Case.objects.select_related("client").order_by("pk")
    if kreis is not None:
        cases = cases.filter(kreis=kreis)
    count = 0
    with transaction.atomic():
        stale = ContactMonth.objects.all()
        if kreis is not None:
            stale = stale.filter(kreis=kreis)
        stale.delete()
        chunk: list = []
        for case in cases.iterator(chunk_size=REBUILD_CHUNK):
            chunk.append(case)
            if len(chunk) == REBUILD_CHUNK:
                _rebuild_chunk(chunk, CounsellingSession)
                count += len(chunk)
                chunk = []
        if chunk:
            _rebuild_chunk(chunk, CounsellingSession)
            count += len(chunk)
    return count


def _rebuild_chunk(cases, session_model) -> None:
    by_case = defaultdict(list)
    for row in session_model.objects.filter(case_id__in=[c.pk for c in cases]).values_list(
        "case_id", *SESSION_COLUMNS
    ):
        by_case[row[0]].append(row[1:])
    members = _members([row[0] for rows in by_case.values() for row in rows])
    new_rows = []
    for case in cases:
        new_rows += _rows_for(case, case.client.household_id, by_case.get(case.pk, []), members)
    ContactMonth.objects.bulk_create(new_rows, batch_size=5000)
