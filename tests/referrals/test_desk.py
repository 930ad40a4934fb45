"""Overdue follow-ups of referrals on the desk: the manager's own, the team lead's team, with a
controlled clock and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_client
from tests.referrals.helpers import make_referral
from wegweiser.referrals import services
from wegweiser.referrals.selectors import overdue_follow_ups

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _desk(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:desk"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_follow_up_becomes_overdue_on_the_desk_and_leaves_when_closed(client, alice, clock):
    case = make_client(alice).cases.get()
    today = timezone.localdate()
    referral = make_referral(
        alice,
        case,
        service_name="Schuldnerberatung Diakonie",
        follow_up_on=today + dt.timedelta(days=7),
    )
    assert "Schuldnerberatung Diakonie" not in _desk(client, alice)
    clock.move_to(START + dt.timedelta(days=7))
    assert "Schuldnerberatung Diakonie" not in _desk(client, alice)  # due today: not overdue
    clock.move_to(START + dt.timedelta(days=8))
    page = _desk(client, alice)
    assert "Schuldnerberatung Diakonie" in page
    assert reverse("referrals:referral_update", kwargs={"uuid": referral.uuid}) in page
    services.referral_close(
        actor=alice,
        referral=referral,
        version=referral.version,
        status="cancelled",
        closed_on=timezone.localdate(),
        outcome="Termin nicht nötig",
    )
    assert "Schuldnerberatung Diakonie" not in _desk(client, alice)


def test_team_lead_sees_the_team_manager_only_own(client, alice, bob, lead, dora, clock):
    alices = make_client(alice).cases.get()
    bobs = make_client(bob, given_names="Omar", family_name="Nasser").cases.get()
    doras = make_client(dora, given_names="Lina", family_name="Sadi").cases.get()
    due = timezone.localdate() + dt.timedelta(days=1)
    make_referral(alice, alices, service_name="Dienst von Alice", follow_up_on=due)
    make_referral(bob, bobs, service_name="Dienst von Bob", follow_up_on=due)
    make_referral(dora, doras, service_name="Dienst von Dora", follow_up_on=due)
    clock.move_to(START + dt.timedelta(days=3))

    page = _desk(client, lead)
    assert "Dienst von Alice" in page and "Dienst von Bob" in page
    assert "Dienst von Dora" not in page
    page = _desk(client, alice)
    assert "Dienst von Alice" in page
    assert "Dienst von Bob" not in page  # shared with the team, but not her caseload
    page = _desk(client, dora)
    assert "Dienst von Dora" in page and "Dienst von Alice" not in page


def test_charlie_of_another_kreis_sees_nothing(client, alice, charlie, clock):
    case = make_client(alice).cases.get()
    make_referral(alice, case, service_name="Dienst von Alice", follow_up_on=timezone.localdate())
    clock.move_to(START + dt.timedelta(days=3))
    assert "Dienst von Alice" not in _desk(client, charlie)
    assert overdue_follow_ups(user=charlie).count == 0


def test_roles_without_case_work_get_no_section(coordinator):
    assert overdue_follow_ups(user=coordinator) is None


def test_desk_costs_the_same_for_one_or_many_overdue(client, lead, alice, bob, clock):
    case = make_client(alice).cases.get()
    due = timezone.localdate()
    make_referral(alice, case, follow_up_on=due)
    clock.move_to(START + dt.timedelta(days=2))
    client.force_login(lead)
    url = reverse("core:desk")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    clock.move_to(START)
    other = make_client(bob, given_names="Omar", family_name="Nasser").cases.get()
    for n in range(25):  # more than the desk shows
        make_referral(alice if n % 2 else bob, case if n % 2 else other, follow_up_on=due)
    clock.move_to(START + dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert "(26)" in page
