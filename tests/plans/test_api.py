"""The plans API: same rules as the pages (token auth, German errors, 404 for foreign cases)."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, token_for
from wegweiser.clients.services import case_access_reason_record
from wegweiser.plans.models import Goal, Step


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user) -> ApiClient:
    return ApiClient(token_for(user))


def test_read_create_and_update_a_plan(alice, case):
    client = api(alice)
    response = client.get(f"/cases/{case.uuid}/plan")
    assert response.status_code == 200
    assert response.json()["goals"] == []

    response = client.post(
        f"/cases/{case.uuid}/plan/goals",
        {"field_of_action": "work", "text": "Ausbildung beginnen", "priority": "high"},
    )
    assert response.status_code == 201, response.json()
    goal = response.json()
    assert goal["status"] == "open" and goal["steps"] == []

    response = client.post(
        f"/plan-goals/{goal['uuid']}/steps", {"text": "Bewerbung schreiben", "owner": "client"}
    )
    assert response.status_code == 201, response.json()
    step = response.json()

    response = client.put(
        f"/plan-steps/{step['uuid']}", {"version": step["version"], "status": "done"}
    )
    assert response.status_code == 200 and response.json()["status"] == "done"

    response = client.put(
        f"/plan-goals/{goal['uuid']}", {"version": goal["version"], "status": "reached"}
    )
    assert response.status_code == 200
    assert response.json()["reached_on"] is not None

    plan = client.get(f"/cases/{case.uuid}/plan").json()
    assert [g["text"] for g in plan["goals"]] == ["Ausbildung beginnen"]
    assert plan["goals"][0]["steps"][0]["status"] == "done"


def test_stale_version_is_409_and_bad_input_422_in_german(alice, goal):
    client = api(alice)
    response = client.put(f"/plan-goals/{goal.uuid}", {"version": goal.version + 5, "text": "x"})
    assert response.status_code == 409
    assert "zwischenzeitlich" in response.json()["detail"]
    response = client.put(f"/plan-goals/{goal.uuid}", {"version": goal.version, "text": "a\x07b"})
    assert response.status_code == 422
    assert "Steuerzeichen" in " ".join(response.json()["errors"]["text"])
    response = client.post(f"/plan-goals/{goal.uuid}/steps", {"text": "", "owner": "nobody"})
    assert response.status_code == 422
    goal.refresh_from_db()
    assert goal.text == "Deutsch auf B1-Niveau"
    assert not Step.objects.exists()


def test_foreign_and_read_only_users(charlie, dora, coordinator, case, goal, step):
    for user in (charlie, dora):
        client = api(user)
        assert client.get(f"/cases/{case.uuid}/plan").status_code == 404
        assert (
            client.post(
                f"/cases/{case.uuid}/plan/goals", {"field_of_action": "work", "text": "x"}
            ).status_code
            == 404
        )
        assert (
            client.put(f"/plan-goals/{goal.uuid}", {"version": 1, "text": "x"}).status_code == 404
        )
        assert (
            client.put(f"/plan-steps/{step.uuid}", {"version": 1, "status": "done"}).status_code
            == 404
        )
    client = api(coordinator)
    assert client.get(f"/cases/{case.uuid}/plan").status_code == 404
    case_access_reason_record(actor=coordinator, case=case, reason="Vertretung wegen Urlaub")
    assert client.get(f"/cases/{case.uuid}/plan").status_code == 200
    response = client.put(f"/plan-goals/{goal.uuid}", {"version": goal.version, "text": "x"})
    assert response.status_code == 403
    assert Goal.objects.get().text == "Deutsch auf B1-Niveau"


def test_single_goal_and_step_reads(alice, coordinator, goal, step):
    client = api(alice)
    assert client.get(f"/plan-goals/{goal.uuid}").json()["text"] == "Deutsch auf B1-Niveau"
    assert [s["text"] for s in client.get(f"/plan-goals/{goal.uuid}/steps").json()] == [
        "Anmeldung zum Integrationskurs"
    ]
    assert client.get(f"/plan-steps/{step.uuid}").json()["owner"] == "client"
    assert len(client.get(f"/cases/{goal.plan.case.uuid}/plan/goals").json()) == 1
    coordinator_api = api(coordinator)
    assert coordinator_api.get(f"/plan-goals/{goal.uuid}").status_code == 404
    assert coordinator_api.get(f"/plan-steps/{step.uuid}").status_code == 404
