"""Reads of the key-figure dashboards: the figures of one unit and period as tables (one row per
sub-unit, a total row) with a chart each, for the page and for the CSV/XLSX exports.

Who may see which unit is decided in ``rules`` (the views call ``rules.require_unit`` first);
``dashboard`` only shapes what ``figures.compute`` returns:

- a county splits by team, provider or manager; a provider by team or manager; a team by manager;
  a manager is just themselves;
- the state splits by county, and every figure that counts persons goes through
  ``privacy.protect`` (rows = counties, total = the state). A state user looking at one county
  gets that county's row of the same protected state table, so the two pages never disagree
  (otherwise a value hidden in one could be recomputed from the other);
- sessions by channel per month come from one grouped query over the contact rollup (sessions
  are no person counts and pass unsuppressed).

The number of queries does not depend on the amount of data: two ``compute`` calls (split and
total), one for the month series, one for the names of the sub-units and one for the unit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wegweiser.clients.choices import CloseReason, FieldOfAction, Gender, ResidenceStatus
from wegweiser.counselling.models import Channel
from wegweiser.referrals.models import ReferralStatus
from wegweiser.statistics import charts, rules
from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import (
    _CONTACT_FIELD,
    AGE_GROUPS,
    CHANNELS,
    KEYS,
    Period,
    Unit,
    compute,
    from_cache,
    label,
    recording_as_of,
    versioned,
)
from wegweiser.statistics.models import ContactMonth
from wegweiser.statistics.privacy import Shown, protect

#: Splits of a unit the user may choose (the first is the default); URL slug -> figures group.
SPLITS = {
    "county": ("team", "provider", "manager"),
    "provider": ("team", "manager"),
    "team": ("manager",),
    "manager": (),
    "state": ("county",),
}
SPLIT_SLUGS = {"team": "team", "provider": "traeger", "manager": "person", "county": "kreis"}
#: Public reference of a unit in URLs (never the primary key): the kind's slug and the uuid/AGS.
UNIT_SLUGS = {"team": "team", "provider": "traeger", "manager": "person", "county": "kreis"}
TOP_COUNTRIES = 10
MAX_CHART_ROWS = 25
DECIMALS = {"hours": 1, "fte": 2, "caseload_per_fte": 1}


# --- the shapes the page and the exports share ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str

    @property
    def decimals(self) -> int:
        return DECIMALS.get(self.key, 0)


@dataclasses.dataclass(frozen=True)
class Row:
    label: str
    cells: list[Shown]
    #: (unit slug, public reference) of the sub-unit's own dashboard, if the user may open it.
    drill: tuple[str, str] | None = None
    is_total: bool = False
    key: str = ""  # a stable key for tests and exports ("total", "kreis:08437", "2026-05")


@dataclasses.dataclass(frozen=True)
class Cell:
    key: str
    text: str
    suppressed: bool


@dataclasses.dataclass
class Table:
    slug: str
    title: str
    row_heading: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    chart: SafeString | None = None
    chart_title: str = ""

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for row in self.all_rows for cell in row.cells)

    def _shown(self, row: Row) -> list[Cell]:
        return [
            Cell(col.key, display(cell, col.decimals), cell.suppressed)
            for col, cell in zip(self.columns, row.cells, strict=True)
        ]

    @property
    def body(self) -> list[tuple[Row, list[Cell]]]:
        """The rows with their cells as text, for the template."""
        return [(row, self._shown(row)) for row in self.rows]

    @property
    def footer(self) -> list[Cell] | None:
        return self._shown(self.total) if self.total else None


@dataclasses.dataclass
class Dashboard:
    unit: Unit
    unit_label: str
    unit_object: object
    period: Period
    split: str | None
    splits: tuple[str, ...]
    suppressed: bool  # figures leave the county: person counts below 5 are hidden
    tables: list[Table]
    #: cache key of a board shaped from cached figures (``dashboard``); None when computed afresh
    version: str | None = None

    @property
    def has_suppressed(self) -> bool:
        return any(t.has_suppressed for t in self.tables)

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404


def display(cell: Shown, decimals: int = 0) -> str:
    """A cell as shown on the page and in the CSV: "•" when suppressed, "–" when there is no
    value (for example the caseload without posts), else the German number format."""
    if cell.suppressed:
        return "•"
    if cell.value is None:
        return "–"
    return charts.format_number(cell.value, decimals)


# --- the dashboard ------------------------------------------------------------------------------


def dashboard(user, unit: Unit, period: Period, provider=None, split: str | None = None):
    """The dashboard of ``unit`` (already checked with ``rules.require_unit``) for ``period``.

    ``provider`` (an Organisation of the county) narrows a county to that provider; ``split`` is
    one of ``SPLITS[unit.kind]`` (default: the first)."""
    if provider is not None:
        if unit.kind != "county" or provider.kreis_id != unit.pk:
            raise Http404
        unit = Unit("provider", provider.pk)
    unit_object, unit_label = _unit_object(unit)
    suppressed = rules.needs_suppression(user)
    if suppressed and unit.kind == "county":
        return _state_view_of_county(user, unit, unit_object, unit_label, period)
    db = reporting_db()
    splits = SPLITS[unit.kind]
    if split not in splits:
        split = splits[0] if splits else None
    with recording_as_of() as noted:
        grouped = compute(unit, period, group=split, using=db, cached=True) if split else {}
        figures = compute(unit, period, using=db, cached=True)[None]
        months = months_of(unit, period, using=db)
    # Shaped from cached figures, the tables are kept under the versions of those figures (and
    # what of the viewer decides the links): shaping a state's 44 counties costs more than the
    # page may take.
    version = (
        f"ww:board:v2:{_viewer(user)}:{unit.kind}:{unit.pk}:{period.key()}:{split}:"
        + ",".join(repr(at) for at in noted)
        if len(noted) == (3 if split else 2)
        else None
    )
    board = versioned.get(version) if version else None
    if board is not None:
        return board
    if split is None:
        rows = [(_own_row_key(unit), unit_label, None, _plain(figures))]
        total = None
    else:
        members = _members(user, unit, split, period, set(grouped), using=db)
        raw_rows = {key: grouped.get(key) or _zeros() for key, *_rest in members}
        if suppressed:
            shown_rows, shown_total = protect(*_aligned(raw_rows, figures))
        else:
            shown_rows = {key: _plain(values) for key, values in raw_rows.items()}
            shown_total = _plain(figures)
        rows = [
            (f"{SPLIT_SLUGS[split]}:{ref or 'none'}", name, drill, shown_rows[key])
            for key, name, drill, ref in members
        ]
        total = shown_total
    tables = _tables(rows, total, split, months)
    board = Dashboard(
        unit=unit,
        unit_label=unit_label,
        unit_object=unit_object,
        period=period,
        split=split,
        splits=splits,
        suppressed=suppressed,
        tables=tables,
        version=version,
    )
    if version:
        versioned.set(version, board)
    return board


def _state_view_of_county(user, unit, unit_object, unit_label, period) -> Dashboard:
    """One county for the state: its row of the protected state table (same cells hidden)."""
    db = reporting_db()
    state = Unit("state", user.land_id)
    grouped = compute(state, period, group="county", using=db, cached=True)
    figures = compute(state, period, using=db, cached=True)[None]
    members = _members(user, state, "county", period, set(grouped), using=db)
    raw_rows = {key: grouped.get(key) or _zeros() for key, *_rest in members}
    if unit.pk not in raw_rows:
        raw_rows[unit.pk] = grouped.get(unit.pk) or _zeros()
    shown_rows, _total = protect(*_aligned(raw_rows, figures))
    rows = [(f"kreis:{unit_object.ags}", unit_label, None, shown_rows[unit.pk])]
    tables = _tables(rows, None, None, months_of(unit, period, using=db))
    return Dashboard(
        unit=unit,
        unit_label=unit_label,
        unit_object=unit_object,
        period=period,
        split=None,
        splits=(),
        suppressed=True,
        tables=tables,
    )


def _own_row_key(unit: Unit) -> str:
    return f"{unit.kind}:own"


def _zeros() -> dict:
    values: dict = {key: 0 for key in KEYS}
    values.update(hours=Decimal("0.0"), fte=Decimal("0.00"), caseload_per_fte=None)
    return values


def _plain(values: dict) -> dict[str, Shown]:
    return {key: Shown(value) for key, value in values.items()}


def _aligned(rows: dict, total: dict) -> tuple[dict, dict]:
    """Every row and the total with the same keys (a country missing in a row is a 0 there),
    so that the protection sees whole tables."""
    keys = set(total)
    for values in rows.values():
        keys |= set(values)

    def fill(values: dict) -> dict:
        return {
            key: values.get(key, None if key == "caseload_per_fte" else 0) for key in sorted(keys)
        }

    return {k: fill(v) for k, v in rows.items()}, fill(total)


def _unit_object(unit: Unit):
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Land, Organisation, Team

    model = {
        "state": Land,
        "county": Kreis,
        "provider": Organisation,
        "team": Team,
        "manager": User,
    }[unit.kind]
    qs = model.objects.all()
    if unit.kind == "team":
        qs = qs.select_related("organisation")
    try:
        obj = qs.get(pk=unit.pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    if unit.kind == "county":
        return obj, obj.name
    if unit.kind == "manager":
        return obj, obj.display_name
    return obj, str(obj)


def _members(user, unit: Unit, split: str, period: Period, keys: set, *, using: str) -> list[tuple]:
    """The sub-units of ``unit`` for ``split``: ``(group key, name, drill, public ref)``, those
    with figures and those that could have had some (active case workers, teams, providers with
    teams, counties using Wegweiser), ordered by name; figures without a sub-unit come last."""
    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import CASEWORK_ROLES
    from wegweiser.organisations.models import Kreis, Organisation, Team

    scope = {
        "state": "land_id",
        "county": "kreis_id",
        "provider": "organisation_id",
        "team": "team_id",
    }[unit.kind]
    known = {key for key in keys if key is not None}
    casework = User.objects.filter(role__in=CASEWORK_ROLES, is_active=True)
    if split == "county":
        uses = Exists(casework.filter(kreis_id=OuterRef("pk")))
        objects = Kreis.objects.using(using).filter(land_id=unit.pk).filter(uses | Q(pk__in=known))
        entries = [
            (k.pk, k.name, (UNIT_SLUGS["county"], k.ags), k.ags)
            for k in objects.only("pk", "name", "ags")
        ]
    elif split == "team":
        objects = Team.objects.using(using).filter(Q(**{scope: unit.pk}) | Q(pk__in=known))
        objects = objects.select_related("organisation")
        entries = [
            (t.pk, str(t), _drill(user, "team", t.uuid, t.kreis_id), t.uuid) for t in objects
        ]
    elif split == "provider":
        has_team = Exists(Team.objects.filter(organisation_id=OuterRef("pk")))
        objects = Organisation.objects.using(using).filter(kreis_id=unit.pk)
        objects = objects.filter(has_team | Q(pk__in=known))
        entries = [
            (o.pk, o.name, _drill(user, "provider", o.uuid, o.kreis_id), o.uuid) for o in objects
        ]
    elif split == "manager":
        objects = User.objects.using(using).filter(
            Q(**{scope: unit.pk}, role__in=CASEWORK_ROLES, is_active=True) | Q(pk__in=known)
        )
        entries = [
            (
                u.pk,
                u.display_name,
                _drill(user, "manager", u.uuid, u.kreis_id, team_id=u.team_id),
                u.uuid,
            )
            for u in objects.only(
                "pk", "uuid", "first_name", "last_name", "email", "kreis_id", "team_id"
            )
        ]
    else:  # pragma: no cover - SPLITS lists the splits
        raise ValueError(split)
    entries.sort(key=lambda entry: entry[1].casefold())
    if None in keys:
        entries.append((None, _("not assigned"), None, None))
    return entries


def _viewer(user) -> str:
    """What of the user a shaped dashboard depends on (``needs_suppression`` and ``_drill``):
    users alike in it share one shaped dashboard."""
    if user.is_state_user:
        return "state"
    if rules.is_county_level(user):
        return f"county:{user.kreis_id}"
    if user.role == "team_lead":
        return f"team_lead:{user.kreis_id}:{user.team_id}"
    return f"other:{user.kreis_id}"


def _drill(user, kind: str, uuid, kreis_id, *, team_id=None) -> tuple[str, str] | None:
    """The link to a sub-unit's dashboard, only where ``rules.may_see_unit`` would allow it."""
    if user.is_state_user or kreis_id != user.kreis_id:
        return None
    if rules.is_county_level(user):
        return (UNIT_SLUGS[kind], str(uuid))
    if user.role == "team_lead" and kind == "manager" and team_id == user.team_id:
        return (UNIT_SLUGS[kind], str(uuid))
    return None


def months_of(unit: Unit, period: Period, *, using: str) -> list[tuple[dt.date, dict]]:
    """Sessions by channel, sessions and hours per month of the period (one grouped query;
    cached like the figures, see ``figures.compute``)."""
    return from_cache(
        f"months:{unit.kind}:{unit.pk}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:{using}",
        lambda: _months_computed(unit, period, using=using),
    )


def _months_computed(unit: Unit, period: Period, *, using: str) -> list[tuple[dt.date, dict]]:
    rows = (
        ContactMonth.objects.using(using)
        .filter(
            **{_CONTACT_FIELD[unit.kind]: unit.pk},
            month__gte=period.start,
            month__lte=period.end,
        )
        .values("month")
        .annotate(
            n_sessions=Sum("sessions"),
            n_minutes=Sum("minutes"),
            **{f"n_{code}": Sum(code) for code in CHANNELS},
        )
        .order_by()
    )
    by_month = {row["month"]: row for row in rows}
    result = []
    month = period.start
    while month <= period.end:
        row = by_month.get(month, {})
        values = {f"sessions:{code}": row.get(f"n_{code}") or 0 for code in CHANNELS}
        values["sessions"] = row.get("n_sessions") or 0
        values["minutes"] = row.get("n_minutes") or 0
        values["hours"] = _hours(values["minutes"])
        result.append((month, values))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result


# --- tables -------------------------------------------------------------------------------------


def _tables(rows: list[tuple], total: dict | None, split, months) -> list[Table]:
    """All tables of the dashboard from the (shown) figures of the rows and of the total."""
    row_heading = {
        None: _("Unit"),
        "county": _("County"),
        "provider": _("Provider"),
        "team": _("Team"),
        "manager": _("Integration manager"),
    }[split]
    sets = [values for *_rest, values in rows] + ([total] if total else [])

    def table(slug, title, columns, *, chart_rows=None, chart_title="", stacked=False):
        body = [
            Row(
                label=name,
                cells=[values.get(col.key, Shown(0)) for col in columns],
                drill=drill,
                key=key,
            )
            for key, name, drill, values in rows
        ]
        total_row = (
            Row(
                label=_("Total"),
                cells=[total.get(col.key, Shown(0)) for col in columns],
                is_total=True,
                key="total",
            )
            if total is not None
            else None
        )
        result = Table(slug, title, row_heading, columns, body, total_row)
        result.chart_title = chart_title or title
        result.chart = _chart(result, chart_rows, stacked)
        return result

    def cols(pairs) -> list[Column]:
        return [Column(key, str(text)) for key, text in pairs]

    overview = cols(
        (key, label(key))
        for key in (
            "persons",
            "households",
            "cases_opened",
            "cases_closed",
            "sessions",
            "hours",
            "interpreter_sessions",
            "open_cases",
            "fte",
            "caseload_per_fte",
        )
    )
    tables = [
        table(
            "overview",
            _("Overview"),
            overview,
            chart_rows=("persons", "open_cases"),
            chart_title=_("Persons counselled and open cases"),
        ),
        _monthly_table(months),
        table(
            "fields",
            _("Persons by field of action"),
            cols((f"field:{code}", text) for code, text in FieldOfAction.choices),
        ),
        table(
            "cases",
            _("Cases"),
            cols(
                [
                    ("cases_opened", label("cases_opened")),
                    ("cases_closed", label("cases_closed")),
                    *[(f"closed:{code}", text) for code, text in CloseReason.choices],
                    ("open_cases", label("open_cases")),
                    ("periods_over_3_years", label("periods_over_3_years")),
                ]
            ),
        ),
        table(
            "referrals",
            _("Referrals by status"),
            cols(
                [
                    ("referrals", label("referrals")),
                    *[(f"referrals:{code}", text) for code, text in ReferralStatus.choices],
                ]
            ),
        ),
        table(
            "referral_fields",
            _("Referrals by field of action"),
            cols(
                [
                    *[(f"referrals_field:{code}", text) for code, text in FieldOfAction.choices],
                    ("referrals_field:none", _("without a goal")),
                ]
            ),
        ),
        table(
            "goals",
            _("Goals agreed and reached"),
            cols((key, label(key)) for key in ("goals_agreed", "goals_reached")),
        ),
        table(
            "age",
            _("Persons by age group"),
            cols((f"age:{code}", _age_label(code)) for code in AGE_GROUPS),
        ),
        table(
            "gender",
            _("Persons by gender"),
            cols((f"gender:{code}", text) for code, text in Gender.choices),
        ),
        table(
            "residence",
            _("Persons by residence status"),
            cols(
                (f"residence:{code}", text)
                for code, text in ResidenceStatus.choices
                if _used(f"residence:{code}", sets) or code == ResidenceStatus.UNKNOWN
            ),
        ),
        table(
            "countries",
            _("Top countries of origin"),
            cols((key, _country_label(key)) for key in _top_countries(total or sets[0])),
        ),
    ]
    return tables


def _used(key: str, sets: list[dict]) -> bool:
    cells = [values.get(key, Shown(0)) for values in sets]
    return any(cell.suppressed or cell.value for cell in cells)


def _age_label(code: str) -> str:
    if code == "unknown":
        return _("unknown")
    if code == "65+":
        return _("65 and older")
    return pgettext("age group", "%(group)s years") % {"group": code.replace("-", "–")}


def _country_label(key: str) -> str:
    from django_countries import countries

    code = key.split(":", 1)[1]
    if code == "unknown":
        return _("unknown")
    return str(countries.name(code) or code)


def _top_countries(values: dict[str, Shown]) -> list[str]:
    """The most frequent countries of origin of the unit (suppressed totals rank last, by code,
    so the order gives nothing away)."""
    keys = [key for key in values if key.startswith("country:")]
    keys.sort(
        key=lambda key: (
            values[key].suppressed,
            -(values[key].value or 0) if not values[key].suppressed else 0,
            key,
        )
    )
    keys = [k for k in keys if values[k].suppressed or values[k].value]
    return keys[:TOP_COUNTRIES]


def _monthly_table(months) -> Table:
    columns = [Column(f"sessions:{code}", str(text)) for code, text in Channel.choices]
    columns += [Column("sessions", str(label("sessions"))), Column("hours", str(label("hours")))]
    rows = [
        Row(
            label=formats.date_format(month, "F Y"),
            cells=[Shown(values[col.key]) for col in columns],
            key=f"{month:%Y-%m}",
        )
        for month, values in months
    ]
    totals = {
        col.key: sum(values[col.key] for _m, values in months)
        for col in columns
        if col.key != "hours"
    }
    totals["hours"] = _hours(sum(values["minutes"] for _m, values in months))
    total = Row(
        label=_("Total"),
        cells=[Shown(totals[col.key]) for col in columns],
        is_total=True,
        key="total",
    )
    table = Table(
        "monthly",
        _("Sessions by channel and month"),
        _("Month"),
        columns,
        rows,
        total if len(rows) > 1 else None,
    )
    table.chart_title = table.title
    categories = [f"{month:%m/%Y}" for month, _v in months]
    series = [
        charts.Series(str(text), [values[f"sessions:{code}"] for _m, values in months])
        for code, text in Channel.choices
    ]
    table.chart = charts.bar_chart(
        title=table.title,
        categories=categories,
        series=series,
        unit=_("sessions"),
        stacked=True,
        chart_id="chart-monthly",
    )
    return table


def _hours(minutes: int) -> Decimal:
    """Hours as ``figures`` rounds them (one decimal, half up), from the summed minutes."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _chart(table: Table, chart_rows, stacked: bool) -> SafeString | None:
    """The chart beside a table: with ``chart_rows`` (figure keys) one bar group per sub-unit
    (only for 2..MAX_CHART_ROWS sub-units), else one bar per column of the unit's total."""
    chart_id = f"chart-{table.slug.replace('_', '-')}"
    if chart_rows is not None:
        if not 2 <= len(table.rows) <= MAX_CHART_ROWS:
            return None
        index = {col.key: i for i, col in enumerate(table.columns)}
        series = [
            charts.Series(
                table.columns[index[key]].label,
                [_chart_value(row.cells[index[key]]) for row in table.rows],
            )
            for key in chart_rows
        ]
        return charts.bar_chart(
            title=table.chart_title,
            categories=[row.label for row in table.rows],
            series=series,
            chart_id=chart_id,
        )
    source = table.total or (table.rows[0] if table.rows else None)
    if source is None or not table.columns:
        return None
    return charts.bar_chart(
        title=table.chart_title,
        categories=[col.label for col in table.columns],
        series=[charts.Series(source.label, [_chart_value(cell) for cell in source.cells])],
        stacked=stacked,
        chart_id=chart_id,
    )


def _chart_value(cell: Shown):
    return None if cell.suppressed else cell.value


# --- exports ------------------------------------------------------------------------------------


def export_rows(board: Dashboard, table: Table) -> list[list]:
    """The table as rows of plain values (title, unit and period, header, rows, total, note);
    suppressed cells are "•". Shared by the CSV and the XLSX export."""
    out: list[list] = [
        [table.title],
        [_("Unit"), board.unit_label, _("Period"), board.period.label],
        [],
        [table.row_heading, *[col.label for col in table.columns]],
    ]
    for row in table.all_rows:
        out.append([row.label, *["•" if cell.suppressed else cell.value for cell in row.cells]])
    if table.has_suppressed:
        out += [[], [suppression_note()]]
    return out


def suppression_note() -> str:
    return _("• = fewer than 5 persons, or hidden to protect such values")
