"""Login, second factor, throttling, idle timeout, user administration."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from wegweiser.accounts.models import User
from wegweiser.accounts.services import user_create, user_deactivate, user_update
from wegweiser.audit.models import AuditEntry


def _login(http, email, password=PASSWORD):
    return http.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.argon2
def test_password_login_uses_argon2(alice):
    assert alice.password.startswith("argon2")


def test_login_without_second_factor_when_kreis_does_not_enforce(client, alice):
    response = _login(client, alice.email)
    assert response.status_code == 302
    assert client.get(reverse("core:desk")).status_code == 200


def test_enforced_second_factor_sends_user_to_setup(client, alice):
    alice.kreis.mfa_required = True
    alice.kreis.save()
    _login(client, alice.email)
    response = client.get(reverse("core:desk"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # case files stay closed until the second factor is set up
    assert client.get(reverse("clients:case_list")).status_code == 302


def test_second_factor_is_asked_at_login(client, alice):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    response = _login(client, alice.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("core:desk")).status_code == 302  # not logged in yet
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("core:desk")).status_code == 200


def test_failed_logins_are_throttled_without_revealing_the_account(alice, settings):
    texts = {}
    for email in (alice.email, "niemand@example.org"):
        http = HttpClient(REMOTE_ADDR="10.1.1.1" if email == alice.email else "10.1.1.2")
        statuses = [_login(http, email, "falsch-falsch-falsch").status_code for _ in range(7)]
        texts[email] = _login(http, email, "falsch-falsch-falsch").content.decode()
        assert (
            429 in statuses
            or "zu viele" in texts[email].lower()
            or "too many" in texts[email].lower()
        )
    # the same answer for an existing and a non-existing account
    strip = lambda t: t.replace(alice.email, "X").replace("niemand@example.org", "X")  # noqa: E731
    assert ("Anmeldeversuche" in texts[alice.email]) == (
        "Anmeldeversuche" in texts["niemand@example.org"]
    )
    assert len(strip(texts[alice.email])) - len(strip(texts["niemand@example.org"])) in range(
        -50, 51
    )


def test_idle_timeout_defaults_to_30_minutes(client, alice):
    client.force_login(alice)
    client.get(reverse("core:desk"))
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    alice.kreis.idle_timeout_minutes = 15
    alice.kreis.save()
    client.get(reverse("core:desk"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining <= dt.timedelta(minutes=15)


def test_views_get_the_user_object_itself(client, alice):
    """After the idle-timeout middleware the request carries the loaded user (not the lazy proxy
    of the authentication middleware): the logged-in one, or the anonymous user."""
    from django.contrib.auth.models import AnonymousUser

    from wegweiser.accounts.models import User

    anonymous = client.get(reverse("core:desk")).wsgi_request.user
    assert type(anonymous) is AnonymousUser
    client.force_login(alice)
    user = client.get(reverse("core:desk")).wsgi_request.user
    assert type(user) is User and user.pk == alice.pk and user.kreis == alice.kreis


def test_busy_session_is_written_once_a_minute_and_still_ends_when_idle(client, alice):
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    client.get(reverse("core:desk"))
    first_expiry = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:desk"))
    assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in ctx)
    # a minute later the next request pushes the expiry on
    session = client.session
    session["ww_idle"] = [int(time.time()) - 61, 30]
    session.save()
    Session.objects.update(expire_date=first_expiry)
    client.get(reverse("core:desk"))
    assert Session.objects.get().expire_date > first_expiry
    # and a session is over once its expiry has passed (also for its copy in the cache)
    expiry = Session.objects.get().expire_date
    with time_machine.travel(expiry + dt.timedelta(seconds=1), tick=False):
        assert client.get(reverse("core:desk")).status_code == 302


def test_removed_second_factor_is_noticed_within_a_minute(client, alice):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    alice.kreis.mfa_required = True
    alice.kreis.save()
    TOTP.activate(alice, generate_totp_secret())
    client.force_login(alice)
    assert client.get(reverse("core:desk")).status_code == 200
    Authenticator.objects.filter(user=alice).delete()
    session = client.session
    session["ww_mfa"] = int(time.time()) - 61
    session.save()
    response = client.get(reverse("core:desk"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_deactivation_ends_all_sessions_at_once(county_admin, bob):
    first, second = HttpClient(), HttpClient()
    for http in (first, second):
        assert _login(http, bob.email).status_code == 302
        assert http.get(reverse("core:desk")).status_code == 200
    user_deactivate(actor=county_admin, user=bob)
    for http in (first, second):
        assert http.get(reverse("core:desk")).status_code == 302
    assert AuditEntry.objects.filter(
        action="accounts.user.deactivated", object_uuid=bob.uuid
    ).exists()
    # and a new login is refused
    http = HttpClient()
    _login(http, bob.email)
    assert http.get(reverse("core:desk")).status_code == 302


def test_county_admin_creates_users_of_county_and_providers(county_admin, team):
    user = user_create(
        actor=county_admin,
        email="Neu@Example.org",
        first_name="Nina",
        last_name="Neu",
        role="integration_manager",
        organisation=team.organisation,
        team=team,
        password="ein-sehr-langes-Passwort-1",
    )
    assert user.kreis == county_admin.kreis and user.email == "neu@example.org"
    assert user.check_password("ein-sehr-langes-Passwort-1")


def test_county_admin_cannot_place_users_elsewhere(county_admin, charlie):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_create(
            actor=county_admin,
            email="x@example.org",
            first_name="X",
            last_name="Y",
            role="integration_manager",
            organisation=charlie.organisation,
            team=charlie.team,
        )
    with pytest.raises(ValidationError):
        user_create(
            actor=county_admin,
            email="x@example.org",
            first_name="X",
            last_name="Y",
            role="state_funding_officer",
            organisation=county_admin.organisation,
        )


def test_role_change_needs_reauthentication_and_ends_sessions(client, county_admin, bob):
    bob_http = HttpClient()
    _login(bob_http, bob.email)
    _login(client, county_admin.email)
    url = reverse("accounts_admin:user_update", kwargs={"uuid": bob.uuid})
    data = {
        "first_name": "Bob",
        "last_name": "Bauer",
        "role": "team_lead",
        "organisation": bob.organisation.pk,
        "team": bob.team.pk,
    }
    # a role change asks for the password again, even right after the login
    response = client.post(url, data)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    bob.refresh_from_db()
    assert bob.role == "integration_manager"
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_admin:user_list")
    bob.refresh_from_db()
    assert bob.role == "team_lead"
    assert bob_http.get(reverse("core:desk")).status_code == 302  # must log in again
    entry = AuditEntry.objects.get(action="accounts.user.updated", object_uuid=bob.uuid)
    assert entry.data == {"role": "team_lead", "previous_role": "integration_manager"}
    # after the re-authentication window (5 minutes) the password is asked again
    session = client.session
    session["account_authentication_methods"] = [
        {**m, "at": m["at"] - 3600} for m in session["account_authentication_methods"]
    ]
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]


def test_other_roles_cannot_administer_users(alice, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_deactivate(actor=alice, user=bob)
    with pytest.raises(PermissionDenied):
        user_update(
            actor=alice,
            user=bob,
            role="team_lead",
            organisation=bob.organisation,
            team=bob.team,
            first_name="B",
            last_name="B",
        )


def test_admin_of_another_kreis_gets_404(county_admin, charlie):
    from django.http import Http404

    with pytest.raises(Http404):
        user_deactivate(actor=county_admin, user=charlie)
    assert User.objects.get(pk=charlie.pk).is_active


def test_enforced_second_factor_also_guards_tokens_and_profile(client, alice):
    from wegweiser.accounts.services import api_token_authenticate, api_token_create

    _token, raw = api_token_create(actor=alice, name="Fachverfahren")
    assert api_token_authenticate(raw) == alice
    alice.kreis.mfa_required = True
    alice.kreis.save()
    alice.refresh_from_db()
    # a token made before the county enforced the second factor no longer works without one
    assert api_token_authenticate(raw) is None
    _login(client, alice.email)
    assert client.get(reverse("accounts_profile"))["Location"] == reverse("mfa_activate_totp")
