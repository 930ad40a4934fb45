"""The key figures of a unit (manager, team, provider, county, state) for a period.

Everything is computed from the rollup ``ContactMonth`` (sessions, persons, households, channels,
fields of action) and from the case, referral and goal tables with one grouped query per figure
family, so a report of 60 managers costs the same number of queries as one of a single manager.

Figures are a flat mapping ``key -> number`` (see ``KEYS``): the same keys feed the dashboard,
the XLSX/CSV report, the frozen submission, the comparison with a re-run and the API.

Definitions (also in docs/kennzahlen.md):
- persons: distinct persons who took part in at least one session in the period (the person of
  the case and household members present); households: their distinct households (a person
  without a household counts as one).
- sessions, hours, channels, with interpreter: sessions held in the period (once per session).
- fields of action: persons whose sessions in the period touched the field.
- new and closed cases: opened / closed in the period (closed by reason); open cases, counselling
  periods over three years and caseload per full-time post: at the end of the period.
- referrals: made in the period, by their current status and by the field of action of the goal
  they belong to; goals: first agreed in the period / reached in the period.
- age groups (age at the end of the period), gender, residence status and country of origin (the
  first nationality): of the persons counselled in the period.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import logging
import os
import queue
import threading
import time
from collections import OrderedDict, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.clients.choices import CloseReason, FieldOfAction, Gender, ResidenceStatus
from wegweiser.core.dates import month_end
from wegweiser.counselling.models import Channel
from wegweiser.referrals.models import ReferralStatus
from wegweiser.statistics.models import FIELD_BITS, ContactMonth

log = logging.getLogger(__name__)

UNIT_KINDS = ("manager", "team", "provider", "county", "state")
AGE_GROUPS = ("0-17", "18-26", "27-44", "45-64", "65+", "unknown")
_AGE_BOUNDS = ((0, 17, "0-17"), (18, 26, "18-26"), (27, 44, "27-44"), (45, 64, "45-64"))


# --- periods ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Period:
    """A run of whole months, ``start`` (first day) to ``end`` (last day), both included."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # month, quarter, year, custom (for example a funding period)

    def __post_init__(self):
        if self.start.day != 1 or self.end != month_end(self.end):
            raise ValueError("A period runs from the first day of a month to the last of one.")
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        return cls(start, month_end(start), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = dt.date(year, 3 * quarter - 2, 1)
        return cls(start, month_end(dt.date(year, 3 * quarter, 1)), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def months(cls, start: dt.date, end: dt.date) -> Period:
        """The whole months from the month of ``start`` to the month of ``end``."""
        return cls(start.replace(day=1), month_end(end), "custom")

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"Q{(self.start.month + 2) // 3}/{self.start.year}"
        if self.kind == "month":
            return f"{self.start.month:02d}/{self.start.year}"
        return f"{self.start:%m/%Y}–{self.end:%m/%Y}"

    def key(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


# --- units --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Unit:
    kind: str  # one of UNIT_KINDS
    pk: int

    def __post_init__(self):
        if self.kind not in UNIT_KINDS:
            raise ValueError(f"Unknown unit kind {self.kind!r}")


# Field that identifies the unit in each source table.
_CONTACT_FIELD = {
    "manager": "counsellor_id",
    "team": "team_id",
    "provider": "organisation_id",
    "county": "kreis_id",
    "state": "kreis__land_id",
}
_CASE_FIELD = {
    "manager": "responsible_id",
    "team": "team_id",
    "provider": "organisation_id",
    "county": "kreis_id",
    "state": "kreis__land_id",
}


def _scope_q(field_map: dict, unit: Unit, prefix: str = "") -> Q:
    return Q(**{f"{prefix}{field_map[unit.kind]}": unit.pk})


# --- keys and labels ----------------------------------------------------------------------------

CHANNELS = tuple(Channel.values)
FIELDS = tuple(FieldOfAction.values)

# (key, label) in report order. Person keys are the ones that count persons or cases (they are
# suppressed when figures leave a county); the others count sessions, hours or ratios.
_BASE = [
    ("persons", _("Persons counselled"), True),
    ("households", _("Households"), True),
    ("cases_opened", _("New cases"), True),
    ("cases_closed", _("Closed cases"), True),
    *[
        (f"closed:{code}", format_lazy(_("closed: {reason}"), reason=label), True)
        for code, label in CloseReason.choices
    ],
    ("sessions", _("Sessions"), False),
    *[
        (f"sessions:{code}", format_lazy(_("sessions {channel}"), channel=label), False)
        for code, label in Channel.choices
    ],
    ("interpreter_sessions", _("Sessions with interpreter"), False),
    ("hours", _("Hours of counselling"), False),
    *[
        (f"field:{code}", format_lazy(_("Persons: {field}"), field=label), True)
        for code, label in FieldOfAction.choices
    ],
    ("referrals", _("Referrals"), True),
    *[
        (f"referrals:{code}", format_lazy(_("referrals {status}"), status=label), True)
        for code, label in ReferralStatus.choices
    ],
    *[
        (f"referrals_field:{code}", format_lazy(_("referrals: {field}"), field=label), True)
        for code, label in FieldOfAction.choices
    ],
    ("referrals_field:none", _("referrals without a goal"), True),
    ("goals_agreed", _("Goals agreed"), True),
    ("goals_reached", _("Goals reached"), True),
    ("open_cases", _("Open cases at the end of the period"), True),
    ("periods_over_3_years", _("Counselling periods over 3 years"), True),
    ("fte", _("Full-time posts"), False),
    ("caseload_per_fte", _("Open cases per full-time post"), False),
    *[
        (f"age:{code}", format_lazy(pgettext_lazy("age group", "age {group}"), group=code), True)
        for code in AGE_GROUPS[:-1]
    ],
    ("age:unknown", _("age unknown"), True),
    *[(f"gender:{code}", label, True) for code, label in Gender.choices],
    *[(f"residence:{code}", label, True) for code, label in ResidenceStatus.choices],
]
KEYS: list[str] = [key for key, _label, _person in _BASE]
LABELS: dict[str, object] = {key: label for key, label, _person in _BASE}
PERSON_KEYS: frozenset[str] = frozenset(key for key, _label, person in _BASE if person)
DECIMAL_KEYS = frozenset({"hours", "fte", "caseload_per_fte"})


def label(key: str) -> str:
    """The German heading of a figure (countries: ``country:SY`` → "Herkunft: Syrien")."""
    if key.startswith("country:"):
        from django_countries import countries

        code = key.split(":", 1)[1]
        name = countries.name(code) if code != "unknown" else _("unknown")
        return str(_("Origin: %(country)s") % {"country": name or code})
    if key not in LABELS:  # the volunteer programme (in the proof of use next to the case work)
        from wegweiser.statistics import volunteer_figures

        return volunteer_figures.label(key)
    return str(LABELS[key])


def is_person_key(key: str) -> bool:
    return key in PERSON_KEYS or key.startswith("country:")


# --- computation --------------------------------------------------------------------------------

GROUPS = {None, "manager", "team", "provider", "county"}


def compute(
    unit: Unit,
    period: Period,
    *,
    group: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
    cached: bool = False,
) -> dict:
    """The figures of ``unit`` for ``period``: ``{group key: {figure key: number}}``; without
    ``group`` the single key is ``None``. ``group`` splits the unit (a county by manager, a state
    by county); every group that has any figure is present. ``using``: the database to read
    (reports pass ``statistics.db.reporting_db()``; see there).

    ``cached``: pages that show figures (dashboards, the annual report as it stands, the figures
    API) take a result up to ``WEGWEISER_FIGURES_CACHE_SECONDS`` old from Django's cache, so that
    they answer in milliseconds whatever the volume; what freezes figures (the submission of the
    annual report, the proof of use) always computes afresh."""
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}")
    if not cached:
        return _compute(unit, period, group, using)
    return from_cache(
        f"case:{unit.kind}:{unit.pk}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:{group}:{using}",
        lambda: _compute(unit, period, group, using),
    )


def from_cache(key: str, make):
    """``make()``, or a result of it computed earlier (Django's cache; only for figures shown on
    pages, never for what is frozen). With ``WEGWEISER_FIGURES_CACHE_SECONDS`` = 0 always
    ``make()``.

    A result is fresh for ``WEGWEISER_FIGURES_CACHE_SECONDS``. After that it is still answered at
    once, and once the page is answered the process's refresh thread computes the new result for
    the next request (a lock in the cache keeps it to one computation per key across the server's
    processes): a page never waits for a computation that the data's volume makes slow, except
    for the very first one of a key, which
    ``manage.py refresh_figures`` computes ahead (for counties and the state). A result is kept
    for ``WEGWEISER_FIGURES_KEEP_SECONDS`` (a day): what nobody asked for longer is computed at
    the next request again. Inside ``recording_as_of()`` the time each answered result was
    computed is noted (the pages show "as of"); inside ``refreshing()`` every result is computed
    afresh and stored when older than its ``max_age`` (what ``refresh_figures`` does)."""
    seconds = settings.WEGWEISER_FIGURES_CACHE_SECONDS
    if not seconds:
        return make()
    key = f"ww:figures:v2:{key}"
    entry = cache.get(key)
    max_age = _refresh.get()
    if entry is not None and max_age is not None and time.time() - entry[0] >= max_age:
        entry = None
    if entry is None:
        computed_at = time.time()
        result = make()
        cache.set(key, (computed_at, result), settings.WEGWEISER_FIGURES_KEEP_SECONDS)
    else:
        computed_at, result = entry
        # (``refreshing()`` decides by its own max_age and hands nothing to a request's end)
        if max_age is None and time.time() - computed_at >= seconds:
            _refresh_later(key, make)
    for noted in _as_of.get():
        noted.append(computed_at)
    return result


class _Versioned:
    """What is kept under a key that names its version (a shaped dashboard, rendered tables: the
    key carries the times of the figures they were made from, so what it holds never changes):
    the last ``size`` of them also as objects in this process, in front of Django's cache, so
    that a server process unpickles a state's board (4,000 cells, ~10 ms) once, not on every
    request. An entry no longer in Django's cache (expired, cleared) is dropped here too."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
        if value is not None:
            if cache.has_key(key):  # a look at the entry, without reading it
                with self._lock:
                    if key in self._items:
                        self._items.move_to_end(key)
                return value
            with self._lock:
                self._items.pop(key, None)
        value = cache.get(key)
        if value is not None:
            self._remember(key, value)
        return value

    def set(self, key: str, value, timeout: int | None = None) -> None:
        """Keep ``value`` for ``timeout`` seconds (default ``WEGWEISER_FIGURES_KEEP_SECONDS``)."""
        cache.set(key, value, timeout or settings.WEGWEISER_FIGURES_KEEP_SECONDS)
        self._remember(key, value)

    def _remember(self, key: str, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


versioned = _Versioned(size=32)


_as_of: contextvars.ContextVar[tuple[list, ...]] = contextvars.ContextVar(
    "figures_as_of", default=()
)
_refresh: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "figures_refresh", default=None
)


@contextlib.contextmanager
def recording_as_of():
    """Collect the computation times of the cached results answered inside the block: the list
    it yields; ``min()`` of it is the time the page's figures are as of."""
    noted: list[float] = []
    token = _as_of.set((*_as_of.get(), noted))  # the enclosing blocks note them too
    try:
        yield noted
    finally:
        _as_of.reset(token)


def as_of(noted: list[float]):
    """The time (aware, local) the oldest of the noted results was computed; None when the page
    computed everything afresh."""
    if not noted:
        return None
    return dt.datetime.fromtimestamp(min(noted), tz=dt.UTC)


@contextlib.contextmanager
def refreshing(max_age: float = 0):
    """Inside the block, ``from_cache`` computes afresh and stores every result that is missing
    or at least ``max_age`` seconds old (0: every result)."""
    token = _refresh.set(max_age)
    try:
        yield
    finally:
        _refresh.reset(token)


def _refresh_later(key: str, make) -> None:
    """Compute ``make()`` for ``key`` once more, after the current request has been answered, in
    this process's one refresh thread; nothing happens if another request (here or in another
    process) is already at it. With ``WEGWEISER_FIGURES_REFRESH_INLINE`` (tests) at once, after
    the caller got the old result."""
    lock = f"{key}:refreshing"
    if not cache.add(lock, 1, timeout=max(settings.WEGWEISER_FIGURES_CACHE_SECONDS, 60)):
        return
    if settings.WEGWEISER_FIGURES_REFRESH_INLINE:
        _recompute(key, make)
        return
    pending = getattr(_request_state, "pending", None)
    if pending is None:
        pending = _request_state.pending = []
    pending.append((key, make))


def _recompute(key: str, make) -> None:
    try:
        computed_at = time.time()
        cache.set(key, (computed_at, make()), settings.WEGWEISER_FIGURES_KEEP_SECONDS)
    except Exception:  # noqa: BLE001 - the old result stays; the next request tries again
        log.exception("figures %s could not be recomputed", key)
    finally:
        cache.delete(f"{key}:refreshing")


_request_state = threading.local()
_queue: queue.Queue = queue.Queue()
_worker: tuple[int, threading.Thread] | None = None
_worker_lock = threading.Lock()


def hand_over_refreshes(**_kwargs) -> None:
    """``request_finished``: the recomputations the request asked for go to the refresh thread
    now that its answer is out (they do not compete with the page for the interpreter). One
    thread per process (started on first use, again after a fork) works them off one by one."""
    pending = getattr(_request_state, "pending", None)
    if not pending:
        return
    _request_state.pending = []
    global _worker
    with _worker_lock:
        if _worker is None or _worker[0] != os.getpid() or not _worker[1].is_alive():
            thread = threading.Thread(target=_work, name="figures-refresh", daemon=True)
            _worker = (os.getpid(), thread)
            thread.start()
    for task in pending:
        _queue.put(task)


def _work() -> None:
    while True:
        key, make = _queue.get()
        close_old_connections()
        try:
            _recompute(key, make)
        finally:
            _queue.task_done()
            if _queue.empty():
                connections.close_all()


def wait_for_refreshes() -> None:
    """Block until the refresh thread has worked off everything handed to it (tests, bench)."""
    _queue.join()


def _compute(unit: Unit, period: Period, group: str | None, using: str) -> dict:
    result: dict = defaultdict(dict)
    _contacts(result, unit, period, group, using)
    _cases(result, unit, period, group, using)
    _referrals(result, unit, period, group, using)
    _goals(result, unit, period, group, using)
    _demographics(result, unit, period, group, using)
    _fte(result, unit, period, group, using)
    if group is None and None not in result:
        result[None] = {}
    return {g: _complete(values) for g, values in result.items()}


def _complete(values: dict) -> dict:
    """Every key present (0 where nothing happened); the caseload per post derived last."""
    out = {key: values.get(key, 0) for key in KEYS}
    out.update({k: v for k, v in values.items() if k.startswith("country:")})
    out["hours"] = Decimal(out["hours"] or 0).quantize(Decimal("0.1"), ROUND_HALF_UP)
    fte = Decimal(out["fte"] or 0)
    out["fte"] = fte.quantize(Decimal("0.01"))
    out["caseload_per_fte"] = (
        (Decimal(out["open_cases"]) / fte).quantize(Decimal("0.1"), ROUND_HALF_UP) if fte else None
    )
    return out


def _group_field(field_map: dict, group: str | None, prefix: str = "") -> str | None:
    return None if group is None else f"{prefix}{field_map[group]}"


def _grouped(qs, group_field: str | None, **aggregates):
    """Rows ``(group key, {aggregate: value})`` of a grouped aggregate query."""
    if group_field is None:
        yield None, qs.aggregate(**aggregates)
        return
    for row in qs.values(group_field).annotate(**aggregates).order_by():
        yield row.pop(group_field), row


def _contacts(result, unit: Unit, period: Period, group, using: str) -> None:
    rows = ContactMonth.objects.using(using).filter(
        _scope_q(_CONTACT_FIELD, unit), month__gte=period.start, month__lte=period.end
    )
    gf = _group_field(_CONTACT_FIELD, group)
    aggregates = {
        "persons": Count("client_id", distinct=True),
        "households": Count("household_key", distinct=True),
        "sessions": Sum("sessions"),
        "minutes": Sum("minutes"),
        "interpreter_sessions": Sum("interpreter_sessions"),
        **{f"ch_{code}": Sum(code) for code in CHANNELS},
    }
    for key, agg in _grouped(rows, gf, **aggregates):
        values = result[key]
        values["persons"] = agg["persons"] or 0
        values["households"] = agg["households"] or 0
        values["sessions"] = agg["sessions"] or 0
        values["hours"] = Decimal(agg["minutes"] or 0) / 60
        values["interpreter_sessions"] = agg["interpreter_sessions"] or 0
        for code in CHANNELS:
            values[f"sessions:{code}"] = agg[f"ch_{code}"] or 0
    if connections[using].vendor == "postgresql":
        _persons_postgresql(result, unit, period, group, using)
        return
    # Persons per field of action: one grouped query per field over the bit mask.
    for code in FIELDS:
        bit = FIELD_BITS[code]
        flagged = rows.annotate(has=_bit(bit)).filter(has=bit)
        for key, agg in _grouped(flagged, gf, n=Count("client_id", distinct=True)):
            if agg["n"]:
                result[key][f"field:{code}"] = agg["n"]


def _bit(bit: int):
    """``fields_mask & bit`` portably (PostgreSQL and SQLite both know the ``&`` operator)."""
    return F("fields_mask").bitand(bit)


def _cases(result, unit: Unit, period: Period, group, using: str) -> None:
    from wegweiser.clients.models import Case as CaseModel

    # A case file merged into another (a duplicate) is no case of its own.
    cases = (
        CaseModel.objects.using(using)
        .filter(_scope_q(_CASE_FIELD, unit))
        .exclude(close_reason="merged")
    )
    gf = _group_field(_CASE_FIELD, group)
    three_years_before = _years_before(period.end, 3)
    open_at_end = Q(opened_on__lte=period.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)
    )
    aggregates = {
        "opened": Count("pk", filter=Q(opened_on__gte=period.start, opened_on__lte=period.end)),
        "closed": Count("pk", filter=Q(closed_on__gte=period.start, closed_on__lte=period.end)),
        "open": Count("pk", filter=open_at_end),
        "long": Count("pk", filter=open_at_end & Q(opened_on__lte=three_years_before)),
        **{
            f"r_{code}": Count(
                "pk",
                filter=Q(closed_on__gte=period.start, closed_on__lte=period.end, close_reason=code),
            )
            for code in CloseReason.values
        },
    }
    for key, agg in _grouped(cases, gf, **aggregates):
        if not any(agg.values()):
            continue
        values = result[key]
        values["cases_opened"] = agg["opened"]
        values["cases_closed"] = agg["closed"]
        values["open_cases"] = agg["open"]
        values["periods_over_3_years"] = agg["long"]
        for code in CloseReason.values:
            values[f"closed:{code}"] = agg[f"r_{code}"]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _referrals(result, unit: Unit, period: Period, group, using: str) -> None:
    from wegweiser.referrals.models import Referral

    referrals = Referral.objects.using(using).filter(
        _scope_q(_CASE_FIELD, unit, "case__"),
        referred_on__gte=period.start,
        referred_on__lte=period.end,
    )
    gf = _group_field(_CASE_FIELD, group, "case__")
    aggregates = {
        "n": Count("pk"),
        **{f"s_{code}": Count("pk", filter=Q(status=code)) for code in ReferralStatus.values},
        **{f"f_{code}": Count("pk", filter=Q(goal__field_of_action=code)) for code in FIELDS},
        "f_none": Count("pk", filter=Q(goal__isnull=True)),
    }
    for key, agg in _grouped(referrals, gf, **aggregates):
        if not agg["n"]:
            continue
        values = result[key]
        values["referrals"] = agg["n"]
        for code in ReferralStatus.values:
            values[f"referrals:{code}"] = agg[f"s_{code}"]
        for code in FIELDS:
            values[f"referrals_field:{code}"] = agg[f"f_{code}"]
        values["referrals_field:none"] = agg["f_none"]


def _goals(result, unit: Unit, period: Period, group, using: str) -> None:
    from wegweiser.plans.models import Goal, GoalStatus

    agreed = Q(agreed_on__gte=period.start, agreed_on__lte=period.end)
    reached = Q(status=GoalStatus.REACHED, reached_on__gte=period.start, reached_on__lte=period.end)
    # Only the goals agreed or reached in the period (the others count nowhere).
    goals = Goal.objects.using(using).filter(
        _scope_q(_CASE_FIELD, unit, "plan__case__"), agreed | reached
    )
    gf = _group_field(_CASE_FIELD, group, "plan__case__")
    aggregates = {"agreed": Count("pk", filter=agreed), "reached": Count("pk", filter=reached)}
    for key, agg in _grouped(goals, gf, **aggregates):
        if agg["agreed"] or agg["reached"]:
            result[key]["goals_agreed"] = agg["agreed"]
            result[key]["goals_reached"] = agg["reached"]


def _persons_postgresql(result, unit: Unit, period: Period, group, using: str) -> None:
    """Persons per field of action and per age group, gender, residence status and country of
    origin in one statement (PostgreSQL): the rollup rows of the period are folded to one row
    per person (and group) with the fields of action OR-ed, joined to the persons once and
    counted in grouping sets. The same numbers as the portable queries (``_contacts`` and
    ``_demographics`` on SQLite): a person counts in a field when any of their sessions in the
    period touched it, in a category by their current data."""
    year = period.end.year
    scope = {
        "manager": "cm.counsellor_id = %s",
        "team": "cm.team_id = %s",
        "provider": "cm.organisation_id = %s",
        "county": "cm.kreis_id = %s",
        "state": "cm.kreis_id IN (SELECT id FROM organisations_kreis WHERE land_id = %s)",
    }[unit.kind]
    group_column = "0" if group is None else "cm." + _CONTACT_FIELD[group]
    age_cases = " ".join(
        f"WHEN c.birth_year >= {year - upper} AND c.birth_year <= {year - lower} THEN '{name}'"
        for lower, upper, name in _AGE_BOUNDS
    )
    age = f"CASE {age_cases} WHEN c.birth_year <= {year - 65} THEN '65+' ELSE 'unknown' END"
    fields = ", ".join(
        f"COUNT(*) FILTER (WHERE p.mask & {FIELD_BITS[code]} <> 0)" for code in FIELDS
    )
    sql = f"""
        WITH p AS (
            SELECT {group_column} AS g, cm.client_id, BIT_OR(cm.fields_mask) AS mask
            FROM statistics_contactmonth cm
            WHERE {scope} AND cm.month >= %s AND cm.month <= %s
            GROUP BY 1, 2
        )
        SELECT p.g, GROUPING({age}, c.gender, c.residence_status,
                             COALESCE(SUBSTRING(c.nationalities, 1, 2), '')),
               {age}, c.gender, c.residence_status,
               COALESCE(SUBSTRING(c.nationalities, 1, 2), ''), COUNT(*), {fields}
        FROM p JOIN clients_client c ON c.id = p.client_id
        GROUP BY GROUPING SETS (
            (p.g), (p.g, {age}), (p.g, c.gender), (p.g, c.residence_status),
            (p.g, COALESCE(SUBSTRING(c.nationalities, 1, 2), ''))
        )
    """  # noqa: S608 - the interpolated parts are fixed SQL and numbers, the values parameters
    # GROUPING(): a bit per column, set when the column is not grouped (age is the highest).
    dimension_of = {0b0111: "age", 0b1011: "gender", 0b1101: "residence", 0b1110: "country"}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [unit.pk, period.start, period.end])
        rows = cursor.fetchall()
    for g, grouping, age_value, gender, residence, country, _n, *counts in rows:
        key = None if group is None else g
        if grouping == 0b1111:
            for code, n in zip(FIELDS, counts, strict=True):
                if n:
                    result[key][f"field:{code}"] = n
            continue
        prefix = dimension_of[grouping]
        value = {"age": age_value, "gender": gender, "residence": residence, "country": country}[
            prefix
        ]
        result[key][f"{prefix}:{value or 'unknown'}"] = _n


def _demographics(result, unit: Unit, period: Period, group, using: str) -> None:
    if connections[using].vendor == "postgresql":
        return  # counted with the fields of action (``_persons_postgresql``)
    rows = ContactMonth.objects.using(using).filter(
        _scope_q(_CONTACT_FIELD, unit), month__gte=period.start, month__lte=period.end
    )
    gf = _group_field(_CONTACT_FIELD, group)
    year = period.end.year
    age = Case(
        *[
            When(
                client__birth_year__gte=year - upper,
                client__birth_year__lte=year - lower,
                then=Value(name),
            )
            for lower, upper, name in _AGE_BOUNDS
        ],
        When(client__birth_year__lte=year - 65, then=Value("65+")),
        default=Value("unknown"),
        output_field=CharField(),
    )
    country = Coalesce(Substr("client__nationalities", 1, 2), Value(""), output_field=CharField())
    dimensions = {
        "age": age,
        "gender": F("client__gender"),
        "residence": F("client__residence_status"),
        "country": country,
    }
    for prefix, expression in dimensions.items():
        fields = ([gf] if gf else []) + ["dim"]
        qs = (
            rows.annotate(dim=expression)
            .values(*fields)
            .annotate(n=Count("client_id", distinct=True))
            .order_by()
        )
        for row in qs:
            key = row[gf] if gf else None
            value = row["dim"] or "unknown"
            result[key][f"{prefix}:{value}"] = row["n"]


def _fte(result, unit: Unit, period: Period, group, using: str) -> None:
    """Full-time posts of the integration managers and team leads of the unit (active users;
    per manager: the manager's own)."""
    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import CASEWORK_ROLES

    user_field = {
        "manager": "pk",
        "team": "team_id",
        "provider": "organisation_id",
        "county": "kreis_id",
        "state": "land_id",
    }
    users = User.objects.using(using).filter(role__in=CASEWORK_ROLES, is_active=True)
    users = users.filter(**{user_field[unit.kind]: unit.pk})
    gf = None if group is None else user_field[group]
    for key, agg in _grouped(users, gf, fte=Sum("full_time_equivalent")):
        if agg["fte"]:
            result[key]["fte"] = agg["fte"]
