"""API test helpers: a test client that sends a real personal token of a user."""

from __future__ import annotations

import pytest
from django.test import Client as DjangoClient
from django.utils import translation
from django.utils.translation import gettext

from wegweiser.accounts.services import api_token_create

BASE = "/api/v1"


class ApiClient:
    """Talks JSON to the API with ``Authorization: Bearer <token>``."""

    def __init__(self, raw_token: str | None):
        headers = {"authorization": f"Bearer {raw_token}"} if raw_token else {}
        self.http = DjangoClient(headers=headers)

    def get(self, path: str, **params):
        return self.http.get(BASE + path, params)

    def post(self, path: str, body):
        return self.http.post(BASE + path, body, content_type="application/json")

    def put(self, path: str, body):
        return self.http.put(BASE + path, body, content_type="application/json")


def token_for(user) -> str:
    _token, raw = api_token_create(actor=user, name="Fachverfahren")
    return raw


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The factories set a password for every user; Argon2 makes that the slowest part of these
    tests, and no API test logs in with a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_as(db):
    """``api_as(user)``: a client authenticated with a fresh token of that user."""
    return lambda user: ApiClient(token_for(user))


@pytest.fixture
def alice_api(api_as, alice):
    return api_as(alice)


@pytest.fixture
def anonymous_api(db):
    return ApiClient(None)


def german(msgid, **params) -> str:
    """A message of the code base (msgid or lazy text) as the API renders it: German once the
    catalogue has it, until then the English msgid."""
    with translation.override("de"):
        text = gettext(msgid) if isinstance(msgid, str) else str(msgid)
    return text % params if params else text
