"""Retention: which persons and volunteers are due for erasure, by the rules of their county.

- **case files closed**: every case file of the person is closed, the last one at least N months
  ago (default 36). A household member without an own case file follows the case files of their
  household.
- **intake never confirmed**: the person's case file was opened at least N months ago (default
  6), and there is neither a session nor a consent.
- **volunteer left**: a volunteer left the network at least N months ago (default 12).

Persons whose processing is restricted (Art. 18) are never proposed. The nightly job
(``manage.py daily``) records what is due as proposals; nothing is erased until a person of the
county confirms it (``services.proposal_decide``). Queries are grouped: a constant number per
county and run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q

from wegweiser.core.dates import add_months
from wegweiser.dataprotection.models import (
    DEFAULT_MONTHS,
    ErasureProposal,
    RetentionKind,
    RetentionRule,
)


def months_by_kind(kreis_id: int) -> dict[str, int]:
    months = {str(kind): value for kind, value in DEFAULT_MONTHS.items()}
    for rule in RetentionRule.objects.filter(kreis_id=kreis_id):
        months[rule.kind] = rule.months
    return months


@dataclass(frozen=True)
class Due:
    kind: str
    due_since: dt.date
    client_id: int | None = None
    volunteer_id: int | None = None


def due(kreis_id: int, today: dt.date, *, recheck: int | None = None) -> list[Due]:
    """Everything of the county whose retention period has passed on ``today`` and that has no
    proposal yet (``recheck``: the id of a proposal to check again, as if it had none)."""
    from wegweiser.clients.models import Case, Client, Consent
    from wegweiser.clients.rules import restricted_q
    from wegweiser.counselling.models import CounsellingSession
    from wegweiser.volunteers.models import Volunteer, VolunteerStatus

    months = months_by_kind(kreis_id)
    result: list[Due] = []
    erased_or_decided = ErasureProposal.objects.filter(kreis_id=kreis_id).exclude(pk=recheck)
    restricted_cases = Case.objects.filter(kreis_id=kreis_id).filter(restricted_q())
    restricted_clients = set(restricted_cases.values_list("client_id", flat=True))
    decided_clients = set(
        erased_or_decided.filter(client__isnull=False).values_list("client_id", flat=True)
    )

    # Case files closed: per person with own case files; household members follow their
    # household's case files.
    limit = add_months(today, -months[RetentionKind.CASE_CLOSED])
    per_client = (
        Case.objects.filter(kreis_id=kreis_id)
        .values("client_id", "client__household_id")
        .annotate(open=Count("pk", filter=Q(closed_on__isnull=True)), last=Max("closed_on"))
    )
    per_household: dict[int, tuple[int, dt.date | None]] = {}
    with_case = set()
    for row in per_client:
        with_case.add(row["client_id"])
        household = row["client__household_id"]
        if household is not None:
            open_, last = per_household.get(household, (0, None))
            per_household[household] = (
                open_ + row["open"],
                max(filter(None, (last, row["last"])), default=None),
            )
        if row["open"] == 0 and row["last"] and row["last"] <= limit:
            result.append(
                Due(
                    RetentionKind.CASE_CLOSED,
                    add_months(row["last"], months[RetentionKind.CASE_CLOSED]),
                    client_id=row["client_id"],
                )
            )
    members = Client.objects.filter(kreis_id=kreis_id, household_id__in=list(per_household))
    for member in members.exclude(pk__in=with_case).values("pk", "household_id"):
        open_, last = per_household[member["household_id"]]
        if open_ == 0 and last and last <= limit:
            result.append(
                Due(
                    RetentionKind.CASE_CLOSED,
                    add_months(last, months[RetentionKind.CASE_CLOSED]),
                    client_id=member["pk"],
                )
            )

    # Intake never confirmed: no session and no consent, opened long enough ago.
    intake_limit = add_months(today, -months[RetentionKind.UNCONFIRMED_INTAKE])
    unconfirmed = (
        Case.objects.filter(kreis_id=kreis_id, closed_on__isnull=True, opened_on__lte=intake_limit)
        .exclude(Exists(CounsellingSession.objects.filter(case_id=OuterRef("pk"))))
        .exclude(Exists(Consent.objects.filter(client_id=OuterRef("client_id"))))
        .values_list("client_id", "opened_on")
    )
    for client_id, opened_on in unconfirmed:
        result.append(
            Due(
                RetentionKind.UNCONFIRMED_INTAKE,
                add_months(opened_on, months[RetentionKind.UNCONFIRMED_INTAKE]),
                client_id=client_id,
            )
        )
    result = [
        d
        for d in result
        if d.client_id not in restricted_clients and d.client_id not in decided_clients
    ]

    # Volunteers who left.
    volunteer_limit = add_months(today, -months[RetentionKind.VOLUNTEER_LEFT])
    decided_volunteers = set(
        erased_or_decided.filter(volunteer__isnull=False).values_list("volunteer_id", flat=True)
    )
    for pk, left_on in Volunteer.objects.filter(
        kreis_id=kreis_id, status=VolunteerStatus.LEFT, left_on__lte=volunteer_limit
    ).values_list("pk", "left_on"):
        if pk not in decided_volunteers:
            result.append(
                Due(
                    RetentionKind.VOLUNTEER_LEFT,
                    add_months(left_on, months[RetentionKind.VOLUNTEER_LEFT]),
                    volunteer_id=pk,
                )
            )
    return result


@transaction.atomic
def scan(kreis_id: int, today: dt.date) -> int:
    """Record new proposals for what is due (idempotent); returns how many are new."""
    proposals = [
        ErasureProposal(
            kreis_id=kreis_id,
            kind=d.kind,
            client_id=d.client_id,
            volunteer_id=d.volunteer_id,
            due_since=d.due_since,
        )
        for d in due(kreis_id, today)
    ]
    for proposal in proposals:
        proposal.save()
    return len(proposals)


def still_due(proposal: ErasureProposal, today: dt.date) -> bool:
    """Whether a proposal is still due when it is confirmed: a new case file, a session, a
    consent, a restriction or a volunteer's return since the nightly run make it not. A request
    of the person stands unless their processing was restricted or a case file was opened."""
    if proposal.kind == RetentionKind.REQUEST:
        from wegweiser.clients.models import Case
        from wegweiser.clients.rules import client_restricted

        return not client_restricted(proposal.client_id) and not (
            Case.objects.filter(client_id=proposal.client_id, closed_on__isnull=True).exists()
        )
    return any(
        d.kind == proposal.kind
        and d.client_id == proposal.client_id
        and d.volunteer_id == proposal.volunteer_id
        for d in due(proposal.kreis_id, today, recheck=proposal.pk)
    )
