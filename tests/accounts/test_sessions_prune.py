"""The daily job deletes expired sessions and the login records left without a session."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from wegweiser.accounts.models import LoginSession


def _session(user, expires_in: dt.timedelta) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.set_expiry(expires_in)
    store.create()
    LoginSession.objects.create(user=user, session_key=store.session_key)
    return store.session_key


def test_daily_prunes_expired_sessions_and_their_records(alice, bob):
    live = _session(alice, dt.timedelta(hours=1))
    _session(bob, dt.timedelta(seconds=-10))  # expired (idle timeout, no logout)
    LoginSession.objects.create(user=bob, session_key="gone-without-a-session")
    out = StringIO()
    call_command("daily", stdout=out)
    assert "Abgelaufene Sitzungen gelöscht: 1; Anmeldeeinträge ohne Sitzung: 2." in out.getvalue()
    assert list(LoginSession.objects.values_list("session_key", flat=True)) == [live]
