#!/usr/bin/env python
"""Deterministic, seeded generator of synthetic case data through the real schema.

    WEGWEISER_DEBUG=1 .venv/bin/python bench/generate.py --profile S [--seed 2026]
        [--database-url postgres://postgres@127.0.0.1:5432/ww_bench]

Needs a migrated database with ``manage.py load_reference_data`` done (the counties of
Baden-Württemberg come from there) and no case files yet. Writes organisations, teams, users,
households, persons, case files, consents, counselling sessions and their attendance rows with
ids assigned here: on PostgreSQL with COPY, on SQLite with executemany in one transaction. Never
the ORM one row at a time. The same seed (and ``--as-of``) gives the same data.

See docs/benchmarks.md for the profiles and measured load times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Profile:
    counties: int
    persons: int
    sessions: int
    managers: int


PROFILES = {
    "XS": Profile(counties=1, persons=500, sessions=800, managers=4),
    "S": Profile(counties=1, persons=125_000, sessions=200_000, managers=75),
    "BW": Profile(counties=44, persons=2_000_000, sessions=3_250_000, managers=1_200),
}
FIRST_DAY = dt.date(2017, 1, 1)
DEFAULT_AS_OF = dt.date(2026, 6, 30)  # fixed, so that a seed always gives the same data
PASSWORD = "bench-Passwort-2026"  # the one password of every generated user
TS_FORMAT = "{} 09:00:00"  # timestamps: UTC, the same text on PostgreSQL and SQLite

# --- Names ------------------------------------------------------------------------------------
# (weight, nationalities, languages, interpreter language, male, female, family names)
GROUPS = [
    (
        22,
        "SY",
        ["ar"],
        "ar",
        ["محمد", "أحمد", "خالد", "عمر", "يوسف", "حسن", "Mohammad", "Ahmad", "Khaled"],
        ["فاطمة", "مريم", "نور", "آية", "رنا", "Fatima", "Noor", "Hiba"],
        ["الحسن", "العلي", "حداد", "الخطيب", "Al-Hassan", "Hamdan", "Al Sheikh", "Kurdi"],
    ),
    (
        20,
        "UA",
        ["uk"],
        "uk",
        ["Олександр", "Дмитро", "Андрій", "Сергій", "Юрій", "Євген", "Oleksandr"],
        ["Наталія", "Олена", "Ірина", "Юлія", "Анастасія", "Оксана", "Марія", "Yuliia"],
        ["Шевченко", "Коваленко", "Бондаренко", "Лисенко", "Ткаченко", "Мельник", "Кравчук"],
    ),
    (
        12,
        "AF",
        ["prs", "ps"],
        "prs",
        ["احمد", "محمود", "نجیب", "فرید", "حمید", "Mirwais", "Zabihullah"],
        ["زهرا", "مریم", "شبنم", "فرشته", "Zarghona", "Madina"],
        ["احمدی", "حیدری", "رحیمی", "کریمی", "Sultani", "Popalzai", "Nazari"],
    ),
    (
        10,
        "TR",
        ["tr", "kmr"],
        "tr",
        ["Mehmet", "Ömer", "Barış", "İbrahim", "Serdar", "Çağlar"],
        ["Ayşe", "Gülşen", "Şirin", "Özlem", "Elif", "Hatice"],
        ["Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan", "Kılıç", "Aydın"],
    ),
    (
        9,
        "IQ",
        ["ar", "ckb"],
        "ar",
        ["علي", "حسين", "Karwan", "Dilshad", "Ahmed"],
        ["زينب", "Shilan", "Rozhin", "سارة"],
        ["الجبوري", "Barzani", "Hamadamin", "Qadir", "التميمي"],
    ),
    (
        7,
        "ER",
        ["ti"],
        "ti",
        ["ተስፋይ", "ዮናስ", "ሳምኤል", "Tesfay", "Yonas", "Filmon"],
        ["ሳባ", "ሉዋም", "ሄለን", "Saba", "Luwam", "Selam"],
        ["ገብረሂወት", "ተኽለ", "Habte", "Tesfamariam", "Ghebreyesus"],
    ),
    (
        6,
        "RU",
        ["ru"],
        "ru",
        ["Алексей", "Михаил", "Иван", "Руслан"],
        ["Ольга", "Татьяна", "Светлана", "Екатерина"],
        ["Иванов", "Смирнова", "Кузнецов", "Попова", "Волков"],
    ),
    (
        5,
        "GE",
        ["ka", "ru"],
        "ka",
        ["გიორგი", "დავით", "Levan", "Irakli"],
        ["ნინო", "თამარ", "Mariam", "Ketevan"],
        ["ბერიძე", "Kapanadze", "Gelashvili", "მამედოვი"],
    ),
    (
        5,
        "XK",
        ["sq", "sr"],
        "sq",
        ["Arbër", "Dardan", "Miloš", "Dušan"],
        ["Drita", "Jelena", "Mirjeta", "Ljiljana"],
        ["Krasniqi", "Gashi", "Petrović", "Jovanović", "Berisha", "Đorđević"],
    ),
    (
        4,
        "SO",
        ["so"],
        "so",
        ["Abdirahman", "Mohamed", "Cabdi", "Xasan"],
        ["Hodan", "Ayaan", "Sahra", "Faadumo"],
        ["Warsame", "Cali", "Farah", "Jaamac"],
    ),
    (
        4,
        "NG",
        ["en", "ha"],
        "en",
        ["Chinedu", "Oluwaseun", "Ibrahim", "Emeka"],
        ["Ngozi", "Adaeze", "Aisha", "Folake"],
        ["Okafor", "Adeyemi", "Bello", "Nwosu", "Oyelaran-Adébáyọ̀"],
    ),
]
GERMAN_FIRST = ["Anna", "Jonas", "Lea", "Lukas", "Sophie", "Felix", "Marie", "Jan", "Katrin"]
GERMAN_LAST = ["Müller", "Schmid", "Weber", "Wagner", "Becker", "Hofmann", "Schäfer", "Koch"]
PROVIDERS = [
    "Caritasverband",
    "Diakonisches Werk",
    "DRK-Kreisverband",
    "AWO-Kreisverband",
    "Internationaler Bund",
    "Paritätischer Wohlfahrtsverband",
]
TEAM_NAMES = ["Nord", "Süd", "Ost", "West", "Mitte", "Stadt", "Land", "Tal", "Alb", "See"]
SUMMARIES = [
    "Termin bei der Ausländerbehörde vorbereitet.",
    "Antrag auf Kindergeld besprochen und ausgefüllt.",
    "Wohnungssuche: Angebote durchgesehen, Besichtigung vereinbart.",
    "Anmeldung zum Integrationskurs besprochen.",
    "Schreiben des Jobcenters erklärt.",
    "Kita-Platz: Anmeldung bei der Gemeinde unterstützt.",
    "Anerkennung des Berufsabschlusses: Unterlagen gesichtet.",
    "Arzttermin und Dolmetscher organisiert.",
    "Schulanmeldung der Kinder vorbereitet.",
    "Bewerbungsunterlagen überarbeitet.",
    "",
]
FIELDS = [
    "language",
    "work",
    "housing",
    "education",
    "childcare",
    "health",
    "residence",
    "finance",
    "participation",
]
CHANNELS = ["in_person"] * 6 + ["phone"] * 2 + ["email", "video", "outreach"]
RESIDENCE = [
    "gestattung",
    "duldung",
    "erlaubnis_25",
    "erlaubnis_other",
    "niederlassung",
    "unknown",
]
ACCOMMODATION = ["provisional", "follow_up", "follow_up", "private", "private", "unknown"]
CLOSE_REASONS = ["self_reliant", "moved_away", "no_contact", "client_wish", "handed_over", "other"]


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")
    import django

    django.setup()


# --- Sinks: PostgreSQL COPY or SQLite executemany ----------------------------------------------
class PostgresSink:
    def __init__(self, connection):
        self.connection = connection
        self.cursor = connection.cursor()  # the psycopg cursor under Django's wrapper
        self.raw = self.cursor.cursor
        self.rows: dict[str, int] = {}

    def prepare(self) -> None:
        self.raw.execute("SET LOCAL synchronous_commit = off")
        try:  # FK triggers off while loading (needs superuser); ids are consistent by design
            self.raw.execute("SAVEPOINT bench_replica")
            self.raw.execute("SET LOCAL session_replication_role = replica")
            self.raw.execute("RELEASE SAVEPOINT bench_replica")
        except Exception:
            self.raw.execute("ROLLBACK TO SAVEPOINT bench_replica")

    def write(self, table: str, columns: tuple[str, ...], rows) -> None:
        n = 0
        with self.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.rows[table] = self.rows.get(table, 0) + n

    def finish(self, tables: list[str]) -> None:
        self.raw.execute("SET LOCAL session_replication_role = origin")
        for table in tables:
            self.raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


class SqliteSink:
    def __init__(self, connection):
        self.connection = connection
        self.cursor = connection.cursor()
        self.rows: dict[str, int] = {}

    def prepare(self) -> None:
        pass

    def write(self, table: str, columns: tuple[str, ...], rows, batch: int = 20_000) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        raw = self.connection.connection  # the sqlite3 connection: "?" placeholders
        chunk: list = []
        n = 0
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                raw.executemany(sql, chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            raw.executemany(sql, chunk)
            n += len(chunk)
        self.rows[table] = self.rows.get(table, 0) + n

    def finish(self, tables: list[str]) -> None:
        pass  # SQLite's rowid allocation continues after the highest id by itself


# --- The generator --------------------------------------------------------------------------
class Generator:
    def __init__(self, *, profile: Profile, seed: int, as_of: dt.date, sink, password_hash: str):
        self.p = profile
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.sink = sink
        self.password_hash = password_hash
        self.uuid_prefix: dict[str, str] = {}
        self.next_id: dict[str, int] = {}
        self.day0 = FIRST_DAY.toordinal()
        self.days = as_of.toordinal() - self.day0
        self._date_cache: dict[int, str] = {}
        group_weights = [g[0] for g in GROUPS]
        self.group_weights = list(_cumulative(group_weights))
        self.fields_pool = [
            json.dumps(sorted(set(self.rng.sample(FIELDS, k)))) for k in (1, 1, 2, 2, 3) * 20
        ]

    # helpers
    def uuid(self, table: str, pk: int) -> str:
        prefix = self.uuid_prefix.get(table)
        if prefix is None:
            prefix = self.uuid_prefix[table] = f"{self.rng.getrandbits(80):020x}"
        return f"{prefix}{pk:012x}"

    def ids(self, table: str, n: int) -> int:
        """Reserve n ids of a table; returns the first."""
        first = self.next_id[table]
        self.next_id[table] = first + n
        return first

    def date(self, ordinal: int) -> str:
        text = self._date_cache.get(ordinal)
        if text is None:
            text = self._date_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def ts(self, ordinal: int) -> str:
        return TS_FORMAT.format(self.date(ordinal))

    # the run
    def run(self, kreise: list[tuple[int, int, str, str, str, int]], land_id: int) -> None:
        rng = self.rng
        weights = [k[5] for k in kreise]
        persons = _apportion(self.p.persons, weights)
        sessions = _apportion(self.p.sessions, weights)
        managers = [max(2, m) for m in _apportion(self.p.managers, weights)]
        orgs, teams, users = [], [], []
        county_staff = []
        for (kreis_id, _l, ags, short, kind, _inh), n_managers in zip(
            kreise, managers, strict=True
        ):
            office = self.ids("organisations_organisation", 1)
            office_name = f"Stadt {short}" if "Stadt" in kind else f"Landratsamt {short}"
            orgs.append(
                (
                    office,
                    self.uuid("org", office),
                    "county_office",
                    office_name,
                    True,
                    kreis_id,
                    land_id,
                )
            )
            org_ids = [office]
            for name in rng.sample(PROVIDERS, min(len(PROVIDERS), 1 + n_managers // 25)):
                oid = self.ids("organisations_organisation", 1)
                orgs.append(
                    (
                        oid,
                        self.uuid("org", oid),
                        "provider",
                        f"{name} {short}",
                        True,
                        kreis_id,
                        land_id,
                    )
                )
                org_ids.append(oid)
            # teams of about 8 managers, spread over the organisations
            n_teams = max(1, round(n_managers / 8))
            team_rows = []
            for t in range(n_teams):
                tid = self.ids("organisations_team", 1)
                org = org_ids[t % len(org_ids)]
                name = f"Team {TEAM_NAMES[(t // len(org_ids)) % len(TEAM_NAMES)]}"
                name += (
                    f" {t // (len(org_ids) * len(TEAM_NAMES)) + 1}"
                    if t >= len(org_ids) * len(TEAM_NAMES)
                    else ""
                )
                ts = self.ts(self.day0)
                teams.append((tid, self.uuid("team", tid), ts, ts, name, kreis_id, org))
                team_rows.append((tid, org))
            staff = []
            for m in range(n_managers):
                uid = self.ids("accounts_user", 1)
                tid, org = team_rows[m % len(team_rows)]
                first, last = rng.choice(GERMAN_FIRST), rng.choice(GERMAN_LAST)
                email = f"im{m + 1}.{ags}@bench.wegweiser.invalid"
                fte = rng.choice(("1.00", "1.00", "0.75", "0.50"))
                users.append(
                    self._user(
                        uid,
                        email,
                        first,
                        last,
                        "integration_manager",
                        fte,
                        kreis_id,
                        land_id,
                        org,
                        tid,
                    )
                )
                staff.append((uid, tid, org))
            for role in ("county_coordinator", "county_admin"):
                uid = self.ids("accounts_user", 1)
                email = f"{role.split('_')[1]}.{ags}@bench.wegweiser.invalid"
                users.append(
                    self._user(
                        uid,
                        email,
                        "Kreis",
                        role.title(),
                        role,
                        "1.00",
                        kreis_id,
                        land_id,
                        office,
                        None,
                    )
                )
            county_staff.append(staff)
        self.sink.write("organisations_organisation", ORG_COLS, orgs)
        self.sink.write("organisations_team", TEAM_COLS, teams)
        self.sink.write("accounts_user", USER_COLS, users)
        for kreis, n_persons, n_sessions, staff in zip(
            kreise, persons, sessions, county_staff, strict=True
        ):
            self._county(kreis[0], n_persons, n_sessions, staff)

    def _user(self, uid, email, first, last, role, fte, kreis_id, land_id, org, team):
        ts = self.ts(self.day0)
        return (
            uid,
            self.password_hash,
            None,
            False,
            first,
            last,
            False,
            True,
            ts,
            self.uuid("user", uid),
            email,
            role,
            fte,
            kreis_id,
            land_id,
            org,
            team,
        )

    def _county(self, kreis_id: int, n_persons: int, n_sessions: int, staff) -> None:
        rng = self.rng
        households, clients, cases, consents = [], [], [], []
        case_weights: list[float] = []
        case_spans: list[tuple[int, int, int, int, list[int]]] = []  # id, start, end, counsellor
        numbers: dict[int, int] = {}
        made = 0
        while made < n_persons:
            size = min(n_persons - made, rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6)))
            made += size
            group = GROUPS[_pick(self.group_weights, rng.random())]
            _w, nat, langs, interp_lang, male, female, families = group
            family = rng.choice(families)
            ukrainian = nat == "UA"
            # case opened: Ukrainians from March 2022, the others over the whole period
            start = self.day0 + (1_886 if ukrainian else 0)
            opened = start + int((self.as_of.toordinal() - start) * rng.random() ** 0.8)
            hid = self.ids("clients_household", 1)
            ts = self.ts(opened)
            family_latin = to_latin_cached(family, ukrainian)
            households.append(
                (
                    hid,
                    self.uuid("hh", hid),
                    ts,
                    ts,
                    1,
                    f"Familie {family_latin}"[:200],
                    "",
                    f"7{rng.randrange(10_000):04d}",
                    kreis_id,
                    None,
                )
            )
            first_client = self.next_id["clients_client"]
            member_ids = list(range(first_client, first_client + size))
            self.ids("clients_client", size)
            for i, cid in enumerate(member_ids):
                female_ = (i == 1) if size > 1 and i < 2 else rng.random() < 0.5
                given = rng.choice(female if female_ else male)
                if i >= 2:  # children
                    birth = opened - rng.randrange(365, 17 * 365)
                else:
                    birth = opened - rng.randrange(19 * 365, 60 * 365)
                precision = "full" if rng.random() < 0.9 else "year"
                birth_date = self.date(birth) if precision == "full" else None
                birth_year = dt.date.fromordinal(birth).year
                interpreter = i < 2 and rng.random() < 0.5
                clients.append(
                    self._client(
                        cid,
                        kreis_id,
                        hid,
                        given,
                        family,
                        ukrainian,
                        nat,
                        langs,
                        interpreter,
                        interp_lang,
                        birth_date,
                        birth_year,
                        precision,
                        female_,
                        opened,
                    )
                )
            # one case file per household, for its first member
            case_id = self.ids("clients_case", 1)
            uid, tid, org = staff[rng.randrange(len(staff))]
            opened_date = dt.date.fromordinal(opened)
            period_end = _add_years(opened_date, 3).toordinal() - 1
            closed = None
            reason = ""
            if period_end < self.as_of.toordinal():
                closed = min(period_end, opened + rng.randrange(90, 3 * 365))
                reason = "period_ended" if closed == period_end else rng.choice(CLOSE_REASONS)
            elif rng.random() < 0.15 and self.as_of.toordinal() - opened > 120:
                closed = opened + rng.randrange(60, self.as_of.toordinal() - opened)
                reason = rng.choice(CLOSE_REASONS)
            year = opened_date.year
            numbers[year] = numbers.get(year, 0) + 1
            cases.append(
                [
                    case_id,
                    self.uuid("case", case_id),
                    ts,
                    ts,
                    1,
                    f"{year}-{numbers[year]:05d}",
                    self.date(opened),
                    True,
                    3,
                    "",
                    self.date(closed) if closed else None,
                    reason,
                    self.date(period_end),
                    None,
                    0,
                    kreis_id,
                    org,
                    uid,
                    tid,
                    first_client,
                ]
            )
            end = closed if closed is not None else self.as_of.toordinal()
            case_spans.append((case_id, opened, end, uid, member_ids))
            case_weights.append(rng.expovariate(1.0) * (1 + (end - opened) / 365))
            consent_id = self.ids("clients_consent", 1)
            oral = rng.random() < 0.2
            consents.append(
                (
                    consent_id,
                    self.uuid("consent", consent_id),
                    ts,
                    ts,
                    self.date(opened),
                    True,
                    rng.random() < 0.7,
                    rng.random() < 0.3,
                    "oral_witness" if oral else "signed",
                    f"{rng.choice(GERMAN_FIRST)} {rng.choice(GERMAN_LAST)}" if oral else "",
                    None,
                    first_client,
                    kreis_id,
                    uid,
                    None,
                    "",
                )
            )
        # sessions per case: proportional to a random weight times the length of the case
        counts = _apportion(n_sessions, case_weights)
        sessions, attendance = [], []
        for row, (case_id, start, end, uid, members), count in zip(
            cases, case_spans, counts, strict=True
        ):
            if not count:
                continue
            days = sorted(start + rng.randrange(end - start + 1) for _ in range(count))
            first = self.ids("counselling_counsellingsession", count)
            for offset, day in enumerate(days):
                sid = first + offset
                interp = rng.random() < 0.3
                ts = self.ts(day)
                sessions.append(
                    (
                        sid,
                        self.uuid("session", sid),
                        ts,
                        ts,
                        1,
                        self.date(day),
                        rng.choice((30, 45, 45, 60, 60, 90)),
                        rng.choice(CHANNELS),
                        interp,
                        "ar" if interp else "",
                        rng.choice(self.fields_pool),
                        rng.choice(SUMMARIES),
                        "",
                        case_id,
                        uid,
                        row[15],
                    )
                )
                if len(members) > 1 and rng.random() < 0.3:
                    aid = self.ids("counselling_sessionattendance", 1)
                    attendance.append((aid, rng.choice(members[1:]), row[15], sid))
            row[13] = self.date(days[-1])
            row[14] = count
        self.sink.write("clients_household", HOUSEHOLD_COLS, households)
        self.sink.write("clients_client", CLIENT_COLS, clients)
        self.sink.write("clients_case", CASE_COLS, cases)
        seq = [
            (self.ids("clients_casenumbersequence", 1), year, last, kreis_id)
            for year, last in sorted(numbers.items())
        ]
        self.sink.write("clients_casenumbersequence", SEQ_COLS, seq)
        self.sink.write("clients_consent", CONSENT_COLS, consents)
        self.sink.write("counselling_counsellingsession", SESSION_COLS, sessions)
        self.sink.write("counselling_sessionattendance", ATTENDANCE_COLS, attendance)

    def _client(
        self,
        cid,
        kreis_id,
        hid,
        given,
        family,
        ukrainian,
        nat,
        langs,
        interpreter,
        interp_lang,
        birth_date,
        birth_year,
        precision,
        female,
        opened,
    ):
        rng = self.rng
        given_latin = to_latin_cached(given, ukrainian)
        family_latin = to_latin_cached(family, ukrainian)
        name_tokens, name_phonetic = search_cached(given, family, given_latin, family_latin)
        ts = self.ts(opened)
        arrival = self.date(opened - rng.randrange(20, 400))
        return (
            cid,
            self.uuid("client", cid),
            ts,
            ts,
            1,
            given,
            family,
            given_latin,
            family_latin,
            name_tokens,
            name_phonetic,
            birth_date,
            birth_year,
            precision,
            "female" if female else "male",
            nat,
            LANG_JSON[tuple(langs)],
            interpreter,
            interp_lang if interpreter else "",
            "",
            "",
            arrival,
            rng.choice(RESIDENCE),
            None,
            rng.choice(ACCOMMODATION),
            None,
            kreis_id,
            None,
            hid,
        )


LANG_JSON = {tuple(g[2]): json.dumps(g[2]) for g in GROUPS}

ORG_COLS = ("id", "uuid", "kind", "name", "is_active", "kreis_id", "land_id")
TEAM_COLS = ("id", "uuid", "created_at", "updated_at", "name", "kreis_id", "organisation_id")
USER_COLS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "first_name",
    "last_name",
    "is_staff",
    "is_active",
    "date_joined",
    "uuid",
    "email",
    "role",
    "full_time_equivalent",
    "kreis_id",
    "land_id",
    "organisation_id",
    "team_id",
)
HOUSEHOLD_COLS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "version",
    "label",
    "street",
    "postal_code",
    "kreis_id",
    "municipality_id",
)
CLIENT_COLS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "version",
    "given_names",
    "family_name",
    "given_names_latin",
    "family_name_latin",
    "name_tokens",
    "name_phonetic",
    "birth_date",
    "birth_year",
    "birth_date_precision",
    "gender",
    "nationalities",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "phone",
    "email",
    "arrival_date",
    "residence_status",
    "residence_valid_until",
    "accommodation_phase",
    "accommodation_since",
    "kreis_id",
    "municipality_id",
    "household_id",
)
CASE_COLS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "version",
    "number",
    "opened_on",
    "shared_with_team",
    "period_years",
    "extension_reason",
    "closed_on",
    "close_reason",
    "period_ends_on",
    "last_session_on",
    "session_count",
    "kreis_id",
    "organisation_id",
    "responsible_id",
    "team_id",
    "client_id",
)
SEQ_COLS = ("id", "year", "last", "kreis_id")
CONSENT_COLS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "given_on",
    "covers_processing",
    "covers_referral",
    "covers_volunteer",
    "form",
    "witness",
    "withdrawn_on",
    "client_id",
    "kreis_id",
    "recorded_by_id",
    "referral_recipient_id",
    "referral_recipient_name",
)
SESSION_COLS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "version",
    "held_on",
    "duration_minutes",
    "channel",
    "interpreter_used",
    "interpreter_language",
    "fields_of_action",
    "summary",
    "confidential_note",
    "case_id",
    "counsellor_id",
    "kreis_id",
)
ATTENDANCE_COLS = ("id", "client_id", "kreis_id", "session_id")
TABLES = [
    "organisations_organisation",
    "organisations_team",
    "accounts_user",
    "clients_household",
    "clients_client",
    "clients_case",
    "clients_casenumbersequence",
    "clients_consent",
    "counselling_counsellingsession",
    "counselling_sessionattendance",
]


# --- Names exactly as the service derives them (clients.services._prepare_client) -------------
@functools.cache
def to_latin_cached(name: str, ukrainian: bool) -> str:
    from wegweiser.clients.models import NAME_MAX
    from wegweiser.clients.names import to_latin

    return to_latin(name, ukrainian=ukrainian)[:NAME_MAX]


@functools.cache
def search_cached(*names: str) -> tuple[str, str]:
    from wegweiser.clients.models import Client
    from wegweiser.clients.names import search_columns
    from wegweiser.clients.services import _clip_tokens

    tokens, phonetic = search_columns(*names)
    return (
        _clip_tokens(tokens, Client._meta.get_field("name_tokens").max_length),
        _clip_tokens(phonetic, Client._meta.get_field("name_phonetic").max_length),
    )


# --- small helpers ------------------------------------------------------------------------------
def _cumulative(weights):
    total = 0
    for w in weights:
        total += w
        yield total


def _pick(cumulative: list[int], r: float) -> int:
    target = r * cumulative[-1]
    for i, c in enumerate(cumulative):
        if target < c:
            return i
    return len(cumulative) - 1


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split total into integer parts proportional to weights (largest remainder, stable)."""
    if not weights:
        return []
    s = sum(weights) or 1
    exact = [total * w / s for w in weights]
    parts = [int(x) for x in exact]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="else DATABASE_URL, else SQLite (settings)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--no-statistics", action="store_true", help="skip the rollup rebuild")
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from wegweiser.organisations.models import Kreis, Land, Population

    profile = PROFILES[args.profile]
    land = Land.objects.filter(code="BW").first()
    if land is None:
        print("Keine Referenzdaten: erst `manage.py load_reference_data`.", file=sys.stderr)
        return 2
    from wegweiser.clients.models import Case

    if Case.objects.exists():
        print("Die Datenbank enthält schon Fallakten; bitte eine leere nehmen.", file=sys.stderr)
        return 2
    inhabitants = {}
    for kreis_id, n in Population.objects.order_by("reference_date").values_list(
        "kreis_id", "inhabitants"
    ):
        inhabitants[kreis_id] = n  # the latest figure wins
    kreise = [
        (k.id, land.id, k.ags, k.short_name, k.kind, inhabitants.get(k.id, 100_000))
        for k in Kreis.objects.filter(land=land).order_by("ags")
    ]
    if profile.counties == 1:
        kreise = kreise[:1]  # Stuttgart
    kreise = kreise[: profile.counties]

    started = time.perf_counter()
    password_hash = make_password(PASSWORD)  # once, for every user
    with transaction.atomic():
        sink = (
            PostgresSink(connection)
            if connection.vendor == "postgresql"
            else SqliteSink(connection)
        )
        sink.prepare()
        gen = Generator(
            profile=profile,
            seed=args.seed,
            as_of=args.as_of,
            sink=sink,
            password_hash=password_hash,
        )
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                gen.next_id[table] = cursor.fetchone()[0] + 1
        gen.run(kreise, land.id)
        sink.finish(TABLES)
    load_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        analyze_seconds = time.perf_counter() - t
    else:
        analyze_seconds = 0.0
    print(f"Profil {args.profile} (seed {args.seed}) auf {connection.vendor}:")
    for table in TABLES:
        print(f"  {table:34} {sink.rows.get(table, 0):>10,}")
    print(f"Laden: {load_seconds:.1f} s, ANALYZE: {analyze_seconds:.1f} s")
    if not args.no_statistics:
        from wegweiser.statistics import outcomes, rollups

        t = time.perf_counter()
        rollups.rebuild(None)
        outcomes.rebuild(None)
        print(f"Kennzahlen neu aufgebaut: {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
