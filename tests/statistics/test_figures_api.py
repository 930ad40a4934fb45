"""Key figures through the API: the numbers of the unit and period, split by sub-unit, the
same rights as the dashboards, and suppression for the state."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.api.conftest import api_as  # noqa: F401
from tests.factories import make_client, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.statistics.figures import Period, Unit, compute

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def may_figures(alice, bob, charlie):
    """May 2026: Alice counsels 6 persons, Bob 2; Charlie (other Kreis) 1."""
    for n in range(6):
        case = make_client(
            alice, given_names=f"A{n}", gender="female", opened_on=dt.date(2026, 5, 1)
        ).cases.get()
        make_session(alice, case, held_on=dt.date(2026, 5, 4 + n))
    for n in range(2):
        case = make_client(
            bob, given_names=f"B{n}", gender="male", opened_on=dt.date(2026, 5, 1)
        ).cases.get()
        make_session(bob, case, held_on=dt.date(2026, 5, 10))
    other = make_client(charlie, given_names="C", opened_on=dt.date(2026, 5, 1)).cases.get()
    make_session(charlie, other, held_on=dt.date(2026, 5, 12))


def test_county_split_by_manager(api_as, coordinator, alice, bob, kreis, may_figures):  # noqa: F811
    response = api_as(coordinator).get(
        "/figures", unit="county", id=kreis.ags, period="2026-05", group="manager"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unit"] == {"kind": "county", "id": kreis.ags, "name": str(kreis)}
    assert body["period"]["start"] == "2026-05-01" and body["period"]["end"] == "2026-05-31"
    assert body["figures"]["persons"] == 8
    assert body["suppressed"] == []  # within the county: as they are
    by_name = {g["unit"]["name"]: g["figures"] for g in body["groups"]}
    assert by_name[alice.display_name]["persons"] == 6
    assert by_name[bob.display_name]["persons"] == 2
    expected = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    assert body["figures"]["sessions"] == expected["sessions"]
    assert body["labels"]["persons"] == "Beratene Personen"
    assert AuditEntry.objects.filter(action="statistics.figures.exported").exists()


def test_state_gets_suppressed_counties(api_as, state_officer, kreis, other_kreis, may_figures):  # noqa: F811
    response = api_as(state_officer).get(
        "/figures", unit="state", id="bw", period="2026-Q2", group="county"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    counties = {g["unit"]["id"]: g for g in body["groups"]}
    small = counties[other_kreis.ags]
    assert small["figures"]["persons"] is None
    assert "persons" in small["suppressed"]
    # With the state total of 9 shown, the big county's 8 would give the small one away: with
    # only two counties, both are hidden (secondary suppression).
    assert body["figures"]["persons"] == 9
    assert counties[kreis.ags]["figures"]["persons"] is None
    assert counties[kreis.ags]["figures"]["gender:male"] is None  # 2 men
    assert counties[kreis.ags]["figures"]["sessions"] == 8  # not a count of persons


def test_rights(api_as, alice, bob, dpo, state_officer, charlie, kreis, may_figures):  # noqa: F811
    own = api_as(alice).get("/figures", period="2026")
    assert own.status_code == 200
    assert own.json()["unit"]["kind"] == "manager"
    assert own.json()["figures"]["persons"] == 6
    assert (
        api_as(alice).get("/figures", unit="manager", id=str(bob.uuid), period="2026").status_code
        == 404
    )
    assert (
        api_as(charlie).get("/figures", unit="county", id=kreis.ags, period="2026").status_code
        == 404
    )
    assert api_as(dpo).get("/figures", period="2026").status_code == 403
    assert (
        api_as(state_officer)
        .get("/figures", unit="manager", id=str(alice.uuid), period="2026")
        .status_code
        == 404
    )


def test_bad_periods_are_422_in_german(api_as, coordinator):  # noqa: F811
    api = api_as(coordinator)
    for period in ("26", "2026-13", "1999", "2026-05..2025-01", "2010-01..2026-01"):
        response = api.get("/figures", period=period)
        assert response.status_code == 422, period
        assert response.json()["detail"]
    assert api.get("/figures", period="2026", group="county").status_code == 422


def test_outcomes_for_the_county_and_the_state(api_as, coordinator, state_officer, alice, kreis):  # noqa: F811
    for n in range(6):
        make_client(alice, given_names=f"P{n}", arrival_date=dt.date(2025, 1, 15))
    body = api_as(coordinator).get("/figures/outcomes", from_year=2025).json()
    assert body["unit"]["kind"] == "county"
    assert body["cohorts"][0]["quarter"] == "Q1/2025"
    assert body["cohorts"][0]["persons"] == 6
    state = api_as(state_officer).get("/figures/outcomes", from_year=2025, by_county=True).json()
    assert state["unit"]["kind"] == "state"
    assert state["counties"][0]["unit"]["id"] == kreis.ags
    work6 = next(
        s for s in state["cohorts"][0]["shares"] if s["field"] == "work" and s["months"] == 6
    )
    assert work6["percent"] == 0.0
