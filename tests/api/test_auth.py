"""Personal API tokens: only a valid, unrevoked token of an active user gets in; everything
else is a 401 with a German message. The schema and the documentation are public but hold no
data."""

import pytest
from django.test import Client as DjangoClient

from tests.api.conftest import BASE, ApiClient, token_for
from wegweiser.accounts.models import ApiToken
from wegweiser.accounts.services import api_token_create, api_token_revoke, user_deactivate
from wegweiser.api.errors import MSG_UNAUTHENTICATED


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": MSG_UNAUTHENTICATED}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_valid_token_gets_in_and_is_marked_used(alice, client_amina):
    token, raw = api_token_create(actor=alice, name="Fachverfahren")
    response = ApiClient(raw).get("/clients")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_missing_token(anonymous_api, client_amina):
    assert_401(anonymous_api.get("/clients"))
    assert_401(anonymous_api.get(f"/clients/{client_amina.uuid}"))
    assert_401(anonymous_api.post("/clients", {"given_names": "A", "family_name": "B"}))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer garbage",
        "Bearer ww_not-a-real-token",
        "Bearer ww_" + "x" * 5000,
        "Token ww_abc",
        "Basic YWxpY2U6c2VjcmV0",
        "ww_abc",
    ],
)
def test_garbage_tokens(db, header):
    http = DjangoClient(headers={"authorization": header})
    assert_401(http.get(f"{BASE}/clients"))


def test_revoked_token(alice, client_amina):
    token, raw = api_token_create(actor=alice, name="Fachverfahren")
    api = ApiClient(raw)
    assert api.get("/clients").status_code == 200
    api_token_revoke(actor=alice, token=token)
    assert_401(api.get("/clients"))


def test_inactive_user(alice, client_amina):
    api = ApiClient(token_for(alice))
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert_401(api.get("/clients"))


def test_deactivated_user_loses_api_access(alice, county_admin, client_amina):
    api = ApiClient(token_for(alice))
    user_deactivate(actor=county_admin, user=alice)
    assert_401(api.get(f"/clients/{client_amina.uuid}"))


def test_a_login_session_is_not_enough(client, alice, client_amina):
    """The API takes tokens only (so it needs no CSRF protection)."""
    client.force_login(alice)
    assert_401(client.get(f"{BASE}/clients"))
    response = client.post(
        f"{BASE}/clients", {"given_names": "A", "family_name": "B"}, content_type="application/json"
    )
    assert_401(response)


def test_openapi_schema_is_public_and_documents_the_api(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Wegweiser API"
    assert set(schema["paths"]) == {
        "/api/v1/cases/{uuid}/plan",
        "/api/v1/bookings/{uuid}/cancel",
        "/api/v1/bookings/{uuid}/outcome",
        "/api/v1/cases/{uuid}/plan/goals",
        "/api/v1/clients",
        "/api/v1/clients/{uuid}",
        "/api/v1/clients/{uuid}/bookings",
        "/api/v1/clients/{uuid}/enrolments",
        "/api/v1/clients/{uuid}/referrals",
        "/api/v1/clients/{uuid}/sessions",
        "/api/v1/directory/courses",
        "/api/v1/directory/services",
        "/api/v1/directory/slots",
        "/api/v1/directory/services/{uuid}",
        "/api/v1/directory/{ags}/hsds",
        "/api/v1/enrolments/{uuid}/answer",
        "/api/v1/enrolments/{uuid}/end",
        "/api/v1/figures",
        "/api/v1/figures/outcomes",
        "/api/v1/figures/volunteers",
        "/api/v1/funding/applications",
        "/api/v1/funding/applications/{uuid}",
        "/api/v1/funding/applications/{uuid}/submit",
        "/api/v1/funding/programmes",
        "/api/v1/funding/programmes/{uuid}",
        "/api/v1/funding/programmes/{uuid}/application",
        "/api/v1/plan-goals/{uuid}",
        "/api/v1/plan-goals/{uuid}/steps",
        "/api/v1/plan-steps/{uuid}",
        "/api/v1/referrals/{uuid}",
        "/api/v1/sessions",
    }
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    components = schema["components"]["schemas"]
    # Choice fields list their allowed values.
    assert components["ClientOut"]["properties"]["gender"]["enum"] == [
        "female",
        "male",
        "diverse",
        "unknown",
    ]
    assert "SY" in components["ClientCreate"]["properties"]["nationalities"]["items"]["enum"]
    assert components["ClientCreate"]["properties"]["family_name"]["maxLength"] == 150
    # The confidential note can be written, never read.
    assert components["SessionCreate"]["properties"]["confidential_note"]["writeOnly"] is True
    assert "confidential_note" not in components["SessionOut"]["properties"]


def test_docs_are_public_and_hold_no_data(client, client_amina):
    response = client.get(f"{BASE}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wegweiser API" in html
    assert "swagger-ui" in html
    assert "cdn." not in html  # assets are served from our own static files (CSP: 'self')
    assert client_amina.family_name not in html
    assert str(client_amina.uuid) not in html


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        ("delete", "/clients", 405, "Diese Methode ist hier nicht erlaubt."),
        ("patch", "/sessions", 405, "Diese Methode ist hier nicht erlaubt."),
        ("get", "/", 404, "Nicht gefunden."),
    ],
)
def test_routing_errors_are_json_too(client, method, path, status, detail):
    response = getattr(client, method)(BASE + path)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_missing_body_is_422(alice):
    response = ApiClient(token_for(alice)).post("/clients", "")
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Bitte senden Sie ein JSON-Objekt."]}
