"""The figures of the volunteer programme (Ehrenamt) of a county or of the state, per county, for
a period of whole months: they feed the page "Kennzahlen → Ehrenamt", the county and state
dashboards and the proof of use of a funding programme.

One grouped query per source table (volunteers, qualifications, hours, tandems, support
requests, mentoring groups, persons accompanied): seven queries whatever the number of
volunteers or counties. The volunteer tables are small (hundreds of rows per county), so they are
counted directly instead of from a rollup.

Definitions (also in docs/kennzahlen.md, section "Ehrenamt"); "in the period" means a date from
the first to the last day of the period, both included:

- ``volunteers_active``: volunteers in action in the period: registered (``created_at``) by the
  end of the period and either with the status active or paused today, or left on or after the
  first day of the period (``left_on``); and, whatever their status, every volunteer who gave
  hours in the period. The status has no history: a volunteer who is active today counts as
  active for every earlier period since being registered; someone still "interested" does not
  count (unless they gave hours).
- ``volunteers_new``: volunteers registered in Wegweiser in the period (any status).
- ``volunteers_trained``: distinct volunteers with a qualification attended in the period
  (training events attended appear as qualifications).
- ``training_hours``: the hours of those qualifications (a qualification without hours adds 0).
- ``hours_given``: hours given in the period (``Activity.date``), cancelled entries never count;
  ``hours_given:<kind>`` splits them into tandem meetings, support requests and mentoring groups.
- ``tandems_running``: tandems running at some point of the period (started on or before its last
  day, not ended before its first day); ``tandems_started`` / ``tandems_ended``: started / ended
  in the period.
- ``support_requests_done``: support requests with the status done and the date needed in the
  period.
- ``mentoring_groups_active``: mentoring groups accompanying a family (status accompanying or
  ended) whose period of accompaniment (``starts_on`` to ``ends_on``) overlaps the period.
- ``persons_accompanied``: distinct persons (the person of the case; household members are not
  counted) with a tandem running in the period, a support request done in the period or a
  mentoring group active in the period.

Counts of volunteers, tandems, requests, groups and persons are person counts: they are
suppressed (1 to 4 hidden, and what would give them away) when figures leave the county
(``protect``). Hours are not. Every volunteer, case and group belongs to exactly one county, so
the figures of the state are the sums of its counties.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import Period, Unit
from wegweiser.statistics.privacy import Shown
from wegweiser.statistics.selectors import Column, Row, Table
from wegweiser.statistics.suppression import suppress_series
from wegweiser.volunteers.models import ActivityKind

HOUR_KINDS = tuple(ActivityKind.values)

# (key, label, counts persons) in report order.
_BASE = [
    ("volunteers_active", _("Volunteers in action"), True),
    ("volunteers_new", _("Volunteers newly registered"), True),
    ("volunteers_trained", _("Volunteers trained"), True),
    ("training_hours", _("Hours of training"), False),
    ("hours_given", _("Hours given by volunteers"), False),
    ("hours_given:tandem", _("hours given: tandems"), False),
    ("hours_given:support_request", _("hours given: support requests"), False),
    ("hours_given:mentoring_group", _("hours given: mentoring groups"), False),
    ("tandems_running", _("Tandems running"), True),
    ("tandems_started", _("Tandems started"), True),
    ("tandems_ended", _("Tandems ended"), True),
    ("support_requests_done", _("Support requests done"), True),
    ("mentoring_groups_active", _("Mentoring groups accompanying"), True),
    ("persons_accompanied", _("Persons accompanied by volunteers"), True),
]
KEYS: list[str] = [key for key, _label, _person in _BASE]
LABELS: dict[str, object] = {key: text for key, text, _person in _BASE}
PERSON_KEYS: frozenset[str] = frozenset(key for key, _label, person in _BASE if person)
DECIMAL_KEYS: frozenset[str] = frozenset(KEYS) - PERSON_KEYS
#: Decimals shown for hours (quarter hours are common: 0,25).
DECIMALS = {key: 2 for key in DECIMAL_KEYS}

_SCOPE = {"county": "kreis_id", "state": "kreis__land_id"}
GROUPS = {None, "county"}


def label(key: str) -> str:
    return str(LABELS[key])


def zeros() -> dict:
    return {key: Decimal("0.00") if key in DECIMAL_KEYS else 0 for key in KEYS}


def compute(
    unit: Unit, period: Period, *, group: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> dict:
    """The volunteer figures of ``unit`` (a county or a state) for ``period``:
    ``{group key: {figure key: number}}``. Without ``group`` the single key is ``None``; with
    ``group="county"`` the keys are the counties (primary keys) that have any figure. ``using``:
    the database to read (reports pass ``statistics.db.reporting_db()``)."""
    if unit.kind not in _SCOPE:
        raise ValueError(f"Volunteer figures exist for a county or a state, not {unit.kind!r}")
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}")
    scope = Q(**{_SCOPE[unit.kind]: unit.pk})
    gf = None if group is None else "kreis_id"
    result: dict = defaultdict(dict)
    _volunteers(result, scope, period, gf, using)
    _training(result, scope, period, gf, using)
    _hours(result, scope, period, gf, using)
    _tandems(result, scope, period, gf, using)
    _requests(result, scope, period, gf, using)
    _groups(result, scope, period, gf, using)
    _persons(result, scope, period, gf, using)
    if group is None and None not in result:
        result[None] = {}
    return {key: {**zeros(), **values} for key, values in result.items()}


def _grouped(qs, group_field: str | None, using: str, **aggregates):
    qs = qs.using(using)
    if group_field is None:
        yield None, qs.aggregate(**aggregates)
        return
    for row in qs.values(group_field).annotate(**aggregates).order_by():
        yield row.pop(group_field), row


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes (local midnight of the first day, of the day after)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _hours_value(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _given_hours(period: Period):
    from wegweiser.volunteers.models import Activity

    return Activity.objects.filter(_in_period("date", period), cancelled_at__isnull=True)


def _volunteers(result, scope: Q, period: Period, gf, using: str) -> None:
    from wegweiser.volunteers.models import Volunteer, VolunteerStatus

    start, end = _bounds(period)
    with_hours = Exists(_given_hours(period).filter(volunteer_id=OuterRef("pk")))
    registered = Q(created_at__lt=end)
    in_action = (
        registered
        & (
            Q(status__in=[VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED])
            | Q(status=VolunteerStatus.LEFT, left_on__gte=period.start)
        )
    ) | Q(with_hours)
    rows = Volunteer.objects.filter(scope)
    aggregates = {
        "active": Count("pk", filter=in_action),
        "new": Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
    }
    for key, agg in _grouped(rows, gf, using, **aggregates):
        if agg["active"] or agg["new"]:
            result[key]["volunteers_active"] = agg["active"]
            result[key]["volunteers_new"] = agg["new"]


def _training(result, scope: Q, period: Period, gf, using: str) -> None:
    from wegweiser.volunteers.models import Qualification

    rows = Qualification.objects.filter(scope, _in_period("attended_on", period))
    aggregates = {"trained": Count("volunteer_id", distinct=True), "hours": Sum("hours")}
    for key, agg in _grouped(rows, gf, using, **aggregates):
        if agg["trained"]:
            result[key]["volunteers_trained"] = agg["trained"]
            result[key]["training_hours"] = _hours_value(agg["hours"])


def _hours(result, scope: Q, period: Period, gf, using: str) -> None:
    rows = _given_hours(period).filter(scope)
    aggregates = {
        "total": Sum("hours"),
        **{f"k_{kind}": Sum("hours", filter=Q(kind=kind)) for kind in HOUR_KINDS},
    }
    for key, agg in _grouped(rows, gf, using, **aggregates):
        if agg["total"]:
            values = result[key]
            values["hours_given"] = _hours_value(agg["total"])
            for kind in HOUR_KINDS:
                values[f"hours_given:{kind}"] = _hours_value(agg[f"k_{kind}"])


def _running_tandems(period: Period) -> Q:
    return Q(started_on__lte=period.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )


def _active_groups(period: Period) -> Q:
    from wegweiser.volunteers.models import MentoringGroupStatus

    return Q(
        status__in=[MentoringGroupStatus.ACTIVE, MentoringGroupStatus.ENDED],
        starts_on__lte=period.end,
        ends_on__gte=period.start,
    )


def _done_requests(period: Period) -> Q:
    from wegweiser.volunteers.models import SupportRequestStatus

    return Q(status=SupportRequestStatus.DONE) & _in_period("needed_on", period)


def _tandems(result, scope: Q, period: Period, gf, using: str) -> None:
    from wegweiser.volunteers.models import Tandem

    rows = Tandem.objects.filter(scope, started_on__lte=period.end)
    aggregates = {
        "running": Count("pk", filter=_running_tandems(period)),
        "started": Count("pk", filter=_in_period("started_on", period)),
        "ended": Count("pk", filter=_in_period("ended_on", period)),
    }
    for key, agg in _grouped(rows, gf, using, **aggregates):
        if agg["running"]:
            result[key]["tandems_running"] = agg["running"]
            result[key]["tandems_started"] = agg["started"]
            result[key]["tandems_ended"] = agg["ended"]


def _requests(result, scope: Q, period: Period, gf, using: str) -> None:
    from wegweiser.volunteers.models import SupportRequest

    rows = SupportRequest.objects.filter(scope, _done_requests(period))
    for key, agg in _grouped(rows, gf, using, n=Count("pk")):
        if agg["n"]:
            result[key]["support_requests_done"] = agg["n"]


def _groups(result, scope: Q, period: Period, gf, using: str) -> None:
    from wegweiser.volunteers.models import MentoringGroup

    rows = MentoringGroup.objects.filter(scope, _active_groups(period))
    for key, agg in _grouped(rows, gf, using, n=Count("pk")):
        if agg["n"]:
            result[key]["mentoring_groups_active"] = agg["n"]


def _persons(result, scope: Q, period: Period, gf, using: str) -> None:
    """Distinct persons of the cases with a running tandem, a done support request or an active
    mentoring group (one query: the three sources as subqueries)."""
    from wegweiser.clients.models import Case
    from wegweiser.volunteers.models import MentoringGroup, SupportRequest, Tandem

    tandems = Tandem.objects.filter(scope, _running_tandems(period)).values("case_id")
    requests = SupportRequest.objects.filter(scope, _done_requests(period)).values("case_id")
    groups = MentoringGroup.objects.filter(scope, _active_groups(period)).values("case_id")
    cases = Case.objects.filter(scope).filter(
        Q(pk__in=tandems) | Q(pk__in=requests) | Q(pk__in=groups)
    )
    for key, agg in _grouped(cases, gf, using, n=Count("client_id", distinct=True)):
        if agg["n"]:
            result[key]["persons_accompanied"] = agg["n"]


# --- the state: per county, suppressed -----------------------------------------------------------


def protect(rows: dict) -> tuple[dict[object, dict[str, Shown]], dict[str, Shown]]:
    """What the state may see of the volunteer figures of its counties (``rows``: county ->
    figures, every county of the state that has any): the rows and their total (the counties add
    up to the state). Every person count of 1 to 4 is hidden, in the rows and in the total, and a
    second cell of its column where one hidden cell could be recomputed from the others and the
    total (``suppression.suppress_series``). Hours pass unchanged."""
    order = list(rows)
    shown_rows: dict = {unit: {} for unit in order}
    shown_total: dict = {}
    for key in KEYS:
        values = [rows[unit].get(key) or 0 for unit in order]
        if key in PERSON_KEYS:
            cells = [Shown(c.value, c.suppressed) for c in suppress_series(values)]
        else:
            total = sum(values, Decimal("0.00"))
            cells = [Shown(v) for v in values] + [Shown(total)]
        for unit, cell in zip(order, cells, strict=False):
            shown_rows[unit][key] = cell
        shown_total[key] = cells[-1]
    return shown_rows, shown_total


def plain(values: dict) -> dict[str, Shown]:
    return {key: Shown(value) for key, value in values.items()}


# --- the tables of the page, the dashboards and the exports -------------------------------------

#: Tables (slug, title, figure keys): the page shows all but the summary, the dashboards of the
#: county and the state show the summary.
TABLES = [
    (
        "summary",
        _("Volunteer programme"),
        (
            "volunteers_active",
            "volunteers_trained",
            "hours_given",
            "tandems_running",
            "support_requests_done",
            "mentoring_groups_active",
            "persons_accompanied",
        ),
    ),
    (
        "volunteers",
        _("Volunteers and training"),
        ("volunteers_active", "volunteers_new", "volunteers_trained", "training_hours"),
    ),
    ("hours", _("Hours given"), tuple(k for k in KEYS if k.startswith("hours_given"))),
    (
        "accompaniment",
        _("Tandems, support requests and mentoring groups"),
        (
            "tandems_running",
            "tandems_started",
            "tandems_ended",
            "support_requests_done",
            "mentoring_groups_active",
            "persons_accompanied",
        ),
    ),
]


@dataclasses.dataclass(frozen=True)
class VolunteerColumn(Column):
    """A column of a volunteer table: hours with up to two decimals."""

    @property
    def decimals(self) -> int:
        return DECIMALS.get(self.key, 0)


@dataclasses.dataclass
class Board:
    """The volunteer figures of a county (one row) or of a state (a row per county and the
    total, suppressed) as tables; ``unit_label`` and ``period`` as the exports expect them."""

    unit: Unit
    unit_label: str
    unit_object: object
    period: Period
    suppressed: bool
    tables: list

    @property
    def page_tables(self) -> list:
        return [t for t in self.tables if t.slug != "summary"]

    @property
    def summary(self):
        return self.table("summary")

    @property
    def has_suppressed(self) -> bool:
        return any(t.has_suppressed for t in self.tables)

    def table(self, slug: str):
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404


def cached(unit: Unit, period: Period, group: str | None, db: str) -> dict:
    from wegweiser.statistics.figures import from_cache

    return from_cache(
        f"volunteers:{unit.kind}:{unit.pk}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:{group}:{db}",
        lambda: compute(unit, period, group=group, using=db),
    )


def board(unit: Unit, period: Period) -> Board:
    """The tables of ``unit`` (checked by the caller with ``rules.volunteer_unit``) for
    ``period``: a county as it is (its staff read it), the state per county with ``protect``
    (figures leave the counties). At most nine queries whatever the data: the figures, the unit
    and the counties."""
    from django.contrib.auth import get_user_model

    from wegweiser.organisations.models import Kreis, Land

    db = reporting_db()
    suppressed = unit.kind == "state"
    if unit.kind == "county":
        kreis = Kreis.objects.get(pk=unit.pk)
        unit_object, unit_label = kreis, kreis.name
        figures = cached(unit, period, None, db)[None]
        rows = [(f"kreis:{kreis.ags}", kreis.name, plain(figures))]
        total = None
    elif unit.kind == "state":
        unit_object = Land.objects.get(pk=unit.pk)
        unit_label = str(unit_object)
        grouped = cached(unit, period, "county", db)
        uses = Exists(get_user_model().objects.filter(kreis_id=OuterRef("pk"), is_active=True))
        counties = Kreis.objects.filter(land_id=unit.pk).filter(uses | Q(pk__in=list(grouped)))
        counties = sorted(counties.only("pk", "name", "ags"), key=lambda k: k.name.casefold())
        shown, total = protect({k.pk: grouped.get(k.pk) or zeros() for k in counties})
        rows = [(f"kreis:{k.ags}", k.name, shown[k.pk]) for k in counties]
    else:
        raise ValueError(unit.kind)
    tables = []
    for slug, title, keys in TABLES:
        columns: list[Column] = [VolunteerColumn(key, label(key)) for key in keys]
        body = [
            Row(label=name, cells=[values[c.key] for c in columns], key=key)
            for key, name, values in rows
        ]
        total_row = (
            Row(
                label=str(_("Total")),
                cells=[total[c.key] for c in columns],
                is_total=True,
                key="total",
            )
            if total is not None
            else None
        )
        row_heading = str(_("County"))
        tables.append(Table(slug, str(title), row_heading, columns, body, total_row))
    return Board(unit, unit_label, unit_object, period, suppressed, tables)
