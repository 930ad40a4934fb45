from django.core.management.base import BaseCommand

from wegweiser.organisations.models import Kreis
from wegweiser.organisations.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Lädt die mitgelieferten Referenzdaten (Kreise, Einwohnerzahlen); beliebig oft ausführbar."
    )

    def handle(self, *args, **options):
        result = reference_data_load()
        self.stdout.write(
            f"Referenzdaten: {result.kreise_created} Kreise neu, "
            f"{result.kreise_updated} aktualisiert; {result.populations_created} Einwohnerzahlen "
            f"neu, {result.populations_updated} aktualisiert. "
            f"Kreise gesamt: {Kreis.objects.count()}."
        )
