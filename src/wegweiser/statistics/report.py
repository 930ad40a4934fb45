"""The annual report of a county to the state: the key figures per integration manager for a
calendar year and each of its quarters, with the county's total.

``report_data(kreis, year)`` computes the report (from ``figures.compute``, the same numbers as
the dashboard) as plain JSON: it is stored as it is when the county submits (``AnnualReport.data``,
frozen) and compared with a re-run (``differences``). ``report_xlsx`` / ``report_csv`` render it in
the German layout the state asks for; with ``suppressed=True`` (figures that leave the county) the
person counts go through ``privacy.protect`` first.

The data (``FORMAT`` 1)::

    {"format": 1, "year": 2025, "computed_at": "2026-01-12T09:30:00+00:00",
     "kreis": {"ags": "08437", "name": "Landkreis Sigmaringen"},
     "keys": [figure keys in column order, the countries of origin at the end],
     "managers": [{"id": "<user uuid>", "name": "...", "team": "...", "organisation": "...",
                   "active": true}, ...],
     "periods": [{"code": "year" | "q1".."q4", "label": "2025" | "Q1/2025",
                  "start": "2025-01-01", "end": "2025-12-31",
                  "rows": {"<user uuid>": {key: number}}, "total": {key: number}}, ...]}

Numbers are ints, except ``DECIMAL_KEYS`` (hours, full-time posts, caseload per post), which are
strings of the exact decimal ("12.5", "0.75") or ``None`` (no caseload without a post): a JSON
round trip gives back exactly what was stored, and stored and re-run values compare exactly.

Rows: every integration manager and team lead of the county who is active now or has any figure
in the year (zeros where nothing happened), sorted by name. The full-time posts count the active
users (as the dashboard does), so the rows' posts add up to the county's. The total row is the
county's own figure, not the sum of the rows: a person counselled by two managers is one person
of the county.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import (
    DECIMAL_KEYS,
    KEYS,
    Period,
    Unit,
    compute,
    from_cache,
    label,
)

FORMAT = 1
PERIOD_CODES = ("year", "q1", "q2", "q3", "q4")
FIRST_YEAR = 2017  # the first year of the integration management programme
SUPPRESSED = "•"


def periods_of(year: int) -> list[tuple[str, Period]]:
    return [("year", Period.year(year))] + [(f"q{q}", Period.quarter(year, q)) for q in range(1, 5)]


def year_has_ended(year: int, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()).year > year


# --- computing ----------------------------------------------------------------------------------


def _plain(key: str, value):
    """A figure as stored in JSON: int, or the exact decimal as a string (None stays None)."""
    if value is None:
        return None
    if key in DECIMAL_KEYS:
        return str(Decimal(value))
    return int(value)


def number(key: str, value):
    """A stored figure back as a number (Decimal for ``DECIMAL_KEYS``)."""
    if value is None:
        return None
    if key in DECIMAL_KEYS:
        return Decimal(value)
    return int(value)


def report_data(kreis, year: int, *, using: str = DEFAULT_DB_ALIAS, cached: bool = False) -> dict:
    """The annual report of ``kreis`` for ``year`` as it stands now (see the module docstring).
    Ten grouped computations (by manager and for the county, five periods) whatever the number
    of managers. ``using``: the database to read; a report shown reads
    ``statistics.db.reporting_db()`` (``cached``: see ``figures.compute``), the submission that
    freezes it the primary, afresh."""
    if cached:
        # The whole report is one cached result (a version for what is rendered from it).
        return from_cache(
            f"report:{kreis.pk}:{year}:{using}",
            lambda: {**report_data(kreis, year, using=using), "version": uuid.uuid4().hex},
        )
    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import CASEWORK_ROLES

    unit = Unit("county", kreis.pk)
    computed = []
    for code, period in periods_of(year):
        by_manager = compute(unit, period, group="manager", using=using)
        by_manager.pop(None, None)
        computed.append((code, period, by_manager, compute(unit, period, using=using)[None]))
    with_figures = set().union(*(rows.keys() for _c, _p, rows, _t in computed))
    users = (
        User.objects.using(using)
        .filter(
            Q(pk__in=with_figures) | Q(kreis_id=kreis.pk, role__in=CASEWORK_ROLES, is_active=True)
        )
        .select_related("team", "organisation")
        .order_by("last_name", "first_name", "pk")
    )
    countries = sorted(
        {
            key
            for _c, _p, rows, total in computed
            for figures in [*rows.values(), total]
            for key in figures
            if key.startswith("country:")
        }
    )
    keys = [*KEYS, *countries]
    managers = [
        {
            "id": str(user.uuid),
            "name": user.display_name,
            "team": user.team.name if user.team_id else "",
            "organisation": user.organisation.name if user.organisation_id else "",
            "active": user.is_active,
        }
        for user in users
    ]
    ids = {user.pk: str(user.uuid) for user in users}

    def plain(figures: dict) -> dict:
        return {key: _plain(key, figures[key]) if key in figures else _zero(key) for key in keys}

    empty = plain({})
    periods = []
    for code, period, by_manager, total in computed:
        periods.append(
            {
                "code": code,
                "label": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "rows": {
                    ids[user.pk]: plain(by_manager[user.pk]) if user.pk in by_manager else empty
                    for user in users
                },
                "total": plain(total),
            }
        )
    return {
        "format": FORMAT,
        "year": year,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "kreis": {"ags": kreis.ags, "name": kreis.name},
        "keys": keys,
        "managers": managers,
        "periods": periods,
    }


# --- tables (for the page and the files) --------------------------------------------------------


class Cell:
    """A value to show: the number (Decimal/int/None) or suppressed."""

    __slots__ = ("suppressed", "value")

    def __init__(self, value, suppressed: bool = False):
        self.value = value
        self.suppressed = suppressed

    def __eq__(self, other):
        return isinstance(other, Cell) and (self.value, self.suppressed) == (
            other.value,
            other.suppressed,
        )

    def __repr__(self) -> str:
        return f"Cell({self.value!r}, suppressed={self.suppressed})"


def period_table(data: dict, code: str = "year", *, suppressed: bool = False) -> dict:
    """One period of the report as a table: ``{"period", "keys", "rows": [(manager, [Cell])],
    "total": [Cell]}``. Suppressed: person counts below the threshold (and what would give them
    away) are hidden with ``privacy.protect``, the managers' rows against the county's total."""
    period = next(p for p in data["periods"] if p["code"] == code)
    keys = data["keys"]
    rows = {
        m["id"]: {key: number(key, period["rows"][m["id"]].get(key, _zero(key))) for key in keys}
        for m in data["managers"]
    }
    total = {key: number(key, period["total"].get(key, _zero(key))) for key in keys}
    if suppressed:
        from wegweiser.statistics.privacy import protect, protect_one

        shown_rows, shown_total = protect(rows, total)
        # The county's total is not the sum of the rows (a person counselled by two managers
        # counts once), so it is also protected on its own: a cell hidden by either is hidden.
        alone = protect_one(total)

        def cells(shown: dict) -> list[Cell]:
            return [Cell(shown[k].value, shown[k].suppressed) for k in keys]

        row_cells = {m: cells(shown_rows[m]) for m in rows}
        total_cells = [
            Cell(None, True) if shown_total[k].suppressed or alone[k].suppressed else Cell(total[k])
            for k in keys
        ]
    else:
        row_cells = {m: [Cell(values[k]) for k in keys] for m, values in rows.items()}
        total_cells = [Cell(total[k]) for k in keys]
    return {
        "period": period,
        "keys": keys,
        "rows": [(m, row_cells[m["id"]]) for m in data["managers"]],
        "total": total_cells,
    }


def period_total(data: dict, code: str) -> list[Cell]:
    """The county's total of one period as ``period_table(data, code)["total"]`` (unprotected)
    without the managers' rows."""
    period = next(p for p in data["periods"] if p["code"] == code)
    return [Cell(number(key, period["total"].get(key, _zero(key)))) for key in data["keys"]]


def headings(keys: list[str]) -> list[str]:
    return [label(key) for key in keys]


def _identity_headings() -> list[str]:
    return [_("Integration manager"), _("Team"), _("Organisation")]


def _total_name(data: dict) -> str:
    return _("Total %(county)s") % {"county": data["kreis"]["name"]}


def _title(data: dict) -> str:
    return _("Integration management: key figures %(year)s, %(county)s (AGS %(ags)s)") % {
        "year": data["year"],
        "county": data["kreis"]["name"],
        "ags": data["kreis"]["ags"],
    }


def _sheet_name(period: dict) -> str:
    # Excel forbids "/" in sheet names: "2025", "Q1 2025".
    return period["label"].replace("/", " ")


# --- files --------------------------------------------------------------------------------------


def _safe_text(text: str) -> str:
    """A name as a spreadsheet cell: a leading formula character is neutralised."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_xlsx(data: dict, *, suppressed: bool, status: str = "") -> bytes:
    """The report as an Excel workbook in German: a sheet per period (the year, Q1–Q4), a row per
    manager, the county's total as the last row. Suppressed cells show "•"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with translation.override("de"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        bold = Font(bold=True)
        notes = [status] if status else []
        if suppressed:
            notes.append(
                _(
                    "Statistical suppression: counts of persons below 5, and counts from which "
                    "they could be derived, are shown as •."
                )
            )
        for period in data["periods"]:
            table = period_table(data, period["code"], suppressed=suppressed)
            sheet = workbook.create_sheet(_sheet_name(period))
            sheet.append([_title(data)])
            sheet["A1"].font = Font(bold=True, size=13)
            sheet.append(
                [
                    _("Period: %(start)s to %(end)s")
                    % {
                        "start": dt.date.fromisoformat(period["start"]).strftime("%d.%m.%Y"),
                        "end": dt.date.fromisoformat(period["end"]).strftime("%d.%m.%Y"),
                    }
                ]
            )
            sheet.append([" ".join(notes)])
            header = [*_identity_headings(), *headings(table["keys"])]
            sheet.append(header)
            header_row = sheet.max_row
            for cell in sheet[header_row]:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for manager, cells in table["rows"]:
                sheet.append(
                    [
                        _safe_text(manager["name"]),
                        _safe_text(manager["team"]),
                        _safe_text(manager["organisation"]),
                        *[_xlsx_value(c) for c in cells],
                    ]
                )
            sheet.append([_total_name(data), "", "", *[_xlsx_value(c) for c in table["total"]]])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for index, key in enumerate(table["keys"], start=4):
                if key in DECIMAL_KEYS:
                    fmt = "0.00" if key == "fte" else "0.0"
                    for row in range(header_row + 1, sheet.max_row + 1):
                        sheet.cell(row=row, column=index).number_format = fmt
            sheet.column_dimensions["A"].width = 28
            sheet.column_dimensions["B"].width = 24
            sheet.column_dimensions["C"].width = 24
            for index in range(4, len(header) + 1):
                sheet.column_dimensions[get_column_letter(index)].width = 14
            sheet.row_dimensions[header_row].height = 60
            sheet.freeze_panes = sheet.cell(row=header_row + 1, column=4)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def _xlsx_value(cell: Cell):
    if cell.suppressed:
        return SUPPRESSED
    return cell.value  # int, Decimal (openpyxl writes it as a number) or None (empty)


def _csv_value(cell: Cell) -> str:
    if cell.suppressed:
        return SUPPRESSED
    if cell.value is None:
        return ""
    if isinstance(cell.value, Decimal):
        return str(cell.value).replace(".", ",")
    return str(cell.value)


def report_csv(data: dict, *, suppressed: bool = False, period: str = "year") -> bytes:
    """One period (the year) as CSV the way German Excel opens it: UTF-8 with BOM, ";" between
    fields, decimal comma. A heading row, a row per manager, the county's total last."""
    with translation.override("de"):
        table = period_table(data, period, suppressed=suppressed)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([*_identity_headings(), *headings(table["keys"])])
        for manager, cells in table["rows"]:
            writer.writerow(
                [
                    _safe_text(manager["name"]),
                    _safe_text(manager["team"]),
                    _safe_text(manager["organisation"]),
                    *[_csv_value(c) for c in cells],
                ]
            )
        writer.writerow([_total_name(data), "", "", *[_csv_value(c) for c in table["total"]]])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_name(data: dict, extension: str) -> str:
    return f"jahresbericht-{data['kreis']['ags']}-{data['year']}.{extension}"


# --- comparison ---------------------------------------------------------------------------------


def differences(submitted: dict, current: dict) -> list[dict]:
    """Where a re-run differs from the submitted report: one entry per period, manager (None for
    the county's total) and figure, ``{"period", "period_label", "manager", "name", "key",
    "label", "submitted", "current"}`` with stored (plain) values. A manager or a country of
    origin that is new in the re-run (or gone from it) counts as zeros on the other side."""
    names = {m["id"]: m["name"] for m in current["managers"]}
    names.update({m["id"]: m["name"] for m in submitted["managers"]})
    manager_ids = [m["id"] for m in submitted["managers"]]
    manager_ids += [m["id"] for m in current["managers"] if m["id"] not in set(manager_ids)]
    keys = list(submitted["keys"]) + [k for k in current["keys"] if k not in submitted["keys"]]
    current_periods = {p["code"]: p for p in current["periods"]}
    out = []
    for before in submitted["periods"]:
        after = current_periods.get(before["code"], {"rows": {}, "total": {}})
        pairs = [(m, before["rows"].get(m, {}), after["rows"].get(m, {})) for m in manager_ids]
        pairs.append((None, before["total"], after["total"]))
        for manager, old, new in pairs:
            for key in keys:
                a, b = old.get(key, _zero(key)), new.get(key, _zero(key))
                if number(key, a) != number(key, b):
                    out.append(
                        {
                            "period": before["code"],
                            "period_label": before["label"],
                            "manager": manager,
                            "name": names.get(manager, "") if manager else "",
                            "key": key,
                            "label": label(key),
                            "submitted": a,
                            "current": b,
                        }
                    )
    return out


def _zero(key: str):
    """The stored value of a figure where nothing happened."""
    return None if key == "caseload_per_fte" else _plain(key, 0)


# --- reads for the views (rights: statistics.rules) ---------------------------------------------


def check_year(year: int) -> None:
    """Reports exist from ``FIRST_YEAR`` to the current year; other years are 404."""
    from django.http import Http404

    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404


def county_of(*, user):
    """The county whose reports ``user`` handles (coordination, administration); 403 for
    everyone else (the state reads the submitted reports through ``submitted_report``)."""
    from django.core.exceptions import PermissionDenied

    from wegweiser.statistics import rules

    rules.require_view(user)
    if not rules.is_county_level(user):
        raise PermissionDenied
    return user.kreis


def county_years(*, user) -> list[dict]:
    """Every report year of the user's county, newest first, with its status: ``running`` (the
    year has not ended), ``open`` (due on 31 January, ``overdue`` after it) or ``submitted``."""
    from wegweiser.statistics.models import AnnualReport

    kreis = county_of(user=user)
    today = timezone.localdate()
    submitted = {
        r.year: r
        for r in AnnualReport.objects.filter(kreis_id=kreis.pk)
        .select_related("submitted_by")
        .defer("data")
    }
    years = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        due = dt.date(year + 1, 1, 31)
        report = submitted.get(year)
        if report is not None:
            state = "submitted"
        elif not year_has_ended(year, today):
            state = "running"
        else:
            state = "open"
        years.append(
            {
                "year": year,
                "state": state,
                "due": due,
                "overdue": state == "open" and today > due,
                "report": report,
            }
        )
    return years


def county_report(*, user, year: int) -> tuple[object, object, dict]:
    """``(kreis, submitted report or None, data to show)``: a submitted year shows the frozen
    figures, any other the figures as they are now."""
    from wegweiser.statistics.models import AnnualReport

    kreis = county_of(user=user)
    check_year(year)
    report = (
        AnnualReport.objects.filter(kreis_id=kreis.pk, year=year)
        .select_related("submitted_by")
        .first()
    )
    data = (
        report.data
        if report is not None
        else report_data(kreis, year, using=reporting_db(), cached=True)
    )
    return kreis, report, data


def state_kreis(*, user, ags: str):
    """The county ``ags`` whose submitted reports ``user`` may read (the state authority of its
    Land, the county's own coordination and administration). Roles without figures 403; the
    county's own staff without the right 403; another county or Land 404."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from wegweiser.organisations.models import Kreis
    from wegweiser.statistics import rules

    rules.require_view(user)
    kreis = Kreis.objects.filter(ags=ags).first()
    if kreis is None:
        raise Http404
    if rules.can_read_county_report(user, kreis):
        return kreis
    if not user.is_state_user and user.kreis_id == kreis.pk:
        raise PermissionDenied
    raise Http404


def submitted_report(*, user, ags: str, year: int):
    """A submitted report as the state reads it (404 while the county has not submitted)."""
    from django.http import Http404

    from wegweiser.statistics.models import AnnualReport

    kreis = state_kreis(user=user, ags=ags)
    check_year(year)
    report = (
        AnnualReport.objects.filter(kreis_id=kreis.pk, year=year).select_related("kreis").first()
    )
    if report is None:
        raise Http404
    return report


def state_overview(*, user, year: int) -> list[dict]:
    """The counties of the state officer's Land and whether each has submitted ``year``."""
    from django.core.exceptions import PermissionDenied

    from wegweiser.organisations.models import Kreis
    from wegweiser.statistics import rules
    from wegweiser.statistics.models import AnnualReport

    rules.require_view(user)
    if not user.is_state_user:
        raise PermissionDenied
    check_year(year)
    counties = Kreis.objects.filter(land_id=user.land_id).valid_on(dt.date(year, 12, 31))
    submitted = {
        r.kreis_id: r
        for r in AnnualReport.objects.filter(kreis__land_id=user.land_id, year=year).only(
            "kreis_id", "year", "submitted_at", "uuid"
        )
    }
    return [{"kreis": k, "report": submitted.get(k.pk)} for k in counties]
