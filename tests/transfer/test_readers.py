"""Reading uploaded files into tables (transfer.readers): the spreadsheet habits of German county
offices (cp1252, semicolons, title rows, merged two-row headers, serial dates, formulas) and the
files that cannot be read, with a message that tells the user what to do."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.utils import translation

from wegweiser.transfer import readers
from wegweiser.transfer.fields import ImportKind, field
from wegweiser.transfer.readers import ReadError, read_headers, read_table
from wegweiser.transfer.values import parse


def _xlsx(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_member(data: bytes, name: str, change) -> bytes:
    """The XLSX with one member of the archive changed (what Excel writes that openpyxl does
    not, e.g. whole numbers as "12.0")."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content)
            target.writestr(item, content)
    return buffer.getvalue()


# --- CSV --------------------------------------------------------------------------------------


def test_csv_in_windows_1252_with_semicolons_and_decimal_comma():
    data = (
        "Nachname;Vorname;Größe;Betrag\r\nMüller;Jürgen;1,85;12,50\r\nWeiß;Ölçay;1,70;3,00\r\n"
    ).encode("cp1252")
    table = read_table(data, "liste.csv")
    assert table.format == "csv"
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.headers == ["Nachname", "Vorname", "Größe", "Betrag"]
    assert [r.values for r in table.rows] == [
        ["Müller", "Jürgen", "1,85", "12,50"],
        ["Weiß", "Ölçay", "1,70", "3,00"],
    ]
    assert [r.number for r in table.rows] == [2, 3]


def test_csv_bytes_undefined_in_windows_1252_are_read_as_latin_1():
    data = b"Name;Ort\r\nM\xfcller\x81;Ulm\r\n"
    table = read_table(data, "x.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0].values == ["Müller\x81", "Ulm"]


def test_csv_utf8_with_byte_order_mark():
    data = "\ufeffVorname;Nachname;Geburtsdatum\nŞükrü;Yıldız;01.02.1990\n".encode()
    table = read_table(data, "excel-utf8.csv")
    assert table.encoding == "utf-8-sig"
    assert table.headers == ["Vorname", "Nachname", "Geburtsdatum"]
    assert table.rows[0].values == ["Şükrü", "Yıldız", "01.02.1990"]


def test_csv_utf8_with_commas_and_quoted_fields_holding_semicolons_and_line_breaks():
    data = (
        b"ID,Name,Bemerkung,Ort\n"
        b'1,Amina,"Termin; bitte mit Dolmetscher\nzweite Zeile",Sigmaringen\n'
        b'2,"Haddad, Omar","kurz",Mengen\n'
        b"3,Lena,,Pfullendorf\n"
    )
    table = read_table(data, "export.csv")
    assert table.encoding == "utf-8"
    assert table.delimiter == ","
    assert table.headers == ["ID", "Name", "Bemerkung", "Ort"]
    assert table.rows[0].values[2] == "Termin; bitte mit Dolmetscher\nzweite Zeile"
    assert table.rows[1].values[1] == "Haddad, Omar"
    # The row number is the line the record starts on: the first record spans lines 2 and 3.
    assert [r.number for r in table.rows] == [2, 4, 5]


def test_csv_tab_separated():
    data = b"Vorname\tNachname\tDauer\nAmina\tHaddad\t45,0\n"
    table = read_table(data, "x.txt")
    assert table.delimiter == "\t"
    assert table.rows[0].values == ["Amina", "Haddad", "45,0"]


def test_csv_pipe_separated_with_utf16_from_excel_unicode_text():
    data = "Vorname|Nachname\r\nAmina|Haddad\r\n".encode("utf-16")
    table = read_table(data, "x.txt")
    assert table.encoding == "utf-16"
    assert table.delimiter == "|"
    assert table.rows[0].values == ["Amina", "Haddad"]


def test_csv_title_rows_are_skipped_and_empty_rows_dropped():
    data = (
        "Fallliste Landkreis Sigmaringen, Stand 01.10.2026;;;\r\n"
        ";;;\r\n"
        "Lfd. Nr.;Vorname;Nachname;Aufnahme\r\n"
        "1;Amina;Haddad;01.02.2024\r\n"
        ";;;\r\n"
        "2;Omar;Haddad;03.02.2024\r\n"
    ).encode("cp1252")
    table = read_table(data, "x.csv")
    assert table.header_row == 3
    assert table.headers == ["Lfd. Nr.", "Vorname", "Nachname", "Aufnahme"]
    assert [r.number for r in table.rows] == [4, 6]
    # Reading again with the detected header row gives the same table.
    again = read_table(data, "x.csv", header_row=table.header_row)
    assert again.headers == table.headers
    assert [r.values for r in again.rows] == [r.values for r in table.rows]


def test_empty_and_repeated_headers_are_named_and_extra_cells_get_a_column():
    data = b"Name;Name;;Ort\nA;B;C;D;;F\nE;F;G;H\n"
    with translation.override("en"):
        table = read_table(data, "x.csv")
    # The same names in every language (the job's mapping refers to them).
    assert table.headers == ["Name", "Name (2)", "Spalte C", "Ort", "Spalte E", "Spalte F"]
    assert table.rows[0].values == ["A", "B", "C", "D", "", "F"]
    assert table.rows[1].values == ["E", "F", "G", "H", "", ""]
    assert table.column("Spalte F") == 5
    with pytest.raises(KeyError):
        table.column("Geburtsdatum")


def test_empty_extra_cells_do_not_add_columns():
    table = read_table(b"Name;Ort\nA;B;;;\n", "x.csv")
    assert table.headers == ["Name", "Ort"]
    assert table.rows[0].values == ["A", "B"]


def test_read_headers_stops_after_five_rows():
    data = ("Nr;Name\n" + "".join(f"{i};Person {i}\n" for i in range(1, 50))).encode()
    preview = read_headers(data, "x.csv")
    assert preview.headers == ["Nr", "Name"]
    assert len(preview.rows) == 5
    assert preview.describe()["rows"] is None
    assert read_table(data, "x.csv").describe() == {
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": ";",
        "sheet": "",
        "sheets": [],
        "header_row": 1,
        "rows": 49,
    }


# --- XLSX -------------------------------------------------------------------------------------


def _case_list(workbook):
    ws = workbook.active
    ws.title = "Fälle"
    ws["A1"] = "Fallliste Landkreis Sigmaringen, Stand 01.10.2026"
    ws.merge_cells("A1:G1")
    # Two-row header: "Lfd. Nr." and "Geburtsdatum" merged over both rows, groups over names.
    ws["A3"] = "Lfd. Nr."
    ws.merge_cells("A3:A4")
    ws["B3"] = "Person"
    ws.merge_cells("B3:C3")
    ws["B4"], ws["C4"] = "Vorname", "Nachname"
    ws["D3"] = "Kontaktperson"
    ws.merge_cells("D3:E3")
    ws["D4"], ws["E4"] = "Vorname", "Nachname"
    ws["F3"] = "Geburtsdatum"
    ws.merge_cells("F3:F4")
    ws["G3"] = "Aufnahme"
    ws.merge_cells("G3:G4")
    ws.append([12, "Amina", "Haddad", "Omar", "Haddad", dt.date(1990, 3, 12), 45234])
    ws.append([])  # an empty row in the middle
    ws.append([13, "Lena", "Müller", "=B5&C5", "", dt.datetime(1985, 7, 1, 0, 0), 45300])
    ws["F7"].number_format = "DD.MM.YYYY"
    ws.append([14, "Yusuf", "Demir", None, None, dt.datetime(2001, 1, 2, 14, 30), "01.10.2024"])
    hidden = workbook.create_sheet("Hilfstabelle")
    hidden["A1"] = "nicht lesen"


def test_xlsx_title_row_two_row_header_dates_formulas_and_empty_rows():
    data = _xlsx(_case_list)
    table = read_table(data, "Fallliste.xlsx")
    assert table.format == "xlsx"
    assert table.sheet == "Fälle"
    assert table.sheets == ["Fälle", "Hilfstabelle"]
    assert table.header_row == 4
    assert table.headers == [
        "Lfd. Nr.",
        "Person Vorname",
        "Person Nachname",
        "Kontaktperson Vorname",
        "Kontaktperson Nachname",
        "Geburtsdatum",
        "Aufnahme",
    ]
    assert [r.number for r in table.rows] == [5, 7, 8]
    first, second, third = (r.values for r in table.rows)
    assert first == [12, "Amina", "Haddad", "Omar", "Haddad", dt.date(1990, 3, 12), 45234]
    # The formula is its text, never its value ("LenaMüller" would be the value).
    assert second[3] == "=B5&C5"
    assert second[5] == dt.date(1985, 7, 1)
    assert third[5] == dt.datetime(2001, 1, 2, 14, 30)
    # Serial numbers and date texts become dates in values.py.
    birth = field(ImportKind.PERSONS, "case_opened_on")
    assert parse(birth, first[6]) == dt.date(2023, 11, 4)
    assert parse(birth, third[6]) == dt.date(2024, 10, 1)
    assert table.describe()["rows"] == 3


def test_xlsx_header_row_given_reads_the_same_table():
    data = _xlsx(_case_list)
    auto = read_table(data, "x.xlsx")
    given = read_table(data, "x.xlsx", header_row=4)
    assert given.headers == auto.headers
    assert [r.values for r in given.rows] == [r.values for r in auto.rows]
    # Row 3 as the header: the group row alone, the sub-headers become data.
    upper = read_table(data, "x.xlsx", header_row=3)
    assert upper.headers[:3] == ["Lfd. Nr.", "Person", "Person (2)"]
    assert upper.rows[0].number == 4


def test_xlsx_sub_headers_stand_alone_when_they_do_not_repeat():
    def build(workbook):
        ws = workbook.active
        ws["A1"] = "Person"
        ws.merge_cells("A1:B1")
        ws["C1"] = "Geburtsdatum"
        ws.merge_cells("C1:C2")
        ws["A2"], ws["B2"] = "Vorname", "Nachname"
        ws.append(["Amina", "Haddad", dt.date(1990, 3, 12)])

    table = read_table(_xlsx(build), "x.xlsx")
    assert table.header_row == 2
    assert table.headers == ["Vorname", "Nachname", "Geburtsdatum"]
    assert table.rows[0].values == ["Amina", "Haddad", dt.date(1990, 3, 12)]


def test_xlsx_whole_number_floats_and_merged_data_cells():
    def build(workbook):
        ws = workbook.active
        ws.append(["Lfd. Nr.", "Haushalt", "Vorname", "Dauer"])
        ws.append([12, "H-1", "Amina", 45.5])
        ws.append([13, None, "Omar", 30])
        ws.merge_cells("B2:B3")  # one household over two persons

    data = _xlsx(build)
    # Excel writes some whole numbers as "12.0": they come back as floats.
    data = _rewrite_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<v>12</v>", b"<v>12.0</v>"),
    )
    table = read_table(data, "x.xlsx")
    first, second = (r.values for r in table.rows)
    assert first[0] == 12.0 and isinstance(first[0], float)
    assert parse(field(ImportKind.PERSONS, "person_id"), first[0]) == "12"
    assert first[3] == 45.5
    # The merged household cell stands for both persons, as the user sees it.
    assert first[1] == second[1] == "H-1"


def test_xlsx_sheet_by_name_and_first_visible_sheet_with_data():
    def build(workbook):
        workbook.active.title = "Leer"
        hidden = workbook.create_sheet("Versteckt")
        hidden.append(["A", "B"])
        hidden.append([1, 2])
        hidden.sheet_state = "hidden"
        data = workbook.create_sheet("Daten")
        data.append(["Vorname", "Nachname"])
        data.append(["Amina", "Haddad"])

    data = _xlsx(build)
    table = read_table(data, "x.xlsx")
    assert table.sheet == "Daten"
    assert table.sheets == ["Leer", "Versteckt", "Daten"]
    assert read_table(data, "x.xlsx", sheet="Versteckt").headers == ["A", "B"]
    with pytest.raises(ReadError) as raised:
        read_table(data, "x.xlsx", sheet="Tabelle1")
    assert "Tabelle1" in raised.value.message
    assert "Leer, Versteckt, Daten" in raised.value.message


def test_xlsx_preview_has_five_rows():
    def build(workbook):
        ws = workbook.active
        ws.append(["Nr", "Name"])
        for i in range(20):
            ws.append([i, f"Person {i}"])

    preview = read_headers(_xlsx(build), "x.xlsx")
    assert len(preview.rows) == 5
    assert preview.describe()["rows"] is None
    assert preview.describe()["sheet"] == "Sheet"


# --- files that are not tables ----------------------------------------------------------------


def _ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


REFUSED = {
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "liste.xls", ".xls"),
    "empty": (b"", "liste.csv", "empty"),
    "blank": (b"\r\n  \r\n", "liste.csv", "empty"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "liste.pdf", "PDF"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "foto.png", "image"),
    "ods": (_ods(), "liste.ods", ".ods"),
    "broken zip": (b"PK\x03\x04 this is not really a zip", "x.xlsx", "damaged"),
    "binary": (b"\x01\x02\x00\x00\x05" * 50, "x.dat", ".xlsx"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_files_that_are_not_tables_are_refused_with_what_to_do(case):
    data, name, words = REFUSED[case]
    with translation.override("en"), pytest.raises(ReadError) as raised:
        read_table(data, name)
    assert words in raised.value.message
    assert ".xlsx" in raised.value.message or ".csv" in raised.value.message


def test_refusals_are_german_for_german_users():
    msgid = (
        "The file is in the old Excel format (.xls) or protected by a password. Please "
        "open it in Excel, remove the password if there is one, and save it as .xlsx "
        "or .csv."
    )
    with translation.override("de"):
        if translation.gettext(msgid) == msgid:
            pytest.skip("German catalogue not yet compiled with the reader's messages")
        with pytest.raises(ReadError) as raised:
            read_table(REFUSED["xls"][0], "liste.xls")
    assert "Bitte" in raised.value.message
    assert ".xlsx" in raised.value.message


def test_too_large_and_too_many_rows(monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 100)
    with translation.override("en"), pytest.raises(ReadError) as raised:
        read_table(b"Name;Ort\n" + b"Amina;Ulm\n" * 20, "x.csv")
    assert "split" in raised.value.message
    monkeypatch.setattr(readers, "MAX_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(readers, "MAX_ROWS", 10)
    data = b"Name;Ort\n" + b"Amina;Ulm\n" * 11
    with translation.override("en"), pytest.raises(ReadError) as raised:
        read_table(data, "x.csv")
    assert re.search(r"more than 10 rows", raised.value.message)
    assert len(read_table(b"Name;Ort\n" + b"Amina;Ulm\n" * 10, "x.csv").rows) == 10
    # The preview does not count the rows: it stops earlier.
    assert len(read_headers(data, "x.csv").rows) == 5


def test_header_row_beyond_the_file():
    with translation.override("en"), pytest.raises(ReadError) as raised:
        read_table(b"Name;Ort\nAmina;Ulm\n", "x.csv", header_row=40)
    assert "40" in raised.value.message
