"""The annual report of a county to the state: the figures per integration manager for the year and
each quarter (identical to ``figures.compute``, the dashboard's numbers), the XLSX and CSV files in
German, the submission (frozen, once a year, only after the year has ended, only by the county
coordination), the differences of a re-run, and the suppressed view of the state."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.conftest import german
from tests.factories import LandFactory, UserFactory, make_client, make_session
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.statistics import report as reports
from wegweiser.statistics.figures import KEYS, Period, Unit, compute, is_person_key, label
from wegweiser.statistics.models import AnnualReport
from wegweiser.statistics.services import report_submit

YEAR = 2025
DURING = dt.datetime(2025, 6, 15, 10, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
COLUMNS = 3  # name, team, organisation before the figures


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(DURING, tick=False) as traveller:
        yield traveller


def day(d: int, month: int) -> dt.date:
    return dt.date(YEAR, month, d)


@pytest.fixture
def world(clock, alice, bob, dora, lead, coordinator, charlie):
    """2025: Alice counsels Amina (with her son Karim present once) in May and Omar in April; Bob
    counsels Lina in February and, standing in, Amina in August (so Amina is a person of both
    managers, once of the county). Dora and the team lead have no case work: rows of zeros.
    Charlie works in another county."""
    amina = make_client(alice, new_household_label="Haddad", gender="female", opened_on=day(2, 4))
    karim = make_client(
        alice,
        given_names="Karim",
        household=amina.household,
        birth_date=dt.date(2012, 1, 3),
        gender="male",
        opened_on=day(2, 4),
    )
    omar = make_client(alice, given_names="Omar", family_name="Nasser", opened_on=day(1, 4))
    lina = make_client(
        bob, given_names="Lina", family_name="Sadi", nationalities=["UA"], opened_on=day(3, 2)
    )
    a_case = amina.cases.get()
    make_session(alice, a_case, held_on=day(5, 5), duration_minutes=60)
    make_session(alice, a_case, held_on=day(12, 5), duration_minutes=30, members_present=[karim])
    make_session(alice, omar.cases.get(), held_on=day(20, 4), duration_minutes=45)
    make_session(bob, lina.cases.get(), held_on=day(7, 2), duration_minutes=60, channel="phone")
    clock.move_to(dt.datetime(2025, 8, 20, 10, 0, tzinfo=dt.UTC))
    make_session(bob, a_case, held_on=day(19, 8), duration_minutes=45)
    other = make_client(charlie, given_names="Ali", family_name="Rezai", opened_on=day(1, 3))
    make_session(charlie, other.cases.get(), held_on=day(4, 3))
    clock.move_to(AFTER)
    return {"amina": amina, "karim": karim, "omar": omar, "lina": lina, "a_case": a_case}


def period(data, code="year"):
    return next(p for p in data["periods"] if p["code"] == code)


def row_of(data, user, code="year"):
    return period(data, code)["rows"][str(user.uuid)]


# --- the data -----------------------------------------------------------------------------------


def test_every_manager_of_the_county_has_a_row(world, kreis, alice, bob, dora, lead, charlie):
    data = reports.report_data(kreis, YEAR)
    names = [m["name"] for m in data["managers"]]
    # sorted by family name: Arslan, Bauer, Demir, Lang; nobody of another county
    assert names == ["Alice Arslan", "Bob Bauer", "Dora Demir", "Lena Lang"]
    assert [p["code"] for p in data["periods"]] == ["year", "q1", "q2", "q3", "q4"]
    assert row_of(data, dora)["persons"] == 0 and row_of(data, dora)["sessions"] == 0
    assert row_of(data, lead)["fte"] == "1.00"  # posts of every active manager
    assert str(charlie.uuid) not in period(data)["rows"]


def test_numbers_are_those_of_compute(world, kreis, alice, bob):
    data = reports.report_data(kreis, YEAR)
    unit = Unit("county", kreis.pk)
    for code, p in [("year", Period.year(YEAR)), ("q2", Period.quarter(YEAR, 2))]:
        by_manager = compute(unit, p, group="manager")
        for user in (alice, bob):
            row = row_of(data, user, code)
            for key in KEYS:
                assert reports.number(key, row[key]) == by_manager[user.pk][key], (code, key)
        total = compute(unit, p)[None]
        for key in KEYS:
            assert reports.number(key, period(data, code)["total"][key]) == total[key]
    year = period(data)
    assert row_of(data, alice)["persons"] == 3  # Amina, Karim, Omar
    assert row_of(data, bob)["persons"] == 2  # Lina, Amina
    # the county's persons are not the sum of the rows: Amina counts once
    assert year["total"]["persons"] == 4
    assert row_of(data, alice)["hours"] == "2.3"  # 60 + 30 + 45 minutes
    assert row_of(data, bob, "q1")["sessions"] == 1
    assert row_of(data, bob, "q3")["persons"] == 1
    assert row_of(data, alice, "q4")["sessions"] == 0


def test_the_data_survive_a_json_round_trip(world, kreis):
    data = reports.report_data(kreis, YEAR)
    assert json.loads(json.dumps(data)) == data
    assert reports.differences(data, json.loads(json.dumps(data))) == []


# --- files --------------------------------------------------------------------------------------


def _sheet_rows(sheet):
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r[0] == german("Integration manager"))
    return rows[header_index], rows[header_index + 1 :]


def test_xlsx_has_a_sheet_per_period_with_the_figures(world, kreis, alice, bob, dora):
    data = reports.report_data(kreis, YEAR)
    book = openpyxl.load_workbook(io.BytesIO(reports.report_xlsx(data, suppressed=False)))
    assert book.sheetnames == ["2025", "Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
    unit = Unit("county", kreis.pk)
    for name, p in [("2025", Period.year(YEAR)), ("Q2 2025", Period.quarter(YEAR, 2))]:
        header, rows = _sheet_rows(book[name])
        # German headings (the lead's translation, until then the msgids)
        assert header[:COLUMNS] == [
            german("Integration manager"),
            german("Team"),
            german("Organisation"),
        ]
        with_labels = {h: i for i, h in enumerate(header)}
        for key in KEYS:
            assert label(key) in with_labels or german(str(label(key))) in with_labels
        by_name = {r[0]: r for r in rows}
        assert len(rows) == 5  # four managers and the total
        by_manager = compute(unit, p, group="manager")
        for user in (alice, bob):
            cells = by_name[user.display_name]
            for i, key in enumerate(data["keys"]):
                expected = by_manager[user.pk].get(key, 0)  # countries of others: 0
                value = cells[COLUMNS + i]
                if expected is None:
                    assert value is None
                elif key == "fte" or key == "hours":
                    assert Decimal(str(value)) == expected, key
                else:
                    assert value == expected, (name, user, key)
        assert by_name[dora.display_name][COLUMNS] == 0
        total = rows[-1]
        assert total[0].startswith(german("Total %(county)s", county=kreis.name)[:5])
        county = compute(unit, p)[None]
        assert total[COLUMNS + data["keys"].index("persons")] == county["persons"]
        assert total[COLUMNS + data["keys"].index("sessions")] == county["sessions"]


def test_csv_is_the_year_for_german_excel(world, kreis, alice, bob):
    data = reports.report_data(kreis, YEAR)
    raw = reports.report_csv(data)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == german("Integration manager")
    assert len(header) == COLUMNS + len(data["keys"])
    by_name = {r[0]: r for r in body}
    alice_row = by_name[alice.display_name]
    column = dict(zip(data["keys"], alice_row[COLUMNS:], strict=True))
    assert column["persons"] == "3"
    assert column["hours"] == "2,3"  # decimal comma
    assert column["fte"] == "1,00"
    assert column["caseload_per_fte"] == "3,0"  # three open cases
    total = dict(zip(data["keys"], body[-1][COLUMNS:], strict=True))
    assert total["persons"] == "4"
    assert len(body) == 5


def test_a_name_cannot_become_a_formula(world, kreis):
    UserFactory(first_name="=HYPERLINK(1)", last_name="Aaa", team=world["a_case"].team)
    data = reports.report_data(kreis, YEAR)
    rows = list(
        csv.reader(io.StringIO(reports.report_csv(data).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][0].startswith("'=")


# --- submission ---------------------------------------------------------------------------------


def test_submission_freezes_the_figures(world, kreis, coordinator, alice):
    report = report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    assert report.submitted_by == coordinator
    entry = AuditEntry.objects.get(action="statistics.report.submitted")
    assert entry.object_uuid == report.uuid and entry.data["year"] == YEAR
    before = json.dumps(report.data, sort_keys=True)
    assert row_of(report.data, alice)["sessions"] == 3

    # A session of 2025 recorded late: the submitted report stays as it was.
    make_session(alice, world["omar"].cases.get(), held_on=day(10, 11), duration_minutes=30)
    report.refresh_from_db()
    assert json.dumps(report.data, sort_keys=True) == before
    diffs = reports.differences(report.data, reports.report_data(kreis, YEAR))
    year_sessions = [
        d
        for d in diffs
        if d["period"] == "year" and d["manager"] == str(alice.uuid) and d["key"] == "sessions"
    ]
    assert year_sessions == [
        {
            "period": "year",
            "period_label": "2025",
            "manager": str(alice.uuid),
            "name": alice.display_name,
            "key": "sessions",
            "label": label("sessions"),
            "submitted": 3,
            "current": 4,
        }
    ]
    assert {(d["period"], d["key"]) for d in diffs if d["manager"] is None} >= {
        ("year", "sessions"),
        ("q4", "sessions"),
        ("year", "hours"),
    }
    assert not [d for d in diffs if d["period"] in ("q1", "q2", "q3")]


def test_the_page_shows_the_frozen_figures_and_the_differences(
    client, world, kreis, coordinator, alice
):
    report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    make_session(alice, world["omar"].cases.get(), held_on=day(10, 11), duration_minutes=30)
    client.force_login(coordinator)
    response = client.get(reverse("statistics:report_year", args=[YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-submitted"' in page
    assert 'data-testid="report-differences"' in page
    differences = response.context["differences"]
    entry = next(
        d
        for d in differences
        if d["period"] == "year" and d["manager"] == str(alice.uuid) and d["key"] == "sessions"
    )
    assert (entry["submitted"], entry["current"]) == (3, 4)
    # the table per manager shows the frozen 3 sessions, not today's 4
    summary = dict(response.context["summary"]["rows"][0][0])
    assert summary["name"] == alice.display_name
    cells = response.context["summary"]["rows"][0][1]
    sessions = [c.value for c in cells][2]
    assert sessions == 3
    # hours with a decimal comma in the German page
    assert "2,3" in page


def test_no_differences_right_after_submission(client, world, kreis, coordinator):
    report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    client.force_login(coordinator)
    page = client.get(reverse("statistics:report_year", args=[YEAR])).content.decode()
    assert 'data-testid="report-no-differences"' in page


def test_submission_through_the_page(client, world, kreis, coordinator):
    client.force_login(coordinator)
    url = reverse("statistics:report_submit", args=[YEAR])
    response = client.post(url, {})  # without the confirmation
    assert response.status_code == 200
    assert not AnnualReport.objects.exists()
    assert german("Please confirm that you have checked the figures.") in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert AnnualReport.objects.get(kreis=kreis, year=YEAR).submitted_by == coordinator


def test_a_second_submission_is_refused(client, world, kreis, coordinator):
    report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    with pytest.raises(ValidationError) as refused:
        report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    assert refused.value.code == "already_submitted"
    client.force_login(coordinator)
    response = client.post(reverse("statistics:report_submit", args=[YEAR]), {"confirm": "on"})
    assert response.status_code == 200
    assert "12.01.2026" in response.content.decode()
    assert AnnualReport.objects.count() == 1


def test_submission_before_the_end_of_the_year_is_refused(client, world, clock, kreis, coordinator):
    clock.move_to(dt.datetime(2025, 12, 31, 22, 0, tzinfo=dt.UTC))  # 23:00 in Berlin
    with pytest.raises(ValidationError) as refused:
        report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    assert refused.value.code == "too_early"
    message = german(
        "The annual report %(year)s can only be submitted once the year has ended, "
        "from 1 January %(next)s.",
        year=YEAR,
        next=YEAR + 1,
    )
    assert refused.value.messages == [message]
    client.force_login(coordinator)
    response = client.post(reverse("statistics:report_submit", args=[YEAR]), {"confirm": "on"})
    assert response.status_code == 200
    assert not AnnualReport.objects.exists()
    page = response.content.decode()
    assert 'data-testid="report-running"' in page


def test_only_the_county_coordination_submits(world, kreis, county_admin, alice, state_officer):
    for actor in (county_admin, alice, state_officer):
        with pytest.raises(PermissionDenied):
            report_submit(actor=actor, kreis=kreis, year=YEAR)
    assert not AnnualReport.objects.exists()


def test_state_officer_cannot_submit_through_the_page(client, world, state_officer, county_admin):
    url = reverse("statistics:report_submit", args=[YEAR])
    for user in (state_officer, county_admin):
        client.force_login(user)
        assert client.post(url, {"confirm": "on"}).status_code == 403
    assert not AnnualReport.objects.exists()


# --- the county's pages -------------------------------------------------------------------------


def test_the_list_shows_the_status_of_each_year(client, world, kreis, coordinator):
    report_submit(actor=coordinator, kreis=kreis, year=2024)
    client.force_login(coordinator)
    response = client.get(reverse("statistics:report_list"))
    years = {y["year"]: y for y in response.context["years"]}
    assert years[2026]["state"] == "running"
    assert years[2025]["state"] == "open" and not years[2025]["overdue"]
    assert years[2024]["state"] == "submitted"
    assert min(years) == reports.FIRST_YEAR
    assert "12.01.2026" in response.content.decode()


def test_files_of_the_county_are_audited(client, world, kreis, county_admin):
    client.force_login(county_admin)
    response = client.get(reverse("statistics:report_xlsx", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="jahresbericht-08437-2025.xlsx"' in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))
    response = client.get(reverse("statistics:report_csv", args=[YEAR]))
    assert response.content.startswith("\ufeff".encode())
    entries = AuditEntry.objects.filter(action="statistics.report.exported").order_by("pk")
    assert [e.data["format"] for e in entries] == ["xlsx", "csv"]
    assert all(e.kreis_id == kreis.pk and not e.data["suppressed"] for e in entries)


def test_the_county_downloads_the_submitted_figures(client, world, kreis, coordinator, alice):
    report_submit(actor=coordinator, kreis=kreis, year=YEAR)
    make_session(alice, world["omar"].cases.get(), held_on=day(10, 11), duration_minutes=30)
    client.force_login(coordinator)
    raw = client.get(reverse("statistics:report_csv", args=[YEAR])).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    keys = reports.report_data(kreis, YEAR)["keys"]
    alice_row = dict(zip(keys, rows[1][COLUMNS:], strict=True))
    assert alice_row["sessions"] == "3"  # frozen


@pytest.mark.parametrize("year", [2016, 2027])
def test_years_outside_the_reports_are_404(client, world, coordinator, year):
    client.force_login(coordinator)
    assert client.get(reverse("statistics:report_year", args=[year])).status_code == 404
    assert client.post(reverse("statistics:report_submit", args=[year])).status_code == 404


def test_rights_on_the_county_pages(client, world, alice, lead, charlie, state_officer, dpo):
    for user in (alice, lead, charlie, state_officer, dpo):
        client.force_login(user)
        for name, args in [
            ("statistics:report_list", []),
            ("statistics:report_year", [YEAR]),
            ("statistics:report_xlsx", [YEAR]),
            ("statistics:report_csv", [YEAR]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 403, (user, name)


def test_the_page_costs_the_same_queries_for_more_managers(client, world, kreis, coordinator):
    client.force_login(coordinator)
    url = reverse("statistics:report_year", args=[YEAR])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    team = world["a_case"].team
    for n in range(5):
        manager = UserFactory(last_name=f"Neu {n}", team=team)
        case = make_client(manager, given_names=f"P{n}", opened_on=day(1, 3)).cases.get()
        make_session(manager, case, held_on=day(2, 3))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["data"]["managers"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the state ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(world, kreis, coordinator):
    return report_submit(actor=coordinator, kreis=kreis, year=YEAR)


def _state_url(name, kreis, year=YEAR):
    return reverse(name, args=[kreis.ags, year])


def test_the_state_sees_suppressed_figures(client, submitted, kreis, state_officer, alice):
    client.force_login(state_officer)
    response = client.get(_state_url("statistics:report_state", kreis))
    assert response.status_code == 200
    page = response.content.decode()
    assert "•" in page
    rows = response.context["summary"]["rows"]
    alice_cells = next(cells for m, cells in rows if m["name"] == alice.display_name)
    persons = alice_cells[0]
    assert persons.suppressed  # 3 persons
    # sessions are no count of persons: shown
    assert alice_cells[2].value == 3 and not alice_cells[2].suppressed
    assert "Amina" not in page and "Haddad" not in page


def test_the_state_file_has_no_small_person_count(client, submitted, kreis, state_officer):
    client.force_login(state_officer)
    response = client.get(_state_url("statistics:report_state_xlsx", kreis))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    keys = submitted.data["keys"]
    seen_suppressed = False
    for sheet in book.worksheets:
        _header, rows = _sheet_rows(sheet)
        for row in rows:
            for key, value in zip(keys, row[COLUMNS:], strict=True):
                if not is_person_key(key):
                    continue
                if value == "•":
                    seen_suppressed = True
                    continue
                assert value in (0, None) or value >= 5, (sheet.title, row[0], key, value)
    assert seen_suppressed
    entry = AuditEntry.objects.get(action="statistics.report.exported")
    assert entry.actor == state_officer and entry.data["suppressed"] is True
    csv_response = client.get(_state_url("statistics:report_state_csv", kreis))
    assert "•" in csv_response.content.decode("utf-8-sig")


def test_the_state_list_shows_the_submitted_counties(
    client, submitted, kreis, other_kreis, state_officer
):
    client.force_login(state_officer)
    response = client.get(reverse("statistics:report_state_list") + f"?jahr={YEAR}")
    assert response.status_code == 200
    status = {c["kreis"].ags: c["report"] for c in response.context["counties"]}
    assert status[kreis.ags] == submitted
    assert status[other_kreis.ags] is None
    assert client.get(reverse("statistics:report_state_list") + "?jahr=abc").status_code == 404


def test_rights_on_the_submitted_report(
    client, submitted, kreis, alice, charlie, dpo, county_admin
):
    url = _state_url("statistics:report_state", kreis)
    expected = {alice: 403, dpo: 403, charlie: 404, county_admin: 200}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_an_unsubmitted_report_does_not_exist_for_the_state(client, world, kreis, state_officer):
    client.force_login(state_officer)
    assert client.get(_state_url("statistics:report_state", kreis)).status_code == 404
    assert client.get(_state_url("statistics:report_state_xlsx", kreis)).status_code == 404


def test_a_state_officer_of_another_land_gets_404(client, submitted, kreis, state_officer):
    from wegweiser.organisations.models import Land

    other = Land.objects.exclude(pk=state_officer.land_id).first() or LandFactory(
        code="BY", name="Bayern"
    )
    officer = UserFactory(
        team=None,
        organisation=state_officer.organisation,
        kreis=None,
        land=other,
        role=Role.STATE_FUNDING_OFFICER,
    )
    client.force_login(officer)
    assert client.get(_state_url("statistics:report_state", kreis)).status_code == 404
