"""Template tags of the referrals app: the desk section with overdue follow-ups."""

from __future__ import annotations

from django import template
from django.utils import timezone

from wegweiser.referrals.selectors import overdue_follow_ups

register = template.Library()


@register.inclusion_tag("referrals/_desk_overdue.html")
def referrals_overdue(user):
    """Overdue follow-ups of the user's caseload (a team lead: of the team)."""
    return {
        "overdue": overdue_follow_ups(user=user),
        "today": timezone.localdate(),
        "user": user,
    }
