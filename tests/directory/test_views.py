"""The pages of the directory: list with filters, detail, create/edit with German messages,
deactivation, and Charlie's 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.directory.conftest import german
from wegweiser.directory.models import Service


def test_charlie_gets_404_for_every_entry_of_alices_kreis(client, charlie, service, provider):
    login(client, charlie)
    for name in ("service_detail", "service_update", "service_deactivate"):
        url = reverse(f"directory:{name}", kwargs={"uuid": service.uuid})
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "version": 1}).status_code == 404, url
    url = reverse("directory:service_reactivate", kwargs={"uuid": service.uuid})
    assert client.post(url).status_code == 404
    url = reverse("directory:provider_update", kwargs={"uuid": provider.uuid})
    assert client.get(url).status_code == 404


def test_list_shows_own_and_state_wide_entries_and_filters_by_get(
    client, alice, service, state_service, foreign_service, municipality
):
    login(client, alice)
    page = client.get(reverse("directory:service_list")).content.decode()
    assert service.name in page and state_service.name in page
    assert foreign_service.name not in page
    page = client.get(reverse("directory:service_list"), {"field_of_action": "health"})
    assert service.name in page.content.decode()
    assert state_service.name not in page.content.decode()
    page = client.get(
        reverse("directory:service_list"), {"municipality": str(municipality.uuid), "q": "Trauma"}
    ).content.decode()
    assert service.name in page and state_service.name not in page


def test_list_partial_for_htmx(client, alice, service):
    login(client, alice)
    response = client.get(
        reverse("directory:service_list"), {"q": "Trauma"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert service.name in response.content.decode()


def test_detail_shows_every_field(client, alice, service):
    login(client, alice)
    page = client.get(reverse("directory:service_detail", kwargs={"uuid": service.uuid}))
    text = page.content.decode()
    for value in ("Trauma-Sprechstunde", "Frau Weber", "07581 200-30", "Rollstuhlgerecht"):
        assert value in text
    # Alice reads only: no edit button
    assert reverse("directory:service_update", kwargs={"uuid": service.uuid}) not in text


def _form_data(provider, **extra):
    data = {
        "provider": provider.pk,
        "name": "Deutsch 4U",
        "kind": "language_course",
        "description": "Niedrigschwelliger Deutschkurs",
        "fields_of_action": ["language"],
        "languages": ["de", "uk"],
        "opening_hours": "Mo 18 Uhr",
        "by_appointment_only": "",
    }
    data.update(extra)
    return data


def test_coordinator_creates_a_service(client, coordinator, provider):
    login(client, coordinator)
    response = client.post(reverse("directory:service_create"), _form_data(provider))
    service = Service.objects.get(name="Deutsch 4U")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "directory:service_detail", kwargs={"uuid": service.uuid}
    )
    assert service.kreis_id == coordinator.kreis_id
    assert service.languages == ["de", "uk"]


def test_create_refuses_a_formula_with_a_german_message(client, coordinator, provider):
    login(client, coordinator)
    response = client.post(
        reverse("directory:service_create"),
        _form_data(provider, name='=HYPERLINK("http://evil.example")'),
    )
    assert response.status_code == 200
    assert german("The text must not start with =, +, -, @ (spreadsheet formula).") in (
        response.content.decode()
    )
    assert not Service.objects.exists()


def test_create_refuses_missing_name_in_german(client, coordinator, provider):
    login(client, coordinator)
    response = client.post(reverse("directory:service_create"), _form_data(provider, name=""))
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


def test_create_refuses_a_municipality_of_another_kreis(client, coordinator, provider):
    from tests.factories import MunicipalityFactory

    foreign = MunicipalityFactory(name="Balingen")
    login(client, coordinator)
    response = client.post(
        reverse("directory:service_create"), _form_data(provider, municipality=foreign.pk)
    )
    assert response.status_code == 200  # not in the choices: form error
    assert not Service.objects.exists()


def test_update_and_stale_version(client, lead, service):
    login(client, lead)
    url = reverse("directory:service_update", kwargs={"uuid": service.uuid})
    data = _form_data(service.provider, name="Trauma-Sprechstunde (neu)", version=service.version)
    assert client.post(url, data).status_code == 302
    service.refresh_from_db()
    assert service.name == "Trauma-Sprechstunde (neu)"
    assert service.version == 2
    stale = client.post(url, {**data, "name": "Zu spät", "version": 1})
    assert stale.status_code == 200
    service.refresh_from_db()
    assert service.name == "Trauma-Sprechstunde (neu)"


def test_alice_may_not_edit(client, alice, service):
    login(client, alice)
    url = reverse("directory:service_update", kwargs={"uuid": service.uuid})
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403


def test_deactivate_and_reactivate(client, county_admin, service):
    login(client, county_admin)
    url = reverse("directory:service_deactivate", kwargs={"uuid": service.uuid})
    assert client.post(url, {"version": service.version}).status_code == 302
    service.refresh_from_db()
    assert not service.is_active
    listing = client.get(reverse("directory:service_list")).content.decode()
    assert reverse("directory:service_detail", kwargs={"uuid": service.uuid}) not in listing
    client.post(reverse("directory:service_reactivate", kwargs={"uuid": service.uuid}))
    service.refresh_from_db()
    assert service.is_active


def test_provider_create_and_duplicate_name(client, coordinator, provider):
    login(client, coordinator)
    url = reverse("directory:provider_create")
    response = client.post(url, {"name": provider.name})
    assert response.status_code == 200
    assert german("A provider with this name already exists.") in response.content.decode()
    assert client.post(url, {"name": "AWO Kreisverband"}).status_code == 302


@pytest.mark.parametrize("role", ["dpo", "volunteer"])
def test_roles_without_access_get_403(client, request, role):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse("directory:service_list")).status_code == 403
