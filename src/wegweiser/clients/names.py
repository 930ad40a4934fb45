"""Names in any script: Latin transliteration, search tokens and phonetic keys.

Names are stored as entered plus a normalised Latin form and a phonetic key (Kölner Phonetik),
so that "Müller", "Mueller" and "Muller", or "محمد", "Mohammed" and "Muhammad" find each other
on PostgreSQL and SQLite alike (plain substring matches on precomputed columns).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import cologne_phonetics
from anyascii import anyascii
from django.db.models import BooleanField, Expression, F, Q

_GERMAN_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# German-style (Duden) transliteration of Cyrillic, as German offices often write these names:
# "Шевченко" -> "Schewtschenko" besides the English-style "Shevchenko" that anyascii gives.
_CYRILLIC_GERMAN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "w",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "je",
        "ё": "jo",
        "ж": "sch",
        "з": "s",
        "и": "i",
        "і": "i",
        "ї": "ji",
        "й": "j",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "ju",
        "я": "ja",
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# Ukrainian passports use the national transliteration (Cabinet of Ministers resolution 55 of
# 2010): "Лисенко Наталія" -> "Lysenko Nataliia". First letters of a word differ for є, ї, й, ю, я.
_UKRAINIAN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ʼ": "",
}
_UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UKRAINIAN_LETTERS = re.compile(r"[ґєії]", re.IGNORECASE)


def _ukrainian_word(word: str) -> str:
    out = []
    for position, char in enumerate(word):
        lower = char.lower()
        table = _UKRAINIAN_INITIAL if position == 0 and lower in _UKRAINIAN_INITIAL else _UKRAINIAN
        latin = table.get(lower, char)
        if lower == "г" and position > 0 and word[position - 1].lower() == "з":
            latin = "gh"  # зг -> zgh, so that it is not read as zh
        out.append(latin.capitalize() if char.isupper() and latin else latin)
    return "".join(out)


def has_ukrainian_letters(*texts: str) -> bool:
    return any(_UKRAINIAN_LETTERS.search(t or "") for t in texts)


def to_latin(text: str, *, ukrainian: bool = False) -> str:
    """A readable Latin transliteration of a name in any script (Arabic, Cyrillic, ...).
    Cyrillic names of Ukrainians (or with letters only Ukrainian has) follow the Ukrainian
    passport transliteration; everything else anyascii's."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if _CYRILLIC.search(text) and (ukrainian or _UKRAINIAN_LETTERS.search(text)):
        text = re.sub(r"[\u0400-\u04ff'’ʼ]+", lambda m: _ukrainian_word(m.group(0)), text)
    # Soft and hard signs are not written in passports ("Ольга" -> "Olga", not "Ol'ga").
    text = re.sub(r"[ьЬъЪ]", "", text)
    return re.sub(r"\s+", " ", anyascii(text)).strip()


def tokens(text: str) -> list[str]:
    """Lower-case ASCII word tokens; German umlauts yield both forms (ü -> u and ue)."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[str] = []
    text = re.sub(r"['’ʼ`´ьЬъЪ]", "", text)  # apostrophes and soft signs do not split a name
    variants = [anyascii(text), anyascii(text.translate(_GERMAN_FOLD))]
    if _CYRILLIC.search(text):
        variants.append(anyascii(text.lower().translate(_CYRILLIC_GERMAN)))
    for variant in variants:
        for token in _NON_ALNUM.split(variant.lower()):
            if token and token not in found:
                found.append(token)
    return found


@functools.lru_cache(maxsize=20000)
def phonetic_key(token: str) -> str:
    """Kölner Phonetik of one token, squeezed: vowels dropped and repeats collapsed, so that
    transliterations with and without vowels ("Mohammed", "mhmd") meet.

    Kept per process for the most recent 20,000 words (the duplicate check codes the words of
    about a hundred persons per check, most of them common): the cache holds single words and
    their codes, never which person, birth date or county they belong to."""
    if not token:
        return ""
    encoded = cologne_phonetics.encode(token)
    code = "".join(part[1] for part in encoded).replace("0", "")
    squeezed = re.sub(r"(.)\1+", r"\1", code)
    return squeezed or "0"


def search_columns(*names: str) -> tuple[str, str]:
    """The two search columns for a person: ``" tok1 tok2 "`` and ``" key1 key2 "``."""
    toks: list[str] = []
    for name in names:
        for token in tokens(name):
            if token not in toks:
                toks.append(token)
    keys: list[str] = []
    for token in toks:
        if token.isdigit():
            continue
        key = phonetic_key(token)
        if key not in keys:
            keys.append(key)
    return " " + " ".join(toks) + " ", " " + " ".join(keys) + " "


def query_terms(query: str) -> list[tuple[str, str]]:
    """For a search query: per word the normalised token and its phonetic key."""
    terms = []
    for word in re.split(r"\s+", unicodedata.normalize("NFKC", query or "").strip()):
        word_tokens = tokens(word)
        if not word_tokens:
            continue
        token = word_tokens[0]
        terms.append((token, phonetic_key(token) if not token.isdigit() else ""))
    return terms


# --- looking the keys up in the database ------------------------------------------------------
#
# On PostgreSQL a GIN index holds per person the phonetic keys of the name, each as
# "<kreis>:<year of birth>:<key>" and "<kreis>:*:<key>" (migration 0006, function
# ``clients_block_keys``): the duplicate check finds the persons of a key and a year of birth, the
# search those of a key, in the index of the county and without reading other persons. Other
# databases (SQLite) compare the column ``name_phonetic`` (" key1 key2 ") with LIKE.

ANY_YEAR = "*"


def _uses_key_index() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


class _KeysOverlap(Expression):
    """``clients_block_keys(kreis, birth_year, name_phonetic) && elements`` (PostgreSQL)."""

    conditional = True

    def __init__(self, prefix: str, elements: list[str]):
        super().__init__(output_field=BooleanField())
        self.columns = [F(f"{prefix}kreis"), F(f"{prefix}birth_year"), F(f"{prefix}name_phonetic")]
        self.elements = elements

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        sql, params = [], []
        for column in self.columns:
            column_sql, column_params = compiler.compile(column)
            sql.append(column_sql)
            params.extend(column_params)
        return f"(clients_block_keys({', '.join(sql)}) && %s::text[])", [*params, self.elements]


def phonetic_q(
    keys: list[str], *, kreis_id: int, years: list[int | None] | None = None, prefix: str = ""
) -> Q:
    """Persons of the Kreis with one of these phonetic keys in their name, born in one of these
    years (``None`` in the list: no year of birth recorded; ``years=None``: any year). The
    condition holds the Kreis: the caller need not (and on SQLite should not) filter on it
    again. PostgreSQL: one lookup in the index of keys (county and year are part of it).
    SQLite: a subquery over the index (kreis, birth_year, name_phonetic) that compares the keys
    with LIKE in the index (with a filter on the county beside it, SQLite reads every person of
    the county by the index of ``kreis_id`` alone)."""
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        return Q(pk__in=[])
    if _uses_key_index():
        if years is None:
            slots = [ANY_YEAR]
        else:
            slots = ["" if year is None else str(year) for year in years]
        elements = [f"{kreis_id}:{slot}:{key}" for slot in slots for key in keys]
        return Q(_KeysOverlap(prefix, elements)) & Q(**{f"{prefix}kreis_id": kreis_id})
    if years is None:
        return _keys_like(keys, prefix) & Q(**{f"{prefix}kreis_id": kreis_id})
    from wegweiser.clients.models import Client

    known = [year for year in years if year is not None]
    year_q = Q(birth_year__in=known) if known else Q(pk__in=[])
    if None in years:
        year_q |= Q(birth_year__isnull=True)
    # Answered from the index (kreis, birth_year, name_phonetic) alone (migration 0006).
    persons = Client.objects.filter(year_q, _keys_like(keys), kreis_id=kreis_id).values("pk")
    return Q(**{f"{prefix}pk__in": persons})


def _keys_like(keys: list[str], prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    for key in keys:
        condition |= Q(**{f"{prefix}name_phonetic__contains": f" {key} "})
    return condition
