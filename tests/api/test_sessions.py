"""Counselling sessions through the API. The confidential note may be written but never comes
out of the API (special-category data)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import german
from tests.factories import make_client, make_session
from wegweiser.api.errors import MSG_INVALID
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import case_close
from wegweiser.counselling.models import CounsellingSession

FIELDS_OF_ACTION = (
    "Unzulässiger Wert. Erlaubt sind: 'language', 'work', 'housing', 'education', 'childcare', "
    "'health', 'residence', 'finance' oder 'participation'."
)
CHANNELS = "'in_person', 'phone', 'email', 'video' oder 'outreach'"
NOTE = "Traumafolgestörung, Therapie bei Refugio seit März"
TODAY = timezone.localdate
SESSION_FIELDS = {
    "uuid",
    "version",
    "case",
    "client",
    "held_on",
    "duration_minutes",
    "channel",
    "interpreter_used",
    "interpreter_language",
    "fields_of_action",
    "summary",
    "counsellor_name",
    "members_present",
}


def new_session(**extra):
    return {
        "held_on": (TODAY() - dt.timedelta(days=2)).isoformat(),
        "duration_minutes": 60,
        "channel": "in_person",
        "fields_of_action": ["work", "language"],
        "summary": "Anerkennung des Abschlusses besprochen",
        **extra,
    }


@pytest.fixture
def secret_session(alice, case):
    return make_session(alice, case, confidential_note=NOTE)


def assert_no_note(response):
    assert NOTE not in response.content.decode()
    assert "confidential_note" not in response.content.decode()


def test_sessions_of_a_person(alice_api, alice, case, secret_session):
    response = alice_api.get(f"/clients/{case.client.uuid}/sessions")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == SESSION_FIELDS
    assert item["uuid"] == str(secret_session.uuid)
    assert item["case"] == {"uuid": str(case.uuid), "number": case.number}
    assert item["client"] == str(case.client.uuid)
    assert item["counsellor_name"] == "Alice Arslan"
    assert item["fields_of_action"] == ["language"]
    assert_no_note(response)
    entry = AuditEntry.objects.get(action="clients.case.viewed")
    assert (entry.actor, entry.case_uuid, entry.data) == (
        alice,
        case.uuid,
        {"part": "api_sessions"},
    )


def test_session_list_filters_by_date(alice_api, alice, case, secret_session):
    make_session(alice, case, held_on=TODAY() - dt.timedelta(days=20), summary="älter")
    response = alice_api.get("/sessions")
    assert [item["summary"] for item in response.json()["items"]] == ["Erstgespräch", "älter"]
    assert_no_note(response)
    since = (TODAY() - dt.timedelta(days=5)).isoformat()
    until = (TODAY() - dt.timedelta(days=10)).isoformat()
    assert [i["summary"] for i in alice_api.get("/sessions", since=since).json()["items"]] == [
        "Erstgespräch"
    ]
    assert [i["summary"] for i in alice_api.get("/sessions", until=until).json()["items"]] == [
        "älter"
    ]
    response = alice_api.get("/sessions", since=since, until=until)
    assert response.status_code == 422
    assert response.json()["errors"] == {"until": ["„until“ darf nicht vor „since“ liegen."]}


def test_record_a_session_with_a_write_only_note(alice_api, alice, case):
    response = alice_api.post(
        f"/clients/{case.client.uuid}/sessions",
        new_session(confidential_note=NOTE, interpreter_used=True, interpreter_language="ar"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == SESSION_FIELDS
    assert body["case"]["uuid"] == str(case.uuid)
    assert body["interpreter_language"] == "ar"
    assert body["fields_of_action"] == ["work", "language"]
    assert_no_note(response)
    session = CounsellingSession.objects.get(uuid=body["uuid"])
    assert session.confidential_note == NOTE
    assert session.counsellor == alice
    case.refresh_from_db()
    assert case.session_count == 1
    assert AuditEntry.objects.filter(
        action="counselling.session.recorded", object_uuid=session.uuid
    ).exists()


def test_record_with_household_members_present(alice_api, alice):
    mother = make_client(alice, new_household_label="Familie Haddad")
    child = make_client(alice, given_names="Lina", household=mother.household, open_case=False)
    stranger = make_client(alice, given_names="Jonas", family_name="Berger")
    url = f"/clients/{mother.uuid}/sessions"
    response = alice_api.post(url, new_session(members_present=[str(child.uuid)]))
    assert response.status_code == 201
    assert response.json()["members_present"] == [str(child.uuid)]
    response = alice_api.post(url, new_session(members_present=[str(stranger.uuid)]))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "members_present": [german("Only members of the person's household can be present.")]
    }
    response = alice_api.post(
        url, new_session(members_present=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.json()["errors"] == {
        "members_present": ["Unbekannte Person unter den Anwesenden."]
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"held_on": (TODAY() + dt.timedelta(days=1)).isoformat()},
            {"held_on": [german("A session cannot lie in the future.")]},
        ),
        ({"duration_minutes": 0}, {"duration_minutes": ["Der Wert muss mindestens 1 sein."]}),
        ({"duration_minutes": 601}, {"duration_minutes": ["Der Wert darf höchstens 600 sein."]}),
        ({"duration_minutes": 45.5}, {"duration_minutes": ["Bitte geben Sie eine ganze Zahl an."]}),
        (
            {"summary": "Termin\x07beim Jobcenter"},
            {"summary": [german("The text contains control characters that are not allowed.")]},
        ),
        (
            {"summary": "Jobcenter\x00"},
            {"summary": [german("The text contains control characters that are not allowed.")]},
        ),
        (
            {"confidential_note": "Notiz\x1b[31m"},
            {
                "confidential_note": [
                    german("The text contains control characters that are not allowed.")
                ]
            },
        ),
        ({"summary": "x" * 2001}, {"summary": ["Höchstens 2000 Zeichen erlaubt."]}),
        (
            {"confidential_note": "x" * 8001},
            {"confidential_note": ["Höchstens 8000 Zeichen erlaubt."]},
        ),
        (
            {"channel": "fax"},
            {"channel": ["Unzulässiger Wert. Erlaubt sind: " + CHANNELS + "."]},
        ),
        ({"fields_of_action": ["work", "cooking"]}, {"fields_of_action.1": [FIELDS_OF_ACTION]}),
        (
            {"interpreter_used": True},
            {"interpreter_language": [german("Please choose the interpreter's language.")]},
        ),
    ],
)
def test_invalid_sessions_are_422_in_german(alice_api, case, changes, errors):
    response = alice_api.post(f"/clients/{case.client.uuid}/sessions", new_session(**changes))
    assert response.status_code == 422
    assert response.json() == {"detail": MSG_INVALID, "errors": errors}
    assert not CounsellingSession.objects.exists()


def test_minimal_session(alice_api, case):
    body = {"held_on": TODAY().isoformat(), "duration_minutes": 1, "channel": "phone"}
    response = alice_api.post(f"/clients/{case.client.uuid}/sessions", body)
    assert response.status_code == 201, response.content
    assert response.json()["fields_of_action"] == []
    assert response.json()["members_present"] == []


def test_session_before_the_case_was_opened(alice_api, case):
    held_on = case.opened_on - dt.timedelta(days=1)
    response = alice_api.post(
        f"/clients/{case.client.uuid}/sessions", new_session(held_on=held_on.isoformat())
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "held_on": [
            german(
                "The session cannot be before the case was opened (%(date)s).",
                date=case.opened_on.strftime("%d.%m.%Y"),
            )
        ]
    }


def test_no_session_without_an_open_case(alice_api, alice, case):
    case_close(
        actor=alice, case=case, version=case.version, closed_on=TODAY(), close_reason="moved_away"
    )
    response = alice_api.post(f"/clients/{case.client.uuid}/sessions", new_session())
    assert response.status_code == 422
    detail = "Für diese Person gibt es keine offene Fallakte, in der Sie Gespräche erfassen können."
    assert response.json() == {"detail": detail, "errors": {"__all__": [detail]}}
    # The closed case's sessions stay readable.
    assert alice_api.get(f"/clients/{case.client.uuid}/sessions").status_code == 200
