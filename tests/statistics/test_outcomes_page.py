"""The outcomes page: the own county's cohorts as they are, the comparison of counties and the
state suppressed, a chart with its table; rights."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_client
from wegweiser.plans.services import goal_add, goal_update

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cohorts(alice, charlie):
    """Q1/2025: 6 persons in Alice's county (3 in work within 9 months); 2 in Charlie's."""
    people = [
        make_client(alice, given_names=f"P{n}", arrival_date=dt.date(2025, 2, 1)) for n in range(6)
    ]
    for p in people[:3]:
        goal = goal_add(actor=alice, case=p.cases.get(), field_of_action="work", text="Arbeit")
        goal_update(
            actor=alice,
            goal=goal,
            version=goal.version,
            status="reached",
            reached_on=dt.date(2025, 9, 1),
        )
    for n in range(2):
        make_client(charlie, given_names=f"C{n}", arrival_date=dt.date(2025, 2, 1))


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("statistics:outcomes"))
    assert response.status_code == 200
    return response.content.decode()


def test_own_county_as_it_is_others_suppressed(client, coordinator, cohorts, kreis, other_kreis):
    page = _page(client, coordinator)
    own = page.split('data-testid="outcomes-own"')[1].split("</table>")[0]
    assert "Q1/2025" in own
    assert '<td class="kern-table__cell">6</td>' in own
    assert "50,0" in own  # 3 of 6 in work within 9 months
    compare = page.split('data-testid="outcomes-compare"')[1].split("</table>")[0]
    row = compare.split(str(other_kreis))[1].split("</tr>")[0]
    assert "•" in row  # 2 persons: suppressed
    own_row = compare.split(str(kreis))[1].split("</tr>")[0]
    assert "•" in own_row  # 3 of 6 and 3 did not: below 5, suppressed in the comparison
    assert "<svg" in page and 'role="img"' in page


def test_state_officer_sees_suppressed_figures_only(client, state_officer, cohorts):
    page = _page(client, state_officer)
    own = page.split('data-testid="outcomes-own"')[1].split("</table>")[0]
    assert '<td class="kern-table__cell">8</td>' in own  # 6 + 2 persons in the state
    assert "50,0" not in own


def test_roles_without_figures_get_403(client, dpo, volunteer):
    for user in (dpo, volunteer):
        client.force_login(user)
        assert client.get(reverse("statistics:outcomes")).status_code == 403
