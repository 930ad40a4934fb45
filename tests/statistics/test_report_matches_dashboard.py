"""The annual report file and the dashboard show the same numbers: the XLSX of the report, read
back, against the dashboard's export of the overview split by manager for the same year."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from tests.api.conftest import german
from tests.statistics.test_report import YEAR, clock, world  # noqa: F401


def _rows(sheet, first_heading):
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_heading)
    header = list(rows[start])
    return header, {r[0]: r for r in rows[start + 1 :] if r and r[0]}


def test_report_xlsx_equals_the_dashboard(client, world, coordinator, alice, bob):  # noqa: F811
    client.force_login(coordinator)
    report = client.get(reverse("statistics:report_xlsx", kwargs={"year": YEAR}))
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    r_header, r_rows = _rows(book[str(YEAR)], german("Integration manager"))
    dash = client.get(
        reverse("statistics:dashboard_export", kwargs={"table": "overview", "fmt": "xlsx"}),
        {"zeitraum": "year", "jahr": str(YEAR), "gliederung": "person"},
    )
    assert dash.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(dash.content)).active
    all_rows = list(sheet.iter_rows(values_only=True))
    d_header = list(all_rows[3])
    d_rows = {r[0]: r for r in all_rows[4:] if r and r[0]}
    compared = 0
    for key in ("Persons counselled", "Households", "Sessions", "New cases"):
        heading = german(key)
        if heading not in d_header:
            continue
        for user in (alice, bob):
            name = user.display_name
            assert r_rows[name][r_header.index(heading)] == d_rows[name][d_header.index(heading)]
            compared += 1
    assert compared >= 4
    assert r_rows[alice.display_name][r_header.index(german("Persons counselled"))] > 0
