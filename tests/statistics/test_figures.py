"""Key figures computed on hand-built data with known answers: persons, households, sessions by
channel, fields of action, cases, referrals, goals, demographics, caseload per post; by manager,
team, county and state; kept current when a session changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.factories import make_client, make_session
from wegweiser.clients.services import case_close
from wegweiser.counselling.services import session_update
from wegweiser.plans.services import goal_add, goal_update, plan_agree, plan_get_or_create
from wegweiser.referrals.services import referral_create
from wegweiser.statistics import rollups
from wegweiser.statistics.figures import KEYS, Period, Unit, compute
from wegweiser.statistics.models import FIELD_BITS, ContactMonth

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
MAY = dt.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def day(d: int, month: int = 5) -> dt.date:
    return dt.date(2026, month, d)


@pytest.fixture
def world(alice, bob, kreis):
    """Alice: Amina (household with her son Karim, present once) with 3 sessions in May; Omar
    with one in April. Bob: Lina with one in May (by phone, with interpreter)."""
    amina = make_client(
        alice,
        new_household_label="Haddad",
        birth_date=dt.date(1990, 5, 17),
        gender="female",
        nationalities=["SY"],
        residence_status="erlaubnis_25",
        opened_on=day(2, 4),
    )
    home = amina.household
    karim = make_client(
        alice,
        given_names="Karim",
        household=home,
        birth_date=dt.date(2012, 1, 3),
        gender="male",
        nationalities=["SY"],
        opened_on=day(2, 4),
    )
    omar = make_client(
        alice,
        given_names="Omar",
        family_name="Nasser",
        birth_date=None,
        birth_date_precision="unknown",
        gender="male",
        nationalities=["AF"],
        opened_on=day(1, 4),
    )
    lina = make_client(
        bob,
        given_names="Lina",
        family_name="Sadi",
        birth_date=dt.date(1960, 2, 1),
        gender="female",
        nationalities=["UA"],
        residence_status="erlaubnis_24",
        opened_on=day(3, 5),
    )
    a_case = amina.cases.get()
    make_session(alice, a_case, held_on=day(5), duration_minutes=60, fields_of_action=["work"])
    make_session(
        alice,
        a_case,
        held_on=day(12),
        duration_minutes=30,
        channel="phone",
        fields_of_action=["language", "housing"],
        members_present=[karim],
    )
    make_session(alice, a_case, held_on=day(20), duration_minutes=90, channel="video")
    make_session(alice, omar.cases.get(), held_on=day(20, 4), duration_minutes=45)
    make_session(
        bob,
        lina.cases.get(),
        held_on=day(7),
        duration_minutes=60,
        channel="phone",
        interpreter_used=True,
        interpreter_language="uk",
        fields_of_action=["health"],
    )
    return {"amina": amina, "karim": karim, "omar": omar, "lina": lina, "household": home}


def test_keys_cover_every_field_of_action():
    from wegweiser.clients.choices import FieldOfAction

    assert set(FIELD_BITS) == set(FieldOfAction.values)
    assert len(set(FIELD_BITS.values())) == len(FIELD_BITS)


def test_county_figures_for_may(world, kreis):
    f = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    assert set(KEYS) <= set(f)
    assert f["persons"] == 3  # Amina, Karim (present), Lina
    assert f["households"] == 2  # the Haddads, Lina
    assert f["sessions"] == 4
    assert f["hours"] == Decimal("4.0")  # 60 + 30 + 90 + 60 minutes
    assert f["sessions:in_person"] == 1
    assert f["sessions:phone"] == 2
    assert f["sessions:video"] == 1
    assert f["interpreter_sessions"] == 1
    assert f["field:work"] == 1
    assert f["field:language"] == 2  # Amina and Karim in the session of 12 May
    assert f["field:health"] == 1
    assert f["cases_opened"] == 1  # Lina (the others in April)
    assert f["open_cases"] == 4  # Karim has a case of his own, without sessions
    assert f["gender:female"] == 2 and f["gender:male"] == 1
    assert f["age:27-44"] == 1  # Amina, born 1990
    assert f["age:0-17"] == 1  # Karim
    assert f["age:65+"] == 1  # Lina, born 1960: 66 at the end of 2026
    assert f["country:SY"] == 2 and f["country:UA"] == 1
    assert f["residence:erlaubnis_24"] == 1


def test_by_manager_and_period(world, kreis, alice, bob):
    by_manager = compute(Unit("county", kreis.pk), Period.quarter(2026, 2), group="manager")
    assert by_manager[alice.pk]["persons"] == 3  # Amina, Karim, Omar (April)
    assert by_manager[alice.pk]["sessions"] == 4
    assert by_manager[bob.pk]["persons"] == 1
    assert by_manager[bob.pk]["fte"] == Decimal("1.00")
    assert by_manager[alice.pk]["open_cases"] == 3
    assert by_manager[alice.pk]["caseload_per_fte"] == Decimal("3.0")
    april = compute(Unit("manager", alice.pk), Period.month(2026, 4))[None]
    assert april["persons"] == 1 and april["sessions"] == 1
    assert april["age:unknown"] == 1


def test_state_is_the_sum_of_its_counties(world, kreis, charlie):
    other = make_client(charlie, given_names="Ali", family_name="Rezai", opened_on=day(2))
    make_session(charlie, other.cases.get(), held_on=day(9))
    may = Period.month(2026, 5)
    state = compute(Unit("state", kreis.land_id), may)[None]
    by_county = compute(Unit("state", kreis.land_id), may, group="county")
    assert state["persons"] == 4
    assert sum(v["persons"] for v in by_county.values()) == 4
    assert by_county[kreis.pk]["persons"] == 3


def test_cases_referrals_and_goals(world, kreis, alice):
    a_case = world["amina"].cases.get()
    goal = goal_add(actor=alice, case=a_case, field_of_action="work", text="Ausbildung finden")
    plan = plan_get_or_create(actor=alice, case=a_case)
    plan_agree(
        actor=alice, plan=plan, version=plan.version, agreed_on=day(10), agreement_form="oral"
    )
    goal.refresh_from_db()
    goal_update(actor=alice, goal=goal, version=goal.version, status="reached", reached_on=day(25))
    referral_create(
        actor=alice,
        case=a_case,
        service_name="Jobcenter",
        reason="Arbeitssuche",
        referred_on=day(11),
        follow_up_on=day(30),
        anonymous=True,
        goal=goal,
    )
    omar_case = world["omar"].cases.get()
    case_close(
        actor=alice,
        case=omar_case,
        version=omar_case.version,
        closed_on=day(28),
        close_reason="moved_away",
    )
    f = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    assert f["goals_agreed"] == 1 and f["goals_reached"] == 1
    assert f["referrals"] == 1
    assert f["referrals:proposed"] == 1
    assert f["referrals_field:work"] == 1
    assert f["cases_closed"] == 1 and f["closed:moved_away"] == 1
    assert f["open_cases"] == 3
    june = compute(Unit("county", kreis.pk), Period.month(2026, 6))[None]
    assert june["goals_reached"] == 0 and june["referrals"] == 0


def test_rollup_follows_a_moved_session_and_a_rebuild_changes_nothing(world, kreis, alice):
    session = make_session(alice, world["omar"].cases.get(), held_on=day(21, 4))
    session_update(actor=alice, session=session, version=session.version, held_on=day(2))
    may = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    april = compute(Unit("county", kreis.pk), Period.month(2026, 4))[None]
    assert may["persons"] == 4 and may["sessions"] == 5
    assert april["sessions"] == 1
    columns = (
        "month",
        "counsellor_id",
        "case_id",
        "client_id",
        "is_case_client",
        "household_key",
        "sessions",
        "minutes",
        "interpreter_sessions",
        "fields_mask",
        "phone",
        "video",
    )
    before = sorted(ContactMonth.objects.values_list(*columns))
    # The household member present at a session of the world counts in its month, with the
    # session's fields of action, and not as the case's person.
    assert [r for r in before if not r[4] and r[9]], "no row of a member present"
    rollups.rebuild()
    after = sorted(ContactMonth.objects.values_list(*columns))
    assert before == after


def test_periods_over_three_years(alice, kreis, clock):
    old = make_client(alice, opened_on=dt.date(2023, 3, 1))
    make_client(alice, given_names="Neu", opened_on=dt.date(2024, 1, 1))
    f = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    assert f["periods_over_3_years"] == 1
    assert f["open_cases"] == 2
    assert old.cases.get().opened_on < dt.date(2023, 5, 31)


def test_a_period_must_be_whole_months():
    with pytest.raises(ValueError):
        Period(dt.date(2026, 1, 2), dt.date(2026, 1, 31))
    assert Period.quarter(2026, 4).end == dt.date(2026, 12, 31)
    assert Period.months(dt.date(2026, 2, 10), dt.date(2026, 3, 3)).end == dt.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
