"""Loading the shipped reference data (Kreise and inhabitants), idempotently."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from wegweiser.organisations.models import Kreis, Land, Population

DATA_DIR = Path(__file__).resolve().parent / "data"
LAENDER = {"BW": "Baden-Württemberg", "HE": "Hessen"}


@dataclass
class LoadResult:
    kreise_created: int = 0
    kreise_updated: int = 0
    populations_created: int = 0
    populations_updated: int = 0


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    result = LoadResult()
    laender = {}
    for code, name in LAENDER.items():
        laender[code], _ = Land.objects.update_or_create(code=code, defaults={"name": name})
    with (data_dir / "kreise.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            land = laender.get(row["land"])
            if land is None:
                land, _ = Land.objects.get_or_create(
                    code=row["land"], defaults={"name": row["land"]}
                )
                laender[row["land"]] = land
            _, created = Kreis.objects.update_or_create(
                ags=row["ags"],
                defaults={
                    "land": land,
                    "name": row["name"],
                    "short_name": row["name_kurz"],
                    "kind": row["art"],
                    "region": row["regierungsbezirk"],
                    "valid_from": _date(row["gueltig_ab"]),
                    "valid_to": _date(row["gueltig_bis"]),
                },
            )
            if created:
                result.kreise_created += 1
            else:
                result.kreise_updated += 1
    kreise = {k.ags: k for k in Kreis.objects.all()}
    with (data_dir / "einwohner.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kreis = kreise[row["ags"]]
            _, created = Population.objects.update_or_create(
                kreis=kreis,
                reference_date=dt.date.fromisoformat(row["stichtag"]),
                defaults={
                    "ags": row["ags"],
                    "inhabitants": int(row["einwohner"]),
                    "source": row["quelle"],
                },
            )
            if created:
                result.populations_created += 1
            else:
                result.populations_updated += 1
    return result
