"""Second-factor secrets (TOTP keys, the seed of the recovery codes) are stored encrypted with the
field keys of ``core.crypto``, like the confidential notes: whoever reads the database or a backup
does not get the second factor. Values stored before this adapter (plain base32 or hex) are still
read; ``manage.py rotate_field_keys`` encrypts them with the newest key."""

from __future__ import annotations

import re

from allauth.mfa.adapter import DefaultMFAAdapter

from wegweiser.core import crypto

_ENCRYPTED = re.compile(r"^[A-Za-z0-9_-]{1,16}:gAAAA")


def is_encrypted(value: str) -> bool:
    return bool(value) and bool(_ENCRYPTED.match(value))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        if is_encrypted(encrypted_text):
            return crypto.decrypt(encrypted_text)
        return encrypted_text  # stored before encryption was switched on
