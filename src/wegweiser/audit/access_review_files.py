"""The access review as files: CSV (``;``, UTF-8 with BOM) and an Excel workbook, German headings.

The headings are written in German directly, like the audit log export: the files are German
documents for the data-protection officer, whatever the UI language. Times are local
(Europe/Berlin). Text cells that start with a formula character are neutralised."""

from __future__ import annotations

import csv
import io

from django.utils import timezone, translation

from wegweiser.audit.access_review import (
    BURST,
    BURST_MINUTES,
    LOCAL_TZ,
    NIGHT,
    OUTSIDE,
    REASON,
    AccessReview,
    ReviewRow,
)

ROW_HEADINGS = (
    "Benutzer/in",
    "Fallnummer",
    "Zuständig",
    "Team",
    "Öffnungen",
    "Erste Öffnung",
    "Letzte Öffnung",
    "Teile",
    "Außerhalb der eigenen Fallzuständigkeit",
    "Mit dokumentiertem Grund",
    "Viele Akten in kurzer Zeit",
    "Nachts",
)
USER_HEADINGS = (
    "Benutzer/in",
    "Öffnungen",
    "Fallakten",
    "Auffällige Fallakten",
    f"Höchstzahl Fallakten in {BURST_MINUTES} Minuten",
    "Hinweise",
)
FLAG_DE = {
    OUTSIDE: "außerhalb der eigenen Fallzuständigkeit",
    REASON: "mit dokumentiertem Grund",
    BURST: "viele Akten in kurzer Zeit",
    NIGHT: "nachts",
}
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def safe_text(text: str) -> str:
    """A text cell: a leading formula character is neutralised (CSV/spreadsheet injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(value):
    return timezone.localtime(value, LOCAL_TZ).replace(tzinfo=None) if value else None


def _row_values(row: ReviewRow) -> list:
    with translation.override("de"):
        parts = ", ".join(row.part_labels)
    flags = row.flag_codes
    return [
        safe_text(row.user),
        safe_text(row.case_number),
        safe_text(row.responsible),
        safe_text(row.team),
        row.openings,
        _local(row.first),
        _local(row.last),
        safe_text(parts),
        *("ja" if code in flags else "" for code in (OUTSIDE, REASON, BURST, NIGHT)),
    ]


def filename(review: AccessReview, extension: str) -> str:
    return (
        f"zugriffe-{review.since.strftime('%Y%m%d')}-{review.until.strftime('%Y%m%d')}.{extension}"
    )


def review_csv(review: AccessReview) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(ROW_HEADINGS)
    for row in review.rows:
        values = _row_values(row)
        values[5:7] = [v.strftime("%d.%m.%Y %H:%M") if v else "" for v in values[5:7]]
        writer.writerow(values)
    return out.getvalue()


def review_xlsx(review: AccessReview) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    period = f"Zeitraum: {review.since:%d.%m.%Y} bis {review.until:%d.%m.%Y}"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Zugriffe"
    sheet.append(["Zugriffsauswertung: Öffnungen von Fallakten"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([period])
    sheet.append(list(ROW_HEADINGS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in review.rows:
        sheet.append(_row_values(row))
        for column in (6, 7):
            sheet.cell(row=sheet.max_row, column=column).number_format = DATETIME_FORMAT
    widths = (28, 14, 24, 24, 10, 17, 17, 28, 16, 14, 14, 9)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)

    users = workbook.create_sheet("Benutzer")
    users.append(["Zugriffsauswertung: Übersicht je Benutzer/in"])
    users["A1"].font = Font(bold=True, size=13)
    users.append([period])
    users.append(list(USER_HEADINGS))
    for cell in users[users.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for s in review.users:
        users.append(
            [
                safe_text(s.user),
                s.openings,
                s.cases,
                s.flagged,
                s.burst_peak or None,
                ", ".join(FLAG_DE[f.code] for f in s.flags),
            ]
        )
    for letter, width in zip("ABCDEF", (28, 10, 10, 12, 14, 60), strict=True):
        users.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
