"""Outcome cohorts by quarter of arrival: the share of persons whose goals in work, language and
housing were reached within 6, 9, 12 and 24 months, with known answers; horizons not yet passed
stay open; suppression for figures that leave the county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.factories import make_client
from wegweiser.clients.services import client_update
from wegweiser.plans.services import goal_add, goal_update
from wegweiser.statistics import outcomes
from wegweiser.statistics.figures import Unit
from wegweiser.statistics.models import ArrivalOutcome

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(actor, n: int, arrival: dt.date):
    return make_client(
        actor,
        given_names=f"Person{n}",
        family_name="Test",
        arrival_date=arrival,
        opened_on=dt.date(2025, 6, 1),
    )


def reach(actor, client, field: str, on: dt.date):
    goal = goal_add(actor=actor, case=client.cases.get(), field_of_action=field, text="Ziel")
    goal_update(actor=actor, goal=goal, version=goal.version, status="reached", reached_on=on)


def test_months_until():
    assert outcomes.months_until(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 1
    assert outcomes.months_until(dt.date(2025, 1, 15), dt.date(2025, 7, 15)) == 6
    assert outcomes.months_until(dt.date(2025, 1, 15), dt.date(2025, 7, 16)) == 7
    assert outcomes.months_until(dt.date(2025, 3, 1), dt.date(2025, 2, 1)) == 0


def test_cohort_shares_with_known_answers(alice, kreis):
    arrival = dt.date(2025, 2, 10)  # cohort Q1/2025
    people = [person(alice, n, arrival) for n in range(10)]
    # work: 2 within 6 months, 3 more within 9, 1 more within 24 (not yet due: ends 31.03.2027)
    for p in people[:2]:
        reach(alice, p, "work", dt.date(2025, 7, 1))
    for p in people[2:5]:
        reach(alice, p, "work", dt.date(2025, 11, 1))
    reach(alice, people[5], "work", dt.date(2026, 9, 1))
    reach(alice, people[0], "language", dt.date(2025, 4, 1))
    rows = outcomes.cohorts(Unit("county", kreis.pk), today=TODAY, first=dt.date(2025, 1, 1))
    assert [c.label for c in rows] == ["Q1/2025"]
    cohort = rows[0]
    assert cohort.persons == 10
    assert cohort.shares[("work", 6)].percent == Decimal("20.0")
    assert cohort.shares[("work", 9)].percent == Decimal("50.0")
    assert cohort.shares[("work", 12)].percent == Decimal("50.0")  # the sixth after 19 months
    assert cohort.shares[("work", 24)].due is False
    assert cohort.shares[("work", 24)].percent is None
    assert cohort.shares[("language", 6)].reached == 1


def test_rollup_follows_goal_and_arrival_changes(alice, kreis):
    p = person(alice, 1, dt.date(2025, 2, 10))
    reach(alice, p, "housing", dt.date(2025, 5, 1))
    assert ArrivalOutcome.objects.get(client=p).housing_months == 3
    client_update(actor=alice, client=p, version=p.version, arrival_date=dt.date(2024, 12, 1))
    row = ArrivalOutcome.objects.get(client=p)
    assert row.arrival_quarter == dt.date(2024, 10, 1)
    assert row.housing_months == 5
    before = list(ArrivalOutcome.objects.values_list("client_id", "housing_months"))
    outcomes.rebuild()
    assert list(ArrivalOutcome.objects.values_list("client_id", "housing_months")) == before


def test_suppression_hides_small_cohorts_and_small_counts(alice, kreis):
    small = [person(alice, n, dt.date(2024, 5, 1)) for n in range(3)]
    big = [person(alice, 10 + n, dt.date(2024, 8, 1)) for n in range(8)]
    reach(alice, small[0], "work", dt.date(2024, 9, 1))
    for p in big[:2]:
        reach(alice, p, "work", dt.date(2024, 12, 1))
    unit = Unit("county", kreis.pk)
    open_rows = outcomes.cohorts(unit, today=TODAY, first=dt.date(2024, 1, 1))
    assert [c.persons for c in open_rows] == [3, 8]
    shown = outcomes.cohorts(unit, today=TODAY, first=dt.date(2024, 1, 1), suppress=True)
    assert shown[0].persons is None and shown[0].suppressed
    assert shown[0].shares[("work", 6)].percent is None
    assert shown[1].persons == 8
    assert shown[1].shares[("work", 6)].suppressed  # 2 of 8 reached: below 5
    assert shown[1].shares[("language", 6)].percent == Decimal("0.0")  # 0 of 8: shown


def test_state_by_county(alice, charlie, kreis, other_kreis):
    for n in range(5):
        person(alice, n, dt.date(2025, 1, 20))
    person(charlie, 9, dt.date(2025, 1, 20))
    by_county = outcomes.cohorts(
        Unit("state", kreis.land_id), today=TODAY, first=dt.date(2025, 1, 1), group="county"
    )
    assert by_county[kreis.pk][0].persons == 5
    assert by_county[other_kreis.pk][0].persons == 1
    state = outcomes.cohorts(Unit("state", kreis.land_id), today=TODAY, first=dt.date(2025, 1, 1))
    assert state[0].persons == 6
