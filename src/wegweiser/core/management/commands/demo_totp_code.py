"""Print the current TOTP code of a demo login (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wegweiser.accounts.models import User
from wegweiser.core.demo import DEMO_DOMAIN, DemoDataError, current_totp_code, is_demo_email


class Command(BaseCommand):
    help = (
        "Zeigt den aktuellen sechsstelligen Code des zweiten Faktors einer Demo-Anmeldung "
        f"(@{DEMO_DOMAIN}). Nur mit WEGWEISER_DEBUG=1."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help=f"E-Mail-Adresse der Demo-Anmeldung (@{DEMO_DOMAIN})")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("Nur in der Entwicklung verfügbar (WEGWEISER_DEBUG=1).")
        if not is_demo_email(email):
            raise CommandError(f"Nur für Demo-Anmeldungen (@{DEMO_DOMAIN}).")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(
                "Keine Demo-Anmeldung mit dieser Adresse (load_demo_data ausführen)."
            )
        try:
            code, remaining = current_totp_code(user)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(code)
        self.stderr.write(f"(noch {remaining} s gültig)")
