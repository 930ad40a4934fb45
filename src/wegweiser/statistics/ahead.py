"""Figures computed ahead, so that no page waits for a computation (``manage.py refresh_figures``).

Pages take their figures from the cache (``figures.from_cache``): a result older than
``WEGWEISER_FIGURES_CACHE_SECONDS`` is still shown while a background thread computes the next
one. Only the first request of a key would wait for the computation, which on a large county
takes up to a second. ``refresh`` computes those keys ahead for the pages that counties and the
state open most: for every county with case files, the dashboard of the current year (county
total, by team, the months, the volunteer programme) and the annual report of this and last
year; for every state with such counties, its dashboard of the current year (by county, the
months, the volunteer programme). Team and manager dashboards are small and computed on demand.

Only what is missing or at least ``max_age`` seconds old is computed, so that a loop every few
minutes costs little while nothing changes in the keys' age."""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Exists, OuterRef
from django.utils import timezone

from wegweiser.statistics import figures, report, selectors, volunteer_figures
from wegweiser.statistics.db import reporting_db
from wegweiser.statistics.figures import Period, Unit, compute


def refresh(*, max_age: float, today: dt.date | None = None, log=None) -> int:
    """Compute ahead what is missing or ``max_age`` seconds old; the number of units visited.
    ``log(text)`` is told each unit and how long it took."""
    from wegweiser.clients.models import Case
    from wegweiser.organisations.models import Kreis

    today = today or timezone.localdate()
    db = reporting_db()
    year = Period.year(today.year)
    counties = list(
        Kreis.objects.filter(Exists(Case.objects.filter(kreis_id=OuterRef("pk"))))
        .order_by("land_id", "name")
        .only("pk", "name", "land_id")
    )
    visited = 0
    with figures.refreshing(max_age):
        for kreis in counties:
            started = time.monotonic()
            unit = Unit("county", kreis.pk)
            compute(unit, year, using=db, cached=True)
            compute(unit, year, group=selectors.SPLITS["county"][0], using=db, cached=True)
            selectors.months_of(unit, year, using=db)
            volunteer_figures.cached(unit, year, None, db)
            for report_year in (today.year, today.year - 1):
                report.report_data(kreis, report_year, using=db, cached=True)
            visited += 1
            if log:
                log(f"{kreis.name}: {time.monotonic() - started:.1f} s")
        for land_id in sorted({kreis.land_id for kreis in counties}):
            started = time.monotonic()
            state = Unit("state", land_id)
            compute(state, year, using=db, cached=True)
            compute(state, year, group="county", using=db, cached=True)
            selectors.months_of(state, year, using=db)
            volunteer_figures.cached(state, year, "county", db)
            visited += 1
            if log:
                log(f"Land {land_id}: {time.monotonic() - started:.1f} s")
    return visited
