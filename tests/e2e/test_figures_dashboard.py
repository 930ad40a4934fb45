"""The key-figure dashboard in a real browser (issue 5, "Dashboards").

The county coordination logs in (with the second factor), opens "Kennzahlen" from the main
navigation, switches the period to the current month, sees the charts (SVG images with their
accessible name) with the data table beside them and downloads the overview as XLSX, which the
test opens with openpyxl. axe-core checks the page before and after filtering; the browser reports
no Content-Security-Policy violation.

Two managers' sessions of this month are created in the set-up (through the services, so the
rollup is current); the figures on the page and in the file are compared with
``figures.compute``."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.helpers import check_page, log_in_with_totp, path_of, submit
from tests.factories import (
    KreisFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    make_client,
    make_session,
)
from wegweiser.accounts.roles import Role
from wegweiser.statistics.figures import Period, Unit, compute

pytestmark = pytest.mark.e2e

SHOW = re.compile(r"^\s*(Kennzahlen anzeigen|Show figures)\s*$")


@pytest.fixture
def kreis(transactional_db):
    return KreisFactory(
        name="Landkreis Sigmaringen", short_name="Sigmaringen", ags="08437", mfa_required=True
    )


@pytest.fixture
def office(kreis):
    return OrganisationFactory(kreis=kreis, name="Landratsamt Sigmaringen")


@pytest.fixture
def coordinator(office):
    user = UserFactory(
        email="koordination@example.org",
        first_name="Karla",
        last_name="Koch",
        team=None,
        organisation=office,
        role=Role.COUNTY_COORDINATOR,
    )
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def sessions(office):
    """Two managers of two teams with five persons counselled this month."""
    today = timezone.localdate()
    held_on = today.replace(day=1)
    for n, team_name in enumerate(("Integrationsmanagement Nord", "Integrationsmanagement Süd")):
        manager = UserFactory(team=TeamFactory(organisation=office, name=team_name))
        for k in range(2 + n):
            person = make_client(
                manager,
                given_names=f"Person{k}",
                family_name=f"Team{n}",
                opened_on=held_on - dt.timedelta(days=30),
                nationalities=["SY" if k % 2 else "UA"],
            )
            make_session(
                manager,
                person.cases.get(),
                held_on=held_on,
                channel="phone" if k else "in_person",
                fields_of_action=["language", "work"],
            )
    return today


def test_coordinator_filters_the_dashboard_and_downloads_a_table(
    page, coordinator, sessions, kreis, assert_accessible, csp_errors
):
    today = sessions
    log_in_with_totp(page, coordinator)

    page.locator("header nav a[href='/kennzahlen/']").click()
    page.wait_for_url("**/kennzahlen/")
    assert page.locator("header nav a[aria-current='page']").get_attribute("href") == "/kennzahlen/"
    check_page(page, assert_accessible, "f01-dashboard-year")

    # The period: this month.
    page.select_option("#id_zeitraum", "month")
    page.select_option("#id_jahr", str(today.year))
    page.select_option("#id_monat", str(today.month))
    submit(page, page.get_by_role("button", name=SHOW))
    assert path_of(page) == "/kennzahlen/"
    assert "zeitraum=month" in page.url
    label = f"{today.month:02d}/{today.year}"
    assert label in page.get_by_test_id("dashboard-period").inner_text()

    figures = compute(Unit("county", kreis.pk), Period.month(today.year, today.month))[None]
    assert figures["persons"] == 5
    overview = page.get_by_test_id("table-overview")
    total = overview.locator("tr[data-row='total']")
    assert total.locator("td[data-key='persons']").inner_text().strip() == "5"
    assert total.locator("td[data-key='sessions']").inner_text().strip() == "5"
    assert overview.locator("tbody tr").count() == 2  # one row per team

    # The chart and the table beside it.
    chart = page.get_by_test_id("chart-overview").locator("svg[role='img']")
    assert chart.is_visible()
    assert chart.locator("title").first.text_content()
    monthly = page.get_by_test_id("chart-monthly").locator("svg[role='img']")
    assert monthly.is_visible()
    assert page.get_by_test_id("table-monthly").is_visible()
    phone = page.get_by_test_id("table-monthly").locator(
        f"tr[data-row='{today:%Y-%m}'] td[data-key='sessions:phone']"
    )
    assert phone.inner_text().strip() == str(figures["sessions:phone"])
    check_page(page, assert_accessible, "f02-dashboard-month")

    # The overview as XLSX, with the same filters.
    with page.expect_download() as info:
        page.get_by_test_id("export-overview-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert label in rows[1]
    header, last = rows[3], rows[-1]
    assert last[1:3] == (figures["persons"], figures["households"])
    assert len(header) == len(last)

    assert csp_errors == []
