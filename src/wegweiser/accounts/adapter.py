import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context


class AccountAdapter(DefaultAccountAdapter):
    """No self-service sign-up: county administrators create users."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        # One notion of the client address for throttling and the audit log.
        from django.core.exceptions import PermissionDenied

        from wegweiser.core.middleware import client_ip

        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Managing the second factor right after the login (the county enforces its set-up
        # before any case work) needs no second password prompt: the password was just given.
        # Sensitive actions of Wegweiser itself (role changes, exports, tokens) always ask again.
        request = getattr(context, "request", None)
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if (
                records
                and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
