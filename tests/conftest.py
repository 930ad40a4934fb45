"""Shared fixtures. The healthchecks idiom: Alice owns, Bob shares her team, Charlie is in
another Kreis. Further roles of Alice's Kreis for the role x URL matrix."""

from __future__ import annotations

import pytest

from tests.factories import (
    PASSWORD,
    KreisFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    make_client,
    make_session,
)
from wegweiser.accounts.roles import Role
from wegweiser.organisations.models import Land, Organisation


@pytest.fixture(scope="session", autouse=True)
def _no_lingering_connections(django_db_setup, django_db_blocker):
    """Before the test database is dropped at the end of a run, end any session that a thread
    (the browser tests' live server, the concurrency tests) may have left open on PostgreSQL, so
    that the drop cannot fail on "being accessed by other users"."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """The factories give every user a password; Argon2 (the production hasher) costs a quarter
    of a second each, which made user creation the slowest part of the suite. Tests that check
    the hasher itself are marked ``argon2``."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttling and used TOTP codes live in the cache (user ids repeat across tests):
    every test starts with an empty one."""
    from django.core.cache import cache

    from wegweiser.statistics.figures import versioned

    cache.clear()
    versioned.clear()
    yield
    cache.clear()
    versioned.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def kreis(db):
    return KreisFactory(name="Landkreis Sigmaringen", short_name="Sigmaringen", ags="08437")


@pytest.fixture
def other_kreis(db):
    return KreisFactory(name="Zollernalbkreis", short_name="Zollernalbkreis", ags="08417")


@pytest.fixture
def office(kreis):
    return OrganisationFactory(kreis=kreis, name="Landratsamt Sigmaringen")


@pytest.fixture
def team(office):
    return TeamFactory(organisation=office, name="Integrationsmanagement Nord")


@pytest.fixture
def other_team(office):
    return TeamFactory(organisation=office, name="Integrationsmanagement Süd")


@pytest.fixture
def alice(team):
    return UserFactory(email="alice@example.org", first_name="Alice", last_name="Arslan", team=team)


@pytest.fixture
def bob(team):
    return UserFactory(email="bob@example.org", first_name="Bob", last_name="Bauer", team=team)


@pytest.fixture
def dora(other_team):
    """Same Kreis, other team: sees nothing of Alice's cases."""
    return UserFactory(
        email="dora@example.org", first_name="Dora", last_name="Demir", team=other_team
    )


@pytest.fixture
def charlie(other_kreis):
    """Integration manager of another Kreis: every object of Alice's Kreis answers 404."""
    team = TeamFactory(organisation=OrganisationFactory(kreis=other_kreis, name="LRA Zollernalb"))
    return UserFactory(
        email="charlie@example.org", first_name="Charlie", last_name="Christ", team=team
    )


@pytest.fixture
def lead(team):
    return UserFactory(
        email="lead@example.org",
        first_name="Lena",
        last_name="Lang",
        team=team,
        role=Role.TEAM_LEAD,
    )


@pytest.fixture
def coordinator(office):
    return UserFactory(
        email="koord@example.org",
        first_name="Karl",
        last_name="Koch",
        team=None,
        organisation=office,
        role=Role.COUNTY_COORDINATOR,
    )


@pytest.fixture
def county_admin(office):
    return UserFactory(
        email="admin@example.org",
        first_name="Anna",
        last_name="Admin",
        team=None,
        organisation=office,
        role=Role.COUNTY_ADMIN,
    )


@pytest.fixture
def dpo(office):
    return UserFactory(
        email="dsb@example.org",
        first_name="Daniel",
        last_name="Datenschutz",
        team=None,
        organisation=office,
        role=Role.DATA_PROTECTION_OFFICER,
    )


@pytest.fixture
def volunteer_coordinator(office):
    return UserFactory(
        email="ehrenamt@example.org",
        team=None,
        organisation=office,
        role=Role.VOLUNTEER_COORDINATOR,
    )


@pytest.fixture
def volunteer(office):
    return UserFactory(
        email="lotsin@example.org", team=None, organisation=office, role=Role.VOLUNTEER
    )


@pytest.fixture
def state_officer(kreis):
    land = Land.objects.get(code="BW")
    rp = Organisation.objects.create(
        land=land,
        kind=Organisation.Kind.STATE_AUTHORITY,
        name="Regierungspräsidium Stuttgart, Referat 15.2",
    )
    return UserFactory(
        email="rp@example.org",
        team=None,
        organisation=rp,
        kreis=None,
        land=land,
        role=Role.STATE_FUNDING_OFFICER,
    )


@pytest.fixture
def client_amina(alice):
    """Alice's client with an open case."""
    return make_client(alice)


@pytest.fixture
def case(client_amina):
    return client_amina.cases.get()


@pytest.fixture
def session(alice, case):
    return make_session(alice, case)


def login(django_client, user):
    django_client.force_login(user)
    return django_client
