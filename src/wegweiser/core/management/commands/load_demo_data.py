"""Load the demo data for Landkreis Sigmaringen (see wegweiser.core.demo); idempotent."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wegweiser.core.demo import (
    DEMO_CLIENTS,
    DEMO_SEED,
    DemoDataError,
    DemoLogin,
    demo_data_load,
)

COLUMNS = (
    ("Rolle", "role_label"),
    ("E-Mail", "email"),
    ("Passwort", "password"),
    ("TOTP-Schlüssel", "totp_secret"),
    ("Wiederherstellungscode", "recovery_code"),
    ("Organisation / Team", "placement"),
)


def login_table(logins: list[DemoLogin]) -> str:
    rows = [[title for title, _attr in COLUMNS]]
    rows += [[str(getattr(login, attr)) for _title, attr in COLUMNS] for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Lädt Demo-Daten für den Landkreis Sigmaringen: Organisationen, je Rolle eine Anmeldung "
        "mit eingerichtetem zweiten Faktor, Personen in Haushalten und zwei Jahre "
        "Beratungsgespräche. Beliebig oft ausführbar; ein zweiter Lauf legt nichts neu an. "
        "Setzt 'load_reference_data' voraus. Nur für Entwicklung und Vorführung."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients",
            type=int,
            default=DEMO_CLIENTS,
            help=f"Anzahl der Personen (Vorgabe {DEMO_CLIENTS}); 0 legt nur Organisationen und "
            "Anmeldungen an.",
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help=_seed_help())
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch ohne DEBUG laden (etwa auf einem Vorführ-Server). Die Demo-Anmeldungen "
            "haben ein bekanntes Passwort und bekannte TOTP-Schlüssel: niemals in einer "
            "Produktivdatenbank verwenden.",
        )

    def handle(self, *args, clients: int, seed: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo-Daten werden nur mit WEGWEISER_DEBUG=1 geladen (oder mit --force auf "
                "einem Vorführ-Server, nie im Betrieb): die Demo-Anmeldungen haben ein bekanntes "
                "Passwort."
            )
        if clients < 0:
            raise CommandError("--clients darf nicht negativ sein.")
        started = time.monotonic()
        try:
            result = demo_data_load(clients=clients, seed=seed)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        out = self.stdout
        if result.clients_skipped:
            out.write(
                "Im Landkreis Sigmaringen sind bereits Personen erfasst: es werden keine "
                "Demo-Personen angelegt (nur Organisationen und Anmeldungen geprüft)."
            )
        else:
            out.write(
                f"Demo-Daten angelegt: {result.households} Haushalte, {result.clients} Personen, "
                f"{result.cases} Fallakten (davon {result.closed_cases} abgeschlossen), "
                f"{result.consents} Einwilligungen, {result.sessions} Beratungsgespräche, "
                f"{result.goals} Ziele, {result.referrals} Verweisungen."
            )
        if result.volunteers:
            v = result.volunteers
            out.write(
                f"Ehrenamt: {v['volunteers']} Ehrenamtliche, {v['tandems']} Tandems, "
                f"{v['requests']} Unterstützungsanfragen, {v['groups']} Mentoring-Gruppen, "
                f"{v['events']} Fortbildungen."
            )
        out.write(
            f"Organisationen, Teams, Gemeinden neu: {result.created_structure}; Anmeldungen neu: "
            f"{result.created_users}; zweite Faktoren neu: {result.created_authenticators}; "
            f"Förderprogramme neu: {result.programmes}. Dauer: {seconds:.1f} s."
        )
        out.write("")
        out.write("Demo-Anmeldungen (alle mit demselben Passwort):")
        out.write(login_table(result.logins))
        out.write("")
        out.write(
            "Den TOTP-Schlüssel in einer Authenticator-App (z. B. FreeOTP, Aegis) als "
            "zeitbasierten Schlüssel hinzufügen. Jeder Wiederherstellungscode gilt nur einmal."
        )
        out.write("Aktuellen Code anzeigen: .venv/bin/python manage.py demo_totp_code <email>")


def _seed_help() -> str:
    return f"Startwert des Zufallsgenerators (Vorgabe {DEMO_SEED}); gleiche Werte, gleiche Daten."
