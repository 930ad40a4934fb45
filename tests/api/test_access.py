"""Who sees what through the API: the same rules as the UI. Alice owns, Bob shares her team,
the team lead sees the team; Charlie (other Kreis), Dora (other team) and every role without
case work get empty lists and 404 for Alice's person, exactly as for an id that does not exist."""

import datetime as dt

import pytest
from django.utils import timezone

from wegweiser.api.errors import MSG_FORBIDDEN, MSG_NOT_FOUND
from wegweiser.audit.models import AuditEntry

OUTSIDERS = [
    "charlie",
    "dora",
    "coordinator",
    "county_admin",
    "dpo",
    "volunteer_coordinator",
    "volunteer",
    "state_officer",
]
NO_CASEWORK = [
    "coordinator",
    "county_admin",
    "dpo",
    "volunteer_coordinator",
    "volunteer",
    "state_officer",
]


def session_body():
    held_on = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    return {
        "held_on": held_on,
        "duration_minutes": 30,
        "channel": "phone",
        "fields_of_action": ["work"],
    }


@pytest.mark.parametrize("insider", ["alice", "bob", "lead"])
def test_team_sees_the_person(request, api_as, client_amina, session, insider):
    api = api_as(request.getfixturevalue(insider))
    assert [item["uuid"] for item in api.get("/clients").json()["items"]] == [
        str(client_amina.uuid)
    ]
    assert api.get(f"/clients/{client_amina.uuid}").status_code == 200
    assert api.get(f"/clients/{client_amina.uuid}/sessions").json()["count"] == 1
    assert api.get("/sessions").json()["count"] == 1


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_empty_lists_and_404(request, api_as, client_amina, session, outsider):
    api = api_as(request.getfixturevalue(outsider))
    person = f"/clients/{client_amina.uuid}"

    assert api.get("/clients").json() == {"items": [], "count": 0}
    assert api.get("/clients", q="Haddad").json() == {"items": [], "count": 0}
    assert api.get("/sessions").json() == {"items": [], "count": 0}
    for response in (
        api.get(person),
        api.get(f"{person}/sessions"),
        api.put(person, {"version": 1, "phone": "0"}),
        api.post(f"{person}/sessions", session_body()),
    ):
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": MSG_NOT_FOUND}

    client_amina.refresh_from_db()
    assert (client_amina.version, client_amina.phone) == (1, "")
    assert client_amina.cases.get().sessions.count() == 1
    assert not AuditEntry.objects.filter(
        action__in=["clients.case.viewed", "clients.client.viewed"]
    ).exists()


@pytest.mark.parametrize("role", NO_CASEWORK)
def test_roles_without_case_work_cannot_create(request, api_as, role):
    response = api_as(request.getfixturevalue(role)).post(
        "/clients",
        {"given_names": "Omar", "family_name": "Haddad", "birth_date_precision": "unknown"},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": MSG_FORBIDDEN}


def test_charlie_works_in_his_own_kreis_only(api_as, charlie, client_amina):
    api = api_as(charlie)
    response = api.post(
        "/clients",
        {"given_names": "Amina", "family_name": "Haddad", "birth_date_precision": "unknown"},
    )
    assert response.status_code == 201
    own = response.json()["uuid"]
    assert [item["uuid"] for item in api.get("/clients").json()["items"]] == [own]
    assert [item["uuid"] for item in api.get("/clients", q="Haddad").json()["items"]] == [own]
    assert api.get(f"/clients/{client_amina.uuid}").status_code == 404
