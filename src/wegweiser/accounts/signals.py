"""Remember the session keys of a user so that deactivation can end every session at once,
and log logins and failed logins in the audit log."""

from allauth.account.signals import password_changed
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wegweiser.accounts.models import LoginSession
from wegweiser.audit.services import audit_record


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and request.session.session_key:
        LoginSession.objects.get_or_create(user=user, session_key=request.session.session_key)
    audit_record(actor=user, action="accounts.user.logged_in", obj=user)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        audit_record(actor=user, action="accounts.user.logged_out", obj=user)


@receiver(password_changed)
def log_password_change(sender, request, user, **kwargs):
    audit_record(actor=user, action="accounts.user.password_changed", obj=user)


@receiver(authenticator_added)
def log_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit_record(
        actor=user,
        action="accounts.user.second_factor_added",
        obj=user,
        data={"type": authenticator.type},
    )


@receiver(authenticator_removed)
def log_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        actor=user,
        action="accounts.user.second_factor_removed",
        obj=user,
        data={"type": authenticator.type},
    )


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    """A failed login for an existing account is logged on that account (an unknown address is
    not stored: it may be a mistyped password)."""
    from wegweiser.accounts.models import User

    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    if user is not None:
        audit_record(actor=None, action="accounts.user.login_failed", obj=user, kreis=user.kreis)
