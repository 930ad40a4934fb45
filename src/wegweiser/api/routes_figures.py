"""Key figures through the API: the figures of a unit and period, optionally split into its
sub-units, and the outcome cohorts, with the same rules as the dashboards (statistics.rules):
the state's users get every person count suppressed below 5 (with secondary suppression), and
nobody gets a person. Thin: statistics.figures/outcomes/privacy do the work."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from wegweiser.api.errors import invalid
from wegweiser.api.schemas import WRITE_ERRORS
from wegweiser.audit.services import audit_record
from wegweiser.statistics import outcomes, privacy, rules
from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import Period, Unit, compute

router = Router(tags=["Kennzahlen"])

UnitKind = Literal["manager", "team", "provider", "county", "state"]
GroupKind = Literal["manager", "team", "provider", "county"]
FIRST_YEAR = 2017
_PERIOD = re.compile(
    r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?"
    r"(?:\.\.(?P<to_year>\d{4})-(?P<to_month>0[1-9]|1[0-2]))?$"
)
# Which sub-units a unit may be split into.
_GROUPS = {
    "state": {"county"},
    "county": {"manager", "team", "provider"},
    "provider": {"manager", "team"},
    "team": {"manager"},
    "manager": set(),
}


class FigureQuery(Schema):
    unit: UnitKind | None = Field(
        None, description="Einheit; ohne Angabe die größte, die Sie sehen dürfen"
    )
    id: str = Field(
        "",
        max_length=40,
        description="Kennung der Einheit: AGS des Kreises, Länderkürzel (BW), sonst UUID",
    )
    period: str = Field(
        ...,
        max_length=20,
        description="Zeitraum: 2026, 2026-Q2, 2026-05 oder ganze Monate 2025-07..2026-06",
    )
    group: GroupKind | None = Field(None, description="Aufgeteilt nach (z. B. county, manager)")

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str) -> str:
        if not _PERIOD.match(value):
            raise ValueError(
                "Bitte den Zeitraum als 2026, 2026-Q2, 2026-05 oder 2025-07..2026-06 angeben."
            )
        return value


class UnitOut(Schema):
    kind: str
    id: str
    name: str


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    label: str


class FiguresOut(Schema):
    unit: UnitOut
    figures: dict[str, float | int | None] = Field(
        ..., description="Kennzahlen (null: unterdrückt oder nicht berechenbar)"
    )
    suppressed: list[str] = Field(..., description="Unterdrückte Kennzahlen (unter 5 Personen)")


class FigureReport(FiguresOut):
    period: PeriodOut
    groups: list[FiguresOut] = Field(default_factory=list)
    labels: dict[str, str] = Field(..., description="Deutsche Bezeichnungen der Kennzahlen")


class OutcomeQuery(Schema):
    unit: Literal["county", "state"] | None = None
    id: str = Field("", max_length=40)
    from_year: int | None = Field(None, ge=FIRST_YEAR, le=2100, description="Ab Kohorte (Jahr)")
    by_county: bool = Field(False, description="Für das Land: je Kreis")


class ShareOut(Schema):
    field: str
    months: int
    percent: float | None
    reached: int | None
    due: bool = Field(..., description="Zeitraum für die ganze Kohorte verstrichen")
    suppressed: bool


class CohortOut(Schema):
    quarter: str
    persons: int | None
    suppressed: bool
    shares: list[ShareOut]


class OutcomeOut(Schema):
    unit: UnitOut
    cohorts: list[CohortOut]
    counties: list[dict] = Field(default_factory=list)


def _period(value: str) -> Period:
    m = _PERIOD.match(value)
    year = int(m["year"])
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise invalid("period", "Dieser Zeitraum liegt außerhalb der erfassten Jahre.")
    if m["to_year"]:
        start = dt.date(year, int(m["month"] or 1), 1)
        end = dt.date(int(m["to_year"]), int(m["to_month"]), 1)
        if end < start or int(m["to_year"]) > timezone.localdate().year + 1 or m["quarter"]:
            raise invalid("period", "Der Zeitraum ist ungültig.")
        if (end.year - start.year) * 12 + end.month - start.month >= 60:
            raise invalid("period", "Ein Zeitraum umfasst höchstens fünf Jahre.")
        return Period.months(start, end)
    if m["quarter"]:
        return Period.quarter(year, int(m["quarter"]))
    if m["month"]:
        return Period.month(year, int(m["month"]))
    return Period.year(year)


def _resolve(user, kind: str | None, ident: str) -> tuple[Unit, str, str]:
    """The unit (404 if unknown or not visible), its public id and its name."""
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Land, Organisation, Team

    if kind is None:
        unit = rules.home_unit(user)
        return unit, *_describe(unit)
    rules.require_view(user)
    obj = None
    try:
        if kind == "state":
            obj = Land.objects.filter(code=ident.upper()).first()
        elif kind == "county":
            obj = Kreis.objects.filter(ags=ident).first()
        else:
            model = {"team": Team, "provider": Organisation, "manager": User}[kind]
            obj = model.objects.filter(uuid=UUID(ident)).first()
    except ValueError:
        obj = None
    if obj is None:
        raise Http404
    unit = Unit(kind, obj.pk)
    rules.require_unit(user, unit)
    return unit, *_describe(unit)


def _describe(unit: Unit) -> tuple[str, str]:
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Land, Organisation, Team

    if unit.kind == "state":
        land = Land.objects.get(pk=unit.pk)
        return land.code, land.name
    if unit.kind == "county":
        kreis = Kreis.objects.get(pk=unit.pk)
        return kreis.ags, str(kreis)
    model = {"team": Team, "provider": Organisation, "manager": User}[unit.kind]
    obj = model.objects.get(pk=unit.pk)
    name = obj.display_name if unit.kind == "manager" else obj.name
    return str(obj.uuid), name


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _out(shown: dict, raw: dict) -> tuple[dict, list[str]]:
    if shown is None:
        return {k: _plain(v) for k, v in raw.items()}, []
    figures = {k: None if s.suppressed else _plain(s.value) for k, s in shown.items()}
    return figures, sorted(k for k, s in shown.items() if s.suppressed)


def _group_units(unit: Unit, group: str, keys) -> dict:
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Organisation, Team

    model = {"county": Kreis, "team": Team, "provider": Organisation, "manager": User}[group]
    found = {}
    for obj in model.objects.filter(pk__in=[k for k in keys if k is not None]):
        if group == "county":
            found[obj.pk] = UnitOut(kind=group, id=obj.ags, name=str(obj))
        else:
            name = obj.display_name if group == "manager" else obj.name
            found[obj.pk] = UnitOut(kind=group, id=str(obj.uuid), name=name)
    return found


@router.get(
    "/figures",
    response={200: FigureReport, **WRITE_ERRORS},
    summary="Kennzahlen einer Einheit und eines Zeitraums",
    operation_id="figures_read",
)
def figures_read(request, query: Query[FigureQuery]):
    """Die Kennzahlen (wie im Dashboard und im Jahresbericht) einer Einheit für einen Zeitraum,
    optional aufgeteilt (``group``). Für Nutzerinnen und Nutzer des Landes sind alle Zahlen
    von Personen unter 5 unterdrückt (``null`` und in ``suppressed`` aufgeführt), auch dort,
    wo sie sich sonst aus Summen errechnen ließen."""
    user = request.auth
    unit, ident, name = _resolve(user, query.unit, query.id)
    period = _period(query.period)
    if query.group is not None and query.group not in _GROUPS[unit.kind]:
        raise invalid("group", "Diese Einheit lässt sich so nicht aufteilen.")
    db = reporting_db()
    total = compute(unit, period, using=db, cached=True)[None]
    groups_raw = (
        compute(unit, period, group=query.group, using=db, cached=True) if query.group else {}
    )
    groups_raw.pop(None, None)
    suppress = rules.needs_suppression(user)
    shown_rows, shown_total = (None, None)
    if suppress:
        shown_rows, shown_total = privacy.protect(groups_raw, total)
    figures, hidden = _out(shown_total, total)
    units = _group_units(unit, query.group, groups_raw) if query.group else {}
    groups = []
    for key, raw in groups_raw.items():
        if key not in units:
            continue
        g_figures, g_hidden = _out(shown_rows[key] if suppress else None, raw)
        groups.append(FiguresOut(unit=units[key], figures=g_figures, suppressed=g_hidden))
    groups.sort(key=lambda g: g.unit.name)
    audit_record(
        actor=user,
        action="statistics.figures.exported",
        data={"unit": unit.kind, "id": ident, "period": period.key(), "channel": "api"},
    )
    from wegweiser.statistics.figures import label

    return FigureReport(
        unit=UnitOut(kind=unit.kind, id=ident, name=name),
        period=PeriodOut(start=period.start, end=period.end, label=period.label),
        figures=figures,
        suppressed=hidden,
        groups=groups,
        labels={key: label(key) for key in figures},
    )


@router.get(
    "/figures/outcomes",
    response={200: OutcomeOut, **WRITE_ERRORS},
    summary="Wirkung: Kohorten nach Quartal der Einreise",
    operation_id="figures_outcomes",
)
def figures_outcomes(request, query: Query[OutcomeQuery]):
    """Je Kohorte (Quartal der Einreise) der Anteil der Personen, deren Ziele in Arbeit und
    Ausbildung, Sprache und Wohnen innerhalb von 6, 9, 12 und 24 Monaten erreicht wurden; für
    das Land (und für Vergleiche zwischen Kreisen) mit Unterdrückung kleiner Zahlen."""
    user = request.auth
    kind = query.unit
    if kind is None:
        home = rules.home_unit(user)
        kind = "state" if home.kind == "state" else "county"
        if kind == "county":
            from wegweiser.organisations.models import Kreis

            ident = Kreis.objects.get(pk=user.kreis_id).ags
        else:
            from wegweiser.organisations.models import Land

            ident = Land.objects.get(pk=user.land_id).code
    else:
        ident = query.id
    if kind == "state" and rules.can_view(user):
        # Every county may learn from the others: the state's cohorts, always suppressed.
        from wegweiser.organisations.models import Land

        land = Land.objects.filter(code=ident.upper(), pk=user.land_id).first()
        if land is None:
            raise Http404
        unit, ident, name = Unit("state", land.pk), land.code, land.name
    else:
        unit, ident, name = _resolve(user, kind, ident)
    today = timezone.localdate()
    first = dt.date(query.from_year, 1, 1) if query.from_year else None
    suppress = rules.needs_suppression(user) or unit.kind == "state"
    rows = outcomes.cohorts(unit, today=today, first=first, suppress=suppress)
    counties = []
    if query.by_county:
        if unit.kind != "state":
            raise invalid("by_county", "Nur für das Land möglich.")
        per = outcomes.cohorts(unit, today=today, first=first, suppress=True, group="county")
        found = _group_units(unit, "county", per.keys())
        counties = [
            {"unit": found[k].dict(), "cohorts": [_cohort(c).dict() for c in cohorts]}
            for k, cohorts in per.items()
            if k in found
        ]
    return OutcomeOut(
        unit=UnitOut(kind=unit.kind, id=ident, name=name),
        cohorts=[_cohort(c) for c in rows],
        counties=counties,
    )


def _cohort(cohort) -> CohortOut:
    return CohortOut(
        quarter=cohort.label,
        persons=cohort.persons,
        suppressed=cohort.suppressed,
        shares=[
            ShareOut(
                field=field,
                months=months,
                percent=float(share.percent) if share.percent is not None else None,
                reached=share.reached,
                due=share.due,
                suppressed=share.suppressed,
            )
            for (field, months), share in cohort.shares.items()
        ],
    )


class VolunteerFigureQuery(Schema):
    period: str = Field(
        ...,
        max_length=20,
        description="Zeitraum: 2026, 2026-Q2, 2026-05 oder ganze Monate 2025-07..2026-06",
    )

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str) -> str:
        return FigureQuery._period_format(value)


@router.get(
    "/figures/volunteers",
    response={200: FigureReport, **WRITE_ERRORS},
    summary="Kennzahlen des Ehrenamts",
    operation_id="figures_volunteers",
)
def figures_volunteers(request, query: Query[VolunteerFigureQuery]):
    """Die Zahlen des Ehrenamtsprogramms (Ehrenamtliche im Einsatz, Qualifizierung, Stunden,
    Tandems, Unterstützungsanfragen, Mentoring-Gruppen, begleitete Personen; Definitionen wie
    auf der Seite Kennzahlen → Ehrenamt) für einen Zeitraum: der eigene Kreis für die
    Ehrenamtskoordination, die Kreis-Koordination und -Administration; für das Land die Summe und
    je Kreis (``groups``), Anzahlen unter 5 unterdrückt (``null``, in ``suppressed``)."""
    from wegweiser.organisations.models import Kreis
    from wegweiser.statistics import volunteer_figures

    user = request.auth
    unit = rules.volunteer_unit(user)
    period = _period(query.period)
    ident, name = _describe(unit)
    groups = []
    if unit.kind == "state":
        grouped = volunteer_figures.compute(unit, period, group="county", using=reporting_db())
        kreise = {k.pk: k for k in Kreis.objects.filter(pk__in=list(grouped))}
        order = sorted(grouped, key=lambda pk: kreise[pk].name.casefold())
        shown_rows, shown_total = volunteer_figures.protect({pk: grouped[pk] for pk in order})
        figures, hidden = _out(shown_total, {})
        for pk in order:
            g_figures, g_hidden = _out(shown_rows[pk], {})
            county = UnitOut(kind="county", id=kreise[pk].ags, name=str(kreise[pk]))
            groups.append(FiguresOut(unit=county, figures=g_figures, suppressed=g_hidden))
    else:
        figures, hidden = _out(
            None, volunteer_figures.compute(unit, period, using=reporting_db())[None]
        )
    audit_record(
        actor=user,
        action="statistics.figures.exported",
        data={
            "table": "volunteers",
            "unit": unit.kind,
            "id": ident,
            "period": period.key(),
            "channel": "api",
        },
    )
    return FigureReport(
        unit=UnitOut(kind=unit.kind, id=ident, name=name),
        period=PeriodOut(start=period.start, end=period.end, label=period.label),
        figures=figures,
        suppressed=hidden,
        groups=groups,
        labels={key: volunteer_figures.label(key) for key in figures},
    )
