"""The outcomes page: cohorts by quarter of arrival for the own county (as they are) and, so that
counties can learn from each other, the same shares for every county of the Land and the state
(suppressed: these figures leave the county)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.organisations.models import Kreis
from wegweiser.statistics import outcomes, rules
from wegweiser.statistics.charts import Series, line_chart
from wegweiser.statistics.figures import Unit

# The horizon compared between counties (the seeds cite Poland: over 60 % in work after 9 months).
COMPARE_MONTHS = 9


def _years(request, today: dt.date) -> int:
    try:
        years = int(request.GET.get("jahre", "3"))
    except ValueError:
        years = 3
    return min(max(years, 1), 8)


def outcomes_page(request):
    user = request.user
    rules.require_view(user)
    today = timezone.localdate()
    years = _years(request, today)
    first = dt.date(today.year - years, 1, 1)
    state = Unit("state", user.land_id)
    if user.is_state_user:
        own_unit, own_name, suppress_own = state, str(user.land), True
    else:
        own_unit, own_name, suppress_own = Unit("county", user.kreis_id), str(user.kreis), False
    own = outcomes.cohorts(own_unit, today=today, first=first, suppress=suppress_own)
    labels = dict(FieldOfAction.choices)
    fields = [(code, labels[code]) for code in outcomes.OUTCOME_FIELDS]
    charts = []
    for code, name in fields:
        series = [
            Series(
                label=_("within %(months)s months") % {"months": months},
                values=[c.shares[(code, months)].percent for c in own],
            )
            for months in outcomes.HORIZONS
        ]
        charts.append(
            {
                "field": name,
                "svg": line_chart(
                    title=_("%(field)s: share of the cohort with the goal reached")
                    % {"field": name},
                    categories=[c.label for c in own],
                    series=series,
                    percent=True,
                    chart_id=f"outcome-{code}",
                ),
            }
        )
    by_county = outcomes.cohorts(state, today=today, first=first, suppress=True, group="county")
    state_rows = outcomes.cohorts(state, today=today, first=first, suppress=True)
    kreise = {k.pk: k for k in Kreis.objects.filter(pk__in=list(by_county))}
    comparison = []
    for kreis_id, cohorts in sorted(by_county.items(), key=lambda i: str(kreise[i[0]])):
        latest = _latest_due(cohorts)
        comparison.append(
            {"kreis": kreise[kreis_id], "cohort": latest, "own": kreis_id == user.kreis_id}
        )
    return render(
        request,
        "statistics/outcomes.html",
        {
            "nav": "figures",
            "own_name": own_name,
            "own": own,
            "suppressed_own": suppress_own,
            "fields": fields,
            "horizons": outcomes.HORIZONS,
            "charts": charts,
            "comparison": comparison,
            "state_latest": _latest_due(state_rows),
            "compare_months": COMPARE_MONTHS,
            "years": years,
            "year_choices": range(1, 9),
        },
    )


def _latest_due(cohorts):
    """The latest cohort whose comparison horizon has passed."""
    due = [c for c in cohorts if c.shares[("work", COMPARE_MONTHS)].due]
    return due[-1] if due else None
