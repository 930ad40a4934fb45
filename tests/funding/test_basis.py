"""Parsing uploaded basis data: every bad file names its rows, nothing is imported partially."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, ngettext
from openpyxl import Workbook

from wegweiser.funding.basis import (
    MAX_BYTES,
    BasisError,
    normalize_ags,
    parse_basis,
    parse_number,
)

D = Decimal
KNOWN = {"08111", "08115", "08116"}


def german(msgid, **params) -> str:
    """A message as the user reads it: German once the catalogue has it, else the msgid."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % params if params else text


def german_plural(singular, plural, number, **params) -> str:
    with translation.override("de"):
        text = ngettext(singular, plural, number)
    return text % params


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def problems(data: bytes, known=KNOWN, **kwargs) -> list[str]:
    with translation.override("de"), pytest.raises(BasisError) as error:
        parse_basis(data, known_ags=known, **kwargs)
    assert isinstance(error.value, ValidationError)
    return error.value.messages


GOOD = "ags;value\n08111;634830\n08115;391640\n08116;533859\n"


# --- good files --------------------------------------------------------------------------------


def test_a_good_semicolon_file():
    basis = parse_basis(csv_bytes(GOOD), known_ags=KNOWN)
    assert basis.values == {"08111": D(634830), "08115": D(391640), "08116": D(533859)}
    assert basis.rows == 3
    assert (basis.format, basis.delimiter, basis.encoding) == ("csv", ";", "utf-8")


def test_comma_separated_with_a_quoted_decimal_comma():
    data = csv_bytes('ags,value\n08111,634830\n08115,"1.234,5"\n08116,7\n')
    basis = parse_basis(data, known_ags=KNOWN)
    assert basis.values["08115"] == D("1234.5")
    assert basis.delimiter == ","


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234.567", D(1234567)),
        ("1234567", D(1234567)),
        ("1.234,5", D("1234.5")),
        ("1 234 567", D(1234567)),
        ("1\u00a0234\u00a0567", D(1234567)),
        ("1234,5", D("1234.5")),
        ("12.5", D("12.5")),
        ("1.234", D(1234)),  # a dot before three digits is a thousands separator
        ("0", D(0)),
    ],
)
def test_german_number_formats(text, value):
    assert parse_number(text) == value
    data = csv_bytes(f"ags;value\n08111;{text}\n08115;1\n08116;2\n")
    assert parse_basis(data, known_ags=KNOWN).values["08111"] == value


@pytest.mark.parametrize(
    "header",
    ["AGS;Wert", "Kreisschlüssel;Einwohner", "schlüssel;ANZAHL", "Ags;Name;Value"],
)
def test_header_aliases_case_insensitive(header):
    name = ";Stuttgart" if "Name" in header else ""
    rows = [f"08111{name};1", f"08115{name};2", f"08116{name};3"]
    data = csv_bytes(header + "\n" + "\n".join(rows) + "\n")
    assert parse_basis(data, known_ags=KNOWN).values == {"08111": 1, "08115": 2, "08116": 3}


def test_utf8_with_bom():
    basis = parse_basis(b"\xef\xbb\xbf" + csv_bytes(GOOD), known_ags=KNOWN)
    assert basis.encoding == "utf-8-sig" and len(basis.values) == 3


def test_windows_1252_file():
    text = "Kreisschlüssel;Name;Einwohner\n08111;Stuttgart;634.830\n08115;Böblingen;391.640\n"
    text += "08116;Eßlingen;533.859\n"
    basis = parse_basis(csv_bytes(text, "cp1252"), known_ags=KNOWN)
    assert basis.encoding == "windows-1252"
    assert basis.values["08115"] == D(391640)
    assert basis.ags_column == "Kreisschlüssel" and basis.value_column == "Einwohner"


def test_the_leading_zero_is_repaired():
    data = csv_bytes("ags;value\n8111;1\n8115;2\n8116;3\n6433012;4\n")
    basis = parse_basis(data, known_ags=KNOWN | {"06433012"})
    assert set(basis.values) == KNOWN | {"06433012"}


def test_a_municipal_style_key_of_a_kreis_is_repaired():
    assert normalize_ags("08111000", KNOWN) == "08111"
    assert normalize_ags("06415000", {"06415000"}) == "06415000"  # Hanau, kreisfrei from 2026


def test_partial_files_are_allowed_when_asked():
    data = csv_bytes("ags;value\n08111;1\n")
    assert parse_basis(data, known_ags=KNOWN, partial=True).values == {"08111": D(1)}


def test_blank_lines_are_skipped_and_rows_counted_as_in_a_spreadsheet():
    data = csv_bytes("ags;value\n08111;1\n\n08115;x\n08116;3\n")
    assert problems(data) == [
        german("Row %(row)d: the value %(value)s is not a number.", row=4, value="„x“")
    ]


# --- bad files ---------------------------------------------------------------------------------


def test_unknown_county_key_names_the_row():
    data = csv_bytes(GOOD + "08999;5\n")
    assert problems(data) == [
        german(
            "Row %(row)d: the county key %(ags)s is not a county of this state.",
            row=5,
            ags="08999",
        )
    ]


def test_a_county_of_another_state_is_unknown():
    data = csv_bytes(GOOD + "06411;5\n")
    assert "06411" in problems(data)[0] and "5" in problems(data)[0]


def test_missing_county_keys_are_listed():
    data = csv_bytes("ags;value\n08111;1\n")
    assert problems(data) == [
        german_plural(
            "%(count)d county key is missing from the file: %(ags)s.",
            "%(count)d county keys are missing from the file: %(ags)s.",
            2,
            count=2,
            ags="08115, 08116",
        )
    ]


def test_duplicates_name_both_rows():
    data = csv_bytes(GOOD + "8111;5\n")
    assert problems(data) == [
        german(
            "Row %(row)d: the county key %(ags)s appears again (first in row %(first)d).",
            row=5,
            ags="08111",
            first=2,
        )
    ]


NOT_A_NUMBER = "Row %(row)d: the value %(value)s is not a number."


@pytest.mark.parametrize(
    ("cell", "msgid", "params"),
    [
        ("-5", "Row %(row)d: the value %(value)s is negative.", {"value": "„-5“"}),
        ("−5", "Row %(row)d: the value %(value)s is negative.", {"value": "„−5“"}),
        ("viele", NOT_A_NUMBER, {"value": "„viele“"}),
        ("1,234,567", NOT_A_NUMBER, {"value": "„1,234,567“"}),
        ("12.34.5", NOT_A_NUMBER, {"value": "„12.34.5“"}),
        ("", "Row %(row)d: the value for %(ags)s is missing.", {"ags": "08115"}),
    ],
)
def test_bad_values_name_the_row(cell, msgid, params):
    data = csv_bytes(f"ags;value\n08111;1\n08115;{cell}\n08116;3\n")
    assert problems(data) == [german(msgid, row=3, **params)]


@pytest.mark.parametrize("cell", ["=SUMME(B2:B3)", "=1+2", "+B2", "-B2*2", "@SUM(B2)"])
def test_formulas_in_a_csv_cell_are_refused(cell):
    data = csv_bytes(f"ags;value\n08111;1\n08115;{cell}\n08116;3\n")
    msgid = (
        "Row %(row)d: the cell %(cell)s holds a formula. Formulas are not accepted; "
        "please save the values only."
    )
    assert problems(data) == [german(msgid, row=3, cell=f"„{cell}“")]


def test_a_bad_county_key():
    data = csv_bytes(GOOD + "Stuttgart;5\n;7\n")
    assert problems(data) == [
        german(
            "Row %(row)d: %(ags)s is not a county key (5 or 8 digits).", row=5, ags="„Stuttgart“"
        ),
        german("Row %(row)d: the county key is missing.", row=6),
    ]


def test_all_problems_at_once_and_nothing_imported():
    data = csv_bytes("ags;value\n08111;-1\n08111;2\n08999;3\n")
    found = problems(data)
    rows = [re.match(r"^\S+ (\d+):", message) for message in found[:3]]
    assert [int(m.group(1)) for m in rows if m] == [2, 3, 4]
    assert "08115, 08116" in found[3]


def test_unquoted_decimal_comma_in_a_comma_file_is_not_silently_cut():
    data = csv_bytes("ags,value\n08111,1\n08115,1.234,5\n08116,3\n")
    msgid = (
        "Row %(row)d has more cells than the header has columns. If numbers use a "
        "decimal comma, separate the columns with semicolons."
    )
    assert problems(data) == [german(msgid, row=3)]


def test_header_is_required():
    msgid = (
        "Row 1 must be a header naming the columns “ags” (or Schlüssel, Kreisschlüssel) "
        "and “value” (or Wert, Einwohner, Anzahl)."
    )
    assert problems(csv_bytes("08111;1\n08115;2\n08116;3\n")) == [german(msgid)]
    assert problems(csv_bytes("kreis;betrag\n08111;1\n")) == [german(msgid)]


def test_header_without_rows():
    found = problems(csv_bytes("ags;value\n"))
    assert found[0] == german("The file has a header but no data rows.")


@pytest.mark.parametrize("data", [b"", b"  \r\n"])
def test_empty_file(data):
    assert problems(data) == [german("The file is empty.")]


def test_utf16_is_refused():
    msgid = (
        "The file is not a text file in UTF-8 or Windows-1252 (it looks like UTF-16 "
        "or a binary file). Please save it as CSV (UTF-8) or XLSX."
    )
    assert problems(GOOD.encode("utf-16")) == [german(msgid)]


def test_binary_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    assert "UTF-8" in problems(png)[0]
    control = csv_bytes(GOOD).replace(b"634830", b"63\x0b4830")  # cp1252 decodes, still binary
    assert problems(control) == [
        german(
            "The file is not a text file in UTF-8 or Windows-1252. Please save it as CSV "
            "(UTF-8) or XLSX."
        )
    ]


def test_old_xls_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert problems(data) == [
        german("Old Excel files (.xls) are not supported. Please save the file as XLSX or CSV.")
    ]


def test_too_large():
    data = csv_bytes(GOOD) + b" " * MAX_BYTES
    assert problems(data) == [
        german("The file is larger than %(size)d MB. Please upload only the basis columns.", size=5)
    ]


def test_the_list_is_capped_at_50_messages():
    rows = "".join(f"08{900 + i};1\n" for i in range(60))
    found = problems(csv_bytes("ags;value\n" + rows), partial=True)
    assert len(found) == 51
    assert found[-1] == german_plural(
        "… and %(count)d further problem.", "… and %(count)d further problems.", 10, count=10
    )


# --- XLSX --------------------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Einwohner"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_numbers_are_read():
    data = xlsx([["Kreisschlüssel", "Einwohner"], [8111, 634830], ["08115", 391640.5], [8116, 7]])
    basis = parse_basis(data, known_ags=KNOWN)
    assert basis.values == {"08111": D(634830), "08115": D("391640.5"), "08116": D(7)}
    assert (basis.format, basis.sheet, basis.rows) == ("xlsx", "Einwohner", 3)


def test_xlsx_text_in_german_format():
    data = xlsx([["AGS", "Wert"], ["08111", "1.234.567"], ["08115", "1,5"], ["08116", "2"]])
    assert parse_basis(data, known_ags=KNOWN).values["08111"] == D(1234567)


def test_xlsx_formula_is_refused():
    data = xlsx([["ags", "value"], ["08111", 1], ["08115", "=B2*2"], ["08116", 3]])
    msgid = (
        "Row %(row)d: the cell %(cell)s holds a formula. Formulas are not accepted; "
        "please save the values only."
    )
    assert problems(data) == [german(msgid, row=3, cell="„=B2*2“")]


def test_xlsx_bad_values_name_the_row():
    data = xlsx([["ags", "value"], ["08111", -3], ["08115", True], [None, None], ["08116", 3]])
    assert problems(data) == [
        german("Row %(row)d: the value %(value)s is negative.", row=2, value="„-3“"),
        german("Row %(row)d: the value %(value)s is not a number.", row=3, value="„True“"),
    ]


def test_a_broken_xlsx_is_refused():
    assert problems(b"PK\x03\x04 not really a zip") == [
        german("The file cannot be read as an XLSX workbook.")
    ]
