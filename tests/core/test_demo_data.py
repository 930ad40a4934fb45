"""The demo data: one login per role with a working second factor, about 150 persons in
households with names in several scripts, two years of sessions, and a second run that
changes nothing."""

from __future__ import annotations

import datetime as dt
import re
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Max
from django.utils import timezone

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, Client, Consent, Household
from wegweiser.clients.selectors import desk
from wegweiser.core.demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_USERS
from wegweiser.counselling.models import CounsellingSession, SessionAttendance
from wegweiser.organisations.models import Kreis, Municipality, Organisation, Team

ARABIC = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_DIACRITICS = re.compile(r"[\u00c0-\u024f]")
# Fixed per login across fresh databases, so that a tester's authenticator app keeps working.
DEMO_SECRET_OF_IM_SUED = "F3MFZ67QYDKVM7WYTZIM7A466VRHRJJ3"


@pytest.fixture
def reference_data(db, settings):
    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())


@pytest.fixture
def fast_hasher(settings):
    """Argon2 costs about a quarter of a second per login; the default run keeps it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_demo_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict:
    """Counts and change markers of everything the command writes."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Organisation,
                Team,
                Municipality,
                User,
                Authenticator,
                Household,
                Client,
                Case,
                Consent,
                CounsellingSession,
                SessionAttendance,
                AuditEntry,
            )
        },
        "passwords": dict(User.objects.values_list("email", "password")),
        "authenticators": sorted(
            (a.user_id, a.type, repr(a.data)) for a in Authenticator.objects.all()
        ),
        "clients_changed": Client.objects.aggregate(m=Max("updated_at"))["m"],
        "cases_changed": Case.objects.aggregate(m=Max("updated_at"))["m"],
        "kreis": list(Kreis.objects.filter(ags="08437").values()),
    }


def stored_secret(user) -> str:
    return decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])


def table_rows(output: str) -> dict[str, list[str]]:
    """The login table as {email: cells}, split on the runs of spaces between columns."""
    rows = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        for cell in cells:
            if cell.endswith("@" + DEMO_DOMAIN):
                rows[cell] = cells
    return rows


@pytest.mark.argon2
def test_default_demo_data_and_a_second_run_that_changes_nothing(reference_data):
    output, _err = load()
    today = timezone.localdate()
    kreis = Kreis.objects.get(ags="08437")
    assert kreis.mfa_required

    # Every role, with the managers spread so that one team has two of them.
    users = {u.email: u for u in User.objects.filter(email__endswith="@" + DEMO_DOMAIN)}
    assert {u.role for u in users.values()} == set(Role.values)
    managers = [u for u in users.values() if u.role == Role.INTEGRATION_MANAGER]
    assert len(managers) >= 4
    team_sizes = {}
    for manager in managers:
        team_sizes[manager.team_id] = team_sizes.get(manager.team_id, 0) + 1
    assert max(team_sizes.values()) >= 2
    assert {m.organisation.kind for m in managers} == {"county_office", "provider"}
    state = users[f"rp@{DEMO_DOMAIN}"]
    assert state.kreis is None and state.organisation.kind == "state_authority"

    # Every login in the printed table, with the one password; a second factor for those who
    # need one, whose printed secret and recovery code are the stored ones.
    rows = table_rows(output)
    assert set(rows) == {spec.email for spec in DEMO_USERS} == set(users)
    assert "demo_totp_code" in output
    assert users[f"im.nord@{DEMO_DOMAIN}"].check_password(DEMO_PASSWORD)
    for email, user in users.items():
        assert user.password.startswith("argon2$")
        assert DEMO_PASSWORD in rows[email]
        if user.needs_mfa:
            assert rows[email][3] == stored_secret(user)
            codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap()
            assert rows[email][4] in codes.get_unused_codes()
        else:
            assert not Authenticator.objects.filter(user=user).exists()

    # About 150 persons in households, several with more than one member.
    clients = list(Client.objects.filter(kreis=kreis))
    assert len(clients) == 150
    assert all(c.household_id for c in clients)
    sizes = [h.members.count() for h in Household.objects.filter(kreis=kreis)]
    assert 40 <= len(sizes) <= 80
    assert max(sizes) >= 4 and sum(1 for s in sizes if s > 1) >= 20
    # Names in Arabic, Cyrillic and Latin script (with diacritics), Latin forms always present.
    names = [f"{c.given_names} {c.family_name}" for c in clients]
    assert sum(1 for n in names if ARABIC.search(n)) >= 10
    assert sum(1 for n in names if CYRILLIC.search(n)) >= 10
    assert any(LATIN_DIACRITICS.search(n) for n in names)
    assert all(c.given_names_latin and c.family_name_latin and c.name_tokens for c in clients)
    assert {"UA", "SY", "AF"} <= {code for c in clients for code in c.nationalities}
    assert Client.objects.filter(birth_date_precision="year").exists()

    # Case files: mostly open, some closed with a reason, a fourth year with a justification,
    # a few without consent (the warning shows).
    cases = Case.objects.filter(kreis=kreis)
    assert cases.filter(closed_on__isnull=False).exclude(close_reason="").exists()
    assert cases.filter(period_years=4).exclude(extension_reason="").exists()
    open_cases = cases.filter(closed_on__isnull=True)
    without_consent = open_cases.exclude(client__consents__isnull=False).count()
    assert 1 <= without_consent <= open_cases.count() // 5

    # Two years of sessions, none in the future or before the case was opened.
    sessions = CounsellingSession.objects.filter(kreis=kreis)
    assert 1500 <= sessions.count() <= 2500
    assert not sessions.filter(held_on__gt=today).exists()
    assert not sessions.filter(held_on__lt=today - dt.timedelta(days=731)).exists()
    assert not sessions.filter(held_on__lt=F("case__opened_on")).exists()
    assert sessions.filter(held_on__gte=today - dt.timedelta(days=30)).exists()
    assert sessions.filter(held_on__lte=today - dt.timedelta(days=660)).exists()
    assert set(sessions.values_list("channel", flat=True)) == {
        "in_person",
        "phone",
        "email",
        "video",
        "outreach",
    }
    assert sessions.exclude(confidential_note="").exists()
    assert (
        AuditEntry.objects.filter(action="counselling.session.recorded").count() == sessions.count()
    )

    # The desk of the managers shows periods ending soon and cases without a session for weeks.
    desks = [desk(user=m) for m in managers]
    assert any(d.ending_soon for d in desks)
    assert any(d.without_session for d in desks)

    # A second run creates and changes nothing, and prints the logins again.
    before = snapshot()
    again, _err = load()
    assert snapshot() == before
    assert set(table_rows(again)) == set(users)
    assert "bereits Personen erfasst" in again


def test_small_run_and_the_current_totp_code(reference_data, fast_hasher):
    output, _err = load("--clients", "12")
    assert Client.objects.count() == 12
    assert CounsellingSession.objects.exists()
    email = f"im.nord@{DEMO_DOMAIN}"
    secret = table_rows(output)[email][3]
    assert secret == stored_secret(User.objects.get(email=email))

    out = StringIO()
    before = int(time.time()) // 30
    call_command("demo_totp_code", email, stdout=out, stderr=StringIO())
    after = int(time.time()) // 30
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code in {format_hotp_value(hotp_value(secret, c)) for c in (before, after)}


def test_demo_logins_are_recreated_with_their_factor(reference_data, fast_hasher):
    load("--clients", "0")
    user = User.objects.get(email=f"im.sued@{DEMO_DOMAIN}")
    Authenticator.objects.filter(user=user).delete()
    output, _err = load("--clients", "0")
    assert Authenticator.objects.filter(user=user).count() == 2
    assert table_rows(output)[user.email][3] == stored_secret(user) == DEMO_SECRET_OF_IM_SUED


def test_refusals(reference_data, settings):
    with pytest.raises(CommandError, match="Demo-Anmeldungen"):
        call_command("demo_totp_code", "someone@example.org", stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="WEGWEISER_DEBUG"):
        call_command("demo_totp_code", f"im.nord@{DEMO_DOMAIN}", stdout=StringIO())
    with pytest.raises(CommandError, match="WEGWEISER_DEBUG"):
        load()


def test_needs_the_reference_data(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_reference_data"):
        load()
