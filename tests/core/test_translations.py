"""The German catalogue (src/wegweiser/locale/de/LC_MESSAGES) is complete, compiled and covers
every msgid of the code. scripts/i18n.sh updates and compiles it.

The catalogue leaves to allauth's own German catalogue the strings of our allauth template
overrides (templates/account/, mfa/, allauth/) that allauth already translates; an entry with a
translator comment "# keep: ..." is an intended exception (an override of allauth's wording, or
a msgid the code translates at run time from a variable)."""

from __future__ import annotations

import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

PACKAGE = Path(settings.BASE_DIR)
LC_MESSAGES = PACKAGE / "locale" / "de" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
ALLAUTH_MO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
ALLAUTH_OVERRIDES = ("templates/account/", "templates/mfa/", "templates/allauth/")
KEEP = "# keep:"
FIX = "Run scripts/i18n.sh, translate, run it again."


# --- A tiny .po reader ------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The key gettext uses: the msgid, prefixed by "msgctxt\\x04" for a context."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def kept(self) -> bool:
        return any(c.startswith(KEEP) for c in self.comments)

    def catalog_items(self):
        """(key, msgstr) pairs as they appear in GNUTranslations._catalog."""
        if self.msgid_plural is None:
            yield self.key, self.msgstr.get(0, "")
        else:
            for index, text in sorted(self.msgstr.items()):
                yield (self.key, index), text


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header entry and the other entries of a .po file (obsolete "#~" entries ignored)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.locations.extend(line[2:].split())
        elif line.startswith("#"):
            entry.comments.append(line)
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without keyword"
            _append(entry, target, _unquote(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path}:{number}: cannot read {line!r}"
            keyword, index, value = match.groups()
            if keyword == "msgid" and target is not None and target[0] == "msgstr":
                finish()  # a new entry without a blank line in between
            target = (
                ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, None)
            )
            _set(entry, target, _unquote(value))
    finish()
    assert entries and entries[0].msgid == "", f"{path}: no header entry"
    return entries[0], entries[1:]


def _set(entry: Entry, target, value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, target, value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, getattr(entry, name) + value)


def _label(entry: Entry) -> str:
    where = f" ({' '.join(entry.locations)})" if entry.locations else ""
    return f"{entry.msgid!r}{where}"


def _allauth_catalog() -> dict:
    with ALLAUTH_MO.open("rb") as fp:
        return gettext.GNUTranslations(fp)._catalog


def _left_to_allauth(entry: Entry, allauth_catalog: dict) -> bool:
    """Only in our allauth template overrides, and allauth's German catalogue translates it."""
    return (
        bool(entry.locations)
        and all(loc.startswith(ALLAUTH_OVERRIDES) for loc in entry.locations)
        and all(allauth_catalog.get(key) for key, _ in entry.catalog_items())
    )


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    return parse_po(PO)


# --- The catalogue itself ---------------------------------------------------------------------


def test_header_declares_german_and_its_plural_forms(catalogue):
    header, _ = catalogue
    text = header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert "Language: de\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    assert len(entries) > 400
    empty = [_label(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e.flags]
    plural = [
        _label(e) for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]
    ]
    assert not empty, f"Untranslated: {empty}. {FIX}"
    assert not fuzzy, f"Fuzzy (check the translation, then remove the flag): {fuzzy}. {FIX}"
    assert not plural, f"Plural entries need msgstr[0] and msgstr[1]: {plural}"


def test_placeholders_survive_translation(catalogue):
    _, entries = catalogue
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    wrong = []
    for entry in entries:
        expected = set(placeholder.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr.values():
            # Singular forms may drop the count ("one entry"), but never invent a placeholder.
            found = set(placeholder.findall(text))
            if found - expected or (entry.msgid_plural is None and found != expected):
                wrong.append(_label(entry))
    assert not wrong, f"Placeholders differ from the msgid: {wrong}"


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo must be compiled from the committed .po (compilemessages after every
    change): a machine without gettext uses the .mo as it is."""
    _, entries = catalogue
    from_po = {key: text for entry in entries for key, text in entry.catalog_items()}
    with MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    from_mo = {key: text for key, text in compiled._catalog.items() if key != ""}
    missing = sorted(map(str, from_po.keys() - from_mo.keys()))
    stale = sorted(map(str, from_mo.keys() - from_po.keys()))
    changed = sorted(str(k) for k in from_po.keys() & from_mo.keys() if from_po[k] != from_mo[k])
    assert not (missing or stale or changed), (
        f"django.mo is out of date (missing {missing[:10]}, stale {stale[:10]}, changed "
        f"{changed[:10]}). Run scripts/i18n.sh (or manage.py compilemessages) and commit the .mo."
    )


def test_allauth_strings_are_not_duplicated_unless_deliberately(catalogue):
    """Strings of our allauth overrides that allauth translates itself stay in allauth's
    catalogue; an entry here overrides allauth's wording only with a "# keep:" comment."""
    _, entries = catalogue
    allauth_catalog = _allauth_catalog()
    duplicated = [_label(e) for e in entries if not e.kept and _left_to_allauth(e, allauth_catalog)]
    assert not duplicated, f"Left to allauth's catalogue, yet duplicated: {duplicated}. {FIX}"


def test_required_wording_in_german():
    from wegweiser.core.errors import ConflictError

    with translation.override("de"):
        assert "Zukunft" in translation.gettext("A session cannot lie in the future.")
        text = translation.gettext("The text contains control characters that are not allowed.")
        assert "Steuerzeichen" in text
        assert "zwischenzeitlich" in str(ConflictError.message)
        assert translation.gettext("No consent to processing is recorded for this person.") == (
            "Für diese Person ist keine Einwilligung zur Verarbeitung erfasst."
        )
        assert translation.gettext("Good day, %(name)s") % {"name": "Alice"} == "Guten Tag, Alice"
        assert translation.gettext("Desk") == "Schreibtisch"
        assert translation.gettext("My caseload") == "Mein Fallbestand"
        assert translation.gettext("New client") == "Neue Klientin / neuer Klient"
        assert translation.gettext("in person") == "persönlich"
        assert translation.gettext("Language") == "Sprache"
        assert translation.ngettext("%(n)s case", "%(n)s cases", 1) == "%(n)s Fall"
        assert translation.ngettext("%(n)s case", "%(n)s cases", 2) == "%(n)s Fälle"
        # allauth's own catalogue answers for the allauth strings we leave to it
        assert translation.gettext("Two-Factor Authentication") == "Zwei-Faktor-Authentifizierung"


def test_audit_action_labels_are_translated():
    """The audit log translates its action labels at run time (core/templatetags/ww.py marks
    them with gettext_noop); this also holds without xgettext on the machine."""
    from wegweiser.core.templatetags import ww

    with translation.override("de"):
        untranslated = [
            code for code, label in ww._ACTION_LABELS.items() if ww.action_label(code) == label
        ]
    assert not untranslated, f"No German label for the audit actions {untranslated}"


# --- The catalogue against the code -------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed: apt-get install gettext",
)
def test_every_msgid_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch, catalogue):
    """makemessages into a copy of the package; every msgid it finds must be translated here
    (or be one of the allauth strings left to allauth's catalogue)."""
    copy = tmp_path / "wegweiser"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("static", "locale", "__pycache__", "*.pyc", "*.mo", "*.po"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command(
            "makemessages",
            locale=["de"],
            domain="django",
            extensions=["html", "txt", "py"],
            ignore_patterns=["static"],
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )
    _, extracted = parse_po(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 400

    _, entries = catalogue
    translated = {key for entry in entries for key, text in entry.catalog_items() if text}
    allauth_catalog = _allauth_catalog()
    missing = [
        _label(entry)
        for entry in extracted
        if not all(key in translated for key, _ in entry.catalog_items())
        and not _left_to_allauth(entry, allauth_catalog)
    ]
    assert not missing, f"Not in the German catalogue: {missing}. {FIX}"


# --- The pages --------------------------------------------------------------------------------


def test_desk_speaks_german_by_default_and_english_on_request(client, alice):
    client.force_login(alice)
    german = client.get(reverse("core:desk"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Schreibtisch" in german and "Mein Fallbestand" in german

    with translation.override(settings.LANGUAGE_CODE):  # leave no English behind for later tests
        english = client.get(reverse("core:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        by_cookie = client.get(reverse("core:desk")).content.decode()
    for page in (english, by_cookie):
        assert "Desk" in page and "My caseload" in page
        assert "Schreibtisch" not in page
