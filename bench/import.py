"""Import of a large case list (issue 10: 100,000 rows in under 2 minutes), in-process against
the configured database, DEBUG off (see bench/_load_env.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench .venv/bin/python bench/import.py
    .venv/bin/python bench/import.py --rows 100000 --format xlsx --runs 3

A deterministic, seeded file of persons with households and case files is written as German
counties keep them (CSV: Windows-1252 is impossible for names in Arabic or Cyrillic script, so
UTF-8 with BOM and ";"; XLSX: a title row above the table, dates as date cells), into the county
of the database with the most persons (its existing persons take part in the duplicate check).
Measured per run: reading the file (``readers.read_table``), the dry run (``importer.check``)
and the import (``importer.run``, one transaction). Each run rolls back at the end (the database
stays as generated), so the runs are alike; the commit of the import is part of its time only
with ``--commit`` (one run, kept). Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_env  # noqa: E402

HEADERS = [
    "Lfd. Nr.",
    "Haushalt",
    "Vorname",
    "Nachname",
    "Geburtsdatum",
    "Geschlecht",
    "Staatsangehörigkeit",
    "Sprachen",
    "Aufenthaltsstatus",
    "Einreise",
    "Beratungsbeginn",
    "Telefon",
]


class _Rollback(Exception):
    pass


def _rows(count: int, seed: int) -> list[list]:
    from _gen_vocab import GROUPS

    rng = random.Random(seed)
    weights = [g[0] for g in GROUPS]
    rows = []
    household = 0
    left_in_household = 0
    for index in range(count):
        group = rng.choices(GROUPS, weights)[0]
        _w, nationality, languages, _interp, male, female, family, _statuses = group[:8]
        female_person = rng.random() < 0.5
        given = rng.choice(female if female_person else male)
        if left_in_household <= 0:
            household += 1
            left_in_household = rng.choice([1, 1, 2, 3, 4, 5])
            family_name = rng.choice(family)
        left_in_household -= 1
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 70))
        opened = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 6))
        rows.append(
            [
                f"X-{index + 1:06d}",
                f"H-{household:06d}",
                given,
                family_name,
                born,
                "weiblich" if female_person else "männlich",
                nationality,
                ", ".join(languages),
                "Duldung" if rng.random() < 0.1 else "unbekannt",
                opened - dt.timedelta(days=rng.randrange(30, 900)),
                opened,
                f"0151 {rng.randrange(1000000, 9999999)}",
            ]
        )
    return rows


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Fallliste")
    sheet.append(["Fallliste Integrationsmanagement (synthetisch)"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--commit", action="store_true", help="one run, kept in the database")
    args = parser.parse_args()
    _load_env.setup()
    info = _load_env.machine()

    from django.db import connection, transaction
    from django.db.models import Count

    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import Role
    from wegweiser.clients.models import Client
    from wegweiser.transfer import importer, readers
    from wegweiser.transfer.fields import guess_mapping
    from wegweiser.transfer.models import ImportJob, ImportKind

    top = Client.objects.values("kreis_id").annotate(n=Count("pk")).order_by("-n").first()
    if top is None:
        sys.exit("Keine Personen in der Datenbank: zuerst bench/generate.py ausführen.")
    kreis_id = top["kreis_id"]
    responsible = (
        User.objects.filter(kreis_id=kreis_id, role=Role.INTEGRATION_MANAGER, is_active=True)
        .order_by("pk")
        .first()
    )
    admin = User.objects.filter(kreis_id=kreis_id, role=Role.COUNTY_ADMIN).order_by("pk").first()
    if admin is None:
        sys.exit("Keine Kreisadministration im Kreis der Daten gefunden.")

    started = time.perf_counter()
    rows = _rows(args.rows, args.seed)
    data = _csv(rows) if args.format == "csv" else _xlsx(rows)
    file_name = f"fallliste.{args.format}"
    made = time.perf_counter() - started
    print(
        f"Datei: {args.rows} Zeilen, {len(data) / 1e6:.1f} MB {args.format}, erzeugt in "
        f"{made:.1f} s; Kreis {kreis_id} mit {top['n']} Personen; {connection.vendor}"
    )

    timings: dict[str, list[float]] = {"read": [], "check": [], "run": [], "total": []}
    runs = 1 if args.commit else args.runs
    for number in range(runs):
        t0 = time.perf_counter()
        table = readers.read_table(data, file_name)
        t1 = time.perf_counter()
        job = ImportJob(
            kreis_id=kreis_id,
            kind=ImportKind.PERSONS,
            created_by=admin,
            file_name=file_name,
            file_sha256="bench",
            file_size=len(data),
            mapping=guess_mapping(ImportKind.PERSONS, table.headers),
            default_responsible=responsible,
            skip_refused=True,
        )
        report = importer.check(job, table)
        t2 = time.perf_counter()
        duplicates = {str(m.row): "new" for m in report.messages if m.level == "duplicate"}
        job.decisions = duplicates
        try:
            with transaction.atomic():
                job.save()
                result = importer.run(job, table)
                t3 = time.perf_counter()
                if not args.commit:
                    raise _Rollback
        except _Rollback:
            pass
        total = t3 - t0
        for key, value in (
            ("read", t1 - t0),
            ("check", t2 - t1),
            ("run", t3 - t2),
            ("total", total),
        ):
            timings[key].append(value)
        created = result.get("create", {})
        print(
            f"  Lauf {number + 1}: lesen {t1 - t0:.1f} s, Probelauf {t2 - t1:.1f} s, "
            f"Import {t3 - t2:.1f} s, zusammen {total:.1f} s; "
            f"{report.summary.get('refused_rows')} abgelehnt, {len(duplicates)} Dubletten; "
            f"angelegt {created}"
        )
    med = {k: statistics.median(v) for k, v in timings.items()}
    print()
    _load_env.print_machine(info)

    def de(value: float) -> str:
        return f"{value:.1f}".replace(".", ",")

    rows = f"{args.rows:,}".replace(",", ".")
    print(
        f"| {rows} Personen ({args.format}, {connection.vendor}) | {de(med['read'])} | "
        f"{de(med['check'])} | {de(med['run'])} | {de(med['total'])} | ≤ 120 | "
        f"{'erfüllt' if med['total'] <= 120 else 'verfehlt'} |"
    )


if __name__ == "__main__":
    main()
