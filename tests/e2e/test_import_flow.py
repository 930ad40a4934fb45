"""Import of a county's Excel case list in a real browser (issue 10, "Tests that must exist").

The county administrator uploads an Excel file as counties keep them (a title above the table,
a merged group heading over two columns, dates as date cells and as Excel serial numbers, one
impossible date, one person who is already in Wegweiser), checks the automatic assignment of
columns, names the assignment, runs the dry run (progress shown), reads the report (the broken
row named with its column, the likely duplicate with its candidate), decides, imports (progress
shown) and sees the result. The same file once more: assigned by the remembered template, and
the dry run says everything is unchanged.

The background jobs run in threads of the live server; their progress callback is slowed down so
that the browser sees the progress bar of a small file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from openpyxl import Workbook

from tests.e2e.helpers import check_page, log_in_with_totp, make_manager_with_totp, path_of
from tests.factories import KreisFactory, OrganisationFactory, TeamFactory, make_client
from wegweiser.accounts.roles import Role
from wegweiser.clients.models import Case, Client
from wegweiser.transfer import jobs
from wegweiser.transfer.models import ImportJob, ImportTemplate

pytestmark = pytest.mark.e2e

ROWS = 60
BROKEN_ROW_INDEX = 7  # the 8th person has an impossible date of birth
EXISTING = ("Olena", "Shevchenko", dt.date(1985, 3, 14))


@pytest.fixture
def kreis(transactional_db):
    return KreisFactory(
        name="Landkreis Sigmaringen", short_name="Sigmaringen", ags="08437", mfa_required=True
    )


@pytest.fixture
def manager(kreis):
    office = OrganisationFactory(kreis=kreis, name="Landratsamt Sigmaringen")
    team = TeamFactory(organisation=office, name="Integrationsmanagement Nord")
    return make_manager_with_totp(
        team, email="imke@example.org", first_name="Imke", last_name="Iversen"
    )


@pytest.fixture
def admin(manager):
    return make_manager_with_totp(
        None,
        organisation=manager.organisation,
        role=Role.COUNTY_ADMIN,
        email="anna.admin@example.org",
        first_name="Anna",
        last_name="Admin",
    )


@pytest.fixture
def existing(manager):
    given, family, born = EXISTING
    return make_client(manager, given_names=given, family_name=family, birth_date=born)


@pytest.fixture
def slow_progress(monkeypatch):
    """Each progress report of a job takes a moment, so a small file shows its progress bar."""
    original_init, original_call = jobs.Progress.__init__, jobs.Progress.__call__

    def init(self, job):
        original_init(self, job)
        time.sleep(1.0)

    def call(self, done, total):
        original_call(self, done, total)
        self.beat(force=True)
        time.sleep(0.7)

    monkeypatch.setattr(jobs.Progress, "__init__", init)
    monkeypatch.setattr(jobs.Progress, "__call__", call)


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Fallliste"
    sheet["A1"] = "Fallliste Integrationsmanagement Landkreis Sigmaringen, Stand 01.10.2026"
    # Row 3: group headings (merged), row 4: the column headings.
    sheet["A3"] = "Lfd. Nr."
    sheet.merge_cells("A3:A4")
    sheet["B3"] = "Person"
    sheet.merge_cells("B3:C3")
    sheet["B4"] = "Vorname"
    sheet["C4"] = "Nachname"
    sheet["D3"] = "Geburtsdatum"
    sheet.merge_cells("D3:D4")
    sheet["E3"] = "Geschlecht"
    sheet.merge_cells("E3:E4")
    sheet["F3"] = "Staatsangehörigkeit"
    sheet.merge_cells("F3:F4")
    sheet["G3"] = "Beratungsbeginn"
    sheet.merge_cells("G3:G4")
    people = [
        (f"Person{i}", f"Familie{i:03d}", dt.date(1970 + i % 40, 1 + i % 12, 1 + i % 27))
        for i in range(ROWS)
    ]
    people.append((EXISTING[0], EXISTING[1], EXISTING[2]))
    for index, (given, family, born) in enumerate(people):
        row = 5 + index
        sheet.cell(row, 1, 1000 + index)
        sheet.cell(row, 2, given)
        sheet.cell(row, 3, family)
        if index == BROKEN_ROW_INDEX:
            sheet.cell(row, 4, "31.02.1990")
        elif index % 2:
            sheet.cell(row, 4, born)  # a date cell
            sheet.cell(row, 4).number_format = "DD.MM.YYYY"
        else:
            sheet.cell(row, 4, (born - dt.date(1899, 12, 30)).days)  # an Excel serial number
        sheet.cell(row, 5, "w" if index % 2 else "männlich")
        sheet.cell(row, 6, "Syrien" if index % 3 else "Afghanistan")
        sheet.cell(row, 7, "15.03.2024")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page, data: bytes) -> None:
    page.locator("input[name=file]").set_input_files(
        {
            "name": "Fallliste_2026.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": data,
        }
    )
    page.locator("[data-testid=upload-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/datenuebernahme/import/[0-9a-f-]{36}/$"))


def _wait_for_progress_then_result(page, result_testid: str) -> None:
    progress = page.get_by_test_id("import-progress")
    progress.wait_for(state="visible", timeout=10_000)
    # A number of rows appears in the bar while the job runs.
    page.wait_for_selector("[data-testid=import-progress]:not([data-total='0'])", timeout=15_000)
    total = int(page.get_by_test_id("import-progress").get_attribute("data-total"))
    assert total >= ROWS + 1  # the rows of the file (the import counts some steps twice)
    page.get_by_test_id(result_testid).wait_for(state="visible", timeout=30_000)


def test_import_flow(page, admin, manager, existing, slow_progress, assert_accessible):
    data = _workbook()
    log_in_with_totp(page, admin)

    page.locator("header nav a[href='/datenuebernahme/import/']").click()
    page.wait_for_url("**/datenuebernahme/import/")
    check_page(page, assert_accessible, "i01-import-list")
    _upload(page, data)
    job_path = path_of(page)

    # The assignment: the headings under the merged cells were recognised.
    mapping = page.get_by_test_id("mapping")
    assert page.locator("#id_map_given_names").input_value() == "Vorname"
    assert page.locator("#id_map_family_name").input_value() == "Nachname"
    assert page.locator("#id_map_birth_date").input_value() == "Geburtsdatum"
    assert page.locator("#id_map_person_id").input_value() == "Lfd. Nr."
    assert page.locator("#id_map_case_opened_on").input_value() == "Beratungsbeginn"
    assert "Person0" in mapping.inner_text()  # the first values beside the choice
    check_page(page, assert_accessible, "i02-mapping")
    page.select_option("#id_default_responsible", value=str(manager.pk))
    page.fill("#id_template_name", "Fallliste Landratsamt")
    page.locator("[data-testid=mapping-form] button[type=submit]").click()

    # The dry run with its progress, then the report.
    _wait_for_progress_then_result(page, "check-counts")
    assert path_of(page) == job_path
    assert Client.objects.count() == 1  # the dry run wrote nothing
    report = page.get_by_test_id("report").inner_text()
    broken_row = 5 + BROKEN_ROW_INDEX
    line = page.locator(f"[data-testid=report] tr:has(td:text-is('{broken_row}'))")
    assert "Geburtsdatum" in line.inner_text()
    assert "31.02.1990" in line.inner_text()
    assert "Geburtsdatum" in report
    duplicates = page.get_by_test_id("duplicates")
    assert "Shevchenko" in duplicates.inner_text()
    assert existing.cases.get().number in duplicates.inner_text()
    check_page(page, assert_accessible, "i03-report")

    # Without a decision the import does not start.
    page.locator("[data-testid=start-form] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator(".kern-alert--danger").first.is_visible()
    assert ImportJob.objects.get().state == "checked"

    # Decide: the row is the existing person; leave the broken row out.
    page.locator(f"input[name^='decision-'][value='{existing.uuid}']").check()
    page.locator("#id_skip_refused").check()
    page.locator("[data-testid=start-form] button[type=submit]").click()
    _wait_for_progress_then_result(page, "import-done")
    check_page(page, assert_accessible, "i04-done")

    summary = page.get_by_test_id("summary").inner_text()
    assert str(ROWS - 1) in summary  # persons created: all but the broken row
    assert Client.objects.count() == 1 + ROWS - 1
    assert Case.objects.count() == 1 + ROWS - 1
    assert existing.cases.count() == 1  # the existing person kept her one open case
    assert not Client.objects.filter(family_name=f"Familie{BROKEN_ROW_INDEX:03d}").exists()
    assert ImportTemplate.objects.filter(name="Fallliste Landratsamt").exists()

    # The same file again: assigned by the template; the dry run finds nothing to do.
    page.goto(page.url.split("/datenuebernahme/")[0] + "/datenuebernahme/import/")
    _upload(page, data)
    assert page.locator("#id_template_name").input_value() == "Fallliste Landratsamt"
    page.locator("[data-testid=mapping-form] button[type=submit]").click()
    _wait_for_progress_then_result(page, "check-counts")
    rerun = ImportJob.objects.order_by("-created_at").first().summary
    assert sum(rerun["create"].values()) == 0
    assert sum(rerun["update"].values()) == 0
    assert rerun["refused_rows"] == 1, list(
        ImportJob.objects.order_by("-created_at").first().messages.values_list("message")[:3]
    )
    assert rerun["duplicate_rows"] == 0
    assert Client.objects.count() == 1 + ROWS - 1
