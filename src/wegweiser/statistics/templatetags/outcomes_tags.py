"""Template helpers of the outcomes page and the links between the pages of the figures."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def outcome_share(cohort, field: str, months: int):
    """The share of ``cohort`` for ``field`` within ``months`` (outcomes.Share)."""
    return cohort.shares[(field, int(months))]


@register.filter
def reads_county_report(user) -> bool:
    """Whether the user may open the annual report of the own county."""
    from wegweiser.statistics import rules

    return rules.is_county_level(user)
