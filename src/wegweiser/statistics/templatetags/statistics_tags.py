"""Template helpers of the key figures: the rows of a dashboard table."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def dashboard_rows(table, period_query: str) -> SafeString:
    """The body and footer rows of a dashboard table (``_dashboard_table.html``). Written here
    rather than as template loops: a county's page has a few thousand cells, which the template
    engine renders at about 10 µs each; the markup is the same."""
    hidden = escape(gettext("hidden"))
    numeric = 'class="kern-table__cell kern-table__cell--numeric"'

    def cells_html(cells) -> str:
        return "".join(
            f'<td {numeric} data-key="{escape(cell.key)}" data-suppressed="true">'
            f'<span aria-hidden="true">•</span><span class="kern-sr-only">{hidden}</span></td>'
            if cell.suppressed
            else f'<td {numeric} data-key="{escape(cell.key)}">{escape(cell.text)}</td>'
            for cell in cells
        )

    links: dict[str, str] = {}

    def drill_url(kind: str, ref: str) -> str:
        # One reverse() per kind of sub-unit; the reference (uuid or AGS) needs no quoting.
        if kind not in links:
            links[kind] = reverse("statistics:dashboard_unit", kwargs={"kind": kind, "ref": "0"})
        return links[kind][: -len("0/")] + f"{ref}/"

    query = escape(period_query)
    parts = ['<tbody class="kern-table__body">']
    for row, cells in table.body:
        label = escape(row.label)
        if row.drill:
            href = f"{escape(drill_url(*row.drill))}?{query}"
            label = f'<a class="kern-link" href="{href}">{label}</a>'
        parts.append(
            f'<tr class="kern-table__row" data-row="{escape(row.key)}">'
            f'<th scope="row" class="kern-table__cell">{label}</th>{cells_html(cells)}</tr>'
        )
    if not table.rows:
        empty = escape(gettext("No units with figures."))
        parts.append(
            f'<tr class="kern-table__row"><td class="kern-table__cell" '
            f'colspan="{len(table.columns) + 1}">{empty}</td></tr>'
        )
    parts.append("</tbody>")
    footer = table.footer
    if footer:
        parts.append(
            '<tfoot class="kern-table__footer"><tr class="kern-table__row wg-dash__total" '
            f'data-row="total"><th scope="row" class="kern-table__cell">'
            f"{escape(table.total.label)}</th>{cells_html(footer)}</tr></tfoot>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
