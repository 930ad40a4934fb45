"""From a support request to logged hours, in a real browser (issue 7, "Tests that must exist").

The integration manager opens the case, asks volunteers for support (accompany to the
Ausländerbehörde today, in Arabic). The volunteer, who speaks Arabic, logs in with their own
limited account and lands on "Mein Engagement", sees the request without the person, takes it,
then sees the person's first name and phone, reports it as done with 2,5 hours and sees the hours
on their page. A German-only volunteer never sees the request. Back in the manager's browser the
request is done, with the volunteer and the hours. axe-core checks every page of the flow.

The client, the consent (covering volunteers), the volunteers with their checks and accounts are
made in the set-up; everything else goes through the browser.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.helpers import (
    MAIN_SUBMIT,
    check_page,
    log_in,
    log_in_with_totp,
    make_manager_with_totp,
)
from tests.factories import (
    KreisFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    make_client,
)
from tests.volunteers.helpers import linked_volunteer
from wegweiser.accounts.roles import Role
from wegweiser.clients.services import consent_record
from wegweiser.volunteers.models import Activity, SupportRequest, SupportRequestStatus

pytestmark = pytest.mark.e2e

TITLE = "Begleitung zur Ausländerbehörde"
PHONE = "0176 5550123"
TAKE = re.compile(r"^\s*(Anfrage übernehmen|Take the request)\s*$")
DONE = re.compile(r"^\s*(Als erledigt melden|Report as done)\s*$")


@pytest.fixture
def kreis(transactional_db):
    return KreisFactory(
        name="Landkreis Sigmaringen", short_name="Sigmaringen", ags="08437", mfa_required=True
    )


@pytest.fixture
def office(kreis):
    return OrganisationFactory(kreis=kreis, name="Landratsamt Sigmaringen")


@pytest.fixture
def manager(office):
    team = TeamFactory(organisation=office, name="Integrationsmanagement Nord")
    return make_manager_with_totp(
        team, email="imke@example.org", first_name="Imke", last_name="Iversen"
    )


@pytest.fixture
def case(manager):
    client = make_client(
        manager, given_names="Amina", family_name="Haddad", languages=["ar"], phone=PHONE
    )
    case = client.cases.get()
    consent_record(
        actor=manager,
        case=case,
        given_on=timezone.localdate(),
        form="signed",
        covers_volunteer=True,
    )
    return case


@pytest.fixture
def volunteers(office):
    coordination = UserFactory(
        email="ehrenamt@example.org",
        team=None,
        organisation=office,
        role=Role.VOLUNTEER_COORDINATOR,
    )
    lina_user = UserFactory(
        email="lina@example.org", team=None, organisation=office, role=Role.VOLUNTEER
    )
    max_user = UserFactory(
        email="max@example.org", team=None, organisation=office, role=Role.VOLUNTEER
    )
    lina = linked_volunteer(coordination, lina_user, languages=["ar", "de"])
    linked_volunteer(
        coordination, max_user, given_name="Max", family_name="Keller", languages=["de"]
    )
    return lina, lina_user, max_user


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_support_request_to_logged_hours(
    page,
    second_page,
    manager,
    case,
    volunteers,
    assert_accessible,
    csp_errors,
):
    lina, lina_user, max_user = volunteers
    second_page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    today = timezone.localdate()
    volunteering = f"/ehrenamt/fall/{case.uuid}/"

    # The manager asks for support from the case file.
    log_in_with_totp(page, manager)
    page.goto(f"/faelle/{case.uuid}/")
    page.locator(f"main a[href='{volunteering}']").first.click()
    page.wait_for_url(f"**{volunteering}")
    check_page(page, assert_accessible, "v01-case-volunteering")
    page.locator(f"main a[href='{volunteering}anfrage/neu/']").click()
    page.wait_for_url(f"**{volunteering}anfrage/neu/")
    assert page.input_value("#id_language") == "ar"  # from the person's languages
    check_page(page, assert_accessible, "v02-support-request-form")
    page.fill("#id_title", TITLE)
    page.fill("#id_needed_on", today.strftime("%d.%m.%Y"))
    page.fill("#id_time_from", "09:30")
    page.fill("#id_place", "Ausländerbehörde, Leopoldstraße 4")
    page.locator(MAIN_SUBMIT).click()
    page.wait_for_url(f"**{volunteering}")
    request = SupportRequest.objects.get(case=case)
    assert request.status == SupportRequestStatus.OPEN and request.language == "ar"
    assert TITLE in page.get_by_test_id("case-support-requests").inner_text()

    # A German-only volunteer does not see it.
    log_in(second_page, max_user.email)
    second_page.wait_for_url("**/ehrenamt/mein/")
    assert TITLE not in second_page.locator("main").inner_text()
    second_page.context.clear_cookies()

    # The Arabic-speaking volunteer sees what, when and where – not who – and takes it.
    log_in(second_page, lina_user.email)
    second_page.wait_for_url("**/ehrenamt/mein/")
    check_page(second_page, assert_accessible, "v03-portal")
    open_requests = second_page.get_by_test_id("portal-open-requests")
    assert TITLE in open_requests.inner_text()
    open_requests.locator(f"a[href='/ehrenamt/mein/anfragen/{request.uuid}/']").click()
    second_page.wait_for_url(f"**/ehrenamt/mein/anfragen/{request.uuid}/")
    main = second_page.locator("main").inner_text()
    assert "Amina" not in main and PHONE not in main
    check_page(second_page, assert_accessible, "v04-request-open")
    second_page.get_by_role("button", name=TAKE).click()
    second_page.wait_for_url(f"**/ehrenamt/mein/anfragen/{request.uuid}/")
    person = second_page.get_by_test_id("request-person").inner_text()
    assert "Amina" in person and PHONE in person and "Haddad" not in person
    check_page(second_page, assert_accessible, "v05-request-taken")

    # Done, with the hours.
    second_page.get_by_role("link", name=DONE).click()
    second_page.wait_for_url(f"**/ehrenamt/mein/anfragen/{request.uuid}/erledigt/")
    check_page(second_page, assert_accessible, "v06-request-done")
    second_page.fill("#id_hours", "2,5")
    second_page.fill("#id_note", "Termin wahrgenommen, Fiktionsbescheinigung abgeholt")
    second_page.locator(MAIN_SUBMIT).click()
    second_page.wait_for_url("**/ehrenamt/mein/")
    assert "2,5" in second_page.get_by_test_id("portal-hours").inner_text()
    request.refresh_from_db()
    assert request.status == SupportRequestStatus.DONE and request.taken_by == lina
    assert Activity.objects.get(support_request=request).hours == Decimal("2.5")

    # The manager sees who helped and how long.
    page.reload()
    row = page.get_by_test_id("case-support-requests").inner_text()
    assert "Lina Vogt" in row and "2,5" in row
    assert re.search(r"erledigt|done", row)
    assert csp_errors == []
