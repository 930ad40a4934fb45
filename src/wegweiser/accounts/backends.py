"""The login backend: allauth's, loading the user's Kreis with the user (one query per request
instead of two; nearly every page needs the Kreis), with SQL compiled once (core.prepared)."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model

from wegweiser.core.prepared import PreparedRead


def _user_with_kreis(pk):
    return get_user_model()._default_manager.select_related("kreis").filter(pk=pk).order_by()


_USER_WITH_KREIS = PreparedRead(_user_with_kreis, pk=get_user_model()._meta.pk)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        try:
            found = _USER_WITH_KREIS.fetch(pk=user_id)
        except (TypeError, ValueError):
            return None  # not an id at all: nobody
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
