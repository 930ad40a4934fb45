"""Encryption at rest for special-category data (health, trauma, residence notes).

Values are stored as ``<key version>:<Fernet token>``. ``settings.WEGWEISER_FIELD_KEYS`` lists
``version:key`` pairs, the first one encrypts, every listed one decrypts; rotation re-encrypts
with the newest key. Encrypted fields are never searchable and never leave the Kreis in exports.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[str, dict[str, Fernet]]:
    ring: dict[str, Fernet] = {}
    for entry in keys:
        version, sep, key = entry.partition(":")
        if not sep or not version or not key:
            raise ImproperlyConfigured(
                "WEGWEISER_FIELD_KEYS: Einträge haben die Form 'version:schlüssel'."
            )
        ring[version] = Fernet(key.encode())
    if not ring:
        raise ImproperlyConfigured("WEGWEISER_FIELD_KEYS ist leer.")
    return keys[0].partition(":")[0], ring


def keyring() -> tuple[str, dict[str, Fernet]]:
    return _keyring(tuple(settings.WEGWEISER_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    version, ring = keyring()
    return f"{version}:{ring[version].encrypt(plaintext.encode()).decode()}"


def decrypt(stored: str) -> str:
    version, _, token = stored.partition(":")
    _, ring = keyring()
    fernet = ring.get(version)
    if fernet is None:
        raise ImproperlyConfigured(
            f"Schlüssel der Version {version} fehlt in WEGWEISER_FIELD_KEYS."
        )
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - tampering or wrong key
        raise ImproperlyConfigured(
            f"Wert mit Schlüssel {version} lässt sich nicht entschlüsseln."
        ) from exc


def key_version(stored: str) -> str:
    return stored.partition(":")[0]


def current_key_version() -> str:
    """The version that encrypts new values: the first entry of WEGWEISER_FIELD_KEYS."""
    return keyring()[0]


def needs_rotation(stored: str | None) -> bool:
    """Whether a stored value is encrypted with an older key than the newest one."""
    if not stored:
        return False
    return key_version(stored) != current_key_version()


def reencrypt(stored: str) -> str:
    """The same plaintext under the newest key (a current value comes back unchanged).

    Raises ``ImproperlyConfigured`` when the value's key is not listed; the round trip is checked,
    so a value is never replaced by one that decrypts to anything else.
    """
    if not needs_rotation(stored):
        return stored
    plaintext = decrypt(stored)
    fresh = encrypt(plaintext)
    if decrypt(fresh) != plaintext:  # pragma: no cover - Fernet guarantees the round trip
        raise ImproperlyConfigured("Neu verschlüsselter Wert stimmt nicht mit dem alten überein.")
    return fresh


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Empty text is stored as the empty string."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            raise NotImplementedError("Verschlüsselte Felder sind nicht durchsuchbar.")
        return super().get_lookup(lookup_name)
