"""Template tags of the volunteers app: the desk section with due checks."""

from __future__ import annotations

from django import template
from django.utils import timezone

from wegweiser.volunteers import rules
from wegweiser.volunteers.selectors import checks_due

register = template.Library()

DESK_LIMIT = 20


@register.inclusion_tag("volunteers/_desk_checks.html")
def volunteers_checks_due(user):
    """Reminders of required checks of the county's volunteers (for those who manage them)."""
    if not rules.can_manage(user):
        return {"show": False}
    reminders = checks_due(user=user)
    return {
        "show": True,
        "reminders": reminders[:DESK_LIMIT],
        "count": len(reminders),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("volunteers/_desk_requests.html")
def volunteers_open_requests(user):
    """Support requests nobody has taken yet (for the coordination, to find a volunteer)."""
    if not rules.can_manage(user):
        return {"show": False}
    from wegweiser.volunteers.selectors_tandems import support_request_list

    today = timezone.localdate()
    pending = support_request_list(user=user, status="open").filter(needed_on__gte=today)
    return {"show": True, "requests": list(pending[:DESK_LIMIT]), "count": pending.count()}
