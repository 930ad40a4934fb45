"""The directory through the API: the same rules as the UI, and the HSDS endpoint per county."""

from __future__ import annotations

from tests.api.conftest import ApiClient, token_for


def _api(user) -> ApiClient:
    return ApiClient(token_for(user))


def test_list_shows_own_kreis_and_state_wide(alice, service, state_service, foreign_service):
    response = _api(alice).get("/directory/services")
    assert response.status_code == 200
    names = {item["name"] for item in response.json()["items"]}
    assert names == {service.name, state_service.name}


def test_list_filters(alice, service, state_service):
    api = _api(alice)
    names = {i["name"] for i in api.get("/directory/services", language="ar").json()["items"]}
    assert names == {service.name}
    items = api.get("/directory/services", field_of_action="language").json()["items"]
    assert {i["name"] for i in items} == {state_service.name}
    response = api.get("/directory/services", language="klingonisch")
    assert response.status_code == 422


def test_read_one(alice, service):
    data = _api(alice).get(f"/directory/services/{service.uuid}").json()
    assert data["name"] == "Trauma-Sprechstunde"
    assert data["municipality"] == "Bad Saulgau"
    assert data["counties_served"] == ["08417", "08437"]
    assert data["by_appointment_only"] is True
    assert data["state_wide"] is False


def test_charlie_gets_404(charlie, service):
    api = _api(charlie)
    response = api.get(f"/directory/services/{service.uuid}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}
    assert api.get("/directory/08437/hsds").status_code == 404


def test_roles_without_access_get_403(dpo, service):
    response = _api(dpo).get("/directory/services")
    assert response.status_code == 403


def test_hsds_of_the_own_county(alice, service, state_service, foreign_service):
    response = _api(alice).get("/directory/08437/hsds")
    assert response.status_code == 200
    package = response.json()
    assert package["hsds_version"] == "3.0"
    services = next(r for r in package["resources"] if r["name"] == "service")["data"]
    assert {s["name"] for s in services} == {service.name, state_service.name}


def test_hsds_leaves_out_deactivated_entries(alice, coordinator, service):
    from wegweiser.directory.services import service_set_active

    service_set_active(actor=coordinator, service=service, version=None, active=False)
    package = _api(alice).get("/directory/08437/hsds").json()
    services = next(r for r in package["resources"] if r["name"] == "service")["data"]
    assert services == []


def test_hsds_needs_a_token(db, service):
    anonymous_api = ApiClient(None)
    assert anonymous_api.get("/directory/08437/hsds").status_code == 401


def test_hsds_unknown_county_and_bad_key(alice):
    api = _api(alice)
    assert api.get("/directory/09999/hsds").status_code == 404
    assert api.get("/directory/abc/hsds").status_code == 422


def test_state_officer_reads_counties_of_his_land(state_officer, service, state_service):
    response = _api(state_officer).get("/directory/08437/hsds")
    assert response.status_code == 200


def test_odd_input_is_422_not_500(alice, service):
    api = _api(alice)
    assert api.get("/directory/services", q="a\x00b").status_code == 422
    assert api.get("/directory/services", page="0").status_code == 422
    assert api.get("/directory/services", q="x" * 201).status_code == 422
    assert api.get("/directory/services/kein-uuid").status_code == 422
