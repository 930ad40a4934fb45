"""An uploaded file -> a table of rows (issue 10): the first step of every import.

- The format is recognised by the content (a ZIP archive with a workbook is XLSX, anything else
  that is text is CSV); the file name is only a hint for the messages. Old binary Excel (.xls),
  LibreOffice (.ods), PDFs, images and empty files are refused with a German message that says
  what to do.
- CSV: the encoding is detected (byte order mark -> utf-8-sig; valid UTF-8 -> utf-8; else
  Windows-1252, whose five undefined bytes are read as Latin-1; Excel's "Unicode text" in
  UTF-16 works too), the separator is chosen among ``;`` ``,`` TAB ``|`` by how consistently it
  splits the lines. Quoted fields may hold separators and line breaks.
- XLSX: read with openpyxl in read-only mode, formulas come back as their text (``=A1+B1``),
  never evaluated. Merged cells (read from the sheet's ``<mergeCells>`` element, which read-only
  worksheets do not expose) give every covered cell the merged cell's value. Title rows above
  the table are skipped; a header of two rows (a group over sub-headers) is combined.
- Both: the header row is found automatically (the first row with at least two different text
  cells that is about as wide as the table below it) unless the user names it; headers are made
  unique and non-empty ("Spalte C", "Name (2)"); fully empty rows are dropped; cells beyond the
  last header that hold something get a header "Spalte X" of their own.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

# Long notes in one cell: allow up to 16 MB per field (the default is 128 KB).
csv.field_size_limit(16 * 1024 * 1024)

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
PREVIEW_ROWS = 5
# Rows looked at for the header (title rows above the table, a header of several rows).
HEADER_SCAN_ROWS = 30
MAX_HEADER_ROWS = 3
DELIMITERS = (";", ",", "\t", "|")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
)


class ReadError(Exception):
    """The file cannot be read as a table; ``message`` tells the user (German) what to do."""

    def __init__(self, message) -> None:
        self.message = str(message)
        super().__init__(self.message)


@dataclasses.dataclass
class Row:
    number: int  # CSV: line of the record (1-based, header included); XLSX: sheet row number
    values: list  # one per header (see module docstring for the types)


@dataclasses.dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    format: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = dataclasses.field(default_factory=list)
    header_row: int = 1
    # False when read_headers stopped early (then the number of rows is unknown).
    complete: bool = True

    def describe(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "header_row": self.header_row,
            "rows": len(self.rows) if self.complete else None,
        }

    def column(self, header) -> int:
        try:
            return self.headers.index(header)
        except ValueError:
            raise KeyError(header) from None


def read_table(
    data: bytes, file_name: str, *, sheet: str | None = None, header_row: int | None = None
) -> Table:
    """The whole table of an uploaded file; raises ReadError."""
    return _read(data, file_name, sheet=sheet, header_row=header_row, limit=None)


def read_headers(
    data: bytes, file_name: str, *, sheet: str | None = None, header_row: int | None = None
) -> Table:
    """The headers and at most the first five rows (the preview of the mapping page)."""
    return _read(data, file_name, sheet=sheet, header_row=header_row, limit=PREVIEW_ROWS)


# --- recognising the format -------------------------------------------------------------------


def _read(data: bytes, file_name: str, *, sheet, header_row, limit) -> Table:
    data = bytes(data or b"")
    if header_row is not None:
        try:
            header_row = int(header_row)
        except (TypeError, ValueError):
            header_row = None
        if header_row is not None and header_row < 1:
            raise ReadError(_("The header row must be a number from 1 upwards."))
    if not data.strip(b" \t\r\n\x00"):
        raise ReadError(
            _(
                "The file is empty. Please choose the file again; in Excel, save it as .xlsx "
                "or .csv."
            )
        )
    if len(data) > MAX_BYTES:
        raise ReadError(
            _(
                "The file is larger than %(max)s MB. Please split it into several files (for "
                "example by year) and import them one after the other."
            )
            % {"max": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, sheet=sheet, header_row=header_row, limit=limit)
    if data.startswith(_OLE):
        raise ReadError(
            _(
                "The file is in the old Excel format (.xls) or protected by a password. Please "
                "open it in Excel, remove the password if there is one, and save it as .xlsx "
                "or .csv."
            )
        )
    if data.startswith(b"%PDF"):
        raise ReadError(
            _(
                "The file is a PDF document, not a table. Please export the list from the "
                "program it comes from as .xlsx or .csv."
            )
        )
    if any(data.startswith(magic) for magic in _IMAGE_MAGIC):
        raise ReadError(
            _("The file is an image, not a table. Please save the list in Excel as .xlsx or .csv.")
        )
    text, encoding = _decode(data)
    if text is None:
        raise ReadError(
            _(
                "The file is neither an Excel workbook (.xlsx) nor a text file (.csv). Please "
                "save it in Excel as .xlsx or .csv."
            )
        )
    return _read_csv(text, encoding, header_row=header_row, limit=limit)


def _latin1_fallback(error: UnicodeDecodeError):
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("wegweiser_latin1", _latin1_fallback)


def _decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, ""
    if b"\x00" in data[:8192]:
        return None, ""  # binary, not text
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "wegweiser_latin1"), "cp1252"


# --- CSV --------------------------------------------------------------------------------------


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines most consistently into two or more cells
    (German Excel writes ";"; title lines above the table do not count)."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = DELIMITERS[0], None
    for delimiter in DELIMITERS:
        counts = []
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                counts.append(len(record))
            if len(counts) >= 200:
                break
        if not counts:
            continue
        width, at_width = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (at_width, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str, encoding: str, *, header_row, limit) -> Table:
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterator[tuple[int, list]]:
        # The line number of a record is the line it starts on.
        start = 1
        try:
            for record in reader:
                yield start, [cell.strip() for cell in record]
                start = reader.line_num + 1
        except csv.Error as error:
            raise ReadError(
                _(
                    "Line %(line)s of the file cannot be read. Please check the quotation marks "
                    "in this line."
                )
                % {"line": reader.line_num}
            ) from error

    return _build(
        records(),
        merges=[],
        header_row=header_row,
        limit=limit,
        base={"format": "csv", "encoding": encoding, "delimiter": delimiter},
    )


# --- XLSX -------------------------------------------------------------------------------------

_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged cells (rows 1-based, columns
    0-based), read from the XML without parsing the rows (the element comes after them)."""
    ranges = []
    tail = b""
    with archive.open(path) as source:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            buffer = tail + chunk
            end = 0
            for match in _MERGE_RE.finditer(buffer):
                c1, r1, c2, r2 = match.groups()
                ranges.append((int(r1), _col_index(c1), int(r2), _col_index(c2)))
                end = match.end()
            tail = buffer[max(end, len(buffer) - 200) :]
    return sorted(set(ranges))


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | int | float | dt.date):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
            return value.date()
        return value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text.strip()
    return str(value).strip()


def _read_xlsx(data: bytes, *, sheet, header_row, limit) -> Table:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError(
            _(
                "The file is damaged or not a complete Excel workbook. Please save it in Excel "
                "again as .xlsx or .csv."
            )
        ) from error
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            message = _(
                "The file is a LibreOffice/OpenOffice spreadsheet (.ods). Please save it as "
                ".xlsx (Excel 2007-365) or .csv."
            )
        elif "xl/workbook.bin" in names:
            message = _(
                "The file is a binary Excel workbook (.xlsb). Please save it in Excel as .xlsx "
                "or .csv."
            )
        else:
            message = _(
                "The file is a ZIP archive but not an Excel workbook. Please save the list in "
                "Excel as .xlsx or .csv."
            )
        raise ReadError(message)
    with warnings.catch_warnings():
        # openpyxl warns about extensions it does not read (data validation, styles): harmless.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
        except Exception as error:  # openpyxl raises many kinds on broken files
            raise ReadError(
                _(
                    "The Excel workbook cannot be read; it may be damaged. Please open it in "
                    "Excel and save it again as .xlsx or .csv."
                )
            ) from error
        try:
            worksheets = list(workbook.worksheets)
            sheets = [ws.title for ws in worksheets]
            if sheet:
                chosen = next((ws for ws in worksheets if ws.title == sheet), None)
                if chosen is None:
                    raise ReadError(
                        _("The workbook has no sheet “%(sheet)s”. Its sheets: %(sheets)s.")
                        % {"sheet": sheet, "sheets": ", ".join(sheets)}
                    )
            else:
                chosen = _first_sheet_with_data(worksheets)
                if chosen is None:
                    raise ReadError(
                        _(
                            "The workbook contains no data. Please check that you chose the "
                            "right file."
                        )
                    )
            chosen.reset_dimensions()
            merges = _merged_ranges(archive, chosen._worksheet_path)

            def records() -> Iterator[tuple[int, list]]:
                for number, values in enumerate(chosen.iter_rows(values_only=True), start=1):
                    yield number, [_xlsx_cell(v) for v in values]

            return _build(
                records(),
                merges=merges,
                header_row=header_row,
                limit=limit,
                base={"format": "xlsx", "sheet": chosen.title, "sheets": sheets},
            )
        finally:
            workbook.close()


def _first_sheet_with_data(worksheets):
    visible = [ws for ws in worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    for ws in visible or worksheets:
        ws.reset_dimensions()
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if any(_xlsx_cell(v) != "" for v in values):
                return ws
            if number > 200:
                break
    return None


# --- header and rows (both formats) -----------------------------------------------------------


def _is_text(value) -> bool:
    """A cell that could be a column header: text that is not a number or a date."""
    if not isinstance(value, str) or not value:
        return False
    return not re.fullmatch(r"[-+]?[\d.,/: ]+", value)


def _column_name(index: int) -> str:
    from openpyxl.utils import get_column_letter

    # Not translated: the name is stored in the job's mapping and must not depend on the
    # language of whoever reads the file again (the background job).
    return f"Spalte {get_column_letter(index + 1)}"


def _fill_merges(rows: dict[int, list], merges) -> None:
    """Give every cell of a merged range (within ``rows``) the value of its top-left cell."""
    for r1, c1, r2, c2 in merges:
        top = rows.get(r1)
        if top is None or c1 >= len(top):
            continue
        value = top[c1]
        if value == "":
            continue
        for r in range(r1, r2 + 1):
            row = rows.get(r)
            if row is None:
                continue
            if len(row) <= c2:
                row.extend([""] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c] == "":
                    row[c] = value


def _linked(upper: list, lower: list, merges, r_upper: int) -> bool:
    """Whether row ``r_upper`` is the group row of the header row below it: it holds at least
    two different texts or a cell merged down into the row below, and its merged cells stand
    over texts."""
    if not any(_is_text(v) for v in lower):
        return False
    vertical = any(r1 <= r_upper < r2 for r1, _c1, r2, _c2 in merges)
    if vertical:
        return True
    groups = [
        (c1, c2) for r1, c1, r2, c2 in merges if r1 == r_upper == r2 and c2 > c1
    ]  # horizontal merges in the upper row
    if not groups:
        return False
    distinct = {v for v in upper if _is_text(v)}
    if len(distinct) < 2:
        return False  # a title merged across the table
    return any(_is_text(lower[c]) for c1, c2 in groups for c in range(c1, c2 + 1) if c < len(lower))


def _detect_header(rows: list[tuple[int, list]]) -> int | None:
    """The number of the first row with two different text cells that is at least half as wide
    as the rows below it."""
    for i, (number, values) in enumerate(rows):
        texts = {v for v in values if _is_text(v)}
        if len(texts) < 2:
            continue
        filled = sum(1 for v in values if v != "")
        below = [sum(1 for v in vals if v != "") for _n, vals in rows[i + 1 : i + 11]]
        if below and filled * 2 < max(below):
            continue  # a title line with two cells over a wide table
        return number
    return None


def _header_block(by_number: dict[int, list], last: int, merges) -> list[int]:
    """The numbers of the header rows ending at ``last`` (a group row above sub-headers)."""
    block = [last]
    while len(block) < MAX_HEADER_ROWS:
        upper = block[0] - 1
        if upper not in by_number or not _linked(
            by_number[upper], by_number[block[0]], merges, upper
        ):
            break
        block.insert(0, upper)
    return block


def _combine_headers(block_rows: list[list], width: int) -> list[str]:
    """One header per column: the last header row's text, with the group above it in front
    only where the sub-header alone would repeat."""
    subs, groups = [], []
    for c in range(width):
        parts = []
        for row in block_rows:
            value = row[c] if c < len(row) else ""
            text = _header_text(value)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        sub = _header_text(block_rows[-1][c]) if c < len(block_rows[-1]) else ""
        if not sub and parts:
            sub = parts[-1]
        subs.append(sub)
        groups.append([p for p in parts if p != sub])
    counts = Counter(s for s in subs if s)
    headers = []
    for sub, group in zip(subs, groups, strict=True):
        if sub and counts[sub] > 1 and group:
            headers.append(" ".join([*group, sub]))
        else:
            headers.append(sub)
    return headers


def _header_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", " ", str(value)).strip()


def _unique(headers: list[str]) -> list[str]:
    named = [h or _column_name(i) for i, h in enumerate(headers)]
    seen: set[str] = set()
    taken = Counter(named)
    result = []
    for name in named:
        if name in seen:
            n = 2
            while f"{name} ({n})" in seen or taken.get(f"{name} ({n})"):
                n += 1
            name = f"{name} ({n})"
        seen.add(name)
        result.append(name)
    return result


def _too_many_rows() -> ReadError:
    return ReadError(
        _(
            "The file has more than %(max)s rows. Please split it into several files (for "
            "example by year) and import them one after the other."
        )
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _build(records: Iterable[tuple[int, list]], *, merges, header_row, limit, base: dict) -> Table:
    iterator = iter(records)
    scan_to = max(HEADER_SCAN_ROWS, (header_row or 0) + 10)
    head: list[tuple[int, list]] = []
    for number, values in iterator:
        head.append((number, values))
        if number >= scan_to:
            break
    by_number = {number: values for number, values in head}
    _fill_merges(by_number, merges)
    if header_row is None:
        first = _detect_header(head)
        if first is None:
            first = next((n for n, v in head if any(x != "" for x in v)), None)
        if first is None:
            raise ReadError(
                _("The file contains no data. Please check that you chose the right file.")
            )
        last = first
        while (
            last + 1 - first < MAX_HEADER_ROWS
            and last + 1 in by_number
            and _linked(by_number[last], by_number[last + 1], merges, last)
        ):
            last += 1
        header_row = last
    elif header_row not in by_number:
        raise ReadError(
            _("The file has no row %(row)s. Please choose another header row.")
            % {"row": header_row}
        )
    block = _header_block(by_number, header_row, merges)
    width = max(
        (max((i + 1 for i, v in enumerate(by_number[n]) if v != ""), default=0) for n in block),
        default=0,
    )
    headers = _combine_headers([by_number[n] for n in block], width)
    # Merged cells below the header: each covered cell shows the merged cell's value.
    fill = _DataMerges([m for m in merges if m[0] > header_row])

    rows: list[Row] = []
    complete = True

    def data_records() -> Iterator[tuple[int, list]]:
        for number, values in head:
            if number > header_row:
                yield number, values
        yield from iterator

    for number, values in data_records():
        if fill:
            fill(number, values)
        if not any(v != "" for v in values):
            continue
        if limit is not None and len(rows) >= limit:
            complete = False
            break
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        if len(values) > len(headers):
            extra = values[len(headers) :]
            last_filled = max((i for i, v in enumerate(extra) if v != ""), default=-1)
            if last_filled >= 0:
                headers.extend([""] * (last_filled + 1))
            values = values[: len(headers)]
        rows.append(Row(number=number, values=values))
    width = len(headers)
    for row in rows:
        if len(row.values) < width:
            row.values.extend([""] * (width - len(row.values)))
    return Table(
        headers=_unique(headers),
        rows=rows,
        header_row=header_row,
        complete=complete,
        **base,
    )


class _DataMerges:
    """Fills merged ranges of data rows while the rows stream by (ranges sorted by first row;
    only the ranges that cover the current row are looked at)."""

    def __init__(self, merges) -> None:
        self.waiting = sorted(merges, reverse=True)  # pop() gives the lowest first row
        self.active: list[list] = []  # [r1, c1, r2, c2, value]

    def __bool__(self) -> bool:
        return bool(self.waiting or self.active)

    def __call__(self, number: int, values: list) -> None:
        while self.waiting and self.waiting[-1][0] <= number:
            r1, c1, r2, c2 = self.waiting.pop()
            value = values[c1] if r1 == number and c1 < len(values) else ""
            self.active.append([r1, c1, r2, c2, value])
        self.active = [m for m in self.active if m[2] >= number]
        for _r1, c1, _r2, c2, value in self.active:
            if value == "":
                continue
            if len(values) <= c2:
                values.extend([""] * (c2 + 1 - len(values)))
            for c in range(c1, c2 + 1):
                if values[c] == "":
                    values[c] = value
