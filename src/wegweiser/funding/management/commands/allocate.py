"""``manage.py allocate``: the allocation for the state's statisticians, same code path as the UI.

    python manage.py allocate --budget 8000000 --basis einwohner.csv --round euro

prints ``ags,amount`` as CSV on stdout; problems go to stderr in German with a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from wegweiser.funding.allocation import UNITS, AllocationError, Rule, allocate
from wegweiser.funding.basis import BasisError, normalize_ags, parse_basis, read_table
from wegweiser.organisations.models import Kreis, Land

# The first two digits of an AGS are the Land.
LAND_BY_PREFIX = {"06": "HE", "08": "BW"}
BASIS = "value"


def amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Verteilt ein Budget nach einer Basisdatei (Spalten ags,value; CSV oder XLSX) auf die "
        "Kreise eines Landes und gibt ags,amount als CSV aus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--budget", type=amount, required=True, help="Budget in EUR")
        parser.add_argument("--basis", type=Path, required=True, help="CSV/XLSX mit ags,value")
        parser.add_argument("--round", choices=sorted(UNITS), default="euro", dest="rounding")
        parser.add_argument("--land", help="BW, HE …; sonst aus den ersten Ziffern der AGS")
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="Stichtag für die gültigen Kreise (JJJJ-MM-TT, Standard: heute)",
        )
        parser.add_argument("--partial", action="store_true", help="nicht alle Kreise nötig")
        parser.add_argument("--floor", type=amount, help="Mindestbetrag je Kreis")
        parser.add_argument("--cap", type=amount, help="Höchstbetrag je Kreis")
        parser.add_argument("--previous", type=Path, help="Vorjahresbeträge (ags,value)")
        parser.add_argument("--max-change", type=amount, help="z. B. 0.1 für ±10 %%")
        parser.add_argument(
            "--flat-per-body", type=amount, default=Decimal(0), help="Sockelbetrag je Kreis"
        )

    def handle(self, *args, **options):
        with translation.override("de"):
            try:
                lines = self._run(options)
            except BasisError as error:
                raise CommandError("\n".join(error.messages)) from None
            except AllocationError as error:
                raise CommandError(error.user_message()) from None
        self.stdout.write("\n".join(lines))

    def _run(self, options) -> list[str]:
        day = options["date"] or dt.date.today()
        basis_path: Path = options["basis"]
        data = self._read(basis_path)
        land = options["land"] or self._land_of(data, basis_path.name)
        if not Land.objects.filter(code=land).exists():
            raise CommandError(_("Unknown state %(land)s.") % {"land": land})
        known = set(
            Kreis.objects.filter(land__code=land).valid_on(day).values_list("ags", flat=True)
        )
        if not known:
            raise CommandError(
                _("No counties of %(land)s are valid on %(date)s; load the reference data.")
                % {"land": land, "date": day.isoformat()}
            )
        basis = parse_basis(
            data, known_ags=known, partial=options["partial"], filename=basis_path.name
        )
        previous = None
        if options["previous"] is not None:
            previous = parse_basis(
                self._read(options["previous"]),
                known_ags=known,
                partial=True,
                filename=options["previous"].name,
            ).values
        rule = Rule(
            budget=options["budget"],
            rounding=options["rounding"],
            weights={BASIS: Decimal(1)},
            flat_per_body=options["flat_per_body"],
            floor=options["floor"],
            cap=options["cap"],
            max_change=options["max_change"],
        )
        result = allocate(rule, {BASIS: basis.values}, previous=previous)
        if options["verbosity"] >= 2:
            for step in result.trace:
                self.stderr.write(step)
        return ["ags,amount", *(f"{ags},{amount:f}" for ags, amount in result.amounts.items())]

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(name)s cannot be read: %(error)s")
                % {"name": str(path), "error": error.strerror or error}
            ) from None

    def _land_of(self, data: bytes, filename: str) -> str:
        """The Land of the first county key of the file (``08`` BW, ``06`` HE)."""
        for row in read_table(data, filename=filename).rows:
            ags = normalize_ags(row.ags)
            if ags:
                land = LAND_BY_PREFIX.get(ags[:2])
                if land is None:
                    break
                return land
        raise CommandError(
            _("The state cannot be derived from the county keys; please give --land.")
        )
