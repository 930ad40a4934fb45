"""Template helper of the outcomes page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def outcome_share(cohort, field: str, months: int):
    """The share of ``cohort`` for ``field`` within ``months`` (outcomes.Share)."""
    return cohort.shares[(field, int(months))]
