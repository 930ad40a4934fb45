"""Demo data for Landkreis Sigmaringen: organisations, one login per role with a pre-enrolled
second factor, about 150 persons in households and two years of counselling sessions.

All persons, addresses and case histories are invented. The organisations are modelled on real
kinds of bodies in the Kreis (Landratsamt, non-profit providers) but their demo users, teams and
cases are fiction. Everything goes through the services (search columns, audit entries, case
numbers and rollups exist exactly as if users had typed it in).

Idempotent: organisations, teams, municipalities and users are looked up by stable keys (names,
e-mail addresses). Persons are created only if the Kreis has none yet; a second run creates and
changes nothing and only prints the logins again. Randomness comes from ``random.Random(seed)``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal

from anyascii import anyascii
from django.db import transaction
from django.utils import timezone

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import Role
from wegweiser.audit.services import audit_record
from wegweiser.clients import choices
from wegweiser.clients.models import Case, Client, Household, add_years
from wegweiser.organisations.models import Kreis, Municipality, Organisation, Team

DEMO_DOMAIN = "demo.wegweiser.example"  # reserved TLD: no mail can reach a real domain
DEMO_PASSWORD = "Wegweiser-Demo-2026!"
DEMO_SEED = 2026
DEMO_CLIENTS = 150
KREIS_AGS = "08437"  # Landkreis Sigmaringen

ROLE_LABELS_DE = {
    Role.INTEGRATION_MANAGER: "Integrationsmanagement",
    Role.TEAM_LEAD: "Teamleitung",
    Role.COUNTY_COORDINATOR: "Kreis-Koordination",
    Role.COUNTY_ADMIN: "Administration (Kreis)",
    Role.DATA_PROTECTION_OFFICER: "Datenschutzbeauftragte/r",
    Role.VOLUNTEER_COORDINATOR: "Ehrenamtskoordination",
    Role.VOLUNTEER: "Ehrenamtliche/r",
    Role.STATE_FUNDING_OFFICER: "Fördermittelstelle des Landes",
}

# --- The tenant tree ---------------------------------------------------------------------------
LRA = "Landratsamt Sigmaringen"
CARITAS = "Caritas Bodensee-Oberschwaben – Integrationsmanagement"
DIAKONIE = "Diakonie Sigmaringen – Integrationsmanagement"
RP = "Regierungspräsidium Stuttgart, Referat 15.2"

ORGANISATIONS = [
    (LRA, Organisation.Kind.COUNTY_OFFICE),
    (CARITAS, Organisation.Kind.PROVIDER),
    (DIAKONIE, Organisation.Kind.PROVIDER),
]
NORD = "Integrationsmanagement Sigmaringen-Nord"
SUED = "Integrationsmanagement Sigmaringen-Süd"
TEAM_CARITAS = "Integrationsmanagement Bad Saulgau/Ostrach"
TEAM_DIAKONIE = "Integrationsmanagement Pfullendorf/Meßkirch"
TEAMS = [(LRA, NORD), (LRA, SUED), (CARITAS, TEAM_CARITAS), (DIAKONIE, TEAM_DIAKONIE)]

# The 25 municipalities of the Landkreis: name, weight (roughly their size) and the team whose
# integration managers work there.
MUNICIPALITIES = [
    ("Sigmaringen", 16, NORD),
    ("Sigmaringendorf", 4, NORD),
    ("Inzigkofen", 3, NORD),
    ("Krauchenwies", 4, NORD),
    ("Gammertingen", 5, NORD),
    ("Veringenstadt", 2, NORD),
    ("Hettingen", 1, NORD),
    ("Neufra", 1, NORD),
    ("Bingen", 2, NORD),
    ("Stetten am kalten Markt", 4, NORD),
    ("Schwenningen", 1, NORD),
    ("Beuron", 1, NORD),
    ("Leibertingen", 1, NORD),
    ("Mengen", 8, SUED),
    ("Scheer", 2, SUED),
    ("Hohentengen", 3, SUED),
    ("Herbertingen", 4, SUED),
    ("Bad Saulgau", 14, TEAM_CARITAS),
    ("Ostrach", 4, TEAM_CARITAS),
    ("Pfullendorf", 10, TEAM_DIAKONIE),
    ("Meßkirch", 6, TEAM_DIAKONIE),
    ("Wald", 2, TEAM_DIAKONIE),
    ("Sauldorf", 1, TEAM_DIAKONIE),
    ("Illmensee", 1, TEAM_DIAKONIE),
    ("Herdwangen-Schönach", 2, TEAM_DIAKONIE),
]


@dataclass(frozen=True)
class DemoUser:
    key: str
    email_local: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    team: str | None = None
    caseload_weight: float = 0.0  # share of the demo households this person counsels

    @property
    def email(self) -> str:
        return f"{self.email_local}@{DEMO_DOMAIN}"


DEMO_USERS = [
    DemoUser("admin", "admin", "Sabine", "Kessler", Role.COUNTY_ADMIN, LRA),
    DemoUser("im_nord", "im.nord", "Miriam", "Haller", Role.INTEGRATION_MANAGER, LRA, NORD, 0.2),
    DemoUser("im_nord2", "im.nord2", "Tobias", "Reiter", Role.INTEGRATION_MANAGER, LRA, NORD, 0.18),
    DemoUser("lead", "teamleitung", "Petra", "Schäfer", Role.TEAM_LEAD, LRA, NORD, 0.06),
    DemoUser("im_sued", "im.sued", "Aylin", "Demir", Role.INTEGRATION_MANAGER, LRA, SUED, 0.18),
    DemoUser(
        "im_caritas",
        "im.caritas",
        "Jonas",
        "Weber",
        Role.INTEGRATION_MANAGER,
        CARITAS,
        TEAM_CARITAS,
        0.2,
    ),
    DemoUser(
        "im_diakonie",
        "im.diakonie",
        "Hanna",
        "Gruber",
        Role.INTEGRATION_MANAGER,
        DIAKONIE,
        TEAM_DIAKONIE,
        0.18,
    ),
    DemoUser("coordinator", "koordination", "Markus", "Fischer", Role.COUNTY_COORDINATOR, LRA),
    DemoUser("dpo", "datenschutz", "Claudia", "Brenner", Role.DATA_PROTECTION_OFFICER, LRA),
    DemoUser(
        "volunteer_coordinator", "ehrenamt", "Elke", "Baumann", Role.VOLUNTEER_COORDINATOR, CARITAS
    ),
    DemoUser("volunteer", "lotse", "Samir", "Khalil", Role.VOLUNTEER, CARITAS),
    DemoUser("state", "rp", "Stefan", "Maier", Role.STATE_FUNDING_OFFICER, RP),
]


def demo_totp_secret(email: str) -> str:
    """The fixed TOTP secret of a demo login (base32, 160 bit), derived from its address so that
    a fresh database gives the same secrets and authenticator apps keep working."""
    digest = hashlib.sha256(f"wegweiser-demo-totp:{email.lower()}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def is_demo_email(email: str) -> bool:
    return (email or "").strip().lower().endswith("@" + DEMO_DOMAIN)


# --- Persons -----------------------------------------------------------------------------------
# Names as (as written by the person, conventional Latin spelling or "" for the automatic one).
N = tuple[str, str]


@dataclass(frozen=True)
class Origin:
    key: str
    nationality: str
    languages: tuple[str, ...]
    interpreter_language: str
    male: tuple[N, ...]
    female: tuple[N, ...]
    family: tuple[N, ...]
    arrival: tuple[tuple[dt.date, dt.date, float], ...]  # (from, to, weight)
    status: tuple[tuple[str, float], ...]
    weight: float
    latin_share: float = 1.0  # share of households whose Latin forms are typed in
    own_family_name_wife: float = 0.0  # wives who keep their own family name
    patronymic_children: bool = False  # Eritrea: the father's given name is the children's surname
    female_family: tuple[N, ...] = ()  # Russian: female forms of the family names
    year_only_share: float = 0.03
    single_parent_weight: float = 20.0
    single_weight: float = 40.0


# fmt: off
def _n(*chunks: str) -> tuple[N, ...]:
    """Names as written and their conventional Latin spelling: "محمد=Mohammed, أحمد=Ahmad".
    Without "=" the name is in Latin script and the service fills the Latin column."""
    names = []
    for entry in ", ".join(chunks).split(", "):
        native, _sep, latin = entry.partition("=")
        names.append((native.strip(), latin.strip()))
    return tuple(names)


def _periods(*spans: tuple[str, str, float]) -> tuple[tuple[dt.date, dt.date, float], ...]:
    return tuple((dt.date.fromisoformat(a), dt.date.fromisoformat(b), w) for a, b, w in spans)


S = choices.ResidenceStatus
ORIGINS = [
    Origin(
        "ua", "UA", ("uk", "ru"), "uk",
        # Latin forms as in Ukrainian passports (national transliteration of 2010).
        male=_n(
            "Олександр=Oleksandr, Андрій=Andrii, Дмитро=Dmytro, Максим=Maksym, Іван=Ivan, "
            "Богдан=Bohdan, Тарас=Taras, Артем=Artem, Микола=Mykola, Данило=Danylo"
        ),
        female=_n(
            "Олена=Olena, Наталія=Nataliia, Ірина=Iryna, Оксана=Oksana, Тетяна=Tetiana, "
            "Юлія=Yuliia, Анастасія=Anastasiia, Софія=Sofiia, Марія=Mariia, Дарина=Daryna, "
            "Вікторія=Viktoriia, Людмила=Liudmyla"
        ),
        family=_n(
            "Шевченко=Shevchenko, Бондаренко=Bondarenko, Коваленко=Kovalenko, "
            "Ткаченко=Tkachenko, Мельник=Melnyk, Кравчук=Kravchuk, Олійник=Oliinyk, "
            "Савченко=Savchenko, Бойко=Boiko, Лисенко=Lysenko, Поліщук=Polishchuk, "
            "Гончаренко=Honcharenko"
        ),
        arrival=_periods(
            ("2022-03-01", "2022-12-31", 6), ("2023-01-01", "2025-12-31", 3),
            ("2026-01-01", "2026-10-31", 1),
        ),
        status=((S.ERLAUBNIS_24, 92), (S.ERLAUBNIS_OTHER, 5), (S.UNKNOWN, 3)),
        weight=22, latin_share=0.6, single_parent_weight=45, single_weight=20,
    ),
    Origin(
        "ua_ru", "UA", ("ru", "uk"), "ru",
        male=_n("Сергей, Алексей, Владимир, Николай, Евгений, Михаил"),
        female=_n("Екатерина, Светлана, Елена, Галина, Анна, Ольга"),
        family=_n("Кузнецов, Морозов, Волков, Павлов, Соколов, Шмидт"),
        female_family=_n("Кузнецова, Морозова, Волкова, Павлова, Соколова, Шмидт"),
        arrival=_periods(("2022-03-01", "2023-06-30", 3), ("2023-07-01", "2025-12-31", 1)),
        status=((S.ERLAUBNIS_24, 95), (S.UNKNOWN, 5)),
        weight=4, single_parent_weight=40,
    ),
    Origin(
        "ua_pl", "UA", ("uk", "pl"), "uk",
        male=_n("Łukasz, Wojciech, Krzysztof, Stanisław"),
        female=_n("Małgorzata, Zofia, Jadwiga, Agnieszka"),
        family=_n("Wiśniewski, Kowalczyk, Dąbrowski, Zieliński"),
        female_family=_n("Wiśniewska, Kowalczyk, Dąbrowska, Zielińska"),
        arrival=_periods(("2022-03-01", "2023-12-31", 1)),
        status=((S.ERLAUBNIS_24, 100),),
        weight=1.5, single_parent_weight=40,
    ),
    Origin(
        "sy", "SY", ("ar",), "ar",
        male=_n(
            "محمد=Mohammed, أحمد=Ahmad, خالد=Khaled, عمر=Omar, يوسف=Youssef, حسن=Hassan, "
            "إبراهيم=Ibrahim, سامر=Samer, طارق=Tarek, مصطفى=Mustafa, علي=Ali, كريم=Karim"
        ),
        female=_n(
            "فاطمة=Fatima, مريم=Mariam, آمنة=Amina, رنا=Rana, ليلى=Leila, هبة=Hiba, نور=Nour, "
            "سلمى=Salma, زينب=Zainab, رهف=Rahaf, ياسمين=Yasmin"
        ),
        family=_n(
            "الحسن=Al-Hassan, الأحمد=Al-Ahmad, حداد=Haddad, الخطيب=Al-Khatib, العلي=Al-Ali, "
            "المصري=Al-Masri, النجار=Al-Najjar, الشامي=Al-Shami, درويش=Darwish, قاسم=Kassem, "
            "الحلبي=Al-Halabi, عيسى=Issa"
        ),
        arrival=_periods(
            ("2015-06-01", "2016-12-31", 4), ("2017-01-01", "2021-12-31", 1),
            ("2022-01-01", "2026-10-31", 5),
        ),
        status=(
            (S.ERLAUBNIS_25, 55), (S.GESTATTUNG, 20), (S.NIEDERLASSUNG, 20),
            (S.ERLAUBNIS_OTHER, 5),
        ),
        weight=15, latin_share=0.75, own_family_name_wife=0.7,
    ),
    Origin(
        "sy_ku", "SY", ("kmr", "ar"), "kmr",
        male=_n("Şêrko, Azad, Dilovan, Rêzan, Berzan, Welat"),
        female=_n("Berîvan, Hêvî, Rojda, Nûdem, Zozan, Jînda"),
        family=_n("Xelîl, Ehmed, Silêman, Osman, Reşîd, Hesen"),
        arrival=_periods(("2015-06-01", "2016-12-31", 1), ("2022-01-01", "2026-09-30", 1)),
        status=((S.ERLAUBNIS_25, 60), (S.GESTATTUNG, 25), (S.NIEDERLASSUNG, 15)),
        weight=4,
    ),
    Origin(
        "af", "AF", ("prs",), "prs",
        male=_n(
            "احمد=Ahmad, محمود=Mahmood, عبدالله=Abdullah, نجیب=Najib, فرید=Farid, "
            "جاوید=Jawid, رحیم=Rahim, ذبیح الله=Zabihullah, مرتضی=Murtaza, سهراب=Sohrab"
        ),
        female=_n(
            "فرشته=Fereshta, زهرا=Zahra, مریم=Maryam, شبنم=Shabnam, پروانه=Parwana, "
            "نرگس=Nargis, لیلا=Laila, ملالی=Malalai"
        ),
        family=_n(
            "رحیمی=Rahimi, احمدی=Ahmadi, حیدری=Haidari, محمدی=Mohammadi, نوری=Noori, "
            "صدیقی=Sediqi, کریمی=Karimi, هاشمی=Hashimi"
        ),
        arrival=_periods(("2015-09-01", "2016-12-31", 3), ("2021-08-15", "2026-10-31", 7)),
        status=(
            (S.ERLAUBNIS_25, 50), (S.GESTATTUNG, 25), (S.DULDUNG, 15), (S.ERLAUBNIS_OTHER, 10),
        ),
        weight=10, latin_share=0.7, own_family_name_wife=0.5, year_only_share=0.35,
    ),
    Origin(
        "af_ps", "AF", ("ps", "prs"), "ps",
        male=_n("گل احمد=Gul Ahmad, شاه ولی=Shah Wali, نصیر=Nasir, ضیاالحق=Zia-ul-Haq"),
        female=_n("ګلالۍ=Gulalai, پلوشه=Palwasha, زرمینه=Zarmina, مینه=Mina"),
        family=_n("یوسفزی=Yousafzai, پوپل=Popal, خروټی=Kharoti, وردک=Wardak"),
        arrival=_periods(("2021-08-15", "2026-06-30", 1)),
        status=((S.GESTATTUNG, 40), (S.ERLAUBNIS_25, 40), (S.DULDUNG, 20)),
        weight=3, latin_share=0.9, own_family_name_wife=0.3, year_only_share=0.4,
    ),
    Origin(
        "tr", "TR", ("tr",), "tr",
        male=_n("Mehmet, Mustafa, Hüseyin, Emre, Oğuz, İbrahim, Çağlar, Yusuf"),
        female=_n("Ayşe, Fatma, Zeynep, Elif, Gülşen, Şeyma, Büşra, Özlem"),
        family=_n("Yıldız, Şahin, Öztürk, Çelik, Doğan, Aydın, Kılıç, Güneş"),
        arrival=_periods(("2022-01-01", "2026-10-31", 1)),
        status=((S.GESTATTUNG, 60), (S.DULDUNG, 20), (S.ERLAUBNIS_25, 20)),
        weight=7,
    ),
    Origin(
        "tr_ku", "TR", ("kmr", "tr"), "kmr",
        male=_n("Şêrko, Baran, Rojhat, Serhat, Zana"),
        female=_n("Berfîn, Rojîn, Dilan, Evîn, Hêlîn"),
        family=_n("Aslan, Ekinci, Tunç, Kaya, Demirtaş"),
        arrival=_periods(("2022-06-01", "2026-09-30", 1)),
        status=((S.GESTATTUNG, 60), (S.DULDUNG, 25), (S.ERLAUBNIS_25, 15)),
        weight=2,
    ),
    Origin(
        "er", "ER", ("ti",), "ti",
        male=_n("Yonas, Filmon, Dawit, Tesfalem, Merhawi, Habtom, Kidane, Samuel"),
        female=_n("Senait, Helen, Selam, Mebrat, Rahwa, Saba, Luwam, Tsega"),
        family=_n("Tesfay, Gebremedhin, Habte, Berhane, Tekle, Weldu, Ghebreyesus"),
        arrival=_periods(("2015-01-01", "2019-12-31", 3), ("2020-01-01", "2025-12-31", 1)),
        status=((S.ERLAUBNIS_25, 75), (S.NIEDERLASSUNG, 15), (S.GESTATTUNG, 10)),
        weight=4, patronymic_children=True, own_family_name_wife=1.0, year_only_share=0.3,
    ),
    Origin(
        "ng", "NG", ("en",), "en",
        male=_n("Chinedu, Emeka, Oluwaseun, Tunde, Ikenna, Ibrahim"),
        female=_n("Blessing, Ngozi, Chiamaka, Funmilayo, Adaeze, Aisha"),
        family=_n("Okafor, Adeyemi, Eze, Okonkwo, Balogun, Nwosu, Bello"),
        arrival=_periods(("2016-01-01", "2025-12-31", 1)),
        status=((S.DULDUNG, 50), (S.GESTATTUNG, 40), (S.ERLAUBNIS_OTHER, 10)),
        weight=3,
    ),
    Origin(
        "ge", "GE", ("ka", "ru"), "ka",
        male=_n("გიორგი=Giorgi, დავით=Davit, ლევან=Levan, ირაკლი=Irakli"),
        female=_n("ნინო=Nino, თამარ=Tamar, მარიამ=Mariam, ეკატერინე=Ekaterine"),
        family=_n("ბერიძე=Beridze, კაპანაძე=Kapanadze, გელაშვილი=Gelashvili, მაისურაძე=Maisuradze"),
        arrival=_periods(("2023-01-01", "2026-10-31", 1)),
        status=((S.GESTATTUNG, 50), (S.DULDUNG, 50)),
        weight=3,
    ),
    Origin(
        "ir", "IR", ("fa",), "fa",
        male=_n("رضا=Reza, علی=Ali, مهدی=Mehdi, امیر=Amir"),
        female=_n("سارا=Sara, نازنین=Nazanin, مهسا=Mahsa, شیرین=Shirin"),
        family=_n("رضایی=Rezaei, حسینی=Hosseini, موسوی=Mousavi, جعفری=Jafari"),
        arrival=_periods(("2019-01-01", "2026-06-30", 1)),
        status=((S.ERLAUBNIS_25, 50), (S.GESTATTUNG, 50)),
        weight=3, latin_share=0.8,
    ),
]
# fmt: on
# Children born in Germany often get names that work in both languages.
GERMAN_GIVEN_MALE = ("Elias", "Noah", "Leon", "Adam", "Jonas", "Paul", "Ben", "Emil")
GERMAN_GIVEN_FEMALE = ("Lina", "Mila", "Emma", "Sophia", "Lea", "Hannah", "Emilia", "Ella")

# --- Counselling -------------------------------------------------------------------------------
F = choices.FieldOfAction
SUMMARIES = {
    F.LANGUAGE: [
        "Anmeldung Integrationskurs",
        "Berechtigungsschein für den Integrationskurs beim BAMF beantragt",
        "Wechsel in den Berufssprachkurs B2 besprochen",
        "Ergebnis der DTZ-Prüfung besprochen, Anmeldung B2 vorbereitet",
        "Kinderbetreuung während des Integrationskurses geklärt",
        "Fahrtkostenerstattung für den Sprachkurs beantragt",
        "Sprachcafé der Ehrenamtlichen empfohlen",
    ],
    F.WORK: [
        "Termin beim Jobcenter vorbereitet",
        "Lebenslauf gemeinsam erstellt",
        "Anerkennung des Berufsabschlusses angestoßen (IQ-Netzwerk)",
        "Bewerbung für einen Ausbildungsplatz besprochen",
        "Praktikum bei einem örtlichen Betrieb vermittelt",
        "Arbeitsvertrag erklärt, Fragen zu Probezeit und Lohnabrechnung",
        "Job-Turbo: Gespräch mit der Arbeitsvermittlung vorbereitet",
    ],
    F.HOUSING: [
        "Wohnungssuche besprochen, Kontaktstelle Wohnen empfohlen",
        "Umzug in die Anschlussunterbringung vorbereitet",
        "Mietvertrag und Hausordnung erklärt",
        "Nebenkostenabrechnung erläutert",
        "Wohnungsangebote gesichtet, Besichtigungstermin vereinbart",
        "Mülltrennung und Lüften in der neuen Wohnung erklärt",
    ],
    F.EDUCATION: [
        "Schulanmeldung der Kinder begleitet",
        "Gespräch mit der Klassenlehrerin vorbereitet",
        "Bildung und Teilhabe: Antrag auf Lernförderung gestellt",
        "Wechsel aus der VKL-Klasse in die Regelklasse besprochen",
        "Zeugnisanerkennung beim Regierungspräsidium beantragt",
    ],
    F.CHILDCARE: [
        "Kita-Platz bei der Gemeinde angemeldet",
        "Eingewöhnung in der Kita besprochen",
        "Betreuungsplatz während des Sprachkurses gesucht",
        "Antrag auf Übernahme der Kita-Gebühren gestellt",
    ],
    F.HEALTH: [
        "Hausarztpraxis gefunden, Termin vereinbart",
        "Überweisung zur Trauma-Sprechstunde besprochen",
        "Krankenversicherung und Gesundheitskarte geklärt",
        "Impfstatus der Kinder für das Gesundheitsamt zusammengestellt",
        "Begleitung zum Facharzttermin organisiert (Dolmetschdienst)",
        "Kontakt zum Psychosozialen Zentrum hergestellt",
    ],
    F.RESIDENCE: [
        "Begleitung zur Ausländerbehörde besprochen",
        "Verlängerung des Aufenthaltstitels vorbereitet",
        "Familiennachzug: Unterlagen gesichtet",
        "Termin bei der Ausländerbehörde wegen Fiktionsbescheinigung",
        "Schreiben des BAMF erklärt, Anhörung vorbereitet",
        "Passbeschaffung und Botschaftstermin besprochen",
    ],
    F.FINANCE: [
        "Weiterbewilligungsantrag Bürgergeld ausgefüllt",
        "Kindergeldantrag bei der Familienkasse gestellt",
        "Kontoeröffnung begleitet",
        "Mahnung besprochen, Ratenzahlung vereinbart",
        "Befreiung vom Rundfunkbeitrag beantragt",
        "Wohngeldantrag vorbereitet",
        "Deutschlandticket und Sozialticket erklärt",
    ],
    F.PARTICIPATION: [
        "Kontakt zum Sportverein hergestellt",
        "Integrationslotsin vermittelt",
        "Ehrenamtliches Sprachcafé und Begegnungscafé empfohlen",
        "Fahrplan und Busverbindungen im Landkreis erklärt",
        "Angebote der Familienbildungsstätte vorgestellt",
        "Führerschein: Umschreibung und Fahrschule besprochen",
    ],
}
FIRST_SESSION = "Erstgespräch: Situation, Anliegen und Ziele aufgenommen"
CONFIDENTIAL_NOTES = [
    "Deutliche Belastungsreaktion nach Fluchterfahrung; Termin in der Trauma-Sprechstunde "
    "vereinbart.",
    "Schildert Konflikte in der Familie; Kontakt zur Beratungsstelle angeboten.",
    "Chronische Erkrankung (Diabetes), bei der Arbeitssuche zu berücksichtigen.",
    "Sorge um Angehörige im Herkunftsland, wirkt erschöpft; beim nächsten Termin nachfragen.",
    "Schulden aus der Zeit der Flucht offen angesprochen; Schuldnerberatung empfohlen.",
    "Schwangerschaft mitgeteilt; Anbindung an Hebamme und Frühe Hilfen besprochen.",
]
CHANNELS = (("in_person", 60), ("phone", 17), ("email", 8), ("video", 4), ("outreach", 11))
DURATIONS = {
    "in_person": (30, 90),
    "phone": (10, 30),
    "email": (5, 20),
    "video": (20, 45),
    "outreach": (45, 120),
}
WITNESSES = [
    "Frau Yılmaz (Sprachmittlerin)",
    "Herr Karimi (Dolmetscher)",
    "Frau Becker (Kollegin)",
    "Herr Osman (Sprachmittler)",
    "Frau Kravets (Dolmetscherin)",
]
EXTENSION_REASONS = [
    "Anerkennungsverfahren des Berufsabschlusses (Pflegefachkraft) läuft, B2-Prüfung steht bevor; "
    "Begleitung bis zur Arbeitsaufnahme erforderlich.",
    "Familiennachzug der Kinder ist bewilligt; Unterstützung bei Wohnungssuche, Schul- und "
    "Kita-Anmeldung nach der Ankunft nötig.",
]
CLOSE_REASONS_OLD = (
    (choices.CloseReason.SELF_RELIANT, 40),
    (choices.CloseReason.PERIOD_ENDED, 25),
    (choices.CloseReason.MOVED_AWAY, 12),
    (choices.CloseReason.NO_CONTACT, 10),
    (choices.CloseReason.HANDED_OVER, 8),
    (choices.CloseReason.CLIENT_WISH, 5),
)
CLOSE_REASONS_RECENT = (
    (choices.CloseReason.MOVED_AWAY, 40),
    (choices.CloseReason.NO_CONTACT, 25),
    (choices.CloseReason.HANDED_OVER, 20),
    (choices.CloseReason.CLIENT_WISH, 15),
)


# Goals of the integration plans (mostly the outcome fields work, language, housing).
GOAL_WEIGHTS = (
    ("work", 30),
    ("language", 30),
    ("housing", 20),
    ("education", 8),
    ("health", 7),
    ("childcare", 5),
)
GOAL_TEXTS = {
    "work": [
        "Anerkennung des Berufsabschlusses beantragen",
        "Ausbildungsplatz im Handwerk finden",
        "Arbeitsstelle in der Pflege aufnehmen",
        "Minijob neben dem Sprachkurs finden",
    ],
    "language": [
        "Integrationskurs bis B1 abschließen",
        "Berufssprachkurs B2 besuchen",
        "Alphabetisierungskurs beginnen",
    ],
    "housing": [
        "Eigene Wohnung finden und aus der Anschlussunterbringung ausziehen",
        "Wohnberechtigungsschein beantragen",
    ],
    "education": ["Schulanmeldung der Kinder", "Schulabschluss an der Abendrealschule nachholen"],
    "health": ["Hausärztin finden", "Termin in der Trauma-Sprechstunde wahrnehmen"],
    "childcare": ["Kita-Platz für die jüngste Tochter finden"],
}
REFERRAL_SERVICES = {
    "work": ["Jobcenter Sigmaringen", "IQ Anerkennungsberatung", "Handwerkskammer Reutlingen"],
    "language": ["VHS Sigmaringen – Integrationskurs", "Migrationsberatung für Erwachsene (MBE)"],
    "housing": ["Kontaktstelle Wohnen", "Wohngeldstelle Landratsamt"],
    "education": ["Staatliches Schulamt – Schulanmeldung", "Jugendmigrationsdienst"],
    "health": ["Trauma-Sprechstunde Caritas", "Gesundheitsamt"],
    "childcare": ["Kita-Anmeldung der Gemeinde"],
}
REFERRAL_OUTCOMES = [
    "Termin wahrgenommen, Antrag gestellt.",
    "Person nutzt das Angebot inzwischen selbstständig.",
    "Kein freier Platz, Warteliste.",
    "Termin abgesagt, neue Verweisung geplant.",
]


# --- Results -----------------------------------------------------------------------------------
@dataclass
class DemoLogin:
    role: str
    role_label: str
    email: str
    password: str
    totp_secret: str
    recovery_code: str
    placement: str


@dataclass
class DemoResult:
    created_structure: int = 0
    created_users: int = 0
    created_authenticators: int = 0
    clients_skipped: bool = False
    households: int = 0
    clients: int = 0
    cases: int = 0
    closed_cases: int = 0
    consents: int = 0
    sessions: int = 0
    goals: int = 0
    referrals: int = 0
    programmes: int = 0
    volunteers: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


class DemoDataError(Exception):
    pass


# --- Loading -----------------------------------------------------------------------------------
def demo_data_load(*, clients: int = DEMO_CLIENTS, seed: int = DEMO_SEED) -> DemoResult:
    """Create (or complete) the demo data; see the module docstring."""
    kreis = Kreis.objects.select_related("land").filter(ags=KREIS_AGS).first()
    if kreis is None:
        raise DemoDataError(
            "Der Landkreis Sigmaringen fehlt: bitte zuerst "
            "'manage.py load_reference_data' ausführen."
        )
    result = DemoResult()
    with transaction.atomic():
        if not kreis.mfa_required:
            kreis.mfa_required = True
            kreis.save(update_fields=["mfa_required"])
        orgs, teams, municipalities = _ensure_structure(kreis, result)
        users, created = _ensure_users(kreis, orgs, teams, result)
        if Client.objects.filter(kreis=kreis).exists():
            result.clients_skipped = True
        elif clients > 0:
            _Generator(random.Random(seed), kreis, users, municipalities, teams, result).run(
                clients
            )
        result.programmes = _ensure_programme(users["state"])
        if not result.clients_skipped and clients > 0:
            from wegweiser.volunteers.demo import demo_volunteers

            result.volunteers = demo_volunteers(
                kreis=kreis, users=users, rng=random.Random(seed + 7)
            )
    result.logins = [
        _login_row(users[u.key], u, fresh=users[u.key].pk in created) for u in DEMO_USERS
    ]
    return result


DEMO_PROGRAMME = "Integrationsmanagement (Demo)"


def _ensure_programme(officer) -> int:
    """A published programme of the current year, allocated by the inhabitants of the shipped
    reference data, so that the county coordination can apply right away. Idempotent."""
    from wegweiser.funding import services as funding
    from wegweiser.funding.models import Programme
    from wegweiser.organisations.models import Population

    year = dt.date.today().year
    if Programme.objects.filter(land_id=officer.land_id, name=DEMO_PROGRAMME).exists():
        return 0
    reference = (
        Population.objects.filter(kreis__land_id=officer.land_id)
        .values_list("reference_date", flat=True)
        .order_by("reference_date")
        .first()
    )
    if reference is None:
        return 0
    basis = funding.basis_from_reference(actor=officer, reference_date=reference)
    last_day = dt.date(year, 12, 31)
    programme = funding.programme_save(
        actor=officer,
        basis=[basis],
        name=DEMO_PROGRAMME,
        year=year,
        period_start=dt.date(year, 1, 1),
        period_end=last_day,
        budget=Decimal("58000000.00"),
        purpose=(
            "Integrationsmanagement in den Stadt- und Landkreisen: individuelle Beratung und "
            "Begleitung Geflüchteter (Demo-Programm, verteilt nach Einwohnerzahl)."
        ),
        recipients="Stadt- und Landkreise",
        application_deadline=min(dt.date.today() + dt.timedelta(days=60), last_day),
        proof_deadline=dt.date(year + 1, 6, 30),
        weights={"inhabitants": "1"},
        rounding="euro",
        instalments=2,
    )
    frame = funding.frame_compute(actor=officer, programme=programme)
    funding.frame_publish(actor=officer, frame=frame)
    return 1


def _ensure_structure(kreis: Kreis, result: DemoResult):
    orgs: dict[str, Organisation] = {}
    for name, kind in ORGANISATIONS:
        orgs[name], created = Organisation.objects.get_or_create(
            kreis=kreis, name=name, defaults={"land": kreis.land, "kind": kind}
        )
        result.created_structure += created
    # State authorities have no Kreis (so no unique constraint applies): look up by kind and name.
    rp = Organisation.objects.filter(
        kreis__isnull=True, kind=Organisation.Kind.STATE_AUTHORITY, name=RP, land=kreis.land
    ).first()
    if rp is None:
        rp = Organisation.objects.create(
            kreis=None, land=kreis.land, kind=Organisation.Kind.STATE_AUTHORITY, name=RP
        )
        result.created_structure += 1
    orgs[RP] = rp
    teams: dict[str, Team] = {}
    for org_name, team_name in TEAMS:
        teams[team_name], created = Team.objects.get_or_create(
            kreis=kreis, organisation=orgs[org_name], name=team_name
        )
        result.created_structure += created
    municipalities: dict[str, Municipality] = {}
    for name, _weight, _team in MUNICIPALITIES:
        municipalities[name], created = Municipality.objects.get_or_create(kreis=kreis, name=name)
        result.created_structure += created
    return orgs, teams, municipalities


def _ensure_users(kreis: Kreis, orgs, teams, result: DemoResult):
    from wegweiser.accounts.services import user_create

    existing = {u.email: u for u in User.objects.filter(email__in=[d.email for d in DEMO_USERS])}
    users: dict[str, User] = {}
    created: set[int] = set()
    admin_spec = DEMO_USERS[0]
    assert admin_spec.role == Role.COUNTY_ADMIN
    for spec in DEMO_USERS:
        user = existing.get(spec.email)
        if user is None:
            if spec.role == Role.COUNTY_ADMIN or spec.role == Role.STATE_FUNDING_OFFICER:
                # The first county administrator, and the state's user, cannot be created
                # through the county's user administration: created directly, logged.
                user = User(
                    email=spec.email,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    role=spec.role,
                    land=kreis.land,
                    kreis=None if spec.role == Role.STATE_FUNDING_OFFICER else kreis,
                    organisation=orgs[spec.organisation],
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean(exclude=["password"])
                user.save()
                audit_record(
                    actor=None,
                    action="accounts.user.created",
                    obj=user,
                    kreis=user.kreis,
                    data={"role": spec.role, "via": "load_demo_data"},
                )
            else:
                user = user_create(
                    actor=users[admin_spec.key],
                    email=spec.email,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    role=spec.role,
                    organisation=orgs[spec.organisation],
                    team=teams[spec.team] if spec.team else None,
                    password=DEMO_PASSWORD,
                )
            result.created_users += 1
            created.add(user.pk)
        users[spec.key] = user
        result.created_authenticators += _ensure_mfa(user)
    return users, created


def _ensure_mfa(user: User) -> int:
    """A TOTP authenticator with the fixed demo secret and recovery codes, where needed."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not user.needs_mfa:
        return 0
    created = 0
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    if Authenticator.Type.TOTP not in types:
        TOTP.activate(user, demo_totp_secret(user.email))
        created += 1
    if Authenticator.Type.RECOVERY_CODES not in types:
        RecoveryCodes.activate(user)
        created += 1
    return created


def _login_row(user: User, spec: DemoUser, *, fresh: bool) -> DemoLogin:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    secret = code = "–"
    for auth in Authenticator.objects.filter(user=user):
        if auth.type == Authenticator.Type.TOTP:
            secret = decrypt(auth.data["secret"])
        elif auth.type == Authenticator.Type.RECOVERY_CODES:
            unused = auth.wrap().get_unused_codes()
            code = unused[0] if unused else "(alle verbraucht)"
    # Existing logins keep their password; say so if a tester changed it (one Argon2 check).
    password = DEMO_PASSWORD if fresh or user.check_password(DEMO_PASSWORD) else "(geändert)"
    placement = spec.team or spec.organisation
    return DemoLogin(
        role=spec.role,
        role_label=ROLE_LABELS_DE[spec.role],
        email=user.email,
        password=password,
        totp_secret=secret,
        recovery_code=code,
        placement=placement,
    )


def current_totp_code(user: User, *, at: float | None = None) -> tuple[str, int]:
    """The current code of the user's TOTP authenticator and the seconds it stays valid."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if auth is None:
        raise DemoDataError(f"{user.email} hat keinen TOTP-Authenticator.")
    now = time.time() if at is None else at
    counter = int(now) // app_settings.TOTP_PERIOD
    remaining = app_settings.TOTP_PERIOD - int(now) % app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(auth.data["secret"]), counter)), remaining


# --- The generator of persons, cases and sessions ----------------------------------------------
def _weighted(rng: random.Random, pairs):
    items = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(items, weights=weights, k=1)[0]


def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _weekday(day: dt.date) -> dt.date:
    """Move a Saturday/Sunday to the Friday before (sessions happen on working days)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _next_weekday(day: dt.date) -> dt.date:
    """Move a Saturday/Sunday to the Monday after."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() > 4 else day


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", anyascii(text).lower())


@dataclass
class _Person:
    given: N
    family: N
    gender: str
    age: int
    adult: bool
    born_here: bool = False
    client: Client | None = None
    case: Case | None = None


@dataclass
class _Household:
    origin: Origin
    manager: User
    members: list[_Person]
    obj: Household | None = None


class _Generator:
    def __init__(self, rng, kreis, users, municipalities, teams, result: DemoResult):
        self.rng = rng
        self.kreis = kreis
        self.users = users
        self.municipalities = municipalities
        self.result = result
        self.today = timezone.localdate()
        self.managers = [(users[u.key], u.caseload_weight) for u in DEMO_USERS if u.caseload_weight]
        self.areas: dict[int, list[tuple[str, int]]] = {}
        for name, weight, team_name in MUNICIPALITIES:
            self.areas.setdefault(teams[team_name].pk, []).append((name, weight))
        self.colleagues: dict[int, list[User]] = {}
        for user, _w in self.managers:
            self.colleagues.setdefault(user.team_id, []).append(user)
        self.labels: set[str] = set()
        self.phone_seq = 0

    # Households and persons ------------------------------------------------------------------
    def run(self, target_clients: int) -> None:
        plans: list[_Household] = []
        remaining = target_clients
        while remaining > 0:
            plan = self._plan_household(max_size=min(6, remaining))
            plans.append(plan)
            remaining -= len(plan.members)
        # Which cases end up in which situation on the desk (deterministic, spread over managers).
        for number, plan in enumerate(plans):
            self._create_household(plan, number)

    def _plan_household(self, max_size: int) -> _Household:
        rng = self.rng
        origin = _weighted(rng, [(o, o.weight) for o in ORIGINS])
        manager = _weighted(rng, self.managers)
        kind = _weighted(
            rng,
            [
                ("single", origin.single_weight),
                ("couple", 10),
                ("family", 32),
                ("single_parent", origin.single_parent_weight),
                ("generations", 4),
                ("siblings", 3),
            ],
        )
        family = rng.choice(origin.family)
        members: list[_Person] = []

        def person(gender: str, age: int, family_name: N = family, adult: bool = True) -> _Person:
            pool = origin.male if gender == "male" else origin.female
            given = rng.choice(pool)
            if gender == "female" and origin.female_family and family_name in origin.family:
                family_name = origin.female_family[origin.family.index(family_name)]
            return _Person(given=given, family=family_name, gender=gender, age=age, adult=adult)

        if kind == "single":
            gender = "male" if rng.random() < 0.62 else "female"
            members.append(person(gender, rng.randint(19, 58)))
        elif kind == "siblings":
            members.append(person("male", rng.randint(18, 26)))
            members.append(person(rng.choice(["male", "female"]), rng.randint(18, 24)))
        elif kind == "generations":
            daughter = person("female", rng.randint(30, 45))
            members.append(daughter)
            members.append(person("female", daughter.age + rng.randint(22, 30)))
        else:
            parent_age = rng.randint(24, 48)
            if kind == "single_parent":
                members.append(person("female" if rng.random() < 0.85 else "male", parent_age))
                children = _weighted(rng, [(1, 50), (2, 35), (3, 15)])
            else:
                father = person("male", parent_age + rng.randint(0, 6))
                wife_family = family
                if rng.random() < origin.own_family_name_wife:
                    wife_family = rng.choice([f for f in origin.family if f != family] or [family])
                members += [father, person("female", parent_age, wife_family)]
                children = (
                    0 if kind == "couple" else _weighted(rng, [(1, 35), (2, 35), (3, 20), (4, 10)])
                )
            child_family = family
            if origin.patronymic_children:
                child_family = members[0].given
            youngest_parent = min(m.age for m in members)
            for _ in range(children):
                age = rng.randint(0, min(17, youngest_parent - 18))
                members.append(
                    person(rng.choice(["male", "female"]), age, child_family, adult=False)
                )
        members = members[:max_size]
        members[0].adult = True
        return _Household(origin=origin, manager=manager, members=members)

    def _create_household(self, plan: _Household, number: int) -> None:
        from wegweiser.clients.services import client_create

        rng = self.rng
        origin = plan.origin
        manager = plan.manager
        municipality_name = _weighted(rng, self.areas[manager.team_id])
        municipality = self.municipalities[municipality_name]
        head = plan.members[0]
        # Conventional Latin spellings are typed for most households; for the others the
        # service derives them from the names as written.
        latin_typed = rng.random() < origin.latin_share
        family_label = head.family[1] or _title_latin(head.family[0])
        if len(plan.members) > 1:
            base = f"Familie {family_label}"
        else:
            base = f"{family_label}, {head.given[1] or _title_latin(head.given[0])}"
        label, n = f"{base} ({municipality_name})", 2
        while label in self.labels:  # stable and unique: a running number for namesakes
            label, n = f"{base} {n} ({municipality_name})", n + 1
        self.labels.add(label)

        arrival = self._arrival(origin)
        category = self._case_category(number)
        opened_on = self._opened_on(category, arrival)
        if arrival > opened_on:
            # Cases that must be old (period ending, extended, closed) pull the arrival back.
            arrival = opened_on - dt.timedelta(days=rng.randint(7, 120))
        status = _weighted(self.rng, origin.status)
        accommodation, accommodation_since = self._accommodation(origin, arrival)
        for index, member in enumerate(plan.members):
            fields = self._client_fields(
                origin,
                member,
                arrival=arrival,
                status=status,
                latin_typed=latin_typed,
                municipality=municipality,
                accommodation=accommodation,
                accommodation_since=accommodation_since,
            )
            # Every adult of the household has a case file, except some partners who are
            # counselled together with the main person.
            open_case = member.adult and (index == 0 or rng.random() < 0.75)
            member_opened = (
                opened_on
                if index == 0
                else _weekday(min(self.today, opened_on + dt.timedelta(days=rng.randint(0, 10))))
            )
            # The first person opens the household (created by client_create, as in the form),
            # the others join it.
            member.client = client_create(
                actor=manager,
                household=plan.obj,
                new_household_label="" if plan.obj else label,
                open_case=open_case,
                opened_on=member_opened,
                **fields,
            )
            if plan.obj is None:
                plan.obj = member.client.household
                self.result.households += 1
            self.result.clients += 1
            if open_case:
                member.case = member.client.cases.get()
                self.result.cases += 1
        self._case_work(plan, category)

    def _client_fields(
        self,
        origin: Origin,
        member: _Person,
        *,
        arrival,
        status,
        latin_typed,
        municipality,
        accommodation,
        accommodation_since,
    ) -> dict:
        rng = self.rng
        today = self.today
        birth = add_years(today, -member.age) - dt.timedelta(days=rng.randint(1, 364))
        if birth > today:
            birth = today - dt.timedelta(days=rng.randint(1, 200))
        given = member.given
        if not member.adult and birth > arrival:
            member.born_here = True
            if rng.random() < 0.45:
                pool = GERMAN_GIVEN_MALE if member.gender == "male" else GERMAN_GIVEN_FEMALE
                given = (rng.choice(pool), "")
        fields: dict = {
            "given_names": given[0],
            "family_name": member.family[0],
            "given_names_latin": given[1] if latin_typed else "",
            "family_name_latin": member.family[1] if latin_typed else "",
            "gender": member.gender,
            "nationalities": [origin.nationality],
            "municipality": municipality,
            "arrival_date": None if member.born_here else arrival,
            "residence_status": status,
            "accommodation_phase": accommodation,
            "accommodation_since": accommodation_since,
        }
        precision = choices.BirthDatePrecision.FULL
        roll = rng.random()
        if member.adult and roll < 0.015:
            precision = choices.BirthDatePrecision.UNKNOWN
        elif roll < (origin.year_only_share if member.adult else origin.year_only_share / 3):
            precision = choices.BirthDatePrecision.YEAR
        fields["birth_date_precision"] = precision
        if precision == choices.BirthDatePrecision.FULL:
            fields["birth_date"] = birth
        elif precision == choices.BirthDatePrecision.YEAR:
            fields["birth_year"] = birth.year
        languages = list(origin.languages)
        years_here = (today - arrival).days / 365
        if years_here > 3 or (not member.adult and member.age >= 6) or member.born_here:
            languages.append("de")
        if member.adult and rng.random() < 0.2 and "en" not in languages:
            languages.append("en")
        fields["languages"] = languages
        if (
            member.adult
            and years_here < 4
            and rng.random() < 0.6
            and origin.interpreter_language != "en"
        ):
            fields["interpreter_needed"] = True
            fields["interpreter_language"] = origin.interpreter_language
        if status in (S.ERLAUBNIS_24, S.ERLAUBNIS_25, S.ERLAUBNIS_OTHER):
            fields["residence_valid_until"] = today + dt.timedelta(days=rng.randint(60, 900))
        elif status == S.GESTATTUNG:
            fields["residence_valid_until"] = today + dt.timedelta(days=rng.randint(30, 180))
        elif status == S.DULDUNG:
            fields["residence_valid_until"] = today + dt.timedelta(days=rng.randint(14, 180))
        if member.adult and rng.random() < 0.7:
            self.phone_seq = (self.phone_seq + 1) % 1000
            # Numbers from the range the Bundesnetzagentur reserves for fiction (030 23125 xxx).
            fields["phone"] = f"+49 30 23125 {self.phone_seq:03d}"
        if member.adult and rng.random() < 0.25:
            local = _ascii_slug(fields["given_names_latin"] or given[0]) or "person"
            domain_part = _ascii_slug(fields["family_name_latin"] or member.family[0]) or "demo"
            fields["email"] = f"{local}.{domain_part}@example.org"
        return fields

    def _arrival(self, origin: Origin) -> dt.date:
        start, end, _w = _weighted(self.rng, [(a, a[2]) for a in origin.arrival])
        end = min(end, self.today - dt.timedelta(days=14))
        start = min(start, end)
        return _rand_date(self.rng, start, end)

    def _accommodation(self, origin: Origin, arrival: dt.date):
        rng = self.rng
        months = (self.today - arrival).days / 30.4
        AP = choices.AccommodationPhase
        if months < 6:
            phase = AP.PROVISIONAL
        elif months < 24:
            phase = _weighted(rng, [(AP.FOLLOW_UP, 55), (AP.PROVISIONAL, 20), (AP.PRIVATE, 25)])
        else:
            phase = _weighted(rng, [(AP.PRIVATE, 55), (AP.FOLLOW_UP, 40), (AP.OTHER, 5)])
        if origin.key.startswith("ua") and phase == AP.PROVISIONAL and months > 2:
            phase = AP.PRIVATE
        if rng.random() < 0.04:
            return AP.UNKNOWN, None
        since = _rand_date(
            rng, arrival, min(self.today, arrival + dt.timedelta(days=int(months * 30)))
        )
        if phase != AP.PROVISIONAL:
            since = max(since, min(self.today, arrival + dt.timedelta(days=90)))
        return phase, since

    # Cases ---------------------------------------------------------------------------------------
    @staticmethod
    def _case_category(number: int) -> str:
        """A fixed pattern over the households, so that even a small run shows every situation
        on the desk: period ending soon, no session for weeks, extended, closed, brand new."""
        pattern = (
            "regular regular old_closed regular ending_soon regular quiet regular extended "
            "regular recent_closed regular new regular regular ending_soon regular quiet "
            "old_closed regular regular regular extended regular quiet_new regular regular "
            "old_closed regular ending_soon"
        ).split()
        category = pattern[number % len(pattern)]
        if category == "extended" and number >= len(pattern):
            category = "regular"  # only two cases with a fourth year
        return category

    def _opened_on(self, category: str, arrival: dt.date) -> dt.date:
        rng = self.rng
        today = self.today
        three_years_ago = add_years(today, -3)
        if category == "ending_soon":
            opened = three_years_ago + dt.timedelta(days=rng.randint(12, 85))
        elif category == "extended":
            opened = three_years_ago - dt.timedelta(days=rng.randint(30, 150))
        elif category == "old_closed":
            opened = three_years_ago - dt.timedelta(days=rng.randint(30, 320))
        elif category == "recent_closed":
            opened = today - dt.timedelta(days=rng.randint(200, 700))
        elif category == "new":
            opened = today - dt.timedelta(days=rng.randint(2, 18))
        elif category == "quiet_new":
            opened = today - dt.timedelta(days=rng.randint(65, 85))
        else:
            # Regular and quiet cases: opened between 2 years 9 months and 3 weeks ago.
            opened = today - dt.timedelta(days=int(rng.triangular(21, 1000, 550)))
        if arrival > opened and category in ("regular", "quiet"):
            opened = min(
                today - dt.timedelta(days=1), arrival + dt.timedelta(days=rng.randint(14, 60))
            )
        return _weekday(opened)

    def _case_work(self, plan: _Household, category: str) -> None:
        from wegweiser.clients.services import case_close, case_update, consent_record

        rng = self.rng
        today = self.today
        cases = [m for m in plan.members if m.case is not None]
        if not cases:
            return
        closing: tuple[dt.date, str] | None = None
        main_case = cases[0].case
        if category == "old_closed":
            reason = _weighted(rng, CLOSE_REASONS_OLD)
            if reason == choices.CloseReason.PERIOD_ENDED:
                closed_on = main_case.period_ends_on
            else:
                latest = min(main_case.period_ends_on, today - dt.timedelta(days=10))
                closed_on = _rand_date(rng, main_case.opened_on + dt.timedelta(days=365), latest)
            closing = (min(closed_on, today), reason)
        elif category == "recent_closed":
            closed_on = _rand_date(
                rng, main_case.opened_on + dt.timedelta(days=120), today - dt.timedelta(days=5)
            )
            closing = (min(closed_on, today), _weighted(rng, CLOSE_REASONS_RECENT))
        quiet_since = None
        if category == "quiet":
            quiet_since = today - dt.timedelta(weeks=rng.randint(9, 20))

        for index, member in enumerate(cases):
            case = member.case
            # Consent: recorded at the first meeting, except for a few (the desk warns).
            no_consent = (category in ("new", "quiet_new") and index == 0) or rng.random() < 0.03
            if not no_consent:
                given_on = min(
                    today, case.opened_on + dt.timedelta(days=rng.choice([0, 0, 0, 7, 14]))
                )
                oral = rng.random() < 0.15
                consent_record(
                    actor=plan.manager,
                    case=case,
                    given_on=given_on,
                    form=choices.ConsentForm.ORAL_WITNESS if oral else choices.ConsentForm.SIGNED,
                    witness=rng.choice(WITNESSES) if oral else "",
                    covers_referral=rng.random() < 0.75,
                    covers_volunteer=rng.random() < 0.35,
                )
                self.result.consents += 1
            if category == "extended" and index == 0:
                case = case_update(
                    actor=plan.manager,
                    case=case,
                    version=case.version,
                    period_years=4,
                    extension_reason=EXTENSION_REASONS[self.result.cases % len(EXTENSION_REASONS)],
                )
                case.client = member.client
                member.case = case
            if category not in ("new", "quiet_new"):
                end = closing[0] if closing else (quiet_since or today)
                self._sessions(plan, member, end=end, main=index == 0)
                if index == 0 and not no_consent:
                    self._plan_and_referrals(plan, member, end=end)
            if closing:
                case_close(
                    actor=plan.manager,
                    case=case,
                    version=None,
                    closed_on=max(closing[0], case.opened_on),
                    close_reason=closing[1],
                )
                self.result.closed_cases += 1

    # Integration plan and referrals -------------------------------------------------------------
    def _plan_and_referrals(self, plan: _Household, member: _Person, *, end: dt.date) -> None:
        """Goals agreed a few weeks after opening, some reached over time (the outcome figures),
        and referrals to regular services with their follow-up."""
        from wegweiser.plans.models import PlanVersion
        from wegweiser.plans.services import goal_add, goal_update, plan_agree
        from wegweiser.referrals.services import (
            referral_close,
            referral_create,
            referral_update,
        )

        rng = self.rng
        case = member.case
        manager = plan.manager
        agreed_on = case.opened_on + dt.timedelta(days=rng.randint(14, 45))
        if agreed_on >= end or agreed_on > self.today:
            return
        wanted = rng.randint(2, 3)
        fields: list[str] = []
        while len(fields) < wanted:
            code = _weighted(rng, GOAL_WEIGHTS)
            if code not in fields:
                fields.append(code)
        goals = [
            goal_add(
                actor=manager,
                case=case,
                field_of_action=code,
                text=rng.choice(GOAL_TEXTS[code]),
                target_date=agreed_on + dt.timedelta(days=rng.choice([90, 180, 270, 365])),
                priority=rng.choice(["high", "medium", "medium", "low"]),
            )
            for code in fields
        ]
        plan_obj = goals[0].plan
        plan_obj.refresh_from_db()
        plan_agree(
            actor=manager,
            plan=plan_obj,
            version=plan_obj.version,
            agreed_on=agreed_on,
            agreement_form=rng.choice(["signed", "signed", "oral_interpreter"]),
        )
        self.result.goals += len(goals)
        consent = case.client.consents.filter(covers_referral=True).exists()
        for goal in goals:
            span = (end - agreed_on).days
            if span > 60 and rng.random() < min(0.75, span / 900):
                reached_on = agreed_on + dt.timedelta(days=rng.randint(45, span))
                goal.refresh_from_db()
                goal_update(
                    actor=manager,
                    goal=goal,
                    version=goal.version,
                    status="reached",
                    reached_on=min(reached_on, self.today),
                )
            if rng.random() < 0.6:
                referred_on = agreed_on + dt.timedelta(days=rng.randint(0, 20))
                if referred_on > min(end, self.today):
                    continue
                referral = referral_create(
                    actor=manager,
                    case=case,
                    service_name=rng.choice(REFERRAL_SERVICES[goal.field_of_action]),
                    reason=goal.text,
                    status="agreed",
                    referred_on=referred_on,
                    follow_up_on=referred_on + dt.timedelta(days=rng.choice([14, 21, 28])),
                    anonymous=not consent,
                    goal=goal,
                )
                self.result.referrals += 1
                closed_on = referred_on + dt.timedelta(days=rng.randint(20, 90))
                if closed_on <= min(end, self.today) and rng.random() < 0.8:
                    status = _weighted(
                        rng, [("successful", 65), ("not_successful", 20), ("cancelled", 15)]
                    )
                    if status != "cancelled":
                        referral = referral_update(
                            actor=manager,
                            referral=referral,
                            version=referral.version,
                            status="attended",
                        )
                    referral_close(
                        actor=manager,
                        referral=referral,
                        version=referral.version,
                        status=status,
                        closed_on=closed_on,
                        outcome=rng.choice(REFERRAL_OUTCOMES),
                    )
        assert PlanVersion.objects.filter(plan=plan_obj).exists()

    # Sessions ----------------------------------------------------------------------------------
    def _sessions(self, plan: _Household, member: _Person, *, end: dt.date, main: bool) -> None:
        from wegweiser.counselling.services import session_record

        rng = self.rng
        case = member.case
        window_start = self.today - dt.timedelta(days=730)
        start = max(case.opened_on, window_start)
        day = (
            start
            if case.opened_on >= window_start
            else start + dt.timedelta(days=rng.randint(0, 20))
        )
        others = [m.client for m in plan.members if m is not member]
        colleagues = [c for c in self.colleagues.get(plan.manager.team_id, []) if c != plan.manager]
        count = 0
        while True:
            held_on = _next_weekday(day)
            if held_on > end or held_on > self.today:
                break
            first = count == 0 and case.opened_on >= window_start
            channel = "in_person" if first else _weighted(rng, CHANNELS)
            low, high = DURATIONS[channel]
            duration = max(5, round(rng.randint(low, high) / 5) * 5)
            fields = rng.sample(list(F.values), k=_weighted(rng, [(1, 50), (2, 35), (3, 15)]))
            summary = (
                FIRST_SESSION if first else "; ".join(rng.choice(SUMMARIES[f]) for f in fields[:2])
            )
            client = member.client
            interpreter = (
                client.interpreter_needed
                and channel in ("in_person", "outreach", "video")
                and rng.random() < 0.85
            )
            present = []
            if others and channel in ("in_person", "outreach", "video") and rng.random() < 0.35:
                present = rng.sample(others, k=rng.randint(1, min(2, len(others))))
            counsellor = plan.manager
            if colleagues and rng.random() < 0.06:
                counsellor = rng.choice(colleagues)  # cover during holidays (team-shared case)
            session_record(
                actor=counsellor,
                case=case,
                held_on=held_on,
                duration_minutes=duration,
                channel=channel,
                interpreter_used=interpreter,
                interpreter_language=client.interpreter_language if interpreter else "",
                fields_of_action=list(fields),
                summary=summary,
                confidential_note=rng.choice(CONFIDENTIAL_NOTES) if rng.random() < 0.04 else "",
                members_present=present,
            )
            self.result.sessions += 1
            count += 1
            if main:
                gap = rng.randint(5, 14) if count < 3 else rng.randint(8, 28)
            else:
                gap = rng.randint(21, 50)
            day = held_on + dt.timedelta(days=gap)


def _title_latin(text: str) -> str:
    from wegweiser.clients.names import to_latin

    latin = to_latin(text)
    return latin[:1].upper() + latin[1:]
