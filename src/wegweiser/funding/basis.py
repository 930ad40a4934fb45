"""Reading uploaded basis data (inhabitants, allocated refugees, posts...) from CSV or XLSX.

``parse_basis(data, known_ags=...)`` turns the bytes of an upload into ``{ags: Decimal}`` or
raises ``BasisError`` listing every problem with its row: all or nothing, never a partial
mapping. No database access: the caller passes the keys of the Kreise of the Land
(``known_ags``). Messages are English msgids through ``gettext`` (German once translated).
The format is documented for users in ``docs/foerderung.md`` ("Verteilung der Mittel").

Rows are numbered as in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 5 * 1024 * 1024
MAX_MESSAGES = 50
AGS_COLUMNS = frozenset({"ags", "schlüssel", "schluessel", "kreisschlüssel", "kreisschluessel"})
VALUE_COLUMNS = frozenset({"value", "wert", "einwohner", "anzahl"})
DELIMITERS = (";", ",", "\t")

__all__ = [
    "MAX_BYTES",
    "Basis",
    "BasisError",
    "RawRow",
    "Table",
    "normalize_ags",
    "parse_basis",
    "parse_number",
    "read_table",
]


class BasisError(ValidationError):
    """Everything wrong with an upload; ``messages`` holds at most ``MAX_MESSAGES`` row messages
    plus "… and N further problems", ``problems`` all of them."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:MAX_MESSAGES]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(
                ngettext(
                    "… and %(count)d further problem.", "… and %(count)d further problems.", hidden
                )
                % {"count": hidden}
            )
        super().__init__(shown)


@dataclass(frozen=True)
class RawRow:
    row: int  # as in a spreadsheet, the header is row 1
    ags: object  # str from CSV; str, int, float, None... from XLSX
    value: object
    extra_cells: bool = False  # more cells than the header has columns


@dataclass(frozen=True)
class Table:
    rows: list[RawRow]
    format: str  # "csv" | "xlsx"
    ags_column: str
    value_column: str
    encoding: str | None = None  # CSV: "utf-8", "utf-8-sig", "windows-1252"
    delimiter: str | None = None  # CSV
    sheet: str | None = None  # XLSX


@dataclass(frozen=True)
class Basis:
    values: dict[str, Decimal]  # ags -> value, in AGS order
    rows: int  # data rows read (blank rows not counted)
    format: str
    ags_column: str
    value_column: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


# --- cells -------------------------------------------------------------------------------------

_FORMULA = re.compile(r"^\s*(?:[=@]|[+\-\u2212]\s*[^\d\s.,])")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_DECIMAL_COMMA = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")
_DECIMAL_POINT = re.compile(r"^\d+\.\d+$")
_INTEGER = re.compile(r"^\d+$")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def is_formula(value: object) -> bool:
    return isinstance(value, str) and bool(_FORMULA.match(value))


def parse_number(value: object) -> Decimal:
    """A non-negative or negative number in German or plain notation; ``ValueError`` otherwise.

    Accepted: ``1234567``, ``1.234.567``, ``1 234 567``, ``1.234,5``, ``1234,5``, ``1234.5``.
    A dot followed by groups of exactly three digits is a thousands separator (``1.234`` is
    1234); a single dot with other digits after it is a decimal point (``12.5``)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # an XLSX number cell; repr is the shortest exact text
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = _SPACES.sub("", str(value))
    sign = 1
    if text[:1] in ("-", "\u2212"):
        sign, text = -1, text[1:]
    elif text[:1] == "+":
        text = text[1:]
    if _INTEGER.match(text):
        number = Decimal(text)
    elif _THOUSANDS_DOT.match(text):
        number = Decimal(text.replace(".", ""))
    elif _DECIMAL_COMMA.match(text):
        number = Decimal(text.replace(".", "").replace(",", "."))
    elif _DECIMAL_POINT.match(text):
        number = Decimal(text)
    else:
        raise ValueError(value)
    return sign * number


def normalize_ags(value: object, known_ags: Collection[str] = ()) -> str | None:
    """The county key as text; ``None`` if it is not made of digits.

    Repairs a key that lost its leading zero as a number (``8111`` -> ``08111``, ``6433012``
    -> ``06433012``) and a Kreis given as 8-digit municipal-style key (``08111000`` -> ``08111``)
    when only the 5-digit key is known."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub("", _text(value))
    if not text.isdigit() or not text.isascii():
        return None
    if len(text) in (4, 7):
        text = "0" + text
    if len(text) == 8 and text.endswith("000") and text not in known_ags and text[:5] in known_ags:
        text = text[:5]
    return text


# --- reading the file --------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "utf-8-sig")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise BasisError(
            [
                _(
                    "The file is not a text file in UTF-8 or Windows-1252 (it looks like UTF-16 "
                    "or a binary file). Please save it as CSV (UTF-8) or XLSX."
                )
            ]
        )
    else:
        candidates = [("utf-8", "utf-8"), ("cp1252", "windows-1252")]
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if any(ord(ch) < 32 and ch not in "\t\r\n" or ord(ch) == 127 for ch in text):
            break
        return text, name
    raise BasisError(
        [
            _(
                "The file is not a text file in UTF-8 or Windows-1252. Please save it as CSV "
                "(UTF-8) or XLSX."
            )
        ]
    )


def _columns(header: list[object]) -> tuple[int, int, str, str] | None:
    names = [_text(cell).lstrip("\ufeff").strip().strip('"').casefold() for cell in header]
    ags = [i for i, name in enumerate(names) if name in AGS_COLUMNS]
    value = [i for i, name in enumerate(names) if name in VALUE_COLUMNS]
    if not ags or not value:
        return None
    if len(ags) > 1 or len(value) > 1:
        raise BasisError(
            [
                _(
                    "Row 1: the header names more than one key or value column: %(columns)s. "
                    "Keep one column for the county key and one for the value."
                )
                % {"columns": ", ".join(_text(header[i]) for i in [*ags, *value])}
            ]
        )
    return ags[0], value[0], _text(header[ags[0]]), _text(header[value[0]])


def _header_error() -> BasisError:
    return BasisError(
        [
            _(
                "Row 1 must be a header naming the columns “ags” (or Schlüssel, Kreisschlüssel) "
                "and “value” (or Wert, Einwohner, Anzahl)."
            )
        ]
    )


def _blank(cells: list[object]) -> bool:
    return all(_text(cell) == "" for cell in cells)


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise BasisError([_("The file is empty.")])
    for delimiter in DELIMITERS:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        first = next((i for i, row in enumerate(rows) if not _blank(row)), None)
        columns = _columns(rows[first]) if first is not None else None
        if columns is not None:
            break
    else:
        raise _header_error()
    ags_index, value_index, ags_name, value_name = columns
    width = len(rows[first])
    raw = []
    for number, row in enumerate(rows[first + 1 :], start=first + 2):
        if _blank(row):
            continue
        raw.append(
            RawRow(
                row=number,
                ags=row[ags_index] if ags_index < len(row) else None,
                value=row[value_index] if value_index < len(row) else None,
                extra_cells=len(row) > width and not _blank(row[width:]),
            )
        )
    return Table(
        rows=raw,
        format="csv",
        ags_column=ags_name,
        value_column=value_name,
        encoding=encoding,
        delimiter=delimiter,
    )


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            workbook = load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise BasisError([_("The file cannot be read as an XLSX workbook.")]) from error
    sheet = workbook.worksheets[0]
    header = None
    raw = []
    for cells in sheet.iter_rows():
        values = [cell.value for cell in cells]
        if _blank(values):
            continue
        if header is None:
            header = _columns(values)
            if header is None:
                raise _header_error()
            continue
        ags_index, value_index = header[0], header[1]
        row = cells[0].row
        picked = [cells[i] if i < len(cells) else None for i in (ags_index, value_index)]
        raw.append(
            RawRow(
                row=row,
                ags=_cell_text(picked[0]),
                value=_cell_text(picked[1]),
            )
        )
    if header is None:
        raise BasisError([_("The file is empty.")])
    return Table(
        rows=raw, format="xlsx", ags_column=header[2], value_column=header[3], sheet=sheet.title
    )


def _cell_text(cell) -> object:
    if cell is None:
        return None
    value = cell.value
    if cell.data_type == "f":  # a formula: "=..." text, or an array/data table formula object
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return text if text.startswith("=") else "=" + text
    return value


def read_table(data: bytes, *, filename: str | None = None) -> Table:
    """The rows of an upload with its key and value column; file-level problems (size,
    encoding, binary, missing header) raise ``BasisError``. ``filename`` is only a hint."""
    if len(data) > MAX_BYTES:
        raise BasisError(
            [
                _("The file is larger than %(size)d MB. Please upload only the basis columns.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            ]
        )
    if not data.strip():
        raise BasisError([_("The file is empty.")])
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BasisError(
            [_("Old Excel files (.xls) are not supported. Please save the file as XLSX or CSV.")]
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if filename and filename.lower().endswith((".xlsx", ".xlsm")):
        raise BasisError([_("The file cannot be read as an XLSX workbook.")])
    return _read_csv(data)


# --- checking the rows -------------------------------------------------------------------------


def parse_basis(
    data: bytes,
    *,
    known_ags: Collection[str],
    partial: bool = False,
    filename: str | None = None,
) -> Basis:
    """``{ags: value}`` of an upload, every key a Kreis of the Land (``known_ags``) and, unless
    ``partial``, every Kreis present; or ``BasisError`` with all problems."""
    known = frozenset(known_ags)
    table = read_table(data, filename=filename)
    problems: list[str] = []
    values: dict[str, Decimal] = {}
    first_row: dict[str, int] = {}
    for raw in table.rows:
        row = raw.row
        if is_formula(raw.ags):
            problems.append(_formula_message(row, raw.ags))
            continue
        ags = normalize_ags(raw.ags, known)
        if not _text(raw.ags):
            problems.append(_("Row %(row)d: the county key is missing.") % {"row": row})
            continue
        if ags is None or len(ags) not in (5, 8):
            problems.append(
                _("Row %(row)d: %(ags)s is not a county key (5 or 8 digits).")
                % {"row": row, "ags": _quote(raw.ags)}
            )
            continue
        if ags not in known:
            problems.append(
                _("Row %(row)d: the county key %(ags)s is not a county of this state.")
                % {"row": row, "ags": ags}
            )
            continue
        if ags in first_row:
            problems.append(
                _("Row %(row)d: the county key %(ags)s appears again (first in row %(first)d).")
                % {"row": row, "ags": ags, "first": first_row[ags]}
            )
            continue
        first_row[ags] = row
        if raw.extra_cells:
            problems.append(
                _(
                    "Row %(row)d has more cells than the header has columns. If numbers use a "
                    "decimal comma, separate the columns with semicolons."
                )
                % {"row": row}
            )
            continue
        if is_formula(raw.value):
            problems.append(_formula_message(row, raw.value))
            continue
        if not _text(raw.value):
            problems.append(
                _("Row %(row)d: the value for %(ags)s is missing.") % {"row": row, "ags": ags}
            )
            continue
        try:
            number = parse_number(raw.value)
        except (ValueError, InvalidOperation):
            problems.append(
                _("Row %(row)d: the value %(value)s is not a number.")
                % {"row": row, "value": _quote(raw.value)}
            )
            continue
        if number < 0:
            problems.append(
                _("Row %(row)d: the value %(value)s is negative.")
                % {"row": row, "value": _quote(raw.value)}
            )
            continue
        values[ags] = number
    if not table.rows:
        problems.append(_("The file has a header but no data rows."))
    missing = sorted(known - first_row.keys())
    if missing and not partial:
        problems.append(
            ngettext(
                "%(count)d county key is missing from the file: %(ags)s.",
                "%(count)d county keys are missing from the file: %(ags)s.",
                len(missing),
            )
            % {"count": len(missing), "ags": ", ".join(missing)}
        )
    if problems:
        raise BasisError(problems)
    return Basis(
        values=dict(sorted(values.items())),
        rows=len(table.rows),
        format=table.format,
        ags_column=table.ags_column,
        value_column=table.value_column,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )


def _formula_message(row: int, cell: object) -> str:
    return _(
        "Row %(row)d: the cell %(cell)s holds a formula. Formulas are not accepted; "
        "please save the values only."
    ) % {"row": row, "cell": _quote(cell)}


def _quote(value: object) -> str:
    text = _text(value)
    if len(text) > 40:
        text = text[:39] + "…"
    return f"„{text}“"
