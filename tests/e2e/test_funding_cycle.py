"""One funding programme through its whole cycle in a real browser (issue 6).

The state funding officer (RP Stuttgart, Referat 15.2) logs in with the second factor, uploads
the basis data (refugees allocated, a CSV for the two test counties), creates the programme with
the key "100 % by refugees", computes, reviews and publishes the planning frame. The county
coordination of Sigmaringen (in its own browser context) applies within its frame with a signed
form and submits. The officer grants (the grant notice PDF is offered), marks the first
instalment as paid; the county submits the proof of use with the narrative report; the officer
accepts it. The status board then shows the whole row. axe-core checks the main pages; the
browser reports no Content-Security-Policy violation on either side."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.helpers import check_page, log_in_with_totp, path_of, submit
from tests.factories import KreisFactory, OrganisationFactory, UserFactory
from wegweiser.accounts.roles import Role
from wegweiser.funding.models import Application, ApplicationStatus, FrameEntry, ProofOfUse
from wegweiser.organisations.models import Land, Organisation

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSV = "Kreisschlüssel;Anzahl\n08437;1.200\n08417;600\n"


def dmy(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def with_totp(user):
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def kreis(transactional_db):
    return KreisFactory(
        name="Landkreis Sigmaringen", short_name="Sigmaringen", ags="08437", mfa_required=True
    )


@pytest.fixture
def other_kreis(transactional_db):
    return KreisFactory(name="Zollernalbkreis", short_name="Zollernalbkreis", ags="08417")


@pytest.fixture
def officer(kreis, other_kreis):
    land = Land.objects.get(code="BW")
    rp = Organisation.objects.create(
        land=land,
        kind=Organisation.Kind.STATE_AUTHORITY,
        name="Regierungspräsidium Stuttgart, Referat 15.2",
    )
    return with_totp(
        UserFactory(
            email="rp@example.org",
            team=None,
            organisation=rp,
            kreis=None,
            land=land,
            role=Role.STATE_FUNDING_OFFICER,
        )
    )


@pytest.fixture
def coordinator(kreis):
    office = OrganisationFactory(kreis=kreis, name="Landratsamt Sigmaringen")
    return with_totp(
        UserFactory(
            email="koordination@example.org",
            team=None,
            organisation=office,
            role=Role.COUNTY_COORDINATOR,
        )
    )


@pytest.fixture
def county_page(browser, live_server):
    """The county's own browser (own cookies), with its CSP messages recorded."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    try:
        yield page
    finally:
        context.close()


def test_programme_through_the_whole_cycle(
    page, county_page, officer, coordinator, kreis, other_kreis, assert_accessible, csp_errors
):
    today = timezone.localdate()
    year = today.year

    # --- the officer: basis data ------------------------------------------------------------
    log_in_with_totp(page, officer)
    page.locator("header nav a[href='/foerderung/']").click()
    page.wait_for_url("**/foerderung/land/programme/")
    check_page(page, assert_accessible, "g01-programmes")
    page.goto("/foerderung/land/grunddaten/hochladen/")
    page.select_option("#id_kind", "refugees")
    page.fill("#id_reference_date", f"31.12.{year - 1}")
    page.fill("#id_period_start", f"01.01.{year - 1}")
    page.fill("#id_source", f"Regierungspräsidium Karlsruhe, Zugangsstatistik {year - 1}")
    page.set_input_files(
        "#id_file",
        files=[{"name": "zugaenge.csv", "mimeType": "text/csv", "buffer": CSV.encode()}],
    )
    submit(page, page.locator("main form button[type=submit]"))
    assert path_of(page).startswith("/foerderung/land/grunddaten/")
    assert "Zollernalbkreis" in page.get_by_test_id("basis-rows").inner_text()
    check_page(page, assert_accessible, "g02-basis")

    # --- the programme ----------------------------------------------------------------------
    page.goto("/foerderung/land/programme/neu/")
    page.fill("#id_name", "Integrationsmanagement")
    page.fill("#id_year", str(year))
    page.fill("#id_period_start", f"01.01.{year}")
    page.fill("#id_period_end", f"31.12.{year}")
    page.fill("#id_budget", "1.000.000,00")
    page.fill("#id_purpose", "Integrationsmanagement: Geld folgt Geflüchteten")
    page.fill("#id_application_deadline", dmy(today + dt.timedelta(days=30)))
    page.fill("#id_weight_refugees", "100")
    page.fill("#id_instalments", "2")
    page.check("#id_basis_0")
    check_page(page, assert_accessible, "g03-programme-form")
    submit(page, page.locator("main form button[type=submit]"))
    assert "/foerderung/land/programme/" in path_of(page)
    assert "1.000.000,00 €" in page.get_by_test_id("budget").inner_text()
    check_page(page, assert_accessible, "g04-programme")

    # --- compute, review, publish the planning frame ----------------------------------------
    submit(page, page.locator("main form[action$='/planungsrahmen/berechnen/'] button"))
    assert path_of(page).endswith("/planungsrahmen/")
    frame = page.get_by_test_id("frame")
    assert "666.667,00 €" in frame.locator("tr[data-ags='08437']").inner_text()
    assert "333.333,00 €" in frame.locator("tr[data-ags='08417']").inner_text()
    assert "1.000.000,00 €" in page.get_by_test_id("total").inner_text()
    check_page(page, assert_accessible, "g05-frame-review")
    with page.expect_download() as download:
        page.locator("a[href$='planungsrahmen.xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    amounts = [r[2] for r in sheet.iter_rows(values_only=True) if r[0] in ("08437", "08417")]
    assert sum(Decimal(str(a)) for a in amounts) == Decimal("1000000")
    submit(page, page.locator("main form[action$='/veroeffentlichen/'] button"))
    assert FrameEntry.objects.filter(frame__published_at__isnull=False).count() == 2

    # --- the county applies -----------------------------------------------------------------
    log_in_with_totp(county_page, coordinator)
    county_page.goto("/foerderung/kreis/")
    county_page.locator("main a[href*='/antrag/']").first.click()
    county_page.wait_for_url("**/antrag/")
    county_page.fill("#id_amount", "600.000,00")
    county_page.fill("#id_posts", "6")
    county_page.fill("#id_planned_uses", "Sechs Integrationsmanagerinnen und -manager")
    county_page.set_input_files(
        "#id_signed_form",
        files=[{"name": "antrag-unterschrieben.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(county_page, county_page.locator("main button[name=action][value=submit]"))
    application = Application.objects.get(kreis=kreis)
    assert application.status == ApplicationStatus.SUBMITTED

    # --- the officer grants and pays --------------------------------------------------------
    page.goto(path_of(page).replace("/planungsrahmen/", "/antraege/"))
    check_page(page, assert_accessible, "g06-status-board")
    row = page.get_by_test_id("status-board").locator("tr[data-ags='08437']")
    assert "600.000,00 €" in row.locator("td[data-key='applied']").inner_text()
    row.locator("a[href*='/land/antraege/']").click()
    page.wait_for_url(f"**/land/antraege/{application.uuid}/")
    check_page(page, assert_accessible, "g07-application")
    with page.expect_download() as download:
        page.get_by_test_id("signed-form").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.locator(f"main a[href$='/{application.uuid}/bewilligen/']").click()
    page.wait_for_url("**/bewilligen/")
    assert page.input_value("#id_amount") == "600.000,00"
    check_page(page, assert_accessible, "g08-grant")
    submit(page, page.locator("main form button[type=submit]"))
    assert "600.000,00 €" in page.get_by_test_id("granted").inner_text()
    assert page.locator("a[href$='zuwendungsbescheid.pdf']").count() == 1
    submit(page, page.locator("tr[data-number='1'] button[type=submit]"))
    assert "300.000,00 €" in page.get_by_test_id("paid-total").inner_text()
    check_page(page, assert_accessible, "g09-application-paid")

    # --- the county proves the use ----------------------------------------------------------
    county_page.goto(f"/foerderung/kreis/antraege/{application.uuid}/verwendungsnachweis/")
    county_page.fill("#id_spent", "280.000,00")
    county_page.set_input_files(
        "#id_narrative",
        files=[{"name": "sachbericht.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(county_page, county_page.locator("main form button[type=submit]"))
    proof = ProofOfUse.objects.get(application=application)
    assert proof.reclaim == Decimal("20000.00")

    # --- the officer accepts the proof ------------------------------------------------------
    page.reload()
    page.locator(f"main a[href='/foerderung/land/nachweise/{proof.uuid}/']").click()
    page.wait_for_url(f"**/land/nachweise/{proof.uuid}/")
    assert "20.000,00 €" in page.get_by_test_id("reclaim").inner_text()
    check_page(page, assert_accessible, "g10-proof")
    submit(page, page.locator("main button[name=decision][value=accept]"))
    proof.refresh_from_db()
    assert proof.status == "accepted"

    # --- the status board shows the whole row -----------------------------------------------
    page.goto(f"/foerderung/land/programme/{application.programme.uuid}/antraege/")
    row = page.get_by_test_id("status-board").locator("tr[data-ags='08437']")
    cells = {
        key: row.locator(f"td[data-key='{key}']").inner_text()
        for key in ("frame", "applied", "status", "granted", "paid", "proof")
    }
    assert "666.667,00 €" in cells["frame"]
    assert "600.000,00 €" in cells["applied"] and "600.000,00 €" in cells["granted"]
    assert "300.000,00 €" in cells["paid"]
    assert cells["status"].strip().split("\n")[0] == str(ApplicationStatus.GRANTED.label)
    assert cells["proof"].strip().startswith(str(proof.get_status_display()))
    other = page.get_by_test_id("status-board").locator("tr[data-ags='08417']")
    assert "333.333,00 €" in other.locator("td[data-key='frame']").inner_text()
    check_page(page, assert_accessible, "g11-status-board-done")

    assert csp_errors == []
    assert county_page.csp_errors == []
