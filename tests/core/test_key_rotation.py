"""Key rotation of the encrypted fields: after a new key is put first, ``rotate_field_keys``
re-encrypts every confidential note with it, touching nothing else, so that the old key can be
removed; with a stored key missing from the configuration it refuses and changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.factories import UserFactory, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.counselling.models import CounsellingSession

OLD = f"1:{Fernet.generate_key().decode()}"
NEW = f"2:{Fernet.generate_key().decode()}"
NOTES = ["Traumatherapie seit März", "Aufenthalt: Duldung bis 30.06.", "Schwanger, 5. Monat"]


def raw_notes() -> dict[int, str]:
    """The stored column as the database holds it (the field decrypts on every ORM read)."""
    table = connection.ops.quote_name(CounsellingSession._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, confidential_note FROM {table} ORDER BY id")  # noqa: S608
        return dict(cursor.fetchall())


def untouched_columns() -> list[tuple]:
    return list(
        CounsellingSession.objects.order_by("pk").values_list("pk", "updated_at", "version")
    )


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def notes(settings, alice, case):
    """Three sessions with a note under the old key and one without a note."""
    settings.WEGWEISER_FIELD_KEYS = [OLD]
    sessions = [make_session(alice, case, confidential_note=note) for note in NOTES]
    sessions.append(make_session(alice, case))
    return sessions


def test_rotation_reencrypts_every_note_with_the_new_key_and_nothing_else(settings, notes):
    before = raw_notes()
    columns = untouched_columns()
    audit_count = AuditEntry.objects.count()
    assert [before[s.pk][:2] for s in notes[:3]] == ["1:"] * 3
    settings.WEGWEISER_FIELD_KEYS = [NEW, OLD]

    output = rotate("--batch-size", "2")

    after = raw_notes()
    assert "counselling.CounsellingSession.confidential_note: 3 neu verschlüsselt, " in output
    assert "0 bereits aktuell" in output
    for session in notes[:3]:
        assert after[session.pk].startswith("2:")
        assert after[session.pk] != before[session.pk]
    assert after[notes[3].pk] == ""
    readable = dict(CounsellingSession.objects.values_list("pk", "confidential_note"))
    assert [readable[s.pk] for s in notes] == [*NOTES, ""]
    assert untouched_columns() == columns  # no save(): updated_at and version as they were
    # One entry for the run, with counts and no note text; no per-session entries.
    assert AuditEntry.objects.count() == audit_count + 1
    entry = AuditEntry.objects.get(action="core.keys.rotated")
    assert entry.actor is None and entry.kreis is None
    assert entry.data["key_version"] == "2"
    assert entry.data["fields"]["counselling.CounsellingSession.confidential_note"] == {
        "reencrypted": 3,
        "current": 0,
        "previous_versions": {"1": 3},
    }
    assert not any(note in str(entry.data) for note in NOTES)

    # Now the old key can go; a second run finds nothing to do.
    settings.WEGWEISER_FIELD_KEYS = [NEW]
    again = rotate()
    assert "confidential_note: 0 neu verschlüsselt, 3 bereits aktuell" in again
    assert raw_notes() == after
    assert [CounsellingSession.objects.get(pk=s.pk).confidential_note for s in notes[:3]] == NOTES


def test_values_already_under_the_new_key_are_counted_and_left_alone(settings, alice, case, notes):
    settings.WEGWEISER_FIELD_KEYS = [NEW, OLD]
    fresh = make_session(alice, case, confidential_note="Neu erfasst")
    stored_fresh = raw_notes()[fresh.pk]

    output = rotate()

    assert "confidential_note: 3 neu verschlüsselt, 1 bereits aktuell" in output
    assert raw_notes()[fresh.pk] == stored_fresh
    assert CounsellingSession.objects.get(pk=fresh.pk).confidential_note == "Neu erfasst"


def test_dry_run_counts_and_changes_nothing(settings, notes):
    before = raw_notes()
    columns = untouched_columns()
    settings.WEGWEISER_FIELD_KEYS = [NEW, OLD]

    output = rotate("--dry-run")

    assert "Probelauf" in output
    assert "confidential_note: 3 neu zu verschlüsseln, 0 bereits aktuell" in output
    assert raw_notes() == before
    assert untouched_columns() == columns
    assert not AuditEntry.objects.filter(action="core.keys.rotated").exists()


def test_refuses_and_changes_nothing_when_the_old_key_was_removed_too_early(settings, notes):
    before = raw_notes()
    settings.WEGWEISER_FIELD_KEYS = [NEW]

    with pytest.raises(CommandError) as error:
        rotate()

    message = str(error.value)
    assert "nichts wurde geändert" in message
    assert "3 Werte mit Schlüssel „1“" in message
    assert "WEGWEISER_FIELD_KEYS" in message
    assert raw_notes() == before
    assert not AuditEntry.objects.filter(action="core.keys.rotated").exists()

    # With the old key back behind the new one, the rotation goes through.
    settings.WEGWEISER_FIELD_KEYS = [NEW, OLD]
    assert "3 neu verschlüsselt" in rotate()


def test_second_factor_secrets_are_encrypted_and_rotated(settings, alice):
    """TOTP keys are stored encrypted (never the base32 secret in the clear), still work, and
    move to the new key with the notes; a secret stored before encryption is encrypted too."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    settings.WEGWEISER_FIELD_KEYS = [OLD]
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    stored = Authenticator.objects.get(user=alice, type="totp").data["secret"]
    assert stored.startswith("1:") and secret not in stored
    assert decrypt(stored) == secret
    # A second factor set up before encryption: plain base32 in the database.
    plain_user = UserFactory(email="frueher@example.org")
    Authenticator.objects.create(user=plain_user, type="totp", data={"secret": secret})
    settings.WEGWEISER_FIELD_KEYS = [NEW, OLD]
    output = rotate()
    assert "Zweite Faktoren (TOTP, Wiederherstellungscodes): 2 neu verschlüsselt" in output
    for authenticator in Authenticator.objects.filter(type="totp"):
        assert authenticator.data["secret"].startswith("2:")
        assert decrypt(authenticator.data["secret"]) == secret
