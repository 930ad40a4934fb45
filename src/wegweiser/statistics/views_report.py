"""Views of the annual report: the county's years and each year's figures per manager, the XLSX
and CSV files, the submission to the state, and the submitted reports for the state (always
suppressed). Thin: the reads are in ``statistics.report``, the writes in
``statistics.services``; the rights in ``statistics.rules``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wegweiser.core.forms import Form, call_service
from wegweiser.statistics import figures, rules, services
from wegweiser.statistics import report as reports
from wegweiser.statistics.db import reporting_db

# The figures of the table per manager on the page (the files hold every figure).
SUMMARY_KEYS = (
    "persons",
    "households",
    "sessions",
    "hours",
    "cases_opened",
    "cases_closed",
    "open_cases",
    "referrals",
    "goals_agreed",
    "goals_reached",
    "fte",
    "caseload_per_fte",
)
SHOWN_SECONDS = 7 * 24 * 3600  # a submitted report's protected tables (frozen: never stale)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class SubmitForm(Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the figures. Submit them to the state; afterwards they are frozen "
            "and cannot be changed."
        ),
        error_messages={
            "required": gettext_lazy("Please confirm that you have checked the figures.")
        },
    )


def _summary(table: dict) -> dict:
    """The page's table per manager: the summary columns of a period table."""
    index = [table["keys"].index(k) for k in SUMMARY_KEYS]
    return {
        "headings": [reports.label(k) for k in SUMMARY_KEYS],
        "rows": [(m, [cells[i] for i in index]) for m, cells in table["rows"]],
        "total": [table["total"][i] for i in index],
    }


def _tables(data: dict, *, suppressed: bool) -> dict[str, dict]:
    """The table of each period (the year and the quarters) by period code."""
    return {
        p["code"]: reports.period_table(data, p["code"], suppressed=suppressed)
        for p in data["periods"]
    }


def _all_figures(data: dict, tables: dict[str, dict]) -> list[dict]:
    """Every figure of the county (rows) for the year and the quarters (columns)."""
    totals = [tables[p["code"]]["total"] for p in data["periods"]]
    return [
        {"label": reports.label(key), "cells": [t[i] for t in totals]}
        for i, key in enumerate(data["keys"])
    ]


def _differences(report, kreis) -> list[dict]:
    current = reports.report_data(kreis, report.year, using=reporting_db(), cached=True)
    out = reports.differences(report.data, current)
    for entry in out:
        entry["submitted"] = reports.number(entry["key"], entry["submitted"])
        entry["current"] = reports.number(entry["key"], entry["current"])
    return out


def _year_context(request, year: int, form=None) -> dict:
    with figures.recording_as_of() as noted:
        kreis, report, data = reports.county_report(user=request.user, year=year)
        differences = _differences(report, kreis) if report is not None else None
    today = timezone.localdate()
    ended = reports.year_has_ended(year, today)
    may_submit = rules.can_submit(request.user) and ended and report is None
    return {
        "nav": "figures",
        "kreis": kreis,
        "year": year,
        "report": report,
        "data": data,
        "ended": ended,
        "due": reports.dt.date(year + 1, 1, 31),
        "overdue": ended and report is None and today > reports.dt.date(year + 1, 1, 31),
        "may_submit": may_submit,
        "form": form if form is not None else (SubmitForm() if may_submit else None),
        "tables_html": _county_tables(kreis, year, report, data),
        "periods": data["periods"],
        "differences": differences,
        "figures_as_of": figures.as_of(noted),
        "cache_minutes": -(-settings.WEGWEISER_FIGURES_CACHE_SECONDS // 60),
    }


def report_list(request):
    years = reports.county_years(user=request.user)
    return render(
        request,
        "statistics/report_list.html",
        {"nav": "figures", "kreis": request.user.kreis, "years": years},
    )


def _county_tables(kreis, year: int, report, data: dict) -> SafeString:
    """The two tables of the county's report, rendered. A version of the figures is rendered
    once and kept in Django's cache (``SHOWN_SECONDS``): a submitted report under its uuid and
    submission time, the report as it stands under the version of its cached figures
    (``report_data(cached=True)``); figures computed for this request only are rendered here."""

    def tables() -> dict:
        # Unprotected, the quarters' totals need no table of the managers.
        return {
            p["code"]: reports.period_table(data, "year")
            if p["code"] == "year"
            else {"total": reports.period_total(data, p["code"])}
            for p in data["periods"]
        }

    if report is not None:
        version = f"{report.uuid}:{report.submitted_at.isoformat()}"
    else:
        version = data.get("version")
    key = f"ww:report:county:v1:{kreis.pk}:{year}:{version}" if version else None
    return _rendered_tables(key, data, tables)


def _rendered_tables(key: str | None, data: dict, tables) -> SafeString:
    """``_report_tables.html`` for ``data`` with the period tables ``tables()``, kept under
    ``key`` and the language (``SHOWN_SECONDS``; the key names a version, so it is also kept in
    the process, ``figures.versioned``); without a key rendered each time."""
    if key is not None:
        key = f"{key}:{translation.get_language()}"
        html = figures.versioned.get(key)
        if html is not None:
            return mark_safe(html)  # noqa: S308 - rendered by the template engine
    shown = tables()
    context = {
        "year": data["year"],
        "summary": _summary(shown["year"]),
        "all_figures": _all_figures(data, shown),
        "periods": data["periods"],
    }
    html = render_to_string("statistics/_report_tables.html", context)
    if key is not None:
        figures.versioned.set(key, html, SHOWN_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine


def report_year(request, year: int):
    return render(request, "statistics/report_year.html", _year_context(request, year))


@require_POST
def report_submit(request, year: int):
    kreis = reports.county_of(user=request.user)
    reports.check_year(year)
    form = SubmitForm(request.POST)
    if form.is_valid():
        _report, ok = call_service(
            form, services.report_submit, actor=request.user, kreis=kreis, year=year
        )
        if ok:
            messages.success(
                request,
                _("The annual report %(year)s has been submitted to the state.") % {"year": year},
            )
            return redirect("statistics:report_year", year=year)
    context = _year_context(request, year, form=form)
    context["form"] = form
    return render(request, "statistics/report_year.html", context, status=200)


def _file(content: bytes, data: dict, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{reports.file_name(data, file_format)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _county_file(request, year: int, file_format: str) -> HttpResponse:
    kreis, report, data = reports.county_report(user=request.user, year=year)
    content = services.report_export(
        actor=request.user,
        kreis=kreis,
        data=data,
        file_format=file_format,
        suppressed=False,
        report=report,
    )
    return _file(content, data, file_format)


def report_xlsx(request, year: int):
    return _county_file(request, year, "xlsx")


def report_csv(request, year: int):
    return _county_file(request, year, "csv")


# --- the state ----------------------------------------------------------------------------------


def _year_param(request) -> int:
    raw = request.GET.get("jahr")
    if raw is None:
        return timezone.localdate().year - 1
    try:
        year = int(raw)
    except ValueError:
        raise Http404 from None
    reports.check_year(year)
    return year


def report_state_list(request):
    year = _year_param(request)
    counties = reports.state_overview(user=request.user, year=year)
    today = timezone.localdate()
    return render(
        request,
        "statistics/report_state_list.html",
        {
            "nav": "figures",
            "year": year,
            "counties": counties,
            "submitted": sum(1 for c in counties if c["report"]),
            "years": list(range(today.year - 1, reports.FIRST_YEAR - 1, -1)),
        },
    )


def _state_shown(report) -> SafeString:
    """The protected tables of a submitted report as the state page shows them, rendered. The
    figures of a submitted report are frozen, so their protection never changes: it is computed
    and rendered once (the suppression of ~100 figures x managers x five periods costs a few
    hundred ms) and kept under the report and its submission time."""
    return _rendered_tables(
        f"ww:report:state:v2:{report.uuid}:{report.submitted_at.isoformat()}",
        report.data,
        lambda: _tables(report.data, suppressed=True),
    )


def report_state(request, ags: str, year: int):
    report = reports.submitted_report(user=request.user, ags=ags, year=year)
    return render(
        request,
        "statistics/report_state.html",
        {
            "nav": "figures",
            "report": report,
            "kreis": report.kreis,
            "year": year,
            "tables_html": _state_shown(report),
        },
    )


def _state_file(request, ags: str, year: int, file_format: str) -> HttpResponse:
    report = reports.submitted_report(user=request.user, ags=ags, year=year)
    content = services.report_export(
        actor=request.user,
        kreis=report.kreis,
        data=report.data,
        file_format=file_format,
        suppressed=True,
        report=report,
    )
    return _file(content, report.data, file_format)


def report_state_xlsx(request, ags: str, year: int):
    return _state_file(request, ags, year, "xlsx")


def report_state_csv(request, ags: str, year: int):
    return _state_file(request, ags, year, "csv")
