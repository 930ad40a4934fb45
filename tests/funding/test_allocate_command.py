"""``manage.py allocate``: the allocation for the statisticians, from a file to CSV on stdout."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from wegweiser.organisations.models import Kreis, Population

D = Decimal


def german(msgid, **params) -> str:
    with translation.override("de"):
        text = gettext(msgid)
    return text % params if params else text


@pytest.fixture
def reference(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def bw_inhabitants(reference, tmp_path):
    """The shipped inhabitants of the 44 BW Kreise on 31.12.2018 as a German Excel-style CSV."""
    rows = Population.objects.filter(kreis__land__code="BW", reference_date="2018-12-31")
    lines = ["Kreisschlüssel;Einwohner"]
    lines += [f"{p.kreis.ags.lstrip('0')};{p.inhabitants:,}".replace(",", ".") for p in rows]
    path = tmp_path / "einwohner.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def run(*args) -> list[dict]:
    out = io.StringIO()
    call_command("allocate", *[str(arg) for arg in args], stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_soforthilfe_prints_ags_amount_summing_to_the_budget(bw_inhabitants):
    rows = run("--budget", "8000000", "--basis", bw_inhabitants, "--round", "euro")
    assert len(rows) == 44
    assert sum(D(row["amount"]) for row in rows) == D(8_000_000)
    amounts = {row["ags"]: row["amount"] for row in rows}
    assert amounts["08111"] == "458794"  # Land BW derived from the key 08…
    assert amounts["08437"] == "94583"


def test_cent_rounding_prints_two_decimals_with_a_dot(bw_inhabitants):
    rows = run("--budget", "1000000.01", "--basis", bw_inhabitants, "--round", "cent")
    assert sum(D(row["amount"]) for row in rows) == D("1000000.01")
    assert all(len(row["amount"].split(".")[1]) == 2 for row in rows)
    assert all("," not in row["amount"] for row in rows)


def test_hessen_flat_amount_per_body(reference, tmp_path):
    kreise = Kreis.objects.filter(land__code="HE").valid_on(dt.date.today())
    path = tmp_path / "he.csv"
    path.write_text("ags,value\n" + "".join(f"{k.ags},1\n" for k in kreise), encoding="utf-8")
    rows = run("--budget", "1650000", "--basis", path, "--flat-per-body", "50000", "--land", "HE")
    assert len(rows) == 33 and {row["amount"] for row in rows} == {"50000"}


def test_floor_cap_and_change_limit(bw_inhabitants, tmp_path):
    previous = tmp_path / "vorjahr.csv"
    plain = run("--budget", "8000000", "--basis", bw_inhabitants)
    previous.write_text(
        "ags;value\n" + "".join(f"{row['ags']};180000\n" for row in plain), encoding="utf-8"
    )
    rows = run(
        "--budget",
        "8000000",
        "--basis",
        bw_inhabitants,
        "--previous",
        previous,
        "--max-change",
        "0.1",
        "--floor",
        "170000",
    )
    amounts = [D(row["amount"]) for row in rows]
    assert sum(amounts) == D(8_000_000)
    assert all(D(170_000) <= amount <= D(198_000) for amount in amounts)


def test_a_bad_file_names_the_row(reference, tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_text("ags;value\n08111;1\n08115;-5\n08999;3\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("--budget", "8000000", "--basis", path)
    message = str(error.value)
    assert german("Row %(row)d: the value %(value)s is negative.", row=3, value="„-5“") in message
    assert (
        german(
            "Row %(row)d: the county key %(ags)s is not a county of this state.",
            row=4,
            ags="08999",
        )
        in message
    )


def test_an_infeasible_rule_is_a_command_error(bw_inhabitants):
    with pytest.raises(CommandError) as error:
        run("--budget", "8000000", "--basis", bw_inhabitants, "--floor", "200000")
    assert "200000" in str(error.value)


def test_a_missing_file_is_a_command_error(reference, tmp_path):
    with pytest.raises(CommandError):
        run("--budget", "100", "--basis", tmp_path / "fehlt.csv")


def test_the_land_cannot_be_derived_from_foreign_keys(reference, tmp_path):
    path = tmp_path / "bayern.csv"
    path.write_text("ags;value\n09162;1\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("--budget", "100", "--basis", path)
    assert "--land" in str(error.value)
