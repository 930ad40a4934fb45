"""Outcomes over time: cohorts of persons by quarter of arrival in Germany, and the share of each
cohort whose goals in work and training, language and housing were reached within 6, 9, 12 and
24 months of arrival, per county and for the state, so that counties can learn from each other.

A cohort's share for a horizon is only given once the horizon has passed for everyone in the
cohort (the end of the arrival quarter plus the horizon lies in the past); until then it is
``None`` ("noch offen"). The counts come from the rollup ``ArrivalOutcome`` (one row per person,
kept current on write), one grouped query per table."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q

from wegweiser.core.dates import add_months, month_end
from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import Unit
from wegweiser.statistics.models import ArrivalOutcome
from wegweiser.statistics.suppression import THRESHOLD

HORIZONS = (6, 9, 12, 24)
OUTCOME_FIELDS = ("work", "language", "housing")


def months_until(start: dt.date, end: dt.date) -> int:
    """The smallest number of months m with ``end <= start + m months`` (0 if end ≤ start)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end > add_months(start, months):
        months += 1
    return months


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: dt.date) -> dt.date:
    return month_end(dt.date(start.year, start.month + 2, 1))


# --- the rollup -------------------------------------------------------------------------------


def _reached(client_ids) -> dict[int, list[tuple[str, dt.date]]]:
    """The goals in work, language and housing reached, per person (one query)."""
    from wegweiser.plans.models import Goal, GoalStatus

    reached = defaultdict(list)
    for client_id, field, reached_on in Goal.objects.filter(
        plan__case__client_id__in=client_ids,
        status=GoalStatus.REACHED,
        field_of_action__in=OUTCOME_FIELDS,
        reached_on__isnull=False,
    ).values_list("plan__case__client_id", "field_of_action", "reached_on"):
        reached[client_id].append((field, reached_on))
    return reached


def _outcome_values(client, reached: list[tuple[str, dt.date]]) -> dict:
    """The outcome row of a person with an arrival date (pure: no queries)."""
    months: dict[str, int | None] = dict.fromkeys(OUTCOME_FIELDS)
    for field, reached_on in reached:
        value = months_until(client.arrival_date, reached_on)
        if months[field] is None or value < months[field]:
            months[field] = value
    return {
        "kreis_id": client.kreis_id,
        "arrival_quarter": quarter_start(client.arrival_date),
        **{f"{field}_months": months[field] for field in OUTCOME_FIELDS},
    }


def refresh_client(client) -> None:
    """Recompute the outcome row of one person (after a goal or the arrival date changed)."""
    with transaction.atomic():
        if client.arrival_date is None:
            ArrivalOutcome.objects.filter(client_id=client.pk).delete()
            return
        ArrivalOutcome.objects.update_or_create(
            client_id=client.pk,
            defaults=_outcome_values(client, _reached([client.pk]).get(client.pk, [])),
        )


REBUILD_CHUNK = 5000


def rebuild(kreis=None) -> int:
    """Rebuild every outcome row (of one county, or all), a few queries per chunk of persons."""
    from wegweiser.clients.models import Client

    clients = Client.objects.filter(arrival_date__isnull=False).order_by("pk")
    stale = ArrivalOutcome.objects.all()
    if kreis is not None:
        clients, stale = clients.filter(kreis=kreis), stale.filter(kreis=kreis)
    count = 0
    with transaction.atomic():
        stale.delete()
        chunk: list = []
        for client in clients.only("pk", "kreis_id", "arrival_date").iterator(
            chunk_size=REBUILD_CHUNK
        ):
            chunk.append(client)
            if len(chunk) == REBUILD_CHUNK:
                count += _rebuild_chunk(chunk)
                chunk = []
        if chunk:
            count += _rebuild_chunk(chunk)
    return count


def _rebuild_chunk(clients) -> int:
    reached = _reached([c.pk for c in clients])
    ArrivalOutcome.objects.bulk_create(
        [
            ArrivalOutcome(client_id=c.pk, **_outcome_values(c, reached.get(c.pk, [])))
            for c in clients
        ],
        batch_size=5000,
    )
    return len(clients)


# --- cohorts ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Share:
    reached: int | None  # None: suppressed or not yet due
    persons: int | None
    percent: Decimal | None
    due: bool  # the horizon has passed for the whole cohort
    suppressed: bool = False


@dataclasses.dataclass
class Cohort:
    quarter: dt.date
    persons: int | None  # None: suppressed
    shares: dict[tuple[str, int], Share]  # (field, horizon) -> share
    suppressed: bool = False

    @property
    def label(self) -> str:
        return f"Q{(self.quarter.month + 2) // 3}/{self.quarter.year}"


def _scope(unit: Unit) -> Q:
    if unit.kind == "county":
        return Q(kreis_id=unit.pk)
    if unit.kind == "state":
        return Q(kreis__land_id=unit.pk)
    raise ValueError("Outcomes are figures of a county or of the state.")


def _aggregates() -> dict:
    aggregates = {"n": Count("pk")}
    for field in OUTCOME_FIELDS:
        for horizon in HORIZONS:
            aggregates[f"{field}_{horizon}"] = Count(
                "pk", filter=Q(**{f"{field}_months__lte": horizon})
            )
    return aggregates


def cohorts(
    unit: Unit,
    *,
    today: dt.date,
    first: dt.date | None = None,
    suppress: bool = False,
    group: str | None = None,
):
    """Cohorts by quarter of arrival (from ``first``, default: 3 years back). With ``group=
    "county"`` (for the state), ``{kreis id: [Cohort, ...]}``; else a list of cohorts. With
    ``suppress``: a cohort below 5 persons is hidden, and a share whose count of persons who
    reached, or who did not reach, the goal is between 1 and 4."""
    first = quarter_start(first or dt.date(today.year - 3, 1, 1))
    qs = ArrivalOutcome.objects.using(reporting_db()).filter(
        _scope(unit), arrival_quarter__gte=first, arrival_quarter__lte=today
    )
    fields = ["arrival_quarter"] + (["kreis_id"] if group == "county" else [])
    rows = qs.values(*fields).annotate(**_aggregates()).order_by(*fields)
    result: dict = {}
    for row in rows:
        cohort = _cohort(row, today=today, suppress=suppress)
        key = row.get("kreis_id") if group == "county" else None
        result.setdefault(key, []).append(cohort)
    if group == "county":
        return result
    return result.get(None, [])


def _cohort(row: dict, *, today: dt.date, suppress: bool) -> Cohort:
    quarter = row["arrival_quarter"]
    n = row["n"]
    hidden = suppress and 0 < n < THRESHOLD
    shares = {}
    for field in OUTCOME_FIELDS:
        for horizon in HORIZONS:
            due = add_months(quarter_end(quarter), horizon) <= today
            reached = row[f"{field}_{horizon}"]
            share_hidden = hidden or (
                suppress and (0 < reached < THRESHOLD or 0 < n - reached < THRESHOLD)
            )
            if not due or share_hidden:
                shares[(field, horizon)] = Share(None, None, None, due, suppressed=share_hidden)
                continue
            percent = (Decimal(100 * reached) / n).quantize(Decimal("0.1"), ROUND_HALF_UP)
            shares[(field, horizon)] = Share(reached, n, percent, True)
    return Cohort(quarter=quarter, persons=None if hidden else n, shares=shares, suppressed=hidden)
