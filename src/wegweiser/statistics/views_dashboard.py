"""The key-figure dashboards: the user's own unit (``dashboard``), a sub-unit to drill down to
(``dashboard_unit``: a team, provider, manager or, for the state, a county) and the CSV/XLSX
export of any of their tables. Thin: who sees what is in ``rules``, the figures in ``selectors``.

Filters are a GET form (period kind and year, quarter or month; the split; the provider for the
county): they are no personal data. Units are named in URLs by uuid or AGS, never by primary key.
Without the right to see figures 403, a unit outside what the user may see 404."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import uuid as uuid_module

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from wegweiser.audit.services import audit_record
from wegweiser.core import widgets
from wegweiser.core.forms import Form
from wegweiser.statistics import figures, rules, selectors
from wegweiser.statistics.figures import Period, Unit

FIRST_YEAR = 2020
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPLIT_LABELS = {
    "team": gettext_lazy("by team"),
    "provider": gettext_lazy("by provider"),
    "manager": gettext_lazy("by integration manager"),
    "county": gettext_lazy("by county"),
}


class FilterForm(Form):
    zeitraum = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            ("year", gettext_lazy("Year")),
            ("quarter", gettext_lazy("Quarter")),
            ("month", gettext_lazy("Month")),
        ],
        widget=widgets.PlainSelect,
    )
    jahr = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, widget=widgets.PlainSelect
    )
    quartal = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        help_text=gettext_lazy("for the period “Quarter”"),
        widget=widgets.PlainSelect,
    )
    monat = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        coerce=int,
        choices=list(MONTHS.items()),
        help_text=gettext_lazy("for the period “Month”"),
        widget=widgets.PlainSelect,
    )

    def __init__(self, *args, today: dt.date, splits=(), providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [(y, str(y)) for y in range(today.year, FIRST_YEAR - 1, -1)]
        if len(splits) > 1:
            self.fields["gliederung"] = forms.ChoiceField(
                label=gettext_lazy("Rows"),
                choices=[(selectors.SPLIT_SLUGS[s], SPLIT_LABELS[s]) for s in splits],
                required=False,
                widget=widgets.PlainSelect,
            )
            self.fields["gliederung"].widget.attrs["class"] = "kern-form-input__select"
        if providers is not None:
            self.fields["traeger"] = forms.ModelChoiceField(
                label=gettext_lazy("Provider"),
                queryset=providers,
                to_field_name="uuid",
                required=False,
                empty_label=gettext_lazy("all providers"),
                widget=widgets.PlainSelect,
            )
            self.fields["traeger"].widget.attrs["class"] = "kern-form-input__select"

    @staticmethod
    def initial_for(today: dt.date) -> dict:
        return {
            "zeitraum": "year",
            "jahr": today.year,
            "quartal": (today.month + 2) // 3,
            "monat": today.month,
        }


def _filters(request, unit: Unit):
    """The filter form (bound to the GET values merged over the defaults) and what it selects:
    the period, the split and the provider. Invalid values fall back to the defaults."""
    today = timezone.localdate()
    defaults = FilterForm.initial_for(today)
    data = {**{k: str(v) for k, v in defaults.items()}, **request.GET.dict()}
    splits = selectors.SPLITS[unit.kind] if not rules.needs_suppression(request.user) else ()
    if unit.kind == "state":
        splits = ()
    providers = None
    if unit.kind == "county" and rules.is_county_level(request.user):
        from wegweiser.organisations.models import Organisation

        providers = Organisation.objects.filter(kreis_id=unit.pk, teams__isnull=False).distinct()
    form = FilterForm(data, today=today, splits=splits, providers=providers)
    cleaned = form.cleaned_data if form.is_valid() else {}
    period = _period(cleaned, today)
    by_slug = {slug: group for group, slug in selectors.SPLIT_SLUGS.items()}
    split = by_slug.get(cleaned.get("gliederung") or "")
    provider = cleaned.get("traeger")
    return form, period, split, provider


def _period(cleaned: dict, today: dt.date) -> Period:
    """The period a valid filter form selects (the defaults for what is missing or invalid)."""
    defaults = FilterForm.initial_for(today)
    kind = cleaned.get("zeitraum", "year")
    year = cleaned.get("jahr", today.year)
    if kind == "month":
        return Period.month(year, cleaned.get("monat", defaults["monat"]))
    if kind == "quarter":
        return Period.quarter(year, cleaned.get("quartal", defaults["quartal"]))
    return Period.year(year)


def period_filter(request) -> tuple[FilterForm, Period]:
    """The filter form with the period only (no split, no provider), and its period."""
    today = timezone.localdate()
    defaults = FilterForm.initial_for(today)
    data = {**{k: str(v) for k, v in defaults.items()}, **request.GET.dict()}
    form = FilterForm(data, today=today)
    return form, _period(form.cleaned_data if form.is_valid() else {}, today)


def _period_query(form) -> str:
    """The period part of the filters, for links to sub-units."""
    from urllib.parse import urlencode

    data = form.data
    return urlencode({key: data[key] for key in ("zeitraum", "jahr", "quartal", "monat")})


def _resolve(user, kind: str, ref: str) -> tuple[Unit, object]:
    """A unit from its public reference (uuid, or the AGS of a county); 404 when unknown or
    outside what the user may see, 403 without any right to figures."""
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Organisation, Team

    rules.require_view(user)
    if kind == "kreis":
        if not re.fullmatch(r"[0-9]{5,8}", ref):
            raise Http404
        lookup, model, unit_kind = {"ags": ref}, Kreis, "county"
    else:
        try:
            public_id = uuid_module.UUID(ref)
        except ValueError as exc:
            raise Http404 from exc
        model, unit_kind = {
            "team": (Team, "team"),
            "traeger": (Organisation, "provider"),
            "person": (User, "manager"),
        }[kind]
        lookup = {"uuid": public_id}
    pk = model.objects.filter(**lookup).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    unit = Unit(unit_kind, pk)
    rules.require_unit(user, unit)
    return unit, pk


def _board(request, unit: Unit):
    form, period, split, provider = _filters(request, unit)
    board = selectors.dashboard(request.user, unit, period, provider=provider, split=split)
    return form, board


def _page(request, unit: Unit, *, is_home: bool, kind: str = "", ref: str = ""):
    with figures.recording_as_of() as noted:
        form, board = _board(request, unit)
        volunteers = _volunteer_board(request.user, board) if is_home else None
    query = request.GET.urlencode()
    export_query = f"?{query}" if query else ""
    period_query = _period_query(form)
    context = {
        "board": board,
        "tables_html": _tables_html(
            board,
            {
                "board": board,
                "period_query": period_query,
                "export_query": export_query,
                "is_home": is_home,
                "unit_kind": kind,
                "unit_ref": ref,
            },
        ),
        "form": form,
        "is_home": is_home,
        "unit_kind": kind,
        "unit_ref": ref,
        "period_query": period_query,
        "export_query": export_query,
        "note": selectors.suppression_note(),
        "split_label": SPLIT_LABELS.get(board.split) if board.split else "",
        "nav": "figures",
        "volunteers": volunteers,
        "cache_minutes": -(-settings.WEGWEISER_FIGURES_CACHE_SECONDS // 60),
        "figures_as_of": figures.as_of(noted),
    }
    return render(request, "statistics/dashboard.html", context)


def _tables_html(board, context: dict) -> SafeString:
    """The board's tables, rendered; kept in the cache with a board shaped from cached figures
    (``board.version``) for the same links, so that a large board is rendered once per version."""
    if not board.version:
        return mark_safe(render_to_string("statistics/_dashboard_tables.html", context))  # noqa: S308
    links = ("period_query", "export_query", "is_home", "unit_kind", "unit_ref")
    parts = [context[k] for k in links]
    key = (
        f"{board.version}:html:{translation.get_language()}:"
        + hashlib.sha256(repr(parts).encode()).hexdigest()
    )
    html = figures.versioned.get(key)
    if html is None:
        html = render_to_string("statistics/_dashboard_tables.html", context)
        figures.versioned.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine


def _volunteer_board(user, board):
    """The volunteer programme of the county or the state below its case-work figures (for the
    roles that may read it; a provider chosen in the filter narrows to case work only)."""
    from wegweiser.statistics import volunteer_figures

    if board.unit.kind not in ("county", "state") or not rules.can_view_volunteer_figures(user):
        return None
    return volunteer_figures.board(board.unit, board.period)


def dashboard(request):
    unit = rules.home_unit(request.user)
    return _page(request, unit, is_home=True)


def dashboard_unit(request, kind: str, ref: str):
    unit, _pk = _resolve(request.user, kind, ref)
    return _page(request, unit, is_home=False, kind=kind, ref=ref)


def dashboard_export(request, table: str, fmt: str):
    unit = rules.home_unit(request.user)
    return _export(request, unit, table, fmt)


def dashboard_unit_export(request, kind: str, ref: str, table: str, fmt: str):
    unit, _pk = _resolve(request.user, kind, ref)
    return _export(request, unit, table, fmt)


def _export(request, unit: Unit, slug: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _form, board = _board(request, unit)
    table = board.table(slug)
    rows = selectors.export_rows(board, table)
    target = board.unit_object
    audit_record(
        actor=request.user,
        action="statistics.figures.exported",
        obj=target if hasattr(target, "uuid") else None,
        kreis=target if board.unit.kind == "county" else None,
        data={
            "table": slug,
            "format": fmt,
            "unit": board.unit.kind,
            "period": board.period.key(),
            "split": board.split or "",
            "suppressed": board.suppressed,
        },
    )
    name = f"kennzahlen-{slug.replace('_', '-')}-{board.period.key()}.{fmt}"
    if fmt == "csv":
        return _csv(rows, table, name)
    return _xlsx(rows, table, name)


def _csv(rows: list[list], table, name: str) -> HttpResponse:
    decimals = {i + 1: col.decimals for i, col in enumerate(table.columns)}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    header_at = 3
    for index, row in enumerate(rows):
        if index <= header_at:
            writer.writerow([str(v) for v in row])
            continue
        writer.writerow(
            [
                _csv_value(value, decimals.get(i, 0)) if i else str(value)
                for i, value in enumerate(row)
            ]
        )
    return response


def _csv_value(value, decimals: int) -> str:
    from wegweiser.statistics.charts import format_number

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_number(value, decimals)


def _xlsx(rows: list[list], table, name: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", str(table.title))[:31] or "Kennzahlen"
    header_at = 3
    formats = {i + 1: col.decimals for i, col in enumerate(table.columns)}
    for index, row in enumerate(rows):
        sheet.append([_xlsx_value(v) for v in row])
        excel_row = sheet.max_row
        if index == 0 or index == header_at:
            for cell in sheet[excel_row]:
                cell.font = Font(bold=True)
        elif index > header_at:
            for i, cell in enumerate(sheet[excel_row]):
                if i and isinstance(cell.value, int | float):
                    places = formats.get(i, 0)
                    cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_value(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
