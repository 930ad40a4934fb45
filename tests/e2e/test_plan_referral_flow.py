"""Integration plan and referral in a real browser (issue 4, "Tests that must exist").

An integration manager logs in, opens a case, writes a plan with two goals in different fields of
action, refers the person from one goal to a service of the directory with a follow-up date. Under
a controlled clock the follow-up becomes overdue and appears on the desk; the referral is moved on
(agreed, attended) and closed as successful; the plan PDF contains both goals. axe-core checks the
plan page, the goal form, the referral form, the referral list, the desk with the overdue item, the
directory list and a service detail page.

The client, the consent (covering referrals) and the directory service are created in the set-up;
everything else goes through the browser. ``time_machine`` patches the clock of the whole process,
so the live server thread sees the same time as the test; the browser keeps its own clock (the
session cookie ends with the browser, so only the server side of the session is affected).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.helpers import (
    DESK_URL,
    MAIN_SUBMIT,
    check_page,
    log_in_with_totp,
    make_manager_with_totp,
    path_of,
)
from tests.factories import KreisFactory, OrganisationFactory, TeamFactory, make_client
from wegweiser.clients.services import consent_record
from wegweiser.directory.models import Service, ServiceKind, ServiceProvider
from wegweiser.plans.models import Goal
from wegweiser.referrals.models import Referral

pytestmark = pytest.mark.e2e

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
GIVEN_NAMES = "Amina"
FAMILY_NAME = "Haddad"
LANGUAGE_GOAL = "Deutsch auf B1-Niveau sprechen"
WORK_GOAL = "Anerkennung des Berufsabschlusses als Pflegefachkraft"
SERVICE_NAME = "Jugendmigrationsdienst Sigmaringen"
PROVIDER_NAME = "Caritas Sigmaringen"
FOLLOW_UP_DAYS = 7
OUTCOME = "Integrationskurs ab März gebucht, Anmeldung bestätigt."


def dmy(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def start() -> dt.datetime:
    """Tomorrow, 10:00 in Berlin: a working hour, and later than the real clock (cookies the
    server sets with an expiry date stay valid in the browser, which keeps the real time)."""
    tomorrow = dt.datetime.now(BERLIN).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(10, 0), tzinfo=BERLIN)


@pytest.fixture
def clock(start):
    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


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
def case(clock, manager):
    """A person with an open case and a consent that covers referrals (created under the clock)."""
    client = make_client(manager, given_names=GIVEN_NAMES, family_name=FAMILY_NAME)
    case = client.cases.get()
    consent_record(
        actor=manager,
        case=case,
        given_on=timezone.localdate(),
        form="signed",
        covers_referral=True,
    )
    return case


@pytest.fixture
def service(kreis):
    provider = ServiceProvider.objects.create(kreis=kreis, land=kreis.land, name=PROVIDER_NAME)
    return Service.objects.create(
        kreis=kreis,
        land=kreis.land,
        provider=provider,
        name=SERVICE_NAME,
        kind=ServiceKind.COUNSELLING,
        description="Beratung junger Zugewanderter bis 27 Jahre.",
        fields_of_action=["language", "education"],
        languages=["de", "ar"],
        street="Fidelis-Graf-Straße 1",
        postal_code="72488",
        city="Sigmaringen",
        phone="07571 12345",
        opening_hours="Mo–Do 9–12 Uhr",
    )


# --- Test -----------------------------------------------------------------------------------------


def test_plan_referral_flow(
    page, manager, case, service, clock, start, assert_accessible, csp_errors
):
    today = timezone.localdate()
    assert today == start.date()
    case_path = f"/faelle/{case.uuid}/"
    plan_path = f"{case_path}plan/"

    log_in_with_totp(page, manager)

    # The directory: the list and the service's page.
    page.locator("header nav a[href='/angebote/']").click()
    page.wait_for_url("**/angebote/")
    assert SERVICE_NAME in page.locator("main").inner_text()
    check_page(page, assert_accessible, "p01-directory")
    page.locator(f"main a[href='/angebote/{service.uuid}/']").first.click()
    page.wait_for_url(f"**/angebote/{service.uuid}/")
    assert page.locator("h1").inner_text().strip() == SERVICE_NAME
    assert PROVIDER_NAME in page.locator("main").inner_text()
    check_page(page, assert_accessible, "p02-service-detail")

    # The case from the caseload on the desk, then its (empty) integration plan.
    page.locator("header a.ww-brand").click()
    page.wait_for_url(DESK_URL)
    page.get_by_test_id("desk-caseload").locator(f"a[href='{case_path}']").click()
    page.wait_for_url(f"**{case_path}")
    page.locator(f"main a[href='{plan_path}']").first.click()
    page.wait_for_url(f"**{plan_path}")
    assert page.get_by_test_id("no-goals").is_visible()

    # Two goals in different fields of action.
    for field, text, name in (
        ("language", LANGUAGE_GOAL, "p03-goal-form"),
        ("work", WORK_GOAL, None),
    ):
        page.locator(f"main a[href='{plan_path}ziele/neu/']").click()
        page.wait_for_url(f"**{plan_path}ziele/neu/")
        if name:
            check_page(page, assert_accessible, name)
        page.select_option("#id_field_of_action", field)
        page.fill("#id_text", text)
        page.fill("#id_target_date", dmy(today + dt.timedelta(days=180)))
        page.check("input[name='priority'][value='high']")
        page.locator(MAIN_SUBMIT).click()
        page.wait_for_url(f"**{plan_path}")
    goals = {g.field_of_action: g for g in Goal.objects.filter(plan__case=case)}
    assert {f: g.text for f, g in goals.items()} == {"language": LANGUAGE_GOAL, "work": WORK_GOAL}
    assert LANGUAGE_GOAL in page.get_by_test_id("field-language").inner_text()
    assert WORK_GOAL in page.get_by_test_id("field-work").inner_text()
    assert page.get_by_test_id("goal").count() == 2
    check_page(page, assert_accessible, "p04-plan")

    # A referral from the language goal to the directory service, with a follow-up date.
    goal = goals["language"]
    goal_referral_path = f"/plan/ziele/{goal.uuid}/verweisung/"
    page.get_by_test_id("field-language").locator(f"a[href='{goal_referral_path}']").click()
    page.wait_for_url(f"**{goal_referral_path}")
    assert page.input_value("#id_reason") == LANGUAGE_GOAL
    assert page.input_value("#id_referred_on") == dmy(today)
    assert not page.is_checked("#id_anonymous")  # the consent covers referrals
    check_page(page, assert_accessible, "p05-referral-form")
    page.select_option("#id_service", str(service.pk))
    follow_up_on = today + dt.timedelta(days=FOLLOW_UP_DAYS)
    page.fill("#id_follow_up_on", dmy(follow_up_on))
    page.locator(MAIN_SUBMIT).click()
    page.wait_for_url(f"**{case_path}verweisungen/")
    referral = Referral.objects.get(case=case)
    assert (referral.goal_id, referral.service_id, referral.anonymous) == (
        goal.pk,
        service.pk,
        False,
    )
    assert (referral.status, referral.referred_on, referral.follow_up_on) == (
        "proposed",
        today,
        follow_up_on,
    )
    referrals = page.get_by_test_id("referrals").inner_text()
    assert SERVICE_NAME in referrals and dmy(follow_up_on) in referrals
    assert not re.search(r"überfällig|overdue", referrals)
    check_page(page, assert_accessible, "p06-referral-list")

    # On the follow-up day it is due, not overdue: the desk does not list it yet.
    clock.move_to(start + dt.timedelta(days=FOLLOW_UP_DAYS))
    page.goto("/")
    if path_of(page) != "/":  # the idle session has ended in the meantime
        log_in_with_totp(page, manager)
    overdue = page.get_by_test_id("desk-referrals-overdue")
    assert SERVICE_NAME not in (overdue.inner_text() if overdue.count() else "")

    # A day later the follow-up is overdue: the manager logs in and finds it on the desk.
    clock.move_to(start + dt.timedelta(days=FOLLOW_UP_DAYS + 1))
    today = timezone.localdate()
    page.goto("/")
    if path_of(page) != "/":
        log_in_with_totp(page, manager)
    overdue = page.get_by_test_id("desk-referrals-overdue")
    overdue_text = overdue.inner_text()
    assert SERVICE_NAME in overdue_text
    assert dmy(follow_up_on) in overdue_text
    assert f"{GIVEN_NAMES} {FAMILY_NAME}" in overdue_text
    check_page(page, assert_accessible, "p07-desk-overdue")

    # From the desk to the referral: the person agreed, then attended the service.
    update_path = f"/verweisungen/{referral.uuid}/"
    overdue.locator(f"a[href='{update_path}']").click()
    page.wait_for_url(f"**{update_path}")
    for status in ("agreed", "attended"):
        page.check(f"input[name='status'][value='{status}']")
        page.fill("#id_follow_up_on", dmy(today + dt.timedelta(days=7)))
        page.locator(MAIN_SUBMIT).click()
        page.wait_for_url(f"**{case_path}verweisungen/")
        referral.refresh_from_db()
        assert referral.status == status
        if status == "agreed":
            page.goto(update_path)

    # Closed as successful, with the outcome.
    close_path = f"/verweisungen/{referral.uuid}/abschliessen/"
    page.locator(f"main a[href='{close_path}']").click()
    page.wait_for_url(f"**{close_path}")
    assert page.input_value("#id_closed_on") == dmy(today)
    page.check("input[name='status'][value='successful']")
    page.fill("#id_outcome", OUTCOME)
    page.locator(MAIN_SUBMIT).click()
    page.wait_for_url(f"**{case_path}verweisungen/")
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on, referral.outcome) == ("successful", today, OUTCOME)
    assert list(referral.events.values_list("status", flat=True)) == [
        "proposed",
        "agreed",
        "attended",
        "successful",
    ]
    referrals = page.get_by_test_id("referrals").inner_text()
    assert OUTCOME in referrals
    assert re.search(r"erfolgreich|successful", referrals)
    assert page.locator(f"main a[href='{close_path}']").count() == 0

    # Closed, it leaves the desk.
    page.locator("header a.ww-brand").click()
    page.wait_for_url(DESK_URL)
    overdue = page.get_by_test_id("desk-referrals-overdue")
    assert SERVICE_NAME not in (overdue.inner_text() if overdue.count() else "")

    # The plan as a PDF, with both goals.
    response = page.request.get(f"{plan_path}druck/")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (LANGUAGE_GOAL, WORK_GOAL, f"{GIVEN_NAMES} {FAMILY_NAME}", case.number):
        assert expected in text, expected

    assert csp_errors == []
