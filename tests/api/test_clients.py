"""Persons through the API: list, search, create, read (logged), update with optimistic locking,
German validation messages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import german
from tests.factories import KreisFactory, MunicipalityFactory, make_client, make_session
from wegweiser.api.errors import MSG_FORBIDDEN, MSG_INVALID, MSG_NOT_FOUND
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Client
from wegweiser.core.errors import ConflictError

CLIENT_FIELDS = {
    "uuid",
    "version",
    "given_names",
    "family_name",
    "given_names_latin",
    "family_name_latin",
    "birth_date",
    "birth_year",
    "birth_date_precision",
    "gender",
    "nationalities",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "phone",
    "email",
    "municipality",
    "arrival_date",
    "residence_status",
    "residence_valid_until",
    "accommodation_phase",
    "accommodation_since",
    "household",
    "case",
}


@pytest.fixture
def municipality(kreis):
    return MunicipalityFactory(kreis=kreis, name="Bad Saulgau")


def new_person(**extra):
    return {"given_names": "Omar", "family_name": "Haddad", "birth_date": "2010-02-03", **extra}


# --- list --------------------------------------------------------------------------------------


def test_list_shows_own_clients_with_their_case(alice_api, alice, case):
    response = alice_api.get("/clients")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == CLIENT_FIELDS
    assert item["uuid"] == str(case.client.uuid)
    assert "id" not in item and "pk" not in item
    assert item["case"] == {
        "uuid": str(case.uuid),
        "number": case.number,
        "opened_on": case.opened_on.isoformat(),
        "period_ends_on": case.period_ends_on.isoformat(),
        "closed_on": None,
        "responsible_name": "Alice Arslan",
    }


def test_list_is_paginated_by_50(alice_api, alice):
    for i in range(51):
        make_client(alice, given_names=f"Person{i:02d}", family_name="Muster")
    first = alice_api.get("/clients").json()
    second = alice_api.get("/clients", page=2).json()
    assert first["count"] == second["count"] == 51
    assert len(first["items"]) == 50
    assert len(second["items"]) == 1
    assert second["items"][0]["uuid"] not in {item["uuid"] for item in first["items"]}
    assert alice_api.get("/clients", page=3).json()["items"] == []


def test_search_uses_the_name_search(alice_api, alice):
    make_client(alice, given_names="Jürgen", family_name="Müller")
    make_client(alice, given_names="Maria", family_name="Schmidt", birth_date=dt.date(1985, 1, 1))
    body = alice_api.get("/clients", q="Mueller").json()
    assert [item["family_name"] for item in body["items"]] == ["Müller"]
    assert alice_api.get("/clients", q="01.01.1985").json()["items"][0]["family_name"] == "Schmidt"


def test_search_with_control_characters_is_422(alice_api):
    response = alice_api.get("/clients", q="Müller\x00")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "q": ["Der Suchbegriff enthält unzulässige Steuerzeichen."]
    }


@pytest.mark.parametrize("page", ["0", "-1", "abc", "100001", "99999999999999999999999"])
def test_bad_page_numbers_are_422(alice_api, page):
    response = alice_api.get("/clients", page=page)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["page"]


@pytest.mark.parametrize("path", ["/clients", "/sessions"])
def test_list_query_count_does_not_grow_with_rows(alice_api, alice, path):
    def add_people(n):
        for i in range(n):
            person = make_client(alice, given_names=f"P{i}", family_name="Muster")
            make_session(alice, person.cases.get(), summary="kurz")

    def queries_for_page():
        alice_api.get(path)  # the first request of a token records its use; not counted
        with CaptureQueriesContext(connection) as captured:
            response = alice_api.get(path)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    add_people(3)
    few, count_few = queries_for_page()
    add_people(27)
    many, count_many = queries_for_page()
    assert (count_few, count_many) == (3, 30)
    assert many == few
    assert few <= 6


# --- create ------------------------------------------------------------------------------------


def test_create_person_opens_a_case(alice_api, alice, municipality):
    response = alice_api.post(
        "/clients",
        new_person(
            nationalities=["SY", "LB"],
            languages=["ar", "de"],
            interpreter_needed=True,
            interpreter_language="ar",
            municipality=str(municipality.uuid),
            gender="male",
            residence_status="erlaubnis_25",
            accommodation_phase="follow_up",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CLIENT_FIELDS
    assert body["nationalities"] == ["LB", "SY"] or body["nationalities"] == ["SY", "LB"]
    assert body["languages"] == ["ar", "de"]
    assert body["municipality"] == str(municipality.uuid)
    assert body["birth_year"] == 2010
    assert body["version"] == 1
    assert body["case"]["responsible_name"] == "Alice Arslan"
    assert body["case"]["opened_on"] == timezone.localdate().isoformat()
    person = Client.objects.get(uuid=body["uuid"])
    assert person.cases.get().responsible == alice
    assert AuditEntry.objects.filter(
        action="clients.client.created", object_uuid=person.uuid
    ).exists()


def test_create_without_case(alice_api):
    response = alice_api.post("/clients", new_person(open_case=False))
    assert response.status_code == 201
    assert response.json()["case"] is None


def test_create_in_a_household_the_user_sees(alice_api, alice):
    mother = make_client(alice, new_household_label="Familie Haddad")
    response = alice_api.post("/clients", new_person(household=str(mother.household.uuid)))
    assert response.status_code == 201
    assert response.json()["household"] == str(mother.household.uuid)


def test_create_in_a_new_household(alice_api):
    response = alice_api.post("/clients", new_person(new_household_label="Familie Haddad"))
    assert response.status_code == 201
    person = Client.objects.get(uuid=response.json()["uuid"])
    assert person.household.label == "Familie Haddad"
    assert response.json()["household"] == str(person.household.uuid)


def test_household_and_new_household_exclude_each_other(alice_api, alice):
    mother = make_client(alice, new_household_label="Familie Haddad")
    body = new_person(household=str(mother.household.uuid), new_household_label="Familie Neu")
    response = alice_api.post("/clients", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "new_household_label": [
            "Bitte geben Sie entweder einen Haushalt oder einen neuen Haushalt an."
        ]
    }
    response = alice_api.post("/clients", new_person(new_household_label="Familie\x00Haddad"))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "new_household_label": [
            german("This field must be a single line without control characters.")
        ]
    }


def test_create_with_a_foreign_household_or_municipality_is_422(alice_api, charlie):
    foreign_household = make_client(charlie, new_household_label="Familie Fremd").household
    foreign_municipality = MunicipalityFactory(kreis=KreisFactory(ags="08999"), name="Anderswo")
    response = alice_api.post("/clients", new_person(household=str(foreign_household.uuid)))
    assert response.status_code == 422
    assert response.json()["errors"] == {"household": ["Unbekannter Haushalt."]}
    response = alice_api.post("/clients", new_person(municipality=str(foreign_municipality.uuid)))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["municipality"]
    assert not Client.objects.filter(given_names="Omar").exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"family_name": "Haddad"}, {"given_names": ["Dieses Feld ist erforderlich."]}),
        (new_person(given_names="   "), {"given_names": ["Dieses Feld darf nicht leer sein."]}),
        (new_person(family_name="x" * 151), {"family_name": ["Höchstens 150 Zeichen erlaubt."]}),
        (new_person(phone="1" * 41), {"phone": ["Höchstens 40 Zeichen erlaubt."]}),
        (
            new_person(gender="w"),
            {
                "gender": [
                    "Unzulässiger Wert. Erlaubt sind: 'female', 'male', 'diverse' oder 'unknown'."
                ]
            },
        ),
        (new_person(nationalities=["XX"]), {"nationalities.0": ["Unzulässiger Wert."]}),
        (new_person(nationalities="SY"), {"nationalities": ["Bitte geben Sie eine Liste an."]}),
        (
            new_person(birth_date="17.05.1990"),
            {"birth_date": ["Bitte geben Sie ein gültiges Datum im Format JJJJ-MM-TT an."]},
        ),
        (
            new_person(birth_year=1800, birth_date_precision="year"),
            {"birth_year": ["Der Wert muss mindestens 1900 sein."]},
        ),
        # Django's own German catalogue: proves that service messages are rendered in German.
        (new_person(email="keine-adresse"), {"email": ["Bitte gültige E-Mail-Adresse eingeben."]}),
    ],
)
def test_invalid_input_is_422_in_german(alice_api, body, errors):
    response = alice_api.post("/clients", body)
    assert response.status_code == 422
    assert response.json() == {"detail": MSG_INVALID, "errors": errors}


@pytest.mark.parametrize("name", ["Amina\x00", "Ami\x1bna", "Amina\nHaddad", "\u202eanimA"])
def test_control_characters_in_names_are_422(alice_api, name):
    response = alice_api.post("/clients", new_person(given_names=name))
    assert response.status_code == 422
    # (The Latin form derived from the name carries the character too; see the report.)
    assert response.json()["errors"]["given_names"] == [
        german("This field must be a single line without control characters.")
    ]


def test_service_rules_answer_422(alice_api):
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = alice_api.post("/clients", new_person(birth_date=future))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "birth_date": [german("The date of birth cannot be in the future.")]
    }
    response = alice_api.post("/clients", new_person(interpreter_needed=True))
    assert response.json()["errors"] == {
        "interpreter_language": [german("Please choose the language for the interpreter.")]
    }


def test_malformed_json_is_400(alice_api):
    response = alice_api.post("/clients", '{"given_names": ')
    assert response.status_code == 400
    assert response.json() == {"detail": "Der Inhalt der Anfrage ist kein gültiges JSON."}
    response = alice_api.post("/clients", "[1, 2]")
    assert response.status_code == 422


def test_accept_language_does_not_change_the_api_language(alice_api):
    response = alice_api.http.post(
        "/api/v1/clients",
        new_person(email="x"),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert response["Content-Language"] == "de"
    assert response.json()["errors"]["email"] == ["Bitte gültige E-Mail-Adresse eingeben."]


def test_roles_without_case_work_may_not_create(api_as, coordinator):
    response = api_as(coordinator).post("/clients", new_person())
    assert response.status_code == 403
    assert response.json() == {"detail": MSG_FORBIDDEN}


# --- read --------------------------------------------------------------------------------------


def test_read_returns_the_person_and_logs_the_case_view(alice_api, alice, case):
    response = alice_api.get(f"/clients/{case.client.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["given_names"] == "Amina"
    assert body["birth_date"] == "1990-05-17"
    assert body["case"]["uuid"] == str(case.uuid)
    entry = AuditEntry.objects.get(action="clients.case.viewed")
    assert entry.actor == alice
    assert entry.case_uuid == case.uuid
    assert entry.client_uuid == case.client.uuid
    assert entry.data == {"part": "api"}


def test_read_shows_the_open_case_before_older_ones(alice_api, alice, case):
    from wegweiser.clients.services import case_close, case_open

    today = timezone.localdate()
    closed = case_close(
        actor=alice, case=case, version=case.version, closed_on=today, close_reason="moved_away"
    )
    reopened = case_open(actor=alice, client=case.client, opened_on=today)
    body = alice_api.get(f"/clients/{case.client.uuid}").json()
    assert body["case"]["uuid"] == str(reopened.uuid)
    assert AuditEntry.objects.get(action="clients.case.viewed").case_uuid == reopened.uuid
    assert closed.uuid != reopened.uuid


def test_read_of_a_person_without_visible_case_is_logged_for_the_person(alice_api, alice):
    mother = make_client(alice, new_household_label="Familie Haddad")
    child = make_client(alice, given_names="Lina", household=mother.household, open_case=False)
    response = alice_api.get(f"/clients/{child.uuid}")
    assert response.status_code == 200
    assert response.json()["case"] is None
    entry = AuditEntry.objects.get(action="clients.client.viewed")
    assert entry.client_uuid == child.uuid
    assert entry.data == {"part": "api"}


def test_unknown_and_malformed_ids(alice_api, case):
    response = alice_api.get("/clients/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": MSG_NOT_FOUND}
    response = alice_api.get("/clients/12345")
    assert response.status_code == 422
    response = alice_api.get(f"/clients/{case.pk}")  # primary keys are never identifiers
    assert response.status_code == 422


# --- update ------------------------------------------------------------------------------------


def test_update_changes_the_given_fields_only(alice_api, client_amina, municipality):
    response = alice_api.put(
        f"/clients/{client_amina.uuid}",
        {
            "version": 1,
            "phone": "+49 7571 123",
            "nationalities": ["AF"],
            "municipality": str(municipality.uuid),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["phone"] == "+49 7571 123"
    assert body["nationalities"] == ["AF"]
    assert body["municipality"] == str(municipality.uuid)
    assert body["given_names"] == "Amina"
    assert body["birth_date"] == "1990-05-17"
    entry = AuditEntry.objects.get(action="clients.client.updated")
    assert entry.data == {"fields": ["municipality", "nationalities", "phone"]}


def test_update_can_clear_nullable_fields_but_not_required_ones(alice_api, client_amina):
    url = f"/clients/{client_amina.uuid}"
    response = alice_api.put(
        url, {"version": 1, "birth_date_precision": "unknown", "birth_date": None}
    )
    assert response.status_code == 200
    assert response.json()["birth_date"] is None
    response = alice_api.put(url, {"version": 2, "given_names": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"given_names": ["Bitte geben Sie einen Text an."]}


def test_update_requires_a_version(alice_api, client_amina):
    response = alice_api.put(f"/clients/{client_amina.uuid}", {"phone": "1"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"version": ["Dieses Feld ist erforderlich."]}


def test_concurrent_update_is_409(api_as, alice, bob, client_amina):
    alice_api, bob_api = api_as(alice), api_as(bob)
    version = alice_api.get(f"/clients/{client_amina.uuid}").json()["version"]
    assert (
        bob_api.put(
            f"/clients/{client_amina.uuid}", {"version": version, "phone": "111"}
        ).status_code
        == 200
    )
    response = alice_api.put(f"/clients/{client_amina.uuid}", {"version": version, "phone": "222"})
    assert response.status_code == 409
    assert response.json() == {"detail": german(ConflictError.message)}
    client_amina.refresh_from_db()
    assert client_amina.phone == "111"
    assert client_amina.version == version + 1


def test_update_validation_is_422(alice_api, client_amina):
    url = f"/clients/{client_amina.uuid}"
    response = alice_api.put(url, {"version": 1, "family_name": "y" * 151})
    assert response.json()["errors"] == {"family_name": ["Höchstens 150 Zeichen erlaubt."]}
    response = alice_api.put(
        url, {"version": 1, "municipality": "00000000-0000-4000-8000-000000000000"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["municipality"]
    client_amina.refresh_from_db()
    assert client_amina.version == 1


def test_every_person_of_a_list_page_is_logged(alice_api, alice, case):
    from wegweiser.audit.models import AuditEntry

    other = make_client(alice, given_names="Karim", family_name="Muster")
    response = alice_api.get("/clients")
    assert response.status_code == 200
    logged = set(
        AuditEntry.objects.filter(action="clients.case.viewed", data__part="api_list").values_list(
            "client_uuid", flat=True
        )
    )
    assert logged == {case.client.uuid, other.uuid}
