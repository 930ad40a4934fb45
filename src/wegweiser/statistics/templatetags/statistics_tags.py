"""Template helpers of the key figures: whether the main navigation shows them."""

from __future__ import annotations

from django import template

from wegweiser.statistics import rules

register = template.Library()


@register.filter
def can_view_figures(user) -> bool:
    """Whether the main navigation shows "Kennzahlen" (same rule as the views)."""
    return rules.can_view(user)
