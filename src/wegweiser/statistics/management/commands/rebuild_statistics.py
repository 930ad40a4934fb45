"""Rebuild the rollups of the key figures from the sessions (after an upgrade, a bulk import or
a repair). The services keep them current on every write; this is never needed day to day."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from wegweiser.organisations.models import Kreis
from wegweiser.statistics import outcomes, rollups
from wegweiser.statistics.models import ContactMonth


class Command(BaseCommand):
    help = "Baut die Zwischensummen der Kennzahlen aus den Beratungsgesprächen neu auf."

    def add_arguments(self, parser):
        parser.add_argument("--kreis", help="Nur dieser Kreis (amtlicher Schlüssel, AGS)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nur, wenn noch keine Zwischensummen vorhanden sind (für make run).",
        )

    def handle(self, *args, kreis=None, if_empty=False, **options):
        if if_empty and ContactMonth.objects.exists():
            return
        target = None
        if kreis:
            target = Kreis.objects.filter(ags=kreis).first()
            if target is None:
                raise CommandError(f"Unbekannter Kreis: {kreis}")
        count = rollups.rebuild(target)
        persons = outcomes.rebuild(target)
        self.stdout.write(
            f"Kennzahlen neu aufgebaut: {count} Fallakten, {persons} Personen mit Einreisedatum."
        )
