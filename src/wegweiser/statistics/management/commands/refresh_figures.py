"""Compute the figures of the counties' and the state's pages ahead (``statistics.ahead``), so that
no dashboard or annual report waits for a computation.

    python manage.py refresh_figures                   # once: what is missing or an hour old
    python manage.py refresh_figures --loop            # keep at it (systemd service, see
                                                       # docs/betrieb.md)
    python manage.py refresh_figures --max-age 0       # everything afresh
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wegweiser.statistics import ahead


class Command(BaseCommand):
    help = "Computes the figures of the county and state pages ahead (dashboards, annual reports)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=float,
            default=3600.0,
            help="recompute what is at least this many seconds old (default 3600; 0: everything)",
        )
        parser.add_argument("--loop", action="store_true", help="repeat every --interval seconds")
        parser.add_argument("--interval", type=float, default=300.0)

    def handle(self, *args, max_age=3600.0, loop=False, interval=300.0, **options):
        if not settings.WEGWEISER_FIGURES_CACHE_SECONDS:
            raise CommandError(
                "WEGWEISER_FIGURES_CACHE_SECONDS ist 0: die Seiten berechnen ihre Kennzahlen bei "
                "jedem Aufruf, es gibt nichts vorauszuberechnen."
            )
        if max_age < 0 or interval <= 0:
            raise CommandError("--max-age darf nicht negativ und --interval muss positiv sein.")
        verbose = options.get("verbosity", 1) > 1
        while True:
            started = time.monotonic()
            units = ahead.refresh(max_age=max_age, log=self.stdout.write if verbose else None)
            self.stdout.write(
                f"Kennzahlen von {units} Einheit(en) geprüft und wo nötig neu berechnet "
                f"({time.monotonic() - started:.1f} s)."
            )
            if not loop:
                return
            time.sleep(interval)
