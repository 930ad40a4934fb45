"""The daily jobs in one command, for one timer (see docs/betrieb.md): course offers past their
answer date, expired login sessions, retention periods (erasure proposals to confirm), and on
SQLite the query planner's statistics."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wegweiser.accounts.services import sessions_prune
from wegweiser.core.maintenance import refresh_planner_statistics
from wegweiser.dataprotection.services import retention_scan_all
from wegweiser.directory.services import process_all_course_offers


class Command(BaseCommand):
    help = (
        "Tägliche Aufgaben: abgelaufene Platzangebote in Kursen, abgelaufene Anmeldesitzungen, "
        "Aufbewahrungsfristen (Löschvorschläge), bei SQLite die Statistiken der Abfrageplanung."
    )

    def handle(self, *args, **options):
        run = process_all_course_offers()
        self.stdout.write(
            f"Kurse geprüft: {run.courses}; abgelaufene Platzangebote: {run.expired}; "
            f"neu angebotene Plätze: {run.offered}."
        )
        sessions, records = sessions_prune()
        self.stdout.write(
            f"Abgelaufene Sitzungen gelöscht: {sessions}; Anmeldeeinträge ohne Sitzung: {records}."
        )
        proposals = retention_scan_all()
        self.stdout.write(
            f"Aufbewahrungsfristen geprüft in {len(proposals)} Kreisen; neue Löschvorschläge: "
            f"{sum(proposals.values())} (Bestätigung unter /datenschutz/loeschung/)."
        )
        if refresh_planner_statistics():
            self.stdout.write("Statistiken der Abfrageplanung aktualisiert (SQLite).")
