"""A cell of an imported file -> the value of a Wegweiser field (``fields.T``).

``parse(field, raw, lookups)`` returns the Python value, ``None`` for an empty cell, or raises
``Invalid`` with a German message without row and column (the importer puts "Zeile 12, Spalte
„Geburtsdatum“: " in front). German spreadsheet habits are understood: dates as dd.mm.yyyy,
d.m.yy or Excel serial numbers, decimal comma and thousands dot, ja/nein/x, German labels and
common words for the choice lists ("weiblich", "telefonisch", "Duldung"), German country names
and adjectives ("syrisch"), German language names ("Farsi").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wegweiser.transfer.fields import Field, T, choices_of

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 31.12.9999

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPLIT = re.compile(r"\s*(?:[,;/|]|\r\n|\r|\n)\s*")


class Invalid(Exception):
    """The cell's value does not fit the field; ``message`` says why (German, no position)."""

    def __init__(self, message) -> None:
        self.message = str(message)
        super().__init__(self.message)


def fold(text) -> str:
    """Text for comparisons: lower case, umlauts as ae/oe/ue, ß as ss, accents dropped, runs of
    white space as one space."""
    text = str(text or "").lower()
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


def _key(text) -> str:
    """A stricter key for choice words: ``fold`` without punctuation and spaces."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


# --- lookups of the county --------------------------------------------------------------------

_PLACE_PREFIXES = (
    "stadt ",
    "gemeinde ",
    "markt ",
    "marktgemeinde ",
    "flecken ",
    "grosse kreisstadt ",
    "hansestadt ",
    "universitaetsstadt ",
    "kreisstadt ",
)


def _place_key(text) -> str:
    folded = fold(text)
    for prefix in _PLACE_PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
            break
    return re.sub(r"[^0-9a-z]+", "", folded)


@dataclasses.dataclass
class Lookups:
    """The county's users, municipalities and directory services, read once per import."""

    kreis: object
    _users: dict | None = dataclasses.field(default=None, repr=False)
    _places: dict | None = dataclasses.field(default=None, repr=False)
    _ags: dict | None = dataclasses.field(default=None, repr=False)
    _services: dict | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def for_kreis(cls, kreis) -> Lookups:
        return cls(kreis=kreis)

    def user(self, email: str):
        """The active user of the county with this e-mail address (any case), else None."""
        if self._users is None:
            from wegweiser.accounts.models import User

            self._users = {
                u.email.lower(): u for u in User.objects.filter(kreis=self.kreis, is_active=True)
            }
        return self._users.get(email.strip().lower())

    def municipality(self, text: str):
        """The county's municipality by name (case, umlauts and "Stadt "/"Gemeinde " ignored)
        or by official key (AGS, 8 digits), else None."""
        if self._places is None:
            from wegweiser.organisations.models import Municipality

            self._places, self._ags = {}, {}
            for m in Municipality.objects.filter(kreis=self.kreis).order_by("name", "pk"):
                self._places.setdefault(_place_key(m.name), m)
                if m.ags:
                    self._ags.setdefault(m.ags, m)
        digits = re.sub(r"\s+", "", text)
        if digits.isdigit() and len(digits) in (7, 8):
            found = self._ags.get(digits.zfill(8))
            if found is not None:
                return found
        return self._places.get(_place_key(text))

    def service(self, text: str):
        """The directory service the county sees with this name (folded compare): its own
        first, then the state-wide ones; active before inactive. Else None."""
        if self._services is None:
            from wegweiser.directory.models import Service

            visible = Q(kreis=self.kreis) | Q(kreis__isnull=True, land_id=self.kreis.land_id)
            self._services = {}
            services = Service.objects.filter(visible).order_by("pk")
            ranked = sorted(services, key=lambda s: (not s.is_active, s.kreis_id is None, s.pk))
            for service in ranked:
                self._services.setdefault(fold(service.name), service)
        return self._services.get(fold(text))


# --- plain values -----------------------------------------------------------------------------


def _is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _as_text(raw, *, decimal_comma: bool = False) -> str:
    """A cell as the text the user sees in the spreadsheet."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "ja" if raw else "nein"
    if isinstance(raw, int | float):
        text = _number_text(raw)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0, 0):
            return raw.strftime("%d.%m.%Y")
        return raw.strftime("%d.%m.%Y %H:%M")
    if isinstance(raw, dt.date):
        return raw.strftime("%d.%m.%Y")
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    return str(raw).strip()


def _parse_id(raw) -> str:
    text = _CONTROL_LINE.sub("", _as_text(raw))
    return re.sub(r"\s+", " ", text).strip()


# A text that starts like a formula is written with a leading apostrophe by Excel users and by
# Wegweiser's own CSV export (so that Excel shows it as text): the apostrophe is not part of it.
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@])")


def _parse_text(raw) -> str:
    text = _as_text(raw, decimal_comma=True).replace("\r\n", "\n").replace("\r", "\n")
    return _FORMULA_GUARD.sub("", _CONTROL.sub("", text).strip())


def _two_digit_year(yy: int) -> int:
    current = timezone.localdate().year % 100
    return 2000 + yy if yy <= current else 1900 + yy


def _date_invalid(raw) -> Invalid:
    return Invalid(
        _("“%(value)s” is not a valid date. Please write it as DD.MM.YYYY, e.g. 31.12.2024.")
        % {"value": _as_text(raw)}
    )


def _from_serial(serial: float, raw) -> dt.date:
    if isinstance(serial, float) and not serial == serial:  # NaN
        raise _date_invalid(raw)
    whole = int(serial)
    if 1900 <= whole <= 2100 and float(serial).is_integer():
        raise Invalid(
            _(
                "“%(value)s” is only a year, not a date. Please write the full date as "
                "DD.MM.YYYY, e.g. 31.12.2024."
            )
            % {"value": _as_text(raw)}
        )
    if not 1 <= whole <= EXCEL_MAX_SERIAL:
        raise _date_invalid(raw)
    return EXCEL_EPOCH + dt.timedelta(days=whole)


_DMY = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _parse_date(raw) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise _date_invalid(raw)
    if isinstance(raw, int | float):
        return _from_serial(raw, raw)
    text = _as_text(raw)
    if re.fullmatch(r"\d{3,7}(?:[.,]\d+)?", text):
        return _from_serial(float(text.replace(",", ".")), raw)
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd")):
        match = pattern.match(text)
        if match and _TIME_SUFFIX.fullmatch(text[match.end() :]):
            a, _sep, b, c = match.groups()
            if order == "dmy":
                day, month, year = int(a), int(b), int(c)
                if len(c) == 2:
                    year = _two_digit_year(year)
            else:
                year, month, day = int(a), int(b), int(c)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise _date_invalid(raw) from None
    raise _date_invalid(raw)


def _parse_year(raw) -> int:
    latest = timezone.localdate().year

    def invalid():
        return Invalid(
            _("“%(value)s” is not a valid year. Please write a year from 1900 to %(max)s.")
            % {"value": _as_text(raw), "max": latest}
        )

    if isinstance(raw, dt.date):
        year = raw.year
    elif isinstance(raw, bool):
        raise invalid()
    elif isinstance(raw, int | float):
        if not float(raw).is_integer():
            raise invalid()
        year = int(raw)
    else:
        text = _as_text(raw)
        if re.fullmatch(r"\d{4}(?:[.,]0+)?", text):
            year = int(text[:4])
        elif re.fullmatch(r"\d{2}", text):
            year = _two_digit_year(int(text))
        else:
            try:
                year = _parse_date(text).year
            except Invalid:
                raise invalid() from None
    if not 1900 <= year <= latest:
        raise invalid()
    return year


_INT_UNITS = re.compile(r"\s*(?:min\.?|minuten|minute)\s*$", re.IGNORECASE)


def _parse_int(raw) -> int:
    def invalid():
        return Invalid(
            _("“%(value)s” is not a whole number. Please write a number such as 45.")
            % {"value": _as_text(raw)}
        )

    def negative():
        return Invalid(
            _("“%(value)s” is negative. Only numbers from 0 upwards are possible.")
            % {"value": _as_text(raw)}
        )

    if isinstance(raw, bool):
        raise invalid()
    if isinstance(raw, dt.time):  # a duration in a time-formatted cell (0:45)
        return raw.hour * 60 + raw.minute
    if isinstance(raw, dt.timedelta):
        return int(raw.total_seconds() // 60)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise invalid()
        number = int(raw)
    else:
        text = _INT_UNITS.sub("", _as_text(raw)).replace("\u00a0", "").replace(" ", "")
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("+-")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):  # 1.234 or 1.234,0
            whole, _comma, fraction = text.replace(".", "").partition(",")
        elif re.fullmatch(r"\d+(?:,\d+)?", text):  # 45 or 45,0
            whole, _comma, fraction = text.partition(",")
        elif re.fullmatch(r"\d+\.\d{1,2}|\d+\.\d{4,}", text):  # 45.0 (a decimal point)
            whole, _dot, fraction = text.partition(".")
        else:
            raise invalid()
        if fraction.strip("0"):
            raise invalid()
        number = sign * int(whole)
    if number < 0:
        raise negative()
    return number


_TRUE = {"ja", "j", "x", "yes", "y", "wahr", "true", "1", "✓", "✔", "☑", "✅", "☒", "ok"}
_FALSE = {"nein", "n", "no", "falsch", "false", "0", "✗", "✘", "☐"}


def _parse_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = _as_text(raw).lower().rstrip(".")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid(
        _("“%(value)s” is not yes or no. Please write ja or nein (or x for yes, empty for no).")
        % {"value": _as_text(raw)}
    )


def _parse_email(raw) -> str:
    text = _as_text(raw)
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().strip("<>").strip().lower()
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid(
            _("“%(value)s” is not a valid e-mail address.") % {"value": _as_text(raw)}
        ) from None
    return text


# --- choice lists -----------------------------------------------------------------------------

# Words used in spreadsheets for the choices, beside the codes and the German and English labels.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "Gender": {
        "male": ("m", "männlich", "mann", "male", "man", "männl", "herr", "junge"),
        "female": ("w", "weiblich", "f", "frau", "female", "woman", "weibl", "mädchen"),
        "diverse": ("d", "divers", "x", "inter", "nichtbinär"),
        "unknown": ("k. a.", "keine angabe", "ohne angabe", "unbekannt", "u"),
    },
    "Channel": {
        "in_person": ("persönlich", "vor Ort", "Büro", "Präsenz", "im Büro", "Sprechstunde"),
        "phone": ("telefonisch", "Telefon", "Tel", "Anruf", "Handy"),
        "email": ("E-Mail", "Mail", "per Mail", "per E-Mail", "elektronisch"),
        "video": ("Video", "Videocall", "Videoanruf", "Videoberatung", "online", "Videotelefonie"),
        "outreach": ("Hausbesuch", "aufsuchend", "aufsuchende Beratung", "in der Unterkunft"),
    },
    "ResidenceStatus": {
        "gestattung": ("Gestattung", "Aufenthaltsgestattung", "Asylverfahren", "BÜMA", "AG"),
        "duldung": ("Duldung", "geduldet", "§ 60a", "60a"),
        "erlaubnis_25": ("§ 25", "AE 25", "25", "Aufenthaltserlaubnis 25", "anerkannt"),
        "erlaubnis_24": ("§ 24", "AE 24", "24", "Ukraine", "vorübergehender Schutz"),
        "erlaubnis_other": ("Aufenthaltserlaubnis", "AE", "sonstige Aufenthaltserlaubnis"),
        "niederlassung": (
            "Niederlassung",
            "Niederlassungserlaubnis",
            "NE",
            "unbefristet",
            "Daueraufenthalt",
            "Daueraufenthalt-EU",
        ),
        "other": ("sonstiges", "sonstige", "andere", "Fiktionsbescheinigung", "EU-Bürger"),
        "unknown": ("unbekannt", "ungeklärt", "k. a.", "keine Angabe"),
    },
    "AccommodationPhase": {
        "provisional": ("vorläufige Unterbringung", "VU", "Gemeinschaftsunterkunft", "GU"),
        "follow_up": ("Anschlussunterbringung", "AU", "kommunale Unterbringung"),
        "private": ("eigene Wohnung", "Privatwohnung", "Wohnung", "privat", "Mietwohnung"),
        "other": ("sonstige", "sonstiges", "andere"),
        "unknown": ("unbekannt", "k. a.", "keine Angabe"),
    },
    "FieldOfAction": {
        "language": ("Sprache", "Deutsch", "Sprachkurs", "Sprachförderung", "Integrationskurs"),
        "work": ("Arbeit", "Ausbildung", "Arbeit/Ausbildung", "Beruf", "Arbeitsmarkt", "Job"),
        "housing": ("Wohnen", "Wohnung", "Wohnungssuche"),
        "education": ("Bildung", "Schule", "Bildung/Schule", "Studium"),
        "childcare": ("Kita", "Kinderbetreuung", "Kindergarten", "Kita/Kinderbetreuung"),
        "health": ("Gesundheit", "psychosoziale Unterstützung", "Traumaberatung"),
        "residence": ("Aufenthalt", "Aufenthaltsrecht", "Recht", "Aufenthalt und Recht"),
        "finance": ("Finanzen", "Leistungen", "Finanzen/Leistungen", "Sozialleistungen", "Geld"),
        "participation": ("Teilhabe", "Alltag", "Teilhabe/Alltag", "Freizeit", "soziale Teilhabe"),
    },
    "GoalStatus": {
        "open": ("offen", "neu", "nicht begonnen"),
        "in_progress": ("in Arbeit", "in Bearbeitung", "laufend", "begonnen", "läuft"),
        "reached": ("erreicht", "erledigt", "abgeschlossen"),
        "partly": ("teilweise erreicht", "teilweise", "teils"),
        "not_reached": ("nicht erreicht",),
        "dropped": ("abgebrochen", "verworfen", "aufgegeben", "entfallen"),
    },
    "Priority": {
        "high": ("hoch", "dringend", "wichtig", "1", "A"),
        "medium": ("mittel", "normal", "2", "B"),
        "low": ("niedrig", "gering", "3", "C"),
    },
    "ReferralStatus": {
        "proposed": ("vorgeschlagen", "empfohlen"),
        "agreed": ("vereinbart", "zugestimmt", "einverstanden"),
        "appointment_made": ("Termin vereinbart", "Termin", "Termin gemacht"),
        "attended": ("wahrgenommen", "teilgenommen", "erschienen"),
        "successful": ("erfolgreich",),
        "not_successful": ("nicht erfolgreich", "erfolglos", "ohne Erfolg"),
        "cancelled": ("abgesagt", "abgebrochen", "storniert"),
    },
    "CloseReason": {
        "self_reliant": ("Ziele erreicht", "Ziel erreicht", "selbstständig", "Regeldienste"),
        "moved_away": ("verzogen", "Umzug", "weggezogen", "umgezogen", "Wegzug"),
        "no_contact": ("nicht erreichbar", "kein Kontakt", "Kontaktabbruch", "unbekannt verzogen"),
        "client_wish": ("auf Wunsch", "Wunsch", "Wunsch der Person", "Wunsch des Klienten"),
        "period_ended": ("Zeitraum beendet", "Beratungszeitraum beendet", "Fristende"),
        "handed_over": ("übergeben", "weitervermittelt", "Übergabe", "abgegeben"),
        "deceased": ("verstorben", "Tod"),
        "other": ("sonstiges", "sonstige", "andere"),
    },
}
# Codes that an import may not set.
EXCLUDED = {"CloseReason": {"merged"}}

# A § of the residence act as written in spreadsheets ("§ 25 Abs. 2 AufenthG", "25 II").
_PARAGRAPH = re.compile(r"^(?:§+\s*)?(\d{1,3})\s*([a-d])?\b(?!\s*\.\d)", re.IGNORECASE)
_PARAGRAPH_CODES = {
    "25": "erlaubnis_25",
    "24": "erlaubnis_24",
    "60a": "duldung",
    "60b": "duldung",
    "60c": "duldung",
    "60d": "duldung",
    "55": "gestattung",
    "9": "niederlassung",
    "9a": "niederlassung",
    "18c": "niederlassung",
    "35": "niederlassung",
}


@cache
def _choice_table(module: str, name: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """{key: code} for the choices class, and its codes (without the excluded ones)."""
    cls = choices_of(Field("", "", T.CHOICE, choices=(module, name)))
    excluded = EXCLUDED.get(name, set())
    codes = tuple(c for c in cls.values if c not in excluded)
    table: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for code in codes:
        table[_key(code)] = code
    for language in ("de", "en"):
        with translation.override(language):
            for code, label in cls.choices:
                if code in excluded:
                    continue
                label = str(label)
                table.setdefault(_key(label), code)
                # "provisional accommodation (vorläufige Unterbringung)": both parts.
                outside = re.sub(r"\s*\([^)]*\)", "", label)
                for part in (outside, *re.findall(r"\(([^)]*)\)", label)):
                    if _key(part):
                        derived.setdefault(_key(part), set()).add(code)
    for code, words in SYNONYMS.get(name, {}).items():
        if code in codes:
            for word in words:
                table.setdefault(_key(word), code)
    for key, found in derived.items():
        if len(found) == 1:
            table.setdefault(key, next(iter(found)))
    return table, codes


def _choice_invalid(f: Field, text: str) -> Invalid:
    cls = choices_of(f)
    excluded = EXCLUDED.get(f.choices[1], set())
    labels = [
        re.sub(r"\s*\([^)]*\)", "", str(label)) for c, label in cls.choices if c not in excluded
    ]
    return Invalid(
        _("“%(value)s” is not one of the possible values: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(labels)}
    )


def _parse_choice(f: Field, raw) -> str:
    text = _as_text(raw)
    table, _codes = _choice_table(*f.choices)
    code = table.get(_key(text))
    if code is None and f.choices[1] == "ResidenceStatus":
        match = _PARAGRAPH.match(re.sub(r"^(?:AE|Aufenthaltserlaubnis)\s*", "", text, flags=re.I))
        if match:
            paragraph = match.group(1) + (match.group(2) or "").lower()
            code = _PARAGRAPH_CODES.get(paragraph) or _PARAGRAPH_CODES.get(match.group(1))
            if code is None and 16 <= int(match.group(1)) <= 104:
                code = "erlaubnis_other"
    if code is None:
        raise _choice_invalid(f, text)
    return code


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part.strip()]


def _several(raw, one) -> list[str]:
    """Parse a cell with one or several values: the whole text first (a label may contain a
    separator), else each part; duplicates dropped, order kept; all unknown parts reported."""
    text = _as_text(raw)
    try:
        return [one(text)]
    except Invalid as whole_error:
        parts = _split(text)
        if len(parts) <= 1:
            raise whole_error from None
    result, errors, unknown = [], [], []
    for part in parts:
        try:
            value = one(part)
        except Invalid as error:
            errors.append(error)
            unknown.append(part)
            continue
        if value not in result:
            result.append(value)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        more = ", ".join(_("“%(value)s”") % {"value": part} for part in unknown[1:])
        raise Invalid(
            errors[0].message + " " + _("Not recognised either: %(values)s.") % {"values": more}
        )
    return result


# --- countries and languages ------------------------------------------------------------------

# Adjectives of common countries of origin ("syrisch" -> SY); inflected forms ("syrische") too.
NATIONALITY_ADJECTIVES = {
    "afghanisch": "AF",
    "ägyptisch": "EG",
    "albanisch": "AL",
    "algerisch": "DZ",
    "armenisch": "AM",
    "aserbaidschanisch": "AZ",
    "äthiopisch": "ET",
    "bosnisch": "BA",
    "bulgarisch": "BG",
    "chinesisch": "CN",
    "deutsch": "DE",
    "eritreisch": "ER",
    "gambisch": "GM",
    "georgisch": "GE",
    "ghanaisch": "GH",
    "guineisch": "GN",
    "indisch": "IN",
    "irakisch": "IQ",
    "iranisch": "IR",
    "jemenitisch": "YE",
    "kamerunisch": "CM",
    "kolumbianisch": "CO",
    "kosovarisch": "XK",
    "kongolesisch": "CD",
    "libanesisch": "LB",
    "libysch": "LY",
    "marokkanisch": "MA",
    "mazedonisch": "MK",
    "nordmazedonisch": "MK",
    "moldauisch": "MD",
    "nigerianisch": "NG",
    "pakistanisch": "PK",
    "palästinensisch": "PS",
    "polnisch": "PL",
    "rumänisch": "RO",
    "russisch": "RU",
    "serbisch": "RS",
    "somalisch": "SO",
    "sudanesisch": "SD",
    "syrisch": "SY",
    "tadschikisch": "TJ",
    "tschetschenisch": "RU",
    "tunesisch": "TN",
    "türkisch": "TR",
    "ukrainisch": "UA",
    "venezolanisch": "VE",
    "vietnamesisch": "VN",
    "weißrussisch": "BY",
    "belarussisch": "BY",
}
COUNTRY_SYNONYMS = {
    "Syrien": "SY",
    "Russland": "RU",
    "Russische Föderation": "RU",
    "Iran": "IR",
    "Türkei": "TR",
    "Turkey": "TR",
    "USA": "US",
    "Großbritannien": "GB",
    "England": "GB",
    "UK": "GB",
    "Kongo": "CD",
    "DR Kongo": "CD",
    "Mazedonien": "MK",
    "Moldau": "MD",
    "Weißrussland": "BY",
    "Elfenbeinküste": "CI",
    "Palästinensische Gebiete": "PS",
}
# No state: Wegweiser has no code for it (django_countries has none either).
NO_NATIONALITY = ("staatenlos", "stateless", "ungeklärt", "ungeklaert", "unbekannt", "unknown")


@cache
def _country_table() -> dict[str, str]:
    from django_countries import countries

    table: dict[str, str] = {}
    for language in ("en", "de"):
        with translation.override(language):
            for code, name in countries:
                table.setdefault(_key(name), code)
                outside = re.sub(r"\s*\([^)]*\)", "", str(name))
                table.setdefault(_key(outside), code)
    for name, code in COUNTRY_SYNONYMS.items():
        table[_key(name)] = code
    for adjective, code in NATIONALITY_ADJECTIVES.items():
        for ending in ("", "e", "er", "es", "en"):
            table.setdefault(_key(adjective + ending), code)
    return table


def _parse_country(text: str) -> str:
    from django_countries import countries

    cleaned = text.strip()
    if _key(cleaned) in {_key(w) for w in NO_NATIONALITY}:
        raise Invalid(
            _(
                "“%(value)s” cannot be recorded as a nationality; please leave the cell empty "
                "instead."
            )
            % {"value": cleaned}
        )
    if re.fullmatch(r"[A-Za-z]{2,3}", cleaned):
        code = countries.alpha2(cleaned.upper())
        if code:
            return code
    code = _country_table().get(_key(cleaned))
    if code:
        return code
    raise Invalid(
        _(
            "“%(value)s” is not a known country. Please write the country in German (e.g. "
            "Syrien), as an adjective (syrisch) or as a code (SY)."
        )
        % {"value": cleaned}
    )


LANGUAGE_SYNONYMS = {
    "fa": ("Farsi", "Persisch", "Persian", "Iranisch", "fas", "per"),
    "prs": ("Dari", "Afghanisch Persisch"),
    "kmr": ("Kurdisch", "Kurdish", "Kurmandschi", "Kurmanci", "Kurmanji", "Nordkurdisch", "kur"),
    "ckb": ("Sorani", "Zentralkurdisch"),
    "ps": ("Paschtu", "Paschto", "Pashtu", "Puschtu", "pus"),
    "ti": ("Tigrinisch", "Tigrinja", "Tigrigna", "tir"),
    "ar": ("Arabisch", "ara", "arabic"),
    "de": ("Deutsch", "deu", "ger"),
    "en": ("Englisch", "eng"),
    "fr": ("Französisch", "fra", "fre"),
    "ru": ("Russisch", "rus"),
    "uk": ("Ukrainisch", "ukr"),
    "tr": ("Türkisch", "tur"),
    "so": ("Somalisch", "Somali", "som"),
    "am": ("Amharisch", "amh"),
    "sq": ("Albanisch", "sqi", "alb"),
    "sr": ("Serbisch", "srp"),
    "ka": ("Georgisch", "kat", "geo"),
    "ur": ("Urdu", "urd"),
    "ro": ("Rumänisch", "ron", "rum"),
    "pl": ("Polnisch", "pol"),
}


@cache
def _language_table() -> dict[str, str]:
    from wegweiser.clients.languages import LANGUAGES

    table: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for code, _label in LANGUAGES:
        table[_key(code)] = code
    for language in ("de", "en"):
        with translation.override(language):
            for code, label in LANGUAGES:
                label = str(label)
                table.setdefault(_key(label), code)
                outside = re.sub(r"\s*\([^)]*\)", "", label)
                for part in (outside, *re.findall(r"\(([^)]*)\)", label)):
                    derived.setdefault(_key(part), set()).add(code)
    for code, words in LANGUAGE_SYNONYMS.items():
        for word in words:
            table.setdefault(_key(word), code)
    for key, found in derived.items():
        if key and len(found) == 1:
            table.setdefault(key, next(iter(found)))
    return table


def _parse_language(text: str) -> str:
    code = _language_table().get(_key(text))
    if code is None:
        raise Invalid(
            _(
                "“%(value)s” is not a known language. Please write the language in German (e.g. "
                "Arabisch) or as a code (ar)."
            )
            % {"value": text.strip()}
        )
    return code


# --- the county's objects ---------------------------------------------------------------------


def _parse_user(raw, lookups: Lookups):
    email = _as_text(raw).strip().lower()
    if email.startswith("mailto:"):
        email = email[7:]
    user = lookups.user(email)
    if user is None:
        raise Invalid(
            _("Nobody with the e-mail address “%(value)s” works with Wegweiser in this county.")
            % {"value": _as_text(raw)}
        )
    return user


def _parse_municipality(raw, lookups: Lookups):
    text = _as_text(raw)
    found = lookups.municipality(text)
    if found is None:
        raise Invalid(
            _(
                "“%(value)s” is not a municipality of this county. Please write its name as in "
                "Wegweiser or its 8-digit official key (AGS)."
            )
            % {"value": text}
        )
    return found


def _parse_service(raw, lookups: Lookups | None):
    text = re.sub(r"\s+", " ", _CONTROL_LINE.sub(" ", _as_text(raw))).strip()
    if lookups is not None:
        found = lookups.service(text)
        if found is not None:
            return found
    return text


# --- the entry point --------------------------------------------------------------------------


def parse(field: Field, raw, lookups: Lookups | None = None):
    """The value of ``raw`` (a cell of ``readers.Table``) for ``field``; None when empty."""
    if _is_empty(raw):
        return None
    kind = field.type
    if kind == T.ID:
        return _parse_id(raw) or None
    if kind == T.TEXT:
        return _parse_text(raw) or None
    if kind == T.DATE:
        return _parse_date(raw)
    if kind == T.YEAR:
        return _parse_year(raw)
    if kind == T.INT:
        return _parse_int(raw)
    if kind == T.BOOL:
        return _parse_bool(raw)
    if kind == T.CHOICE:
        return _parse_choice(field, raw)
    if kind == T.CHOICES:
        return _several(raw, lambda text: _parse_choice(field, text))
    if kind == T.COUNTRIES:
        return _several(raw, _parse_country)
    if kind == T.LANGUAGES:
        return _several(raw, _parse_language)
    if kind == T.EMAIL:
        return _parse_email(raw)
    if kind == T.USER:
        if lookups is None:
            raise TypeError("parse() needs lookups for a USER field")
        return _parse_user(raw, lookups)
    if kind == T.MUNICIPALITY:
        if lookups is None:
            raise TypeError("parse() needs lookups for a MUNICIPALITY field")
        return _parse_municipality(raw, lookups)
    if kind == T.SERVICE:
        return _parse_service(raw, lookups)
    raise ValueError(f"unknown field type {kind!r}")
