"""Cells -> values of Wegweiser fields (transfer.values): what county staff write in their lists
is understood, and what cannot be understood is refused with a message naming the value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import MunicipalityFactory, UserFactory
from wegweiser.directory.models import Service, ServiceProvider
from wegweiser.transfer.fields import ImportKind, T, field
from wegweiser.transfer.values import Invalid, Lookups, fold, parse

P, S, G, R = ImportKind.PERSONS, ImportKind.SESSIONS, ImportKind.GOALS, ImportKind.REFERRALS


def ok(kind, key, raw, lookups=None):
    return parse(field(kind, key), raw, lookups)


def refused(kind, key, raw, lookups=None) -> str:
    with translation.override("en"), pytest.raises(Invalid) as raised:
        parse(field(kind, key), raw, lookups)
    return raised.value.message


@pytest.mark.parametrize("raw", [None, "", "   ", "\t"])
@pytest.mark.parametrize(
    "key", ["person_id", "family_name", "birth_date", "birth_year", "gender", "nationalities"]
)
def test_empty_cells_are_none(key, raw):
    assert ok(P, key, raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12.0, "12"),
        (12, "12"),
        ("  A-7 ", "A-7"),
        ("A\x00-7", "A-7"),
        (4915112345678.0, "4915112345678"),
    ],
)
def test_ids(raw, expected):
    assert ok(P, "person_id", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Müller ", "Müller"),
        (3.0, "3"),
        (1.85, "1,85"),
        (dt.date(2024, 1, 2), "02.01.2024"),
        ("Zeile 1\r\nZeile 2\x07", "Zeile 1\nZeile 2"),
        ("=A1+B1", "=A1+B1"),
        ("A\u202eB", "AB"),
    ],
)
def test_text(raw, expected):
    assert ok(P, "family_name", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2024, 12, 31), dt.date(2024, 12, 31)),
        (dt.datetime(2024, 12, 31, 10, 30), dt.date(2024, 12, 31)),
        (45234, dt.date(2023, 11, 4)),
        (45234.75, dt.date(2023, 11, 4)),
        ("45234", dt.date(2023, 11, 4)),
        ("31.12.2024", dt.date(2024, 12, 31)),
        ("1.2.2024", dt.date(2024, 2, 1)),
        ("01.02.2024", dt.date(2024, 2, 1)),
        ("31.12.99", dt.date(1999, 12, 31)),
        ("2024-12-31", dt.date(2024, 12, 31)),
        ("2024-12-31T00:00:00", dt.date(2024, 12, 31)),
        ("31.12.2024 00:00", dt.date(2024, 12, 31)),
        ("31/12/2024", dt.date(2024, 12, 31)),
        ("31-12-2024", dt.date(2024, 12, 31)),
    ],
)
def test_dates(raw, expected):
    assert ok(P, "birth_date", raw) == expected


def test_two_digit_years_up_to_this_year_are_this_century():
    yy = timezone.localdate().year % 100
    assert ok(P, "birth_date", f"01.01.{yy:02d}") == dt.date(2000 + yy, 1, 1)
    assert ok(P, "birth_date", f"01.01.{yy + 1:02d}") == dt.date(1901 + yy, 1, 1)


@pytest.mark.parametrize("raw", ["31.02.2024", "2024-13-01", "gestern", "1.2024", "32.1.2024"])
def test_impossible_dates_are_refused_naming_the_value(raw):
    message = refused(P, "birth_date", raw)
    assert f"“{raw}”" in message
    assert "DD.MM.YYYY" in message


@pytest.mark.parametrize("raw", [0, -5, 2958466, True])
def test_serial_numbers_out_of_range_are_refused(raw):
    assert "not a valid date" in refused(P, "birth_date", raw)


def test_a_year_alone_is_not_taken_as_a_serial_date():
    assert "only a year" in refused(P, "birth_date", 1990)
    assert "only a year" in refused(P, "birth_date", "1990")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1990, 1990),
        (1990.0, 1990),
        ("1990", 1990),
        (dt.date(1985, 5, 1), 1985),
        ("12.03.1990", 1990),
    ],
)
def test_years(raw, expected):
    assert ok(P, "birth_year", raw) == expected


@pytest.mark.parametrize("raw", [1899, "3000", timezone.localdate().year + 1, "neunzig", 1990.5])
def test_impossible_years(raw):
    message = refused(P, "birth_year", raw)
    assert "not a valid year" in message
    assert str(timezone.localdate().year) in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (45, 45),
        (45.0, 45),
        ("45", 45),
        ("45,0", 45),
        ("45.0", 45),
        ("1.234", 1234),
        ("1.234,0", 1234),
        ("45 Min.", 45),
        (dt.time(0, 45), 45),
        (dt.time(1, 30), 90),
        (0, 0),
    ],
)
def test_whole_numbers(raw, expected):
    assert ok(S, "duration_minutes", raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("45,5", "not a whole number"),
        (45.5, "not a whole number"),
        ("viel", "not a whole number"),
        (-5, "negative"),
        ("-45", "negative"),
    ],
)
def test_broken_numbers(raw, words):
    message = refused(S, "duration_minutes", raw)
    assert words in message
    assert "“" in message


@pytest.mark.parametrize(
    "raw", ["ja", "Ja", "j", "x", "X", "yes", "wahr", "TRUE", "1", 1, "✓", "✔", True]
)
def test_yes(raw):
    assert ok(P, "interpreter_needed", raw) is True


@pytest.mark.parametrize("raw", ["nein", "N", "no", "falsch", "false", "0", 0, 0.0, False])
def test_no(raw):
    assert ok(P, "interpreter_needed", raw) is False


def test_neither_yes_nor_no():
    assert "“vielleicht”" in refused(P, "interpreter_needed", "vielleicht")
    assert refused(P, "interpreter_needed", 2)


@pytest.mark.parametrize(
    ("kind", "key", "raw", "code"),
    [
        (P, "gender", "m", "male"),
        (P, "gender", "männlich", "male"),
        (P, "gender", "Mann", "male"),
        (P, "gender", "W", "female"),
        (P, "gender", "weiblich", "female"),
        (P, "gender", "Frau", "female"),
        (P, "gender", "f", "female"),
        (P, "gender", "d", "diverse"),
        (P, "gender", "X", "diverse"),
        (P, "gender", "female", "female"),
        (S, "channel", "persönlich", "in_person"),
        (S, "channel", "vor Ort", "in_person"),
        (S, "channel", "Büro", "in_person"),
        (S, "channel", "telefonisch", "phone"),
        (S, "channel", "Telefon", "phone"),
        (S, "channel", "E-Mail", "email"),
        (S, "channel", "Mail", "email"),
        (S, "channel", "Videocall", "video"),
        (S, "channel", "Hausbesuch", "outreach"),
        (S, "channel", "aufsuchend", "outreach"),
        (S, "channel", "in_person", "in_person"),
        (S, "channel", "by phone", "phone"),
        (P, "residence_status", "Gestattung", "gestattung"),
        (P, "residence_status", "Aufenthaltsgestattung", "gestattung"),
        (P, "residence_status", "Duldung", "duldung"),
        (P, "residence_status", "§ 60a AufenthG", "duldung"),
        (P, "residence_status", "§ 25", "erlaubnis_25"),
        (P, "residence_status", "AE 25", "erlaubnis_25"),
        (P, "residence_status", "§ 25 Abs. 2 AufenthG", "erlaubnis_25"),
        (P, "residence_status", "§ 24", "erlaubnis_24"),
        (P, "residence_status", "Ukraine", "erlaubnis_24"),
        (P, "residence_status", "§ 16a", "erlaubnis_other"),
        (P, "residence_status", "Niederlassungserlaubnis", "niederlassung"),
        (P, "residence_status", "Aufenthaltserlaubnis § 25 AufenthG", "erlaubnis_25"),
        (P, "accommodation_phase", "vorläufige Unterbringung", "provisional"),
        (P, "accommodation_phase", "Anschlussunterbringung", "follow_up"),
        (P, "accommodation_phase", "eigene Wohnung", "private"),
        (P, "close_reason", "verzogen", "moved_away"),
        (P, "close_reason", "auf Wunsch", "client_wish"),
        (G, "field_of_action", "Sprache", "language"),
        (G, "field_of_action", "Arbeit/Ausbildung", "work"),
        (G, "field_of_action", "Kita", "childcare"),
        (G, "field_of_action", "Teilhabe", "participation"),
        (G, "priority", "hoch", "high"),
        (G, "status", "teilweise erreicht", "partly"),
        (G, "status", "in Arbeit", "in_progress"),
        (R, "status", "Termin vereinbart", "appointment_made"),
        (R, "status", "abgesagt", "cancelled"),
    ],
)
def test_choices_by_code_label_and_common_words(kind, key, raw, code):
    assert ok(kind, key, raw) == code


def test_choices_by_german_label():
    gender = field(P, "gender")
    with translation.override("de"):
        from wegweiser.clients.choices import FieldOfAction, Gender

        label = str(Gender.FEMALE.label)
        health = str(FieldOfAction.HEALTH.label)
    assert parse(gender, label) == "female"
    assert parse(field(G, "field_of_action"), health.upper()) == "health"


def test_unknown_choice_lists_the_possible_values():
    message = refused(S, "channel", "Fax")
    assert "“Fax”" in message
    assert "by phone" in message and "in person" in message


def test_merged_is_no_reason_an_import_may_set():
    assert "“merged”" in refused(P, "close_reason", "merged")


def test_several_choices_split_on_separators_without_duplicates():
    assert ok(S, "fields_of_action", "Sprache, Arbeit; Wohnen / Kita | Gesundheit\nSprache") == [
        "language",
        "work",
        "housing",
        "childcare",
        "health",
    ]
    # A word with a slash that is one value is not split.
    assert ok(S, "fields_of_action", "Finanzen/Leistungen") == ["finance"]


def test_several_choices_name_every_unknown_part():
    message = refused(S, "fields_of_action", "Sprache, Quatsch, Unsinn")
    assert "“Quatsch”" in message and "“Unsinn”" in message


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        ("SY", ["SY"]),
        ("syr", ["SY"]),
        ("Syrien", ["SY"]),
        ("Syria", ["SY"]),
        ("syrisch", ["SY"]),
        ("Syrische", ["SY"]),
        ("afghanisch, irakisch", ["AF", "IQ"]),
        ("ukrainisch / russisch", ["UA", "RU"]),
        ("Türkei; eritreisch", ["TR", "ER"]),
        ("iranisch", ["IR"]),
        ("somalisch", ["SO"]),
        ("nigerianisch", ["NG"]),
        ("georgisch", ["GE"]),
        ("Kosovo", ["XK"]),
        ("Vereinigte Staaten von Amerika", ["US"]),
        ("Kongo (Demokratische Republik)", ["CD"]),
    ],
)
def test_countries(raw, codes):
    assert ok(P, "nationalities", raw) == codes


def test_stateless_is_refused_with_a_hint():
    message = refused(P, "nationalities", "staatenlos")
    assert "“staatenlos”" in message
    assert "leave the cell empty" in message


def test_unknown_country():
    assert "“Atlantis”" in refused(P, "nationalities", "Atlantis")


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        ("ar", ["ar"]),
        ("Arabisch", ["ar"]),
        ("Arabic", ["ar"]),
        ("Farsi", ["fa"]),
        ("Persisch", ["fa"]),
        ("Dari", ["prs"]),
        ("Kurdisch", ["kmr"]),
        ("Sorani", ["ckb"]),
        ("Paschtu", ["ps"]),
        ("Tigrinya, Arabisch; Englisch", ["ti", "ar", "en"]),
        ("Kurdish (Sorani)", ["ckb"]),
    ],
)
def test_languages(raw, codes):
    assert ok(P, "languages", raw) == codes


def test_unknown_language():
    assert "“Klingonisch”" in refused(P, "languages", "Klingonisch")


def test_email():
    assert ok(P, "email", " Amina.Haddad@Example.ORG ") == "amina.haddad@example.org"
    assert ok(P, "email", "mailto:a@b.de") == "a@b.de"
    assert "“amina at example”" in refused(P, "email", "amina at example")


def test_fold():
    assert fold("  Müller-Lüdenscheidt  Straße ") == "mueller-luedenscheidt strasse"
    assert fold("Çelik") == fold("celik") == "celik"
    assert fold("MUELLER") == fold("Müller")


# --- lookups of the county --------------------------------------------------------------------


@pytest.fixture
def lookups(kreis, alice):
    return Lookups.for_kreis(kreis)


@pytest.mark.django_db
def test_users_of_the_county_by_email(lookups, alice, charlie):
    responsible = field(P, "responsible")
    assert parse(responsible, "ALICE@example.org ", lookups) == alice
    message = refused(P, "responsible", "charlie@example.org", lookups)
    assert "“charlie@example.org”" in message
    assert "this county" in message


@pytest.mark.django_db
def test_inactive_users_are_not_found(kreis, team):
    gone = UserFactory(email="gone@example.org", team=team, is_active=False)
    assert gone.kreis_id == kreis.id
    assert "“gone@example.org”" in refused(
        P, "responsible", "gone@example.org", Lookups.for_kreis(kreis)
    )


@pytest.mark.django_db
def test_municipalities_by_name_and_official_key(kreis, other_kreis):
    saulgau = MunicipalityFactory(kreis=kreis, name="Bad Saulgau", ags="08437005")
    sigmaringen = MunicipalityFactory(kreis=kreis, name="Stadt Sigmaringen", ags="08437100")
    MunicipalityFactory(kreis=other_kreis, name="Balingen", ags="08417002")
    lookups = Lookups.for_kreis(kreis)
    municipality = field(P, "municipality")
    assert parse(municipality, "bad saulgau", lookups) == saulgau
    assert parse(municipality, "Bad-Saulgau", lookups) == saulgau
    assert parse(municipality, "Sigmaringen", lookups) == sigmaringen
    assert parse(municipality, "Gemeinde SIGMARINGEN", lookups) == sigmaringen
    assert parse(municipality, "08437005", lookups) == saulgau
    assert parse(municipality, 8437005, lookups) == saulgau  # Excel dropped the leading zero
    message = refused(P, "municipality", "Balingen", lookups)
    assert "“Balingen”" in message
    assert "AGS" in message
    assert "“08417002”" in refused(P, "municipality", "08417002", lookups)


@pytest.mark.django_db
def test_umlauts_written_out_find_the_municipality(kreis):
    mengen = MunicipalityFactory(kreis=kreis, name="Hohentengen-Göge")
    assert parse(field(P, "municipality"), "Hohentengen-Goege", Lookups.for_kreis(kreis)) == mengen


@pytest.mark.django_db
def test_services_the_county_sees_else_free_text(kreis, other_kreis):
    land = kreis.land
    own = ServiceProvider.objects.create(kreis=kreis, land=land, name="Jobcenter Sigmaringen")
    state = ServiceProvider.objects.create(kreis=None, land=land, name="Land")
    foreign = ServiceProvider.objects.create(kreis=other_kreis, land=land, name="Fremd")
    vhs = Service.objects.create(kreis=kreis, land=land, provider=own, name="Integrationskurs B1")
    hotline = Service.objects.create(kreis=None, land=land, provider=state, name="Hotline Ukraine")
    Service.objects.create(kreis=other_kreis, land=land, provider=foreign, name="Tafel Balingen")
    lookups = Lookups.for_kreis(kreis)
    service = field(R, "service")
    assert parse(service, "  integrationskurs  b1 ", lookups) == vhs
    assert parse(service, "Hotline Ukraine", lookups) == hotline
    # Another county's service is not seen: the name is kept as free text.
    assert parse(service, "Tafel Balingen", lookups) == "Tafel Balingen"
    assert parse(service, "Schuldnerberatung\nCaritas", lookups) == "Schuldnerberatung Caritas"


def test_fields_without_lookups():
    assert parse(field(R, "service"), " Tafel ") == "Tafel"
    with pytest.raises(TypeError):
        parse(field(P, "responsible"), "a@b.de")


def test_every_type_of_the_catalogue_is_parsed():
    from wegweiser.transfer.fields import FIELDS

    types = {f.type for fields in FIELDS.values() for f in fields}
    assert types <= {getattr(T, name) for name in dir(T) if name.isupper()}
    for fields in FIELDS.values():
        for f in fields:
            assert parse(f, "") is None
