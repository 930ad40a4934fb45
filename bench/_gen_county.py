"""The rows of one county (bench/generate.py): organisations, teams, users, municipalities, the
county's directory, households, persons, case files, consents, sessions, integration plans,
referrals and the volunteer network.

A county depends on nothing but its own inputs: its random generator is seeded with the seed and
the county's key (AGS), and its ids come from blocks reserved for it (``id_caps``). So counties
can be loaded in any order and in parallel, and the same seed gives the same rows.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import json
import random
from dataclasses import dataclass

import _gen_vocab as V

FIRST_DAY = dt.date(2017, 1, 1)
TS_FORMAT = "{} 09:00:00"  # timestamps: UTC, the same text on PostgreSQL and SQLite
EVENT_TS = "{} {:02d}:{:02d}:00"

# Proportions where DOMAIN.md is silent (documented in docs/benchmarks.md).
P_PLAN = 0.7  # cases with at least two sessions that agree an integration plan
GOALS_PER_PLAN = [1] * 30 + [2] * 40 + [3] * 20 + [4] * 10
STEPS_PER_GOAL = [0, 1, 1, 2, 2, 3]
P_REVIEW = 0.3  # plans with a second agreed version (the review)
P_GOAL_REFERRAL = 0.5  # goals with a referral to a service
P_SESSION_REFERRAL = 0.03  # sessions with a referral of their own (Verweisberatung)
P_FREE_TEXT = 0.15  # referrals to a service named in free text instead of the directory
VOLUNTEERS_PER_MANAGER = 10
P_TANDEM = 0.15  # cases whose person consented to volunteers that get a tandem
MUNICIPALITY_CAP = 200

TABLES = [
    "organisations_organisation",
    "organisations_team",
    "accounts_user",
    "organisations_municipality",
    "directory_serviceprovider",
    "directory_service",
    "clients_household",
    "clients_client",
    "clients_case",
    "clients_casenumbersequence",
    "clients_consent",
    "counselling_counsellingsession",
    "counselling_sessionattendance",
    "plans_plan",
    "plans_goal",
    "plans_step",
    "plans_planversion",
    "referrals_referral",
    "referrals_referralevent",
    "volunteers_volunteer",
    "volunteers_volunteer_municipalities",
    "volunteers_volunteercheck",
    "volunteers_qualification",
    "volunteers_tandem",
    "volunteers_activity",
]


@dataclass(frozen=True)
class County:
    kreis_id: int
    land_id: int
    ags: str
    short_name: str
    kind: str
    persons: int
    sessions: int
    managers: int
    municipalities: int


def id_caps(county: County) -> dict[str, int]:
    """The most ids of each table one county can use (its reserved block)."""
    p, s, m = county.persons, county.sessions, county.managers
    volunteers = VOLUNTEERS_PER_MANAGER * m
    return {
        "organisations_organisation": 1 + len(V.PROVIDERS),
        "organisations_team": m,
        "accounts_user": m + 3,
        "organisations_municipality": MUNICIPALITY_CAP,
        "directory_serviceprovider": len(V.DIRECTORY),
        "directory_service": len(V.DIRECTORY),
        "clients_household": p,
        "clients_client": p,
        "clients_case": p,
        "clients_casenumbersequence": 2 * (DEFAULT_YEARS + 1),
        "clients_consent": p,
        "counselling_counsellingsession": s,
        "counselling_sessionattendance": s,
        "plans_plan": p,
        "plans_goal": max(GOALS_PER_PLAN) * p,
        "plans_step": max(GOALS_PER_PLAN) * max(STEPS_PER_GOAL) * p,
        "plans_planversion": 2 * p,
        "referrals_referral": max(GOALS_PER_PLAN) * p + s,
        "referrals_referralevent": 4 * (max(GOALS_PER_PLAN) * p + s),
        "volunteers_volunteer": volunteers,
        "volunteers_volunteer_municipalities": 3 * volunteers,
        "volunteers_volunteercheck": 3 * volunteers,
        "volunteers_qualification": len(V.QUALIFICATIONS) * volunteers,
        "volunteers_tandem": p,
        "volunteers_activity": 12 * p,
    }


DEFAULT_YEARS = 20  # case number sequences: one per year of opening


class Ids:
    def __init__(self, starts: dict[str, int]):
        self.next = dict(starts)

    def take(self, table: str, n: int = 1) -> int:
        first = self.next[table]
        self.next[table] = first + n
        return first


def uuid_prefixes(seed: int) -> dict[str, str]:
    rng = random.Random(f"{seed}:uuid")
    return {table: f"{rng.getrandbits(80):020x}" for table in TABLES}


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
def cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def apportion(total: int, weights: list[float]) -> list[int]:
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


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def weighted_list(pairs) -> list:
    """A list in which each value appears as often as its weight (for uniform picks)."""
    out = []
    for value, weight in pairs:
        out.extend([value] * weight)
    return out


GOAL_FIELD_POOL = weighted_list(V.GOAL_FIELDS)
RESIDENCE_POOLS = [weighted_list(g[7]) for g in V.GROUPS]
LANG_JSON = {tuple(g[2]): json.dumps(g[2]) for g in V.GROUPS}


@functools.cache
def date_lookups(today: int):
    """Fast lookups ordinal -> ISO date and -> timestamp text over every day the generator uses
    (births up to 85 years back, certificates due up to 7 years ahead)."""
    days = range(FIRST_DAY.toordinal() - 85 * 366, today + 7 * 366)
    dates = {o: dt.date.fromordinal(o).isoformat() for o in days}
    stamps = {o: TS_FORMAT.format(text) for o, text in dates.items()}
    return dates.__getitem__, stamps.__getitem__


def main_town(county: County) -> str | None:
    """The county's main town when its short name is one (else a generated name is used)."""
    name = county.short_name.replace(" (Stadt)", "")
    if county.kind == "Stadtkreis":
        return name
    if "kreis" in name.lower() or "-" in name or "(" in name:
        return None
    return name


class CountyGenerator:
    def __init__(
        self,
        *,
        county: County,
        seed: int,
        as_of: dt.date,
        ids: Ids,
        prefixes: dict[str, str],
        password_hash: str,
        state_services: dict,
        sink,
    ):
        self.c = county
        self.rng = random.Random(f"{seed}:{county.ags}")
        self.as_of = as_of
        self.today = as_of.toordinal()
        self.ids = ids
        self.prefixes = prefixes
        self.password_hash = password_hash
        self.state_services = state_services
        self.sink = sink
        self.day0 = FIRST_DAY.toordinal()
        self.date, self.ts = date_lookups(self.today)

    def uuid(self, table: str, pk: int) -> str:
        return f"{self.prefixes[table]}{pk:012x}"

    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def _has_column(self, table: str, column: str) -> bool:
        """Whether the table has the column: in the database written to, else in the models."""
        columns = getattr(self.sink, "table_columns", None)
        return column in (columns(table) if columns else model_columns(table))

    # the run
    def run(self) -> None:
        self._structure()
        self._directory()
        self._volunteers()
        self._cases()

    # --- organisations, teams, users, municipalities -------------------------------------------
    def _structure(self) -> None:
        c, rng, ids = self.c, self.rng, self.ids
        orgs, teams, users = [], [], []
        office = ids.take("organisations_organisation")
        self.office_name = (
            f"Stadt {main_town(c)}" if c.kind == "Stadtkreis" else f"Landratsamt {c.short_name}"
        )
        orgs.append(
            (
                office,
                self.uuid("organisations_organisation", office),
                "county_office",
                self.office_name,
                True,
                c.kreis_id,
                c.land_id,
            )
        )
        org_ids = [office]
        for name in rng.sample(V.PROVIDERS, min(len(V.PROVIDERS), 1 + c.managers // 25)):
            oid = ids.take("organisations_organisation")
            org_name = f"{name} {c.short_name}"
            orgs.append(
                (
                    oid,
                    self.uuid("organisations_organisation", oid),
                    "provider",
                    org_name,
                    True,
                    c.kreis_id,
                    c.land_id,
                )
            )
            org_ids.append(oid)
        # teams of about 8 managers, spread over the organisations
        n_teams = max(1, round(c.managers / 8))
        team_rows = []
        ts = self.ts(self.day0)
        per_round = len(org_ids) * len(V.TEAM_NAMES)
        for t in range(n_teams):
            tid = ids.take("organisations_team")
            org = org_ids[t % len(org_ids)]
            name = f"Team {V.TEAM_NAMES[(t // len(org_ids)) % len(V.TEAM_NAMES)]}"
            if t >= per_round:
                name += f" {t // per_round + 1}"
            teams.append((tid, self.uuid("organisations_team", tid), ts, ts, name, c.kreis_id, org))
            team_rows.append((tid, org))
        self.staff: list[tuple[int, int, int]] = []
        self.team_staff: dict[int, list[tuple[int, int, int]]] = {}
        for m in range(c.managers):
            uid = ids.take("accounts_user")
            tid, org = team_rows[m % len(team_rows)]
            email = f"im{m + 1}.{c.ags}@bench.wegweiser.invalid"
            fte = self.pick(("1.00", "1.00", "0.75", "0.50"))
            first, last = self.pick(V.GERMAN_FIRST), self.pick(V.GERMAN_LAST)
            users.append(self._user(uid, email, first, last, "integration_manager", fte, org, tid))
            self.staff.append((uid, tid, org))
            self.team_staff.setdefault(tid, []).append((uid, tid, org))
        extra = {}
        for role, local, org in (
            ("county_coordinator", "coordinator", office),
            ("county_admin", "admin", office),
            ("volunteer_coordinator", "ehrenamt", org_ids[-1]),
        ):
            uid = ids.take("accounts_user")
            email = f"{local}.{c.ags}@bench.wegweiser.invalid"
            label = {"county_coordinator": "Koordination", "county_admin": "Administration"}
            users.append(
                self._user(
                    uid, email, "Kreis", label.get(role, "Ehrenamt"), role, "1.00", org, None
                )
            )
            extra[role] = uid
        self.admin_uid = extra["county_admin"]
        self.coordination_uid = extra["volunteer_coordinator"]
        self.sink.write("organisations_organisation", ORG_COLS, orgs)
        self.sink.write("organisations_team", TEAM_COLS, teams)
        self.sink.write("accounts_user", USER_COLS, users)
        self._municipalities([tid for tid, _org in team_rows])

    def _user(self, uid, email, first, last, role, fte, org, team):
        ts = self.ts(self.day0)
        c = self.c
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
            self.uuid("accounts_user", uid),
            email,
            role,
            fte,
            c.kreis_id,
            c.land_id,
            org,
            team,
        )

    def _municipalities(self, team_ids: list[int]) -> None:
        """The county's Gemeinden: a Stadtkreis is one, a Landkreis has a main town and smaller
        places (real names for Sigmaringen, generated ones elsewhere). Each Gemeinde is covered
        by one team (in a Stadtkreis every team covers the city)."""
        c, rng = self.c, self.rng
        town = main_town(c)
        if c.ags == "08437":
            named = list(V.SIGMARINGEN)
        elif c.kind == "Stadtkreis":
            named = [(town, 1)]
        else:
            names: list[str] = [town] if town else []
            seen = set(names)
            while len(names) < min(c.municipalities, MUNICIPALITY_CAP):
                name = (
                    self.pick(V.TOWN_STEMS) + self.pick(V.TOWN_ENDINGS) + self.pick(V.TOWN_SUFFIXES)
                )
                if name not in seen:
                    seen.add(name)
                    names.append(name)
            # the first is the main town; the others fall off in size
            named = [
                (n, 16 if i == 0 else max(1, round(10 / (i + 1) ** 0.7)))
                for i, n in enumerate(names)
            ]
        rows = []
        ts = self.ts(self.day0)
        self.munis: list[tuple[int, str, str, int | None]] = []  # id, name, postal code, team
        for i, (name, _w) in enumerate(named):
            mid = self.ids.take("organisations_municipality")
            ags = f"{c.ags}000" if c.kind == "Stadtkreis" else f"{c.ags}{i + 1:03d}"
            rows.append(
                (mid, self.uuid("organisations_municipality", mid), c.kreis_id, ts, ts, name, ags)
            )
            team = None if c.kind == "Stadtkreis" else team_ids[i % len(team_ids)]
            self.munis.append((mid, name, f"7{rng.randrange(10_000):04d}", team))
        self.muni_cum = cumulative([w for _n, w in named])
        self.sink.write("organisations_municipality", MUNICIPALITY_COLS, rows)

    # --- the directory (the referral targets) ----------------------------------------------------
    def _directory(self) -> None:
        c, rng = self.c, self.rng
        town_id, town, postal, _team = self.munis[0]
        providers: dict[str, int] = {}
        provider_rows, service_rows = [], []
        self.services = {f: list(sids) for f, sids in self.state_services["fields"].items()}
        self.service_names: dict[int | None, str] = dict(self.state_services["names"])
        ts = self.ts(self.day0)
        for provider, name, kind, fields, languages in V.DIRECTORY:
            provider = provider.format(K=c.short_name, T=town).replace(
                f"Landratsamt {c.short_name}", self.office_name
            )
            name = name.format(K=c.short_name, T=town)
            pid = providers.get(provider)
            if pid is None:
                pid = providers[provider] = self.ids.take("directory_serviceprovider")
                provider_rows.append(
                    (
                        pid,
                        self.uuid("directory_serviceprovider", pid),
                        1,
                        c.kreis_id,
                        c.land_id,
                        ts,
                        ts,
                        provider,
                        "",
                        "",
                        "",
                        f"07{rng.randrange(100, 999)} {rng.randrange(10_000, 99_999)}",
                        "",
                    )
                )
            sid = self.ids.take("directory_service")
            service_rows.append(
                service_row(
                    self,
                    sid,
                    c.kreis_id,
                    c.land_id,
                    pid,
                    name,
                    kind,
                    fields,
                    languages,
                    town_id,
                    town,
                    postal,
                    self.admin_uid,
                )
            )
            for field in fields:
                self.services.setdefault(field, []).append(sid)
            self.service_names[sid] = name
        self.sink.write("directory_serviceprovider", PROVIDER_COLS, provider_rows)
        self.sink.write("directory_service", SERVICE_COLS, service_rows)

    # --- volunteers ------------------------------------------------------------------------------
    def _volunteers(self) -> None:
        c, rng, ids = self.c, self.rng, self.ids
        rnd = rng.random
        n = VOLUNTEERS_PER_MANAGER * c.managers
        last_join = self.today - 30
        rows, links, checks, quals = [], [], [], []
        self.tandem_volunteers: list[tuple[int, int, int | None]] = []  # id, joined, left
        for _ in range(n):
            vid = ids.take("volunteers_volunteer")
            joined = self.day0 + int(rnd() * (last_join - self.day0))
            given, family, languages = self.pick(V.VOLUNTEER_NAMES)
            if rnd() < 0.5:  # mix given and family names for variety
                family = self.pick(V.VOLUNTEER_NAMES)[1]
            r = rnd()
            status = (
                "active"
                if r < 0.65
                else "paused"
                if r < 0.75
                else "interested"
                if r < 0.85
                else "left"
            )
            left = None
            if status == "left":
                left = joined + int(rnd() * (self.today - joined))
            fields = sorted(set(rng.sample(V.FIELDS, 1 + int(rnd() * 3))))
            ts = self.ts(joined)
            slug = f"{given}.{family}.{vid}".lower().translate(_ASCII)
            rows.append(
                (
                    vid,
                    self.uuid("volunteers_volunteer", vid),
                    c.kreis_id,
                    ts,
                    self.ts(left) if left else ts,
                    1,
                    given,
                    family,
                    f"07{rng.randrange(100, 999)} {rng.randrange(100_000, 999_999)}",
                    f"{slug}@ehrenamt.bench.wegweiser.invalid",
                    json.dumps(languages),
                    self.pick(V.VOLUNTEER_SKILLS),
                    self.pick(V.AVAILABILITY),
                    json.dumps(fields),
                    status,
                    self.date(left) if left else None,
                    None,
                    self.coordination_uid,
                )
            )
            for mid in sorted({self.pick(self.munis)[0] for _ in range(1 + int(rnd() * 3))}):
                links.append(
                    (ids.take("volunteers_volunteer_municipalities"), vid, mid, c.kreis_id)
                )
            if status == "interested":
                continue
            # checks: certificate of conduct (valid five years, renewed) and confidentiality
            issued = joined - int(rnd() * 60)
            due = add_years(dt.date.fromordinal(issued), 5).toordinal()
            checks.append(self._check(vid, "certificate_of_conduct", issued, due))
            checks.append(self._check(vid, "confidentiality", joined, None))
            in_order = due >= self.today
            if not in_order and status == "active" and rnd() < 0.95:
                issued = due - int(rnd() * 60)
                due = add_years(dt.date.fromordinal(issued), 5).toordinal()
                checks.append(self._check(vid, "certificate_of_conduct", issued, due))
                in_order = True
            for q in range(1 + int(rnd() * 3)):
                title, hours, provider = V.QUALIFICATIONS[0 if q == 0 else 1 + int(rnd() * 4)]
                day = min(self.today, joined + 20 + int(rnd() * 380))
                qid = ids.take("volunteers_qualification")
                quals.append(
                    (
                        qid,
                        self.uuid("volunteers_qualification", qid),
                        c.kreis_id,
                        self.ts(day),
                        self.ts(day),
                        vid,
                        title,
                        self.date(day),
                        f"{provider} {c.short_name}",
                        hours,
                        None,
                        self.coordination_uid,
                    )
                )
            if status == "active" and in_order:
                self.tandem_volunteers.append((vid, joined, None))
        self.tandem_volunteers.sort(key=lambda v: v[1])
        self.tandem_joined = [v[1] for v in self.tandem_volunteers]
        self.sink.write("volunteers_volunteer", VOLUNTEER_COLS, rows)
        columns = ("id", "volunteer_id", "municipality_id", "kreis_id")
        if not self._has_column("volunteers_volunteer_municipalities", "kreis_id"):
            columns = columns[:3]  # the link table without its county (schema before 11/2026)
            links = [link[:3] for link in links]
        self.sink.write("volunteers_volunteer_municipalities", columns, links)
        self.sink.write("volunteers_volunteercheck", CHECK_COLS, checks)
        self.sink.write("volunteers_qualification", QUALIFICATION_COLS, quals)

    def _check(self, vid: int, kind: str, issued: int, due: int | None):
        cid = self.ids.take("volunteers_volunteercheck")
        issued = min(issued, self.today)
        return (
            cid,
            self.uuid("volunteers_volunteercheck", cid),
            self.c.kreis_id,
            self.ts(issued),
            self.ts(issued),
            vid,
            kind,
            self.date(issued),
            self.date(due) if due else None,
            self.coordination_uid,
        )

    # --- households, persons, cases, sessions, plans, referrals, tandems -------------------------
    def _cases(self) -> None:
        c, rng, ids = self.c, self.rng, self.ids
        rnd = rng.random
        kreis_id = c.kreis_id
        today = self.today
        day0 = self.day0
        group_cum = cumulative([g[0] for g in V.GROUPS])
        households, clients, cases, consents = [], [], [], []
        case_info = []  # per case: id, opened, end, closed?, manager, members, referral, volunteer
        case_weights: list[float] = []
        numbers: dict[int, int] = {}
        made = 0
        sizes = (1, 1, 1, 2, 2, 3, 4, 5, 6)
        munis, muni_cum = self.munis, self.muni_cum
        uuid = self.uuid
        date, ts_of = self.date, self.ts
        client_pre = self.prefixes["clients_client"]
        session_pre = self.prefixes["counselling_counsellingsession"]
        while made < c.persons:
            size = min(c.persons - made, sizes[int(rnd() * 9)])
            made += size
            gi = bisect.bisect_right(group_cum, rnd() * group_cum[-1])
            gi = min(gi, len(V.GROUPS) - 1)
            _w, nat, langs, interp_lang, male, female, families, _res = V.GROUPS[gi]
            residence = RESIDENCE_POOLS[gi]
            family = families[int(rnd() * len(families))]
            ukrainian = nat == "UA"
            # case opened: Ukrainians from March 2022, the others over the whole period
            start = day0 + (1_886 if ukrainian else 0)
            opened = start + int((today - start) * rnd() ** 0.8)
            mi = min(bisect.bisect_right(muni_cum, rnd() * muni_cum[-1]), len(munis) - 1)
            muni_id, _mname, postal, team = munis[mi]
            hid = ids.take("clients_household")
            ts = ts_of(opened)
            family_latin = to_latin_cached(family, ukrainian)
            households.append(
                (
                    hid,
                    uuid("clients_household", hid),
                    ts,
                    ts,
                    1,
                    f"Familie {family_latin}"[:200],
                    f"{V.STREETS[int(rnd() * len(V.STREETS))]} {1 + int(rnd() * 80)}",
                    postal,
                    kreis_id,
                    muni_id,
                )
            )
            first_client = ids.take("clients_client", size)
            member_ids = list(range(first_client, first_client + size))
            for i, cid in enumerate(member_ids):
                female_ = (i == 1) if size > 1 and i < 2 else rnd() < 0.5
                names = female if female_ else male
                given = names[int(rnd() * len(names))]
                if i >= 2:  # children
                    birth = opened - 365 - int(rnd() * 16 * 365)
                else:
                    birth = opened - 19 * 365 - int(rnd() * 41 * 365)
                precision = "full" if rnd() < 0.9 else "year"
                interpreter = i < 2 and rnd() < 0.5
                given_latin = to_latin_cached(given, ukrainian)
                if i == 0:
                    first_given_latin = given_latin  # the case file's person, its sort names
                name_tokens, name_phonetic = search_cached(given, family, given_latin, family_latin)
                clients.append(
                    (
                        cid,
                        f"{client_pre}{cid:012x}",
                        ts,
                        ts,
                        1,
                        given,
                        family,
                        given_latin,
                        family_latin,
                        name_tokens,
                        name_phonetic,
                        date(birth) if precision == "full" else None,
                        dt.date.fromordinal(birth).year,
                        precision,
                        "female" if female_ else "male",
                        nat,
                        LANG_JSON[tuple(langs)],
                        interpreter,
                        interp_lang if interpreter else "",
                        "",
                        "",
                        date(opened - 20 - int(rnd() * 380)),
                        residence[int(rnd() * len(residence))],
                        None,
                        V.ACCOMMODATION[int(rnd() * len(V.ACCOMMODATION))],
                        None,
                        kreis_id,
                        muni_id,
                        hid,
                    )
                )
            # one case file per household, for its first member, by a manager of the team
            # that covers the household's municipality
            case_id = ids.take("clients_case")
            staff = self.team_staff[team] if team is not None else self.staff
            uid, tid, org = staff[int(rnd() * len(staff))]
            opened_date = dt.date.fromordinal(opened)
            period_end = add_years(opened_date, 3).toordinal() - 1
            closed = None
            reason = ""
            if period_end < today:
                closed = min(period_end, opened + 90 + int(rnd() * (3 * 365 - 90)))
                reason = (
                    "period_ended"
                    if closed == period_end
                    else V.CLOSE_REASONS[int(rnd() * len(V.CLOSE_REASONS))]
                )
            elif rnd() < 0.15 and today - opened > 120:
                closed = opened + 60 + int(rnd() * (today - opened - 60))
                reason = V.CLOSE_REASONS[int(rnd() * len(V.CLOSE_REASONS))]
            year = opened_date.year
            numbers[year] = numbers.get(year, 0) + 1
            cases.append(
                [
                    case_id,
                    uuid("clients_case", case_id),
                    ts,
                    ts_of(closed) if closed else ts,
                    1,
                    f"{year}-{numbers[year]:05d}",
                    date(opened),
                    True,
                    3,
                    "",
                    date(closed) if closed else None,
                    reason,
                    date(period_end),
                    None,
                    0,
                    kreis_id,
                    org,
                    uid,
                    tid,
                    first_client,
                    family_latin,
                    first_given_latin,
                ]
            )
            end = closed if closed is not None else today
            consent_id = ids.take("clients_consent")
            oral = rnd() < 0.2
            covers_referral = rnd() < 0.7
            covers_volunteer = rnd() < 0.3
            case_info.append(
                (
                    case_id,
                    opened,
                    end,
                    closed is not None,
                    uid,
                    member_ids,
                    covers_referral,
                    covers_volunteer,
                    interp_lang,
                )
            )
            case_weights.append(rng.expovariate(1.0) * (1 + (end - opened) / 365))
            consents.append(
                (
                    consent_id,
                    uuid("clients_consent", consent_id),
                    ts,
                    ts,
                    date(opened),
                    True,
                    covers_referral,
                    covers_volunteer,
                    "oral_witness" if oral else "signed",
                    f"{self.pick(V.GERMAN_FIRST)} {self.pick(V.GERMAN_LAST)}" if oral else "",
                    None,
                    first_client,
                    kreis_id,
                    uid,
                    None,
                    "",
                )
            )
        self.sink.write("clients_household", HOUSEHOLD_COLS, households)
        self.sink.write("clients_client", CLIENT_COLS, clients)
        del households, clients
        # sessions per case: proportional to a random weight times the length of the case
        counts = apportion(c.sessions, case_weights)
        self.referrals, self.events = [], []
        sessions, attendance = [], []
        session_counts = []
        # session templates (duration, channel, interpreter, fields, summary): one random pick
        # per session instead of five
        templates = [
            (
                (30, 45, 45, 60, 60, 90)[int(rnd() * 6)],
                V.CHANNELS[int(rnd() * len(V.CHANNELS))],
                rnd() < 0.3,
                *FIELDS_POOL[int(rnd() * len(FIELDS_POOL))],
                V.SUMMARIES[int(rnd() * len(V.SUMMARIES))],
            )
            for _ in range(4096)
        ]
        for row, info, count in zip(cases, case_info, counts, strict=True):
            session_counts.append(count)
            if not count:
                continue
            case_id, start, end, _closed, uid, members, _cr, _cv, lang = info
            span = end - start + 1
            days = sorted(start + int(rnd() * span) for _ in range(count))
            first = ids.take("counselling_counsellingsession", count)
            for offset, day in enumerate(days):
                sid = first + offset
                ts = ts_of(day)
                duration, channel, interp, fields_json, first_field, summary = templates[
                    int(rnd() * 4096)
                ]
                sessions.append(
                    (
                        sid,
                        f"{session_pre}{sid:012x}",
                        ts,
                        ts,
                        1,
                        date(day),
                        duration,
                        channel,
                        interp,
                        lang if interp else "",
                        fields_json,
                        summary,
                        "",
                        case_id,
                        uid,
                        kreis_id,
                    )
                )
                if len(members) > 1 and rnd() < 0.3:
                    aid = ids.take("counselling_sessionattendance")
                    attendance.append(
                        (aid, members[1 + int(rnd() * (len(members) - 1))], kreis_id, sid)
                    )
                if rnd() < P_SESSION_REFERRAL:
                    self._referral(info, day, first_field, None, sid, None)
            row[13] = date(days[-1])
            row[14] = count
        self.sink.write("clients_case", CASE_COLS, cases)
        seq = [
            (ids.take("clients_casenumbersequence"), year, last, kreis_id)
            for year, last in sorted(numbers.items())
        ]
        self.sink.write("clients_casenumbersequence", SEQ_COLS, seq)
        self.sink.write("clients_consent", CONSENT_COLS, consents)
        self.sink.write("counselling_counsellingsession", SESSION_COLS, sessions)
        self.sink.write("counselling_sessionattendance", ATTENDANCE_COLS, attendance)
        del sessions, attendance, consents
        self._plans(case_info, session_counts)
        self.sink.write("referrals_referral", REFERRAL_COLS, self.referrals)
        self.sink.write("referrals_referralevent", EVENT_COLS, self.events)
        self._tandems(case_info)

    # --- integration plans -----------------------------------------------------------------------
    def _plans(self, case_info, session_counts) -> None:
        rng, ids, c = self.rng, self.ids, self.c
        rnd = rng.random
        kreis_id = c.kreis_id
        today = self.today
        uuid, date, ts_of = self.uuid, self.date, self.ts
        plans, goals, steps, versions = [], [], [], []
        services = self.services
        for info, n_sessions in zip(case_info, session_counts, strict=True):
            if n_sessions < 2 or rnd() >= P_PLAN:
                continue
            case_id, opened, end, closed, uid, _members, _cr, _cv, _lang = info
            agreed = opened + 14 + int(rnd() * 32)
            if agreed > end:
                continue
            plan_id = ids.take("plans_plan")
            fields = []
            for _ in range(GOALS_PER_PLAN[int(rnd() * len(GOALS_PER_PLAN))]):
                field = GOAL_FIELD_POOL[int(rnd() * len(GOAL_FIELD_POOL))]
                if field not in fields:
                    fields.append(field)
            snapshot_goals: list[str] = []
            added_goals: list[str] = []
            added_steps: list[str] = []
            span = end - agreed
            for position, field in enumerate(fields, start=1):
                gid = ids.take("plans_goal")
                texts = V.GOAL_TEXTS[field]
                text = texts[int(rnd() * len(texts))]
                target = agreed + (90, 180, 270, 365)[int(rnd() * 4)]
                priority = ("high", "medium", "medium", "low")[int(rnd() * 4)]
                reached = None
                if span > 60 and rnd() < min(0.7, span / 900):
                    reached = agreed + 45 + int(rnd() * (span - 45))
                    status = "reached"
                elif closed:
                    status = ("not_reached", "partly", "partly", "dropped")[int(rnd() * 4)]
                else:
                    status = "in_progress" if rnd() < 0.6 else "open"
                goal_uuid = uuid("plans_goal", gid)
                changed = reached if reached else (end if closed else agreed)
                goals.append(
                    (
                        gid,
                        goal_uuid,
                        kreis_id,
                        ts_of(agreed),
                        ts_of(changed),
                        1,
                        plan_id,
                        field,
                        text,
                        date(target),
                        priority,
                        status,
                        date(reached) if reached else None,
                        date(agreed),
                        position,
                    )
                )
                snapshot_steps = []
                step_texts = V.STEP_TEXTS[field]
                for step_pos in range(1, 1 + STEPS_PER_GOAL[int(rnd() * len(STEPS_PER_GOAL))]):
                    step_id = ids.take("plans_step")
                    owner = V.STEP_OWNERS[int(rnd() * len(V.STEP_OWNERS))]
                    service = None
                    if owner == "service":
                        candidates = services.get(field)
                        if candidates:
                            service = candidates[int(rnd() * len(candidates))]
                        else:
                            owner = "manager"
                    due = agreed + 14 + int(rnd() * 120)
                    done = reached is not None or (due < end and rnd() < 0.6)
                    step_status = "done" if done else ("dropped" if closed else "open")
                    step_text = step_texts[int(rnd() * len(step_texts))]
                    step_uuid = uuid("plans_step", step_id)
                    steps.append(
                        (
                            step_id,
                            step_uuid,
                            kreis_id,
                            ts_of(agreed),
                            ts_of(min(due, end)) if step_status != "open" else ts_of(agreed),
                            1,
                            gid,
                            step_text,
                            owner,
                            service,
                            date(due),
                            step_status,
                            step_pos,
                        )
                    )
                    snapshot_steps.append(
                        f'{{"uuid": "{_dashed(step_uuid)}", "text": {js(step_text)}, '
                        f'"owner": "{owner}", "service": {js(self.service_names.get(service))}, '
                        f'"due_on": "{date(due)}", "status": "open"}}'
                    )
                    added_steps.append(
                        f'{{"kind": "step_added", "goal": {js(text)}, "step": {js(step_text)}}}'
                    )
                snapshot_goals.append(
                    f'{{"uuid": "{_dashed(goal_uuid)}", "field_of_action": "{field}", '
                    f'"text": {js(text)}, "target_date": "{date(target)}", '
                    f'"priority": "{priority}", "status": "open", "reached_on": null, '
                    f'"steps": [{", ".join(snapshot_steps)}]}}'
                )
                added_goals.append(f'{{"kind": "goal_added", "goal": {js(text)}}}')
                if rnd() < P_GOAL_REFERRAL:
                    referred = agreed + int(rnd() * 21)
                    if referred <= end:
                        self._referral(info, referred, field, gid, None, text)
            # the JSON text json.dumps would write (the snapshot of plans.services.plan_agree)
            snapshot = f'{{"goals": [{", ".join(snapshot_goals)}]}}'
            changes = f"[{', '.join(added_goals + added_steps)}]"
            form = ("signed", "signed", "oral_interpreter", "oral")[int(rnd() * 4)]
            last_agreed = agreed
            n_versions = 1
            vid = ids.take("plans_planversion")
            versions.append(
                (
                    vid,
                    uuid("plans_planversion", vid),
                    kreis_id,
                    ts_of(agreed),
                    ts_of(agreed),
                    plan_id,
                    1,
                    date(agreed),
                    form,
                    snapshot,
                    changes,
                    uid,
                )
            )
            review = add_months(dt.date.fromordinal(agreed), 3).toordinal()
            if review <= min(end, today) and rnd() < P_REVIEW:
                vid = ids.take("plans_planversion")
                versions.append(
                    (
                        vid,
                        uuid("plans_planversion", vid),
                        kreis_id,
                        ts_of(review),
                        ts_of(review),
                        plan_id,
                        2,
                        date(review),
                        form,
                        snapshot,
                        CONFIRMED,
                        uid,
                    )
                )
                last_agreed = review
                n_versions = 2
            next_review = add_months(dt.date.fromordinal(last_agreed), 3)
            plans.append(
                (
                    plan_id,
                    uuid("plans_plan", plan_id),
                    kreis_id,
                    ts_of(agreed),
                    ts_of(last_agreed),
                    1 + len(fields) + n_versions,
                    case_id,
                    3,
                    next_review.isoformat(),
                )
            )
        self.sink.write("plans_plan", PLAN_COLS, plans)
        self.sink.write("plans_goal", GOAL_COLS, goals)
        self.sink.write("plans_step", STEP_COLS, steps)
        self.sink.write("plans_planversion", VERSION_COLS, versions)

    # --- referrals -------------------------------------------------------------------------------
    def _referral(self, info, referred: int, field: str, goal_id, session_id, reason) -> None:
        """A referral with its status history: agreed (or proposed), an appointment, attended,
        closed with a result; still open ones stop somewhere on the way. Referrals of a closed
        case are closed at the latest with it. Without the person's consent to passing data to
        services the referral is anonymous."""
        rng, ids = self.rng, self.ids
        rnd = rng.random
        case_id, _opened, end, closed, uid, _m, covers_referral, _cv, _lang = info
        kreis_id = self.c.kreis_id
        rid = ids.take("referrals_referral")
        candidates = self.services.get(field)
        service, service_name = None, ""
        if candidates and rnd() >= P_FREE_TEXT:
            service = candidates[int(rnd() * len(candidates))]
        else:
            names = V.REFERRAL_FREE_TEXT[field]
            service_name = names[int(rnd() * len(names))]
        limit = min(end, self.today)
        status = "agreed" if rnd() < 0.7 else "proposed"
        follow_up = referred + (14, 21, 28)[int(rnd() * 3)]
        history = [(referred, status, follow_up, None)]
        appointment = None
        closed_on = None
        outcome = ""
        if rnd() < 0.6:
            made = referred + 1 + int(rnd() * 4)
            if made <= limit:
                appointment = referred + 5 + int(rnd() * 26)
                status = "appointment_made"
                history.append((made, status, follow_up, appointment))
        finish = referred + 20 + int(rnd() * 71)
        if finish <= limit and rnd() < 0.85:
            r = rnd()
            result = "successful" if r < 0.6 else "not_successful" if r < 0.8 else "cancelled"
            if result != "cancelled":
                attended = min(finish, appointment) if appointment else finish
                history.append((attended, "attended", follow_up, appointment))
            status, closed_on = result, finish
            history.append((finish, result, follow_up, appointment))
            texts = V.REFERRAL_OUTCOMES[result]
            outcome = texts[int(rnd() * len(texts))]
        elif closed:
            status, closed_on = "cancelled", end
            history.append((end, status, follow_up, appointment))
            outcome = "Fallakte abgeschlossen."
        elif appointment is not None and appointment < limit and rnd() < 0.5:
            status = "attended"
            history.append((appointment, status, follow_up, appointment))
        self.referrals.append(
            (
                rid,
                self.uuid("referrals_referral", rid),
                kreis_id,
                self.ts(referred),
                self.ts(history[-1][0]),
                len(history),
                case_id,
                session_id,
                goal_id,
                service,
                service_name,
                reason or "Verweisung aus dem Beratungsgespräch",
                self.date(referred),
                status,
                self.date(appointment) if appointment else None,
                self.date(follow_up),
                outcome,
                self.date(closed_on) if closed_on else None,
                not covers_referral,
                uid,
            )
        )
        for minute, (day, ev_status, ev_follow, ev_appointment) in enumerate(history):
            eid = ids.take("referrals_referralevent")
            self.events.append(
                (
                    eid,
                    kreis_id,
                    rid,
                    EVENT_TS.format(self.date(day), 9 + minute, minute),
                    uid,
                    ev_status,
                    self.date(ev_follow),
                    self.date(ev_appointment) if ev_appointment else None,
                )
            )

    # --- tandems (only with the person's consent to passing contact data to volunteers) ---------
    def _tandems(self, case_info) -> None:
        rng, ids, c = self.rng, self.ids, self.c
        rnd = rng.random
        today = self.today
        joined = self.tandem_joined
        tandems, activities = [], []
        for info in case_info:
            case_id, opened, end, closed, uid, members, _cr, covers_volunteer, _lang = info
            if not covers_volunteer or not joined or end - opened < 60 or rnd() >= P_TANDEM:
                continue
            start = opened + 30 + int(rnd() * min(120, end - opened - 30))
            # a volunteer who had joined by then (the earliest one otherwise)
            k = bisect.bisect_right(joined, start)
            vid, v_joined, _left = (
                self.tandem_volunteers[int(rnd() * k)] if k else self.tandem_volunteers[0]
            )
            start = max(start, v_joined)
            if start > end - 14:
                continue
            ended, reason = None, ""
            if closed:
                ended, reason = end, "case_closed"
            if rnd() < 0.3 and end - start > 90:
                ended = start + 60 + int(rnd() * (end - start - 60))
                reason = V.TANDEM_END_REASONS[int(rnd() * len(V.TANDEM_END_REASONS))]
            tid = ids.take("volunteers_tandem")
            tandems.append(
                (
                    tid,
                    self.uuid("volunteers_tandem", tid),
                    c.kreis_id,
                    self.ts(start),
                    self.ts(ended or start),
                    1,
                    vid,
                    case_id,
                    len(members) > 1 and rnd() < 0.5,
                    True,
                    rnd() < 0.3,
                    rnd() < 0.2,
                    V.TANDEM_NOTES[int(rnd() * len(V.TANDEM_NOTES))],
                    self.date(start),
                    self.date(ended) if ended else None,
                    reason,
                    uid,
                )
            )
            # meetings logged by the coordination: every two to four weeks, at most twelve
            day = start + 7
            last = min(ended or today, today)
            for _ in range(12):
                if day > last:
                    break
                aid = ids.take("volunteers_activity")
                activities.append(
                    (
                        aid,
                        self.uuid("volunteers_activity", aid),
                        c.kreis_id,
                        self.ts(day),
                        self.ts(day),
                        vid,
                        "tandem",
                        tid,
                        None,
                        None,
                        self.date(day),
                        ("1.00", "1.50", "2.00", "2.50")[int(rnd() * 4)],
                        V.ACTIVITY_NOTES[int(rnd() * len(V.ACTIVITY_NOTES))],
                        None,
                        self.coordination_uid,
                    )
                )
                day += 14 + int(rnd() * 15)
        self.sink.write("volunteers_tandem", TANDEM_COLS, tandems)
        self.sink.write("volunteers_activity", ACTIVITY_COLS, activities)


def service_row(
    gen,
    sid,
    kreis_id,
    land_id,
    pid,
    name,
    kind,
    fields,
    languages,
    town_id,
    town,
    postal,
    created_by,
):
    rng = gen.rng
    ts = gen.ts(gen.day0)
    return (
        sid,
        gen.uuid("directory_service", sid),
        1,
        kreis_id,
        land_id,
        ts,
        ts,
        pid,
        name,
        kind,
        "",
        json.dumps(fields),
        json.dumps(languages),
        f"{gen.pick(V.STREETS)} {1 + int(rng.random() * 60)}" if town else "",
        postal,
        town or "",
        town_id,
        "",
        f"07{rng.randrange(100, 999)} {rng.randrange(10_000, 99_999)}",
        "",
        "",
        gen.pick(V.OPENING_HOURS),
        rng.random() < 0.4,
        "",
        "",
        "",
        True,
        "",
        created_by,
    )


@functools.cache
def js(value) -> str:
    """A value of the vocabulary as JSON text (cached: the texts repeat)."""
    return json.dumps(value, ensure_ascii=False)


def _dashed(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


_ASCII = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "ı": "i", " ": ""})
CONFIRMED = json.dumps([{"kind": "confirmed"}])
_fields_rng = random.Random("fields")
FIELDS_POOL = [
    (json.dumps(chosen), chosen[0])
    for chosen in (sorted(set(_fields_rng.sample(V.FIELDS, k))) for k in (1, 1, 2, 2, 3) * 20)
]


class StateDirectory:
    """The state-wide entries of the directory (no Kreis), written once before the counties."""

    def __init__(self, *, land_id: int, seed: int, ids: Ids, prefixes, sink, as_of: dt.date):
        self.rng = random.Random(f"{seed}:land")
        self.land_id = land_id
        self.ids = ids
        self.prefixes = prefixes
        self.sink = sink
        self.day0 = FIRST_DAY.toordinal()
        self.services: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}

    def uuid(self, table: str, pk: int) -> str:
        return f"{self.prefixes[table]}{pk:012x}"

    def ts(self, ordinal: int) -> str:
        return TS_FORMAT.format(dt.date.fromordinal(ordinal).isoformat())

    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def run(self) -> dict:
        providers: dict[str, int] = {}
        provider_rows, service_rows = [], []
        ts = self.ts(self.day0)
        for provider, name, kind, fields, languages in V.STATE_DIRECTORY:
            pid = providers.get(provider)
            if pid is None:
                pid = providers[provider] = self.ids.take("directory_serviceprovider")
                provider_rows.append(
                    (
                        pid,
                        self.uuid("directory_serviceprovider", pid),
                        1,
                        None,
                        self.land_id,
                        ts,
                        ts,
                        provider,
                        "",
                        "",
                        "",
                        "",
                        "",
                    )
                )
            sid = self.ids.take("directory_service")
            service_rows.append(
                service_row(
                    self,
                    sid,
                    None,
                    self.land_id,
                    pid,
                    name,
                    kind,
                    fields,
                    languages,
                    None,
                    None,
                    "",
                    None,
                )
            )
            for field in fields:
                self.services.setdefault(field, []).append(sid)
            self.names[sid] = name
        self.sink.write("directory_serviceprovider", PROVIDER_COLS, provider_rows)
        self.sink.write("directory_service", SERVICE_COLS, service_rows)
        return {"fields": self.services, "names": self.names}


STATE_CAPS = {
    "directory_serviceprovider": len(V.STATE_DIRECTORY),
    "directory_service": len(V.STATE_DIRECTORY),
}

# --- Columns, in the order of the rows above --------------------------------------------------
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
MUNICIPALITY_COLS = ("id", "uuid", "kreis_id", "created_at", "updated_at", "name", "ags")
PROVIDER_COLS = (
    "id",
    "uuid",
    "version",
    "kreis_id",
    "land_id",
    "created_at",
    "updated_at",
    "name",
    "description",
    "email",
    "website",
    "phone",
    "external_id",
)
SERVICE_COLS = (
    "id",
    "uuid",
    "version",
    "kreis_id",
    "land_id",
    "created_at",
    "updated_at",
    "provider_id",
    "name",
    "kind",
    "description",
    "fields_of_action",
    "languages",
    "street",
    "postal_code",
    "city",
    "municipality_id",
    "contact_name",
    "phone",
    "email",
    "website",
    "opening_hours",
    "by_appointment_only",
    "accessibility",
    "costs",
    "eligibility",
    "is_active",
    "external_id",
    "created_by_id",
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
    # what the database's trigger writes (migration clients 0007); the load switches it off
    "sort_family_name",
    "sort_given_names",
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
PLAN_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "case_id",
    "review_interval_months",
    "next_review_on",
)
GOAL_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "plan_id",
    "field_of_action",
    "text",
    "target_date",
    "priority",
    "status",
    "reached_on",
    "agreed_on",
    "position",
)
STEP_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "goal_id",
    "text",
    "owner",
    "service_id",
    "due_on",
    "status",
    "position",
)
VERSION_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "plan_id",
    "number",
    "agreed_on",
    "agreement_form",
    "snapshot",
    "changes",
    "agreed_by_id",
)
REFERRAL_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "case_id",
    "session_id",
    "goal_id",
    "service_id",
    "service_name",
    "reason",
    "referred_on",
    "status",
    "appointment_on",
    "follow_up_on",
    "outcome",
    "closed_on",
    "anonymous",
    "created_by_id",
)
EVENT_COLS = (
    "id",
    "kreis_id",
    "referral_id",
    "at",
    "actor_id",
    "status",
    "follow_up_on",
    "appointment_on",
)
VOLUNTEER_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "given_name",
    "family_name",
    "phone",
    "email",
    "languages",
    "skills",
    "availability",
    "fields_of_action",
    "status",
    "left_on",
    "user_id",
    "created_by_id",
)


def model_columns(table: str) -> set[str]:
    """The columns the models give a table (when no database is at hand)."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return {f.column for f in model._meta.concrete_fields}
    return set()


CHECK_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "volunteer_id",
    "kind",
    "issued_on",
    "next_due_on",
    "recorded_by_id",
)
QUALIFICATION_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "volunteer_id",
    "title",
    "attended_on",
    "provider",
    "hours",
    "certificate_id",
    "recorded_by_id",
)
TANDEM_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "version",
    "volunteer_id",
    "case_id",
    "includes_household",
    "share_phone",
    "share_email",
    "share_address",
    "shared_note",
    "started_on",
    "ended_on",
    "end_reason",
    "created_by_id",
)
ACTIVITY_COLS = (
    "id",
    "uuid",
    "kreis_id",
    "created_at",
    "updated_at",
    "volunteer_id",
    "kind",
    "tandem_id",
    "support_request_id",
    "group_id",
    "date",
    "hours",
    "note",
    "cancelled_at",
    "recorded_by_id",
)
