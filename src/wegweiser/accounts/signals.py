"""Remember the session keys of a user so that deactivation can end every session at once,
and log logins and failed logins in the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
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
