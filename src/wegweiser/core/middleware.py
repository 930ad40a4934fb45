"""Request context, deny-by-default login, idle timeout and second-factor enforcement."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.middleware import get_user
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from wegweiser.core.context import reset_current_ip, set_current_ip

# Paths a user who must still set up the second factor may use (login, logout, 2FA set-up).
MFA_SETUP_PREFIXES = (
    "/konto/login/",
    "/konto/logout/",
    "/konto/inactive/",
    "/konto/reauthenticate/",
    "/konto/2fa/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/api/",
)


def client_ip(request) -> str | None:
    """The client's address. Behind reverse proxies listed in WEGWEISER_TRUSTED_PROXIES the
    right-most address in X-Forwarded-For that is not one of them; never a client-chosen value."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.WEGWEISER_TRUSTED_PROXIES
    if remote in trusted:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_current_ip(token)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Deny by default: every view needs a logged-in user unless marked ``@login_not_required``
    (allauth's login views, /healthz). The API authenticates with its own tokens and answers
    401 as JSON, so it is left to the API."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        return super().handle_no_permission(request, view_func)


# How often a busy session is written back to push its expiry on, and how long a found second
# factor is trusted before it is looked up again (one write and one query saved per request).
REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """End the session after the Kreis's idle timeout (default 30 minutes) without a request.

    The expiry is pushed on at most once a minute (a session write per request would double the
    cost of a page), so a session ends between ``timeout - 1 minute`` and ``timeout`` after the
    last request; a changed timeout of the Kreis applies at the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user is loaded here on every request anyway; from here on views, rules and
        # templates get the user object itself rather than the lazy proxy of the authentication
        # middleware, which forwards each of a page's hundred attribute reads.
        user = request.user = get_user(request)
        if user.is_authenticated:
            minutes = settings.WEGWEISER_IDLE_TIMEOUT_MINUTES
            if user.kreis_id:
                minutes = user.kreis.idle_timeout_minutes or minutes
            now = int(time.time())
            stamp = request.session.get("ww_idle")
            if not stamp or stamp[1] != minutes or now - stamp[0] >= REFRESH_SECONDS:
                request.session.set_expiry(minutes * 60)
                request.session["ww_idle"] = [now, minutes]
        return self.get_response(request)


class MfaEnforcementMiddleware:
    """Where the Kreis enforces a second factor, users of case-file roles must set one up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_SETUP_PREFIXES)
            and user.needs_mfa
            and not _has_totp_recently(request)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp_recently(request) -> bool:
    """Whether the user has a TOTP factor; a positive answer is trusted for a minute."""
    now = int(time.time())
    if now - request.session.get("ww_mfa", 0) < REFRESH_SECONDS:
        return True
    if not _has_totp(request.user):
        return False
    request.session["ww_mfa"] = now
    return True


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class NoStoreMiddleware:
    """Pages shown to a logged-in user hold personal data: neither the browser nor a proxy may
    keep a copy (``Cache-Control: no-store``), unless the view set its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
