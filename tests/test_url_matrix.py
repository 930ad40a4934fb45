"""The role x URL matrix: every URL of the project, for every role and anonymous, answers the
expected status. A URL added without an entry here fails the test, so no page goes unchecked.

Alice (integration manager) owns the case; Bob shares her team; Dora is in another team of the
same Kreis; Charlie works in another Kreis. Foreign objects answer 404, a missing right on a
visible object 403, anonymous users are sent to the login (302)."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import (  # noqa: E402
    ROLES,
    SAME_KREIS_CASEWORK,
)
from tests.matrix import by_role as _by_role  # noqa: E402
from tests.matrix import case_content as _case_content  # noqa: E402
from tests.matrix import case_edit as _case_edit  # noqa: E402
from tests.matrix import status as _status  # noqa: E402
from wegweiser.clients.services import consent_record

EXPECTED = {
    # Case work
    "core:desk": _status(200, volunteer=302),  # volunteers start on their own page
    "clients:case_list": _by_role(SAME_KREIS_CASEWORK | {"charlie", "coordinator"}),
    "clients:client_create": _by_role(SAME_KREIS_CASEWORK | {"charlie"}),
    "clients:case_detail": _case_content(),
    "clients:case_timeline": {**_case_content(), "coordinator": 302},
    "clients:client_update": _case_edit(),
    "clients:case_update": _case_edit(),
    "clients:case_close": _case_edit(),
    "clients:consent_create": _case_edit(),
    "clients:consent_withdraw": _case_edit(),
    "counselling:session_create": _case_edit(),
    "counselling:session_update": _case_edit(),
    # Administration: other roles 403; Charlie (admin elsewhere? no: a manager) 403
    "accounts_admin:user_list": _by_role({"county_admin"}),
    # create/edit need a fresh re-authentication first (302 to the password prompt)
    "accounts_admin:user_create": _by_role({"county_admin"}, ok_status=302),
    "accounts_admin:user_update": _by_role({"county_admin"}, ok_status=302),
    "accounts_admin:user_deactivate": _status(405),
    "accounts_admin:user_reactivate": _status(405),
    "audit:log": _by_role({"county_admin", "dpo"}),
    "audit:export": _by_role({"county_admin", "dpo"}, ok_status=405),  # POST only
    # Own account
    "accounts_profile": _status(200),
    "accounts_token_create": _status(405),
    "accounts_token_revoke": _status(405),
    "account_login": _status(302, anonymous=200),
    "account_logout": _status(200, anonymous=302),
    "account_inactive": _status(200, anonymous=200),
    "account_reauthenticate": _status(200),
    "account_change_password": _status(200),
    "mfa_index": _status(200),
    "mfa_authenticate": _status(302, anonymous=302),
    "mfa_reauthenticate": _status(302),
    "mfa_activate_totp": _status(302),
    # Without an authenticator there is nothing to deactivate or show (allauth answers 404).
    "mfa_deactivate_totp": _status(404),
    "mfa_view_recovery_codes": _status(404),
    "mfa_generate_recovery_codes": _status(302),
    "mfa_download_recovery_codes": _status(404),
    # Public
    "healthz": _status(200, anonymous=200),
    "set_language": _status(302, anonymous=302),
}
# Apps add their URLs in tests/<app>/url_expectations*.py (EXPECTED, and url_kwargs(world)); every
# such module is found and merged, so a new part of an app brings its own file.
APP_EXPECTATIONS = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("*/url_expectations*.py"))
]
for _module in APP_EXPECTATIONS:
    EXPECTED.update(_module.EXPECTED)

# The API answers 401 without a token, for everyone (POST-only actions to a POST); its schema and
# docs are public.
API_PUBLIC = {"api:openapi-json", "api:openapi-view"}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


ALL_URLS = sorted(dict(_walk(get_resolver())).items())


@pytest.fixture
def world(
    request,
    alice,
    bob,
    dora,
    lead,
    coordinator,
    county_admin,
    dpo,
    volunteer_coordinator,
    volunteer,
    state_officer,
    charlie,
    case,
    session,
):
    consent = consent_record(actor=alice, case=case, given_on=dt.date.today(), form="signed")
    users = {
        "alice": alice,
        "bob": bob,
        "dora": dora,
        "lead": lead,
        "coordinator": coordinator,
        "county_admin": county_admin,
        "dpo": dpo,
        "volunteer_coordinator": volunteer_coordinator,
        "volunteer": volunteer,
        "state_officer": state_officer,
        "charlie": charlie,
    }
    kwargs = {
        "uuid": case.uuid,
        "consent_uuid": consent.uuid,
    }
    per_name = {
        "counselling:session_update": {"uuid": session.uuid},
        "accounts_admin:user_update": {"uuid": bob.uuid},
        "accounts_admin:user_deactivate": {"uuid": bob.uuid},
        "accounts_admin:user_reactivate": {"uuid": bob.uuid},
        "accounts_token_revoke": {"uuid": case.uuid},
    }
    world = {"users": users, "case": case, "session": session, "consent": consent}
    for module in APP_EXPECTATIONS:
        per_name.update(module.url_kwargs(world))
    return users, kwargs, per_name


def _url(name, pattern, kwargs, per_name):
    from django.urls import NoReverseMatch

    wanted = per_name.get(name, kwargs)
    for attempt in (wanted, {}, {k: v for k, v in wanted.items() if k == "uuid"}):
        try:
            return reverse(name, kwargs=attempt)
        except NoReverseMatch:
            continue
    # API routes with path parameters
    path = "/" + pattern
    for key, value in wanted.items():
        path = path.replace("{" + key + "}", str(value)).replace(f"<uuid:{key}>", str(value))
    return path


def test_every_url_has_an_expectation():
    missing = [
        name for name, _p in ALL_URLS if name not in EXPECTED and not name.startswith("api:")
    ]
    assert not missing, f"URLs without an entry in the role x URL matrix: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_role_url_matrix(client, world, role):
    users, kwargs, per_name = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, pattern in ALL_URLS:
        url = _url(name, pattern, kwargs, per_name)
        response = client.get(url)
        if name == "api:api-root":
            expected = 404  # /api/v1/ itself is no resource
        elif name.startswith("api:"):
            expected = 200 if name in API_PUBLIC else 401
            if response.status_code == 405 and name not in API_PUBLIC:
                # An action without GET (POST only): the allowed method, without a token, is 401.
                method = response["Allow"].split(",")[0].strip().lower()
                response = getattr(client, method)(url, {}, content_type="application/json")
        else:
            expected = EXPECTED[name][role]
        if response.status_code != expected:
            failures.append(f"{name} {url}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def test_foreign_kreis_objects_are_404_for_charlie(client, charlie, case, session):
    """Charlie is a manager of another Kreis: nothing of Alice's Kreis exists for him."""
    client.force_login(charlie)
    for url in [
        reverse("clients:case_detail", kwargs={"uuid": case.uuid}),
        reverse("clients:case_timeline", kwargs={"uuid": case.uuid}),
        reverse("clients:client_update", kwargs={"uuid": case.uuid}),
        reverse("counselling:session_create", kwargs={"uuid": case.uuid}),
        reverse("counselling:session_update", kwargs={"uuid": session.uuid}),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"summary": "x"}).status_code == 404, url


def test_unknown_object_is_404(client, alice, db):
    client.force_login(alice)
    import uuid

    assert (
        client.get(reverse("clients:case_detail", kwargs={"uuid": uuid.uuid4()})).status_code == 404
    )
    assert client.get("/faelle/kein-uuid/").status_code == 404


# What belongs to the first volunteer (their tandem, their taken request, their group, their
# certificates); an open request is for every suitable volunteer, so it is not among them.
OWN_VOLUNTEER_OBJECTS = {
    "volunteers:portal_tandem",
    "volunteers:portal_request_done",
    "volunteers:portal_group",
    "volunteers:qualification_certificate_download",
    "volunteers:training_certificate",
}


def test_another_volunteer_reaches_nothing_of_the_first(
    client, world, office, volunteer_coordinator
):
    """A second volunteer of the same Kreis, active and with checks in order, walks every URL:
    what belongs to the first volunteer answers 404, and nothing else opens that the volunteer
    role may not open."""
    from tests.factories import UserFactory
    from tests.volunteers.helpers import linked_volunteer
    from wegweiser.accounts.roles import Role

    users, kwargs, per_name = world
    other = UserFactory(
        email="zweite.lotsin@example.org", team=None, organisation=office, role=Role.VOLUNTEER
    )
    linked_volunteer(volunteer_coordinator, other, given_name="Vera", family_name="Zweig")
    client.force_login(other)
    failures = []
    for name, pattern in ALL_URLS:
        if name.startswith("api:"):
            continue
        url = _url(name, pattern, kwargs, per_name)
        expected = 404 if name in OWN_VOLUNTEER_OBJECTS else EXPECTED[name]["volunteer"]
        status = client.get(url).status_code
        if status != expected:
            failures.append(f"{name} {url}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)
