"""``manage.py rotate_field_keys``: re-encrypt every encrypted field value with the newest key.

After a new key has been put first in ``WEGWEISER_FIELD_KEYS`` (and the application restarted),
this command brings every stored value of every ``EncryptedTextField`` to that key, so that the old
key can then be removed. It touches only the encrypted column (no ``save()``, so ``updated_at``,
versions, rollups and per-object audit entries stay as they are), works in batches with the rows
locked, and is idempotent. Before changing anything it checks that every stored key version is
still configured; if not, it refuses and changes nothing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Cast, Left, StrIndex

from wegweiser.audit.services import audit_record
from wegweiser.core.crypto import (
    EncryptedTextField,
    encrypt,
    key_version,
    keyring,
    needs_rotation,
    reencrypt,
)

DEFAULT_BATCH_SIZE = 500
# Rows per UPDATE statement: keeps the number of query parameters below every database's limit.
WRITE_CHUNK = 250
RAW = "_ww_stored"
VERSION = "_ww_key_version"
COLON = "_ww_colon"
# A key version as an operator writes it; anything else is not echoed (it could be plaintext).
PRINTABLE_VERSION = re.compile(r"[A-Za-z0-9._-]{1,32}")


@dataclass
class FieldReport:
    label: str
    current: int = 0
    rotated: int = 0
    by_version: dict[str, int] = field(default_factory=dict)

    @property
    def stale(self) -> int:
        return sum(self.by_version.values())


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete EncryptedTextField of every installed, managed model."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        found += [
            (model, f) for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)
        ]
    return found


def stored_values(model: type[models.Model], model_field: models.Field) -> models.QuerySet:
    """The model's non-empty stored (still encrypted) values as the annotation ``RAW``.

    The cast to a plain text field bypasses ``from_db_value``; lookups on the annotation do not
    go through the encrypting ``get_prep_value``.
    """
    return (
        model._base_manager.annotate(**{RAW: Cast(F(model_field.attname), models.TextField())})
        .filter(**{f"{RAW}__isnull": False})
        .exclude(**{RAW: ""})
    )


def _version_label(version: str) -> str:
    if PRINTABLE_VERSION.fullmatch(version):
        return f"„{version}“"
    return "(ohne erkennbare Schlüsselversion)"


class Command(BaseCommand):
    help = (
        "Verschlüsselt alle gespeicherten Werte verschlüsselter Felder (vertrauliche Notizen) mit "
        "dem neuesten Schlüssel, dem ersten Eintrag von WEGWEISER_FIELD_KEYS, neu. Ändert nur "
        "diese Spalten, arbeitet in Stapeln und ist beliebig oft ausführbar. Bricht ohne Änderung "
        "ab, wenn ein gespeicherter Wert einen Schlüssel verwendet, der nicht mehr eingetragen ist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur zählen, nichts ändern und nichts protokollieren.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Zeilen je Transaktion (Vorgabe {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size muss mindestens 1 sein.")
        try:
            newest, ring = keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        reports = [
            self._survey(model, model_field, newest) for model, model_field in encrypted_fields()
        ]
        self._refuse_unknown(reports, known=set(ring), newest=newest)
        unknown = second_factor_versions() - set(ring)
        if unknown:
            raise CommandError(
                "Schlüsselwechsel abgebrochen, nichts wurde geändert: zweite Faktoren sind mit "
                f"Schlüssel(n) {', '.join(sorted(unknown))} verschlüsselt, die in "
                "WEGWEISER_FIELD_KEYS fehlen. Bitte den alten Schlüssel wieder eintragen."
            )

        out = self.stdout
        if dry_run:
            out.write(f"Probelauf, es wird nichts geändert. Neuester Schlüssel: {newest}.")
            for report in reports:
                out.write(
                    f"  {report.label}: {report.stale} neu zu verschlüsseln, "
                    f"{report.current} bereits aktuell"
                )
            return

        for (model, model_field), report in zip(encrypted_fields(), reports, strict=True):
            if report.stale:
                report.rotated = self._rotate(model, model_field, newest, batch_size)
        second_factors = rotate_second_factors()
        seconds = time.monotonic() - started
        audit_record(
            actor=None,
            action="core.keys.rotated",
            kreis=None,
            data={
                "key_version": newest,
                "fields": {
                    r.label: {
                        "reencrypted": r.rotated,
                        "current": r.current,
                        "previous_versions": r.by_version,
                    }
                    for r in reports
                },
                "second_factors": second_factors,
            },
        )
        out.write(f"Schlüsselwechsel auf Version {newest}:")
        for report in reports:
            out.write(
                f"  {report.label}: {report.rotated} neu verschlüsselt, "
                f"{report.current} bereits aktuell"
            )
        out.write(
            f"  Zweite Faktoren (TOTP, Wiederherstellungscodes): {second_factors} neu verschlüsselt"
        )
        if not reports:
            out.write("  Keine verschlüsselten Felder gefunden.")
        out.write(f"Dauer: {seconds:.1f} s. Im Protokoll vermerkt (core.keys.rotated).")

    def _survey(self, model, model_field, newest: str) -> FieldReport:
        """Count the stored values per key version with one aggregate query."""
        report = FieldReport(label=f"{model._meta.label}.{model_field.name}")
        rows = (
            stored_values(model, model_field)
            .annotate(**{COLON: StrIndex(RAW, Value(":"))})
            .annotate(
                **{
                    VERSION: Case(
                        When(**{f"{COLON}__lt": 2}, then=Value("")),
                        default=Left(RAW, F(COLON) - 1),
                        output_field=models.TextField(),
                    )
                }
            )
            .order_by()
            .values(VERSION)
            .annotate(n=Count("pk"))
            .values_list(VERSION, "n")
        )
        for version, count in rows:
            if version == newest:
                report.current += count
            else:
                report.by_version[version or ""] = report.by_version.get(version or "", 0) + count
        return report

    def _refuse_unknown(self, reports: list[FieldReport], *, known: set[str], newest: str):
        problems = [
            f"{report.label}: {count} Werte mit Schlüssel {_version_label(version)}"
            for report in reports
            for version, count in sorted(report.by_version.items())
            if version not in known
        ]
        if problems:
            raise CommandError(
                "Schlüsselwechsel abgebrochen, nichts wurde geändert: gespeicherte Werte verwenden "
                "Schlüssel, die in WEGWEISER_FIELD_KEYS fehlen – "
                + "; ".join(problems)
                + f". Den fehlenden Schlüssel wieder hinter dem neuesten ({newest}) eintragen, die "
                "Anwendung neu starten und den Befehl erneut ausführen."
            )

    def _rotate(self, model, model_field, newest: str, batch_size: int) -> int:
        """Re-encrypt the stale values in batches (keyset pagination by pk), each batch locked
        and written in its own transaction, touching only the encrypted column."""
        pk_name = model._meta.pk.attname
        column = model_field.attname
        stale = stored_values(model, model_field).exclude(**{f"{RAW}__startswith": f"{newest}:"})
        rotated = 0
        last_pk = None
        while True:
            with transaction.atomic():
                batch = stale if last_pk is None else stale.filter(**{f"{pk_name}__gt": last_pk})
                rows = list(
                    batch.select_for_update()
                    .order_by(pk_name)
                    .values_list(pk_name, RAW)[:batch_size]
                )
                if not rows:
                    return rotated
                last_pk = rows[-1][0]
                try:
                    fresh = [(pk, reencrypt(stored)) for pk, stored in rows]
                except ImproperlyConfigured as exc:
                    # A value written after the check with a key that is not configured.
                    raise CommandError(
                        f"{model._meta.label}.{model_field.name}: {exc} Dieser Stapel wurde nicht "
                        f"geändert; bisher neu verschlüsselt: {rotated}."
                    ) from exc
                for start in range(0, len(fresh), WRITE_CHUNK):
                    chunk = fresh[start : start + WRITE_CHUNK]
                    # Plain text expressions: the stored strings are written as they are, not
                    # through the field (which would encrypt them a second time).
                    pks = [pk for pk, _ in chunk]
                    new_values = Case(
                        *(
                            When(**{pk_name: pk}, then=Value(value, models.TextField()))
                            for pk, value in chunk
                        ),
                        output_field=models.TextField(),
                    )
                    model._base_manager.filter(**{f"{pk_name}__in": pks}).update(
                        **{column: new_values}
                    )
                rotated += len(fresh)


SECRET_KEYS = ("secret", "seed")


def rotate_second_factors() -> int:
    """Encrypt the secrets of the second factors (allauth ``Authenticator.data``) with the newest
    key, including values stored before they were encrypted at all; returns how many changed."""
    from allauth.mfa.models import Authenticator

    from wegweiser.accounts.mfa_adapter import is_encrypted

    changed = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            data = dict(authenticator.data or {})
            touched = False
            for key in SECRET_KEYS:
                value = data.get(key)
                if not isinstance(value, str) or not value:
                    continue
                if not is_encrypted(value):
                    data[key] = encrypt(value)
                    touched = True
                elif needs_rotation(value):
                    data[key] = reencrypt(value)
                    touched = True
            if touched:
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                changed += 1
    return changed


def second_factor_versions() -> set[str]:
    """Key versions of the encrypted second-factor secrets (before anything is changed)."""
    from allauth.mfa.models import Authenticator

    from wegweiser.accounts.mfa_adapter import is_encrypted

    versions = set()
    for data in Authenticator.objects.values_list("data", flat=True):
        for key in SECRET_KEYS:
            value = (data or {}).get(key)
            if isinstance(value, str) and is_encrypted(value):
                versions.add(key_version(value))
    return versions
