"""Daily job: offers of freed course places past their answer date expire, and free places are
offered to the next person on the waiting list (see docs/betrieb.md for the timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wegweiser.directory.services import process_all_course_offers


class Command(BaseCommand):
    help = (
        "Lässt angebotene Kursplätze nach Ablauf der Antwortfrist verfallen und bietet freie "
        "Plätze der nächsten Person auf der Warteliste an (täglich ausführen)."
    )

    def handle(self, *args, **options):
        run = process_all_course_offers()
        self.stdout.write(
            f"Kurse geprüft: {run.courses}; abgelaufene Platzangebote: {run.expired}; "
            f"neu angebotene Plätze: {run.offered}."
        )
