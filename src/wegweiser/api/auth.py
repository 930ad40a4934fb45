"""Personal API tokens: ``Authorization: Bearer <token>`` (no sessions, hence no CSRF)."""

from __future__ import annotations

from ninja.security import HttpBearer

from wegweiser.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """The active user behind a valid, unrevoked token; anything else answers 401."""

    def authenticate(self, request, token: str):
        return api_token_authenticate(token.strip())
