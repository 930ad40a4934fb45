from django import template
from django.utils.translation import gettext as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import language_label

register = template.Library()

_ACTION_LABELS = {
    "clients.client.created": "Person created",
    "clients.client.updated": "Personal data changed",
    "clients.client.viewed": "Person viewed",
    "clients.household.created": "Household created",
    "clients.case.opened": "Case opened",
    "clients.case.updated": "Case changed",
    "clients.case.closed": "Case closed",
    "clients.case.viewed": "Case file opened",
    "clients.case.access_reason_recorded": "Case file opened with a recorded reason",
    "clients.consent.recorded": "Consent recorded",
    "clients.consent.withdrawn": "Consent withdrawn",
    "counselling.session.recorded": "Session recorded",
    "counselling.session.updated": "Session corrected",
    "accounts.user.logged_in": "Logged in",
    "accounts.user.logged_out": "Logged out",
    "accounts.user.created": "User created",
    "accounts.user.updated": "User changed",
    "accounts.user.deactivated": "User deactivated",
    "accounts.user.reactivated": "User reactivated",
    "accounts.user.password_changed": "Password changed",
    "accounts.user.second_factor_added": "Second factor set up",
    "accounts.user.second_factor_removed": "Second factor removed",
    "accounts.api_token.created": "API token created",
    "accounts.api_token.revoked": "API token revoked",
    "audit.log.exported": "Audit log exported",
}


@register.filter
def action_label(code: str) -> str:
    label = _ACTION_LABELS.get(code)
    return _(label) if label else code


@register.filter
def fields_of_action(codes) -> str:
    labels = dict(FieldOfAction.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def languages(codes) -> str:
    return ", ".join(language_label(c) for c in codes or [])


@register.filter
def lang(code) -> str:
    return language_label(code) if code else ""
