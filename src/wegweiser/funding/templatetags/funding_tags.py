"""Template helpers of the funding administration."""

from __future__ import annotations

from django import template

from wegweiser.funding import rules

register = template.Library()


@register.filter
def can_view_funding(user) -> bool:
    """Whether the main navigation shows "Förderung" (same rule as the views)."""
    return rules.can_view(user)
