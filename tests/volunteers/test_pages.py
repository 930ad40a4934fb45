"""The pages of the volunteer register: create, detail, edit, status, checks, training, list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import MunicipalityFactory
from tests.volunteers.conftest import german
from tests.volunteers.helpers import make_volunteer
from wegweiser.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_create_then_detail_shows_it(client, volunteer_coordinator, kreis):
    town = MunicipalityFactory(kreis=kreis, name="Pfullendorf")
    client.force_login(volunteer_coordinator)
    response = client.post(
        reverse("volunteers:volunteer_create"),
        {
            "given_name": "Samira",
            "family_name": "Haddad",
            "phone": "07552 4711",
            "email": "samira@example.org",
            "languages": ["ar", "de"],
            "skills": "Dolmetschen",
            "availability": "abends",
            "municipalities": [town.pk],
            "fields_of_action": ["language"],
            "status": "active",
        },
    )
    v = Volunteer.objects.get(family_name="Haddad")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:volunteer_detail", kwargs={"uuid": v.uuid})
    html = client.get(response["Location"]).content.decode()
    assert "Samira Haddad" in html
    assert "Pfullendorf" in html
    assert 'data-testid="volunteer-reminders"' in html  # active without checks


def test_create_errors_stay_on_the_form(client, volunteer_coordinator):
    client.force_login(volunteer_coordinator)
    response = client.post(reverse("volunteers:volunteer_create"), {"given_name": "X"})
    assert response.status_code == 200
    assert not Volunteer.objects.exists()


def test_edit_with_stale_version_shows_conflict(client, volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    client.force_login(volunteer_coordinator)
    url = reverse("volunteers:volunteer_update", kwargs={"uuid": v.uuid})
    data = {"given_name": "Hanna", "family_name": "Berger-Neu", "version": 1}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "family_name": "Anders"})
    assert response.status_code == 200
    assert (
        german(
            "Someone else has changed this record in the meantime. Your input is still shown; "
            "please check the current state and save again."
        )
        in response.content.decode()
    )
    v.refresh_from_db()
    assert v.family_name == "Berger-Neu"


def test_status_left_needs_a_date_on_the_page(client, volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    client.force_login(volunteer_coordinator)
    url = reverse("volunteers:volunteer_status", kwargs={"uuid": v.uuid})
    response = client.post(url, {"version": 1, "status": "left"})
    assert response.status_code == 200
    assert german("Please enter the date the volunteer left.") in response.content.decode()
    response = client.post(url, {"version": 1, "status": "left", "left_on": "01.03.2026"})
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.left_on == dt.date(2026, 3, 1)


def test_record_check_and_training(client, volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    client.force_login(volunteer_coordinator)
    response = client.post(
        reverse("volunteers:check_create", kwargs={"uuid": v.uuid}),
        {"kind": "certificate_of_conduct", "issued_on": "10.01.2025"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("volunteers:qualification_create", kwargs={"uuid": v.uuid}),
        {"title": "Grundkurs Lotsen", "attended_on": "02.02.2025", "hours": "6"},
    )
    assert response.status_code == 302
    html = client.get(reverse("volunteers:volunteer_detail", kwargs={"uuid": v.uuid})).content
    html = html.decode()
    assert "10.01.2030" in html
    assert "Grundkurs Lotsen" in html


def test_list_filters(client, volunteer_coordinator, alice, kreis):
    town = MunicipalityFactory(kreis=kreis, name="Mengen")
    make_volunteer(
        volunteer_coordinator, family_name="Khalil", languages=["ar"], municipalities=[town]
    )
    make_volunteer(
        volunteer_coordinator, family_name="Kovalenko", languages=["uk"], status="active"
    )
    client.force_login(alice)
    url = reverse("volunteers:volunteer_list")
    html = client.get(url, {"language": "ar"}).content.decode()
    assert "Khalil" in html and "Kovalenko" not in html
    html = client.get(url, {"status": "active"}).content.decode()
    assert "Kovalenko" in html and "Khalil" not in html
    html = client.get(url, {"municipality": str(town.uuid)}).content.decode()
    assert "Khalil" in html and "Kovalenko" not in html
    # A reader has no "new volunteer" button.
    assert reverse("volunteers:volunteer_create") not in html


def test_writes_are_forbidden_to_readers_and_foreign_404(
    client, volunteer_coordinator, alice, charlie
):
    v = make_volunteer(volunteer_coordinator)
    url = reverse("volunteers:volunteer_update", kwargs={"uuid": v.uuid})
    client.force_login(alice)
    assert (
        client.post(url, {"given_name": "X", "family_name": "Y", "version": 1}).status_code == 403
    )
    client.force_login(charlie)
    assert (
        client.get(reverse("volunteers:volunteer_detail", kwargs={"uuid": v.uuid})).status_code
        == 404
    )
