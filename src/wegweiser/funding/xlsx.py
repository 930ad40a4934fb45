"""The planning frame as an Excel workbook in German: a row per county (AGS, name, amount,
share, previous year, change in EUR and %), the sum as the last row. Amounts are numbers
(Decimal) with a euro format, so the sum in the file equals the budget to the cent."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _

from wegweiser.funding import selectors

EUR_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.00"


def _safe_text(text: str) -> str:
    """A name as a spreadsheet cell: a leading formula character is neutralised."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def frame_xlsx(programme, frame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    table = selectors.frame_rows(frame)
    with translation.override("de"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Planning frame")[:31]
        sheet.append([_safe_text(f"{programme.name} {programme.year}")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_("County-level distribution of funds")])
        status = (
            _("Published on %(date)s") % {"date": frame.published_at.strftime("%d.%m.%Y")}
            if frame.published_at
            else _("Draft, not published")
        )
        sheet.append(
            [
                _("Budget: %(budget)s") % {"budget": selectors.format_eur(programme.budget)},
                "",
                status,
            ]
        )
        header = [
            _("AGS"),
            _("County"),
            _("Amount (EUR)"),
            _("Share (%)"),
            _("Previous year (EUR)"),
            _("Change (EUR)"),
            _("Change (%)"),
        ]
        sheet.append(header)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append(
                [
                    row["kreis"].ags,
                    _safe_text(row["kreis"].name),
                    row["amount"],
                    row["share"],
                    row["previous"],
                    row["change"],
                    row["change_percent"],
                ]
            )
        sheet.append(
            [
                "",
                _("Total"),
                table.total,
                100 if table.rows else None,
                table.previous_total,
                table.change,
                None,
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row_index in range(header_row + 1, sheet.max_row + 1):
            for column in (3, 5, 6):
                sheet.cell(row=row_index, column=column).number_format = EUR_FORMAT
            for column in (4, 7):
                sheet.cell(row=row_index, column=column).number_format = PERCENT_FORMAT
        for letter, width in zip("ABCDEFG", (10, 34, 18, 10, 18, 16, 10), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
