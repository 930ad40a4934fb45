"""The figures of the volunteer programme (Kennzahlen → Ehrenamt): the own county for its
volunteer coordination, coordination and administration, every county of the Land for the state
authority (suppressed), with a period filter and a CSV/XLSX export of each table. Thin: who sees
what is in ``rules``, the figures in ``volunteer_figures``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from wegweiser.audit.services import audit_record
from wegweiser.statistics import rules, selectors, volunteer_figures
from wegweiser.statistics.views_dashboard import FORMATS, _csv, _xlsx, period_filter


def _board(request):
    unit = rules.volunteer_unit(request.user)
    form, period = period_filter(request)
    return form, volunteer_figures.board(unit, period)


def volunteers_page(request):
    form, board = _board(request)
    query = request.GET.urlencode()
    return render(
        request,
        "statistics/volunteers.html",
        {
            "board": board,
            "form": form,
            "export_query": f"?{query}" if query else "",
            "note": selectors.suppression_note(),
            "figures_nav": rules.can_view(request.user),
            "nav": "figures",
        },
    )


def volunteers_export(request, table: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _form, board = _board(request)
    shown = board.table(table)
    rows = selectors.export_rows(board, shown)
    audit_record(
        actor=request.user,
        action="statistics.figures.exported",
        obj=None,
        kreis=board.unit_object if board.unit.kind == "county" else None,
        data={
            "table": f"volunteers_{table}",
            "format": fmt,
            "unit": board.unit.kind,
            "period": board.period.key(),
            "split": "county" if board.unit.kind == "state" else "",
            "suppressed": board.suppressed,
        },
    )
    name = f"kennzahlen-ehrenamt-{table}-{board.period.key()}.{fmt}"
    if fmt == "csv":
        return _csv(rows, shown, name)
    return _xlsx(rows, shown, name)
