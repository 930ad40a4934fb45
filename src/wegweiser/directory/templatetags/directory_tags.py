"""Template tags of the directory app: the desk section with course places awaiting an answer."""

from __future__ import annotations

from django import template
from django.utils import timezone

from wegweiser.directory.selectors import offers_awaiting_answer

register = template.Library()


@register.inclusion_tag("directory/_desk_offers.html")
def course_offers_pending(user):
    """Offered course places of the user's caseload (a team lead: of the team)."""
    return {"pending": offers_awaiting_answer(user=user), "today": timezone.localdate()}
