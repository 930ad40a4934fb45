"""Referrals through the API: the same rights, consent rule and status flow as in the UI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import api_as, fast_password_hashing, german  # noqa: F401
from tests.referrals.helpers import make_goal, make_referral
from wegweiser.api.errors import MSG_NOT_FOUND
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import consent_record
from wegweiser.referrals import services
from wegweiser.referrals.models import Referral

TODAY = timezone.localdate


def new_referral(**extra):
    return {
        "service_name": "Jugendmigrationsdienst",
        "reason": "Ausbildungsplatz gesucht",
        "referred_on": TODAY().isoformat(),
        "follow_up_on": (TODAY() + dt.timedelta(days=10)).isoformat(),
        **extra,
    }


def test_list_and_create(api_as, alice, case, session):  # noqa: F811
    api = api_as(alice)
    goal = make_goal(case)
    response = api.post(
        f"/clients/{case.client.uuid}/referrals",
        new_referral(anonymous=True, session=str(session.uuid), goal=str(goal.uuid)),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["anonymous"] is True
    assert body["session"] == str(session.uuid)
    assert body["goal"] == str(goal.uuid)
    listed = api.get(f"/clients/{case.client.uuid}/referrals").json()
    assert listed["count"] == 1
    assert listed["items"][0]["uuid"] == body["uuid"]
    assert AuditEntry.objects.filter(
        action="clients.case.viewed", case_uuid=case.uuid, data__part="api_referrals"
    ).exists()


def test_named_referral_without_consent_is_422_in_german(api_as, alice, case):  # noqa: F811
    response = api_as(alice).post(f"/clients/{case.client.uuid}/referrals", new_referral())
    assert response.status_code == 422
    assert response.json()["errors"]["anonymous"] == [german(services.no_consent_message())]
    consent_record(actor=alice, case=case, given_on=TODAY(), form="signed", covers_referral=True)
    response = api_as(alice).post(f"/clients/{case.client.uuid}/referrals", new_referral())
    assert response.status_code == 201


def test_update_and_close_with_locking(api_as, alice, case):  # noqa: F811
    api = api_as(alice)
    referral = make_referral(alice, case)
    response = api.put(f"/referrals/{referral.uuid}", {"version": 1, "status": "agreed"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "agreed"
    stale = api.put(f"/referrals/{referral.uuid}", {"version": 1, "outcome": "x"})
    assert stale.status_code == 409
    response = api.put(
        f"/referrals/{referral.uuid}",
        {"version": 2, "status": "cancelled", "outcome": "Kein Bedarf mehr"},
    )
    assert response.status_code == 200
    assert response.json()["closed_on"] == TODAY().isoformat()
    assert Referral.objects.get().closed_on == TODAY()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "successful"}, "status"),
        ({"referred_on": "2026-02-31"}, "referred_on"),
        ({"reason": ""}, "reason"),
        ({"service_name": "a\nb"}, "service_name"),
        ({"service": "00000000-0000-0000-0000-000000000000"}, "service"),
    ],
)
def test_bad_input_is_422(api_as, alice, case, changes, field):  # noqa: F811
    response = api_as(alice).post(
        f"/clients/{case.client.uuid}/referrals", new_referral(anonymous=True, **changes)
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("who", ["charlie", "dora"])
def test_foreign_users_get_404(api_as, request, alice, case, who):  # noqa: F811
    user = request.getfixturevalue(who)
    referral = make_referral(alice, case)
    api = api_as(user)
    for response in (
        api.get(f"/clients/{case.client.uuid}/referrals"),
        api.post(f"/clients/{case.client.uuid}/referrals", new_referral(anonymous=True)),
        api.put(f"/referrals/{referral.uuid}", {"version": 1, "outcome": "fremd"}),
        api.get(f"/referrals/{referral.uuid}"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == MSG_NOT_FOUND
    assert Referral.objects.get().outcome == ""


def test_read_one_referral_is_logged(api_as, alice, coordinator, case):  # noqa: F811
    referral = make_referral(alice, case)
    response = api_as(alice).get(f"/referrals/{referral.uuid}")
    assert response.status_code == 200
    assert response.json()["service_name"] == referral.service_name
    assert AuditEntry.objects.filter(
        action="clients.case.viewed", case_uuid=case.uuid, data__part="api_referral"
    ).exists()
    # county coordination reads no case content through the API
    assert api_as(coordinator).get(f"/referrals/{referral.uuid}").status_code == 404
    assert api_as(coordinator).get(f"/clients/{case.client.uuid}/referrals").status_code == 404
