"""Directory fixtures: entries of Alice's Kreis (made by the county coordination), a state-wide
entry (made by the state funding officer) and one of Charlie's Kreis."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory
from wegweiser.accounts.roles import Role
from wegweiser.directory.services import provider_create, service_create


def german(msgid, **params) -> str:
    """A message of the code base as users see it: German once the catalogue has it, until then
    the English msgid."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % params if params else text


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_service(actor, provider=None, **fields):
    provider = provider or provider_create(actor=actor, name=fields.pop("provider_name", "Caritas"))
    values = {
        "name": "Migrationsberatung für Erwachsene",
        "kind": "counselling",
        "description": "Beratung zu Sprache, Arbeit und Aufenthalt.",
        "fields_of_action": ["language", "work"],
        "languages": ["ar", "de"],
    }
    values.update(fields)
    return service_create(actor=actor, provider=provider, **values)


@pytest.fixture
def municipality(kreis):
    return MunicipalityFactory(kreis=kreis, name="Bad Saulgau", ags="08437005")


@pytest.fixture
def provider(coordinator):
    return provider_create(
        actor=coordinator,
        name="Caritas Sigmaringen",
        description="Wohlfahrtsverband",
        email="info@caritas-sig.example",
        website="https://caritas-sig.example/",
        phone="+49 7571 123-0",
        external_id="CAR-1",
    )


@pytest.fixture
def service(coordinator, provider, municipality, kreis, other_kreis):
    return make_service(
        coordinator,
        provider,
        name="Trauma-Sprechstunde",
        kind="consultation_hours",
        description="Psychosoziale Erstberatung.\nMit Dolmetschung.",
        fields_of_action=["health"],
        languages=["ar", "uk"],
        street="Hauptstraße 1",
        postal_code="88348",
        city="Bad Saulgau",
        municipality=municipality,
        contact_name="Frau Weber",
        phone="07581 200-30",
        email="trauma@caritas-sig.example",
        website="https://caritas-sig.example/trauma",
        opening_hours="Di 9–12 Uhr\nDo 14–17 Uhr",
        by_appointment_only=True,
        accessibility="Rollstuhlgerecht, Aufzug",
        costs="kostenlos",
        eligibility="Geflüchtete ab 18 Jahren",
        external_id="TS-42",
        counties_served=[kreis, other_kreis],
    )


@pytest.fixture
def state_service(state_officer):
    return make_service(
        state_officer,
        name="Landesprogramm Sprachkurse",
        provider_name="Ministerium der Justiz und für Migration",
        fields_of_action=["language"],
        languages=["de", "uk"],
    )


@pytest.fixture
def foreign_coordinator(charlie):
    return UserFactory(
        email="koord-zak@example.org",
        team=None,
        organisation=charlie.organisation,
        role=Role.COUNTY_COORDINATOR,
    )


@pytest.fixture
def foreign_service(foreign_coordinator):
    return make_service(foreign_coordinator, name="Sprachcafé Balingen", provider_name="Balingen")


@pytest.fixture
def other_land_officer(db):
    from tests.factories import LandFactory

    land = LandFactory(code="HE", name="Hessen")
    org = OrganisationFactory(kreis=None, land=land, kind="state_authority", name="RP Darmstadt")
    return UserFactory(
        email="rp-he@example.org",
        team=None,
        organisation=org,
        kreis=None,
        land=land,
        role=Role.STATE_FUNDING_OFFICER,
    )
