#!/usr/bin/env python
"""Deterministic, seeded generator of synthetic case data through the real schema.

    WEGWEISER_DEBUG=1 .venv/bin/python bench/generate.py --profile S [--seed 2026] [--jobs 2]
        [--database-url postgres://postgres@127.0.0.1:5432/ww_bench]

Needs a migrated database with ``manage.py load_reference_data`` done (the counties of
Baden-Württemberg come from there) and no case files yet. Writes per county: organisations,
teams, users, municipalities, the directory of services, households, persons, case files,
consents, counselling sessions and attendance, integration plans (goals, steps, agreed versions),
referrals with their status history, volunteers (checks, qualifications, tandems, hours); plus
a few state-wide services. Ids are assigned here, in a block per county (_gen_county.id_caps).

PostgreSQL: the secondary indexes of the tables written are dropped before COPY and created
again afterwards (definitions read from the catalogue); with ``--jobs 2`` two processes load
counties over two connections. SQLite: executemany in one transaction. Never the ORM one row at
a time. The same seed (and ``--as-of``) gives the same data.

See docs/benchmarks.md for the profiles, the proportions and the measured load times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _gen_county as G  # noqa: E402  (bench/ is not a package)


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
    # The state's 44 counties at a fiftieth of the volume: what depends on the number of
    # counties (the state's dashboard and report) without the BW profile's 19 minutes.
    "BW50": Profile(counties=44, persons=40_000, sessions=65_000, managers=132),
}
DEFAULT_AS_OF = dt.date(2026, 6, 30)  # fixed, so that a seed always gives the same data
PASSWORD = "bench-Passwort-2026"  # the one password of every generated user
INHABITANTS_PER_MUNICIPALITY = 8_200  # BW: about 9.0 M inhabitants of Landkreise, 1,092 Gemeinden
TABLES = G.TABLES


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")
    import django

    django.setup()


# --- Sinks: PostgreSQL COPY, SQLite executemany, or a hash of the rows -----------------------
class DatabaseSink:
    def table_columns(self, table: str) -> set[str]:
        """The columns the table has in the database (it may be migrated differently from the
        models in the working tree)."""
        found = self._columns.get(table)
        if found is None:
            with self.connection.cursor() as cursor:
                description = self.connection.introspection.get_table_description(cursor, table)
            found = self._columns[table] = {c.name for c in description}
        return found


class PostgresSink(DatabaseSink):
    def __init__(self, connection):
        self.connection = connection
        self._columns: dict[str, set[str]] = {}
        self.cursor = connection.cursor()  # the psycopg cursor under Django's wrapper
        self.raw = self.cursor.cursor
        self.rows: dict[str, int] = {}

    def prepare(self) -> None:
        self.raw.execute("SET LOCAL synchronous_commit = off")
        if is_superuser(self.raw):  # FK triggers off while loading; ids are consistent by design
            self.raw.execute("SET LOCAL session_replication_role = replica")

    def write(self, table: str, columns: tuple[str, ...], rows) -> None:
        n = 0
        with self.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.rows[table] = self.rows.get(table, 0) + n


class SqliteSink(DatabaseSink):
    def __init__(self, connection):
        self.connection = connection
        self._columns: dict[str, set[str]] = {}
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


class HashSink:
    """Writes nothing: a SHA-256 of each table's row stream (the determinism check)."""

    def __init__(self):
        self.hashes: dict[str, object] = {}
        self.rows: dict[str, int] = {}

    def write(self, table: str, columns: tuple[str, ...], rows) -> None:
        digest = self.hashes.setdefault(table, hashlib.sha256(repr(columns).encode()))
        n = 0
        for row in rows:
            digest.update(repr(row).encode())
            n += 1
        self.rows[table] = self.rows.get(table, 0) + n

    def hexdigest(self) -> str:
        total = hashlib.sha256()
        for table in TABLES:
            if table in self.hashes:
                total.update(f"{table}:{self.hashes[table].hexdigest()}".encode())
        return total.hexdigest()


def is_superuser(raw_cursor) -> bool:
    raw_cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    return bool(raw_cursor.fetchone()[0])


# --- Planning: counties, id blocks -------------------------------------------------------------
def plan_counties(kreise: list[tuple], profile: Profile) -> list[G.County]:
    """kreise: (kreis_id, land_id, ags, short_name, kind, inhabitants) in AGS order; persons,
    sessions and managers follow the inhabitants (so the counties are skewed in size)."""
    kreise = kreise[: profile.counties]
    weights = [k[5] for k in kreise]
    persons = G.apportion(profile.persons, weights)
    sessions = G.apportion(profile.sessions, weights)
    managers = [max(2, m) for m in G.apportion(profile.managers, weights)]
    return [
        G.County(
            kreis_id=k[0],
            land_id=k[1],
            ags=k[2],
            short_name=k[3],
            kind=k[4],
            persons=p,
            sessions=s,
            managers=m,
            municipalities=min(
                G.MUNICIPALITY_CAP, max(10, round(k[5] / INHABITANTS_PER_MUNICIPALITY))
            ),
        )
        for k, p, s, m in zip(kreise, persons, sessions, managers, strict=True)
    ]


def id_blocks(counties: list[G.County], first: dict[str, int]) -> tuple[G.Ids, list[dict]]:
    """The state-wide block, then one block per county (in AGS order): a county's ids do not
    depend on how many rows the counties before it used."""
    state = G.Ids(first)
    nxt = {t: first[t] + G.STATE_CAPS.get(t, 0) for t in TABLES}
    starts = []
    for county in counties:
        starts.append(dict(nxt))
        caps = G.id_caps(county)
        for t in TABLES:
            nxt[t] += caps[t]
    return state, starts


@dataclass
class Run:
    """What a run wrote and how long it took (seconds)."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    backend_cpu: dict[int, float] = field(default_factory=dict)  # PostgreSQL process -> CPU s

    def add(self, rows: dict[str, int]) -> None:
        for table, n in rows.items():
            self.rows[table] = self.rows.get(table, 0) + n

    def add_cpu(self, pid: int, seconds: float) -> None:
        self.backend_cpu[pid] = max(seconds, self.backend_cpu.get(pid, 0.0))


def backend_cpu(raw) -> tuple[int, float]:
    """The CPU seconds the connection's PostgreSQL process used so far (0 when the server runs
    elsewhere): with the generator's own, a measure that does not depend on the machine's load.
    Parallel workers of index builds are not counted."""
    raw.execute("SELECT pg_backend_pid()")
    pid = raw.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return pid, 0.0
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def generate_into(
    sink,
    *,
    profile: Profile,
    seed: int,
    as_of: dt.date,
    kreise,
    land_id: int,
    first_ids: dict[str, int],
    password_hash: str,
) -> None:
    """All rows of a profile into one sink, county after county (SQLite, hashing, one job)."""
    counties = plan_counties(kreise, profile)
    state_ids, starts = id_blocks(counties, first_ids)
    prefixes = G.uuid_prefixes(seed)
    state = G.StateDirectory(
        land_id=land_id, seed=seed, ids=state_ids, prefixes=prefixes, sink=sink, as_of=as_of
    ).run()
    for county, start in zip(counties, starts, strict=True):
        G.CountyGenerator(
            county=county,
            seed=seed,
            as_of=as_of,
            ids=G.Ids(start),
            prefixes=prefixes,
            password_hash=password_hash,
            state_services=state,
            sink=sink,
        ).run()


def row_digest(*, profile: Profile, seed: int, as_of: dt.date, kreise, land_id: int) -> HashSink:
    sink = HashSink()
    generate_into(
        sink,
        profile=profile,
        seed=seed,
        as_of=as_of,
        kreise=kreise,
        land_id=land_id,
        first_ids=dict.fromkeys(TABLES, 1),
        password_hash="hash",
    )
    return sink


# --- PostgreSQL: secondary indexes and foreign keys off while loading ---------------------------
@dataclass(frozen=True)
class Definition:
    table: str
    name: str
    drop: str
    create: str


def secondary_indexes(cursor, tables: list[str]) -> list[Definition]:
    """Every index of the tables except the primary keys and unique indexes a foreign key
    depends on, in the order they were created; unique and exclusion constraints as
    constraints (dropped and added with ALTER TABLE)."""
    cursor.execute(
        """
        SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid), con.conname,
               pg_get_constraintdef(con.oid)
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        LEFT JOIN pg_constraint con
               ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
              AND con.contype IN ('u', 'x')
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relname = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                          WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
        ORDER BY i.indexrelid
        """,
        [tables],
    )
    out = []
    for table, index, indexdef, conname, condef in cursor.fetchall():
        if conname:
            out.append(
                Definition(
                    table,
                    conname,
                    f'ALTER TABLE "{table}" DROP CONSTRAINT "{conname}"',
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{conname}" {condef}',
                )
            )
        else:
            out.append(Definition(table, index, f'DROP INDEX "{index}"', indexdef))
    return out


def foreign_keys(cursor, tables: list[str]) -> list[Definition]:
    cursor.execute(
        """
        SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
          AND c.relname = ANY(%s)
        ORDER BY con.oid
        """,
        [tables],
    )
    return [
        Definition(
            table,
            name,
            f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {condef}',
        )
        for table, name, condef in cursor.fetchall()
    ]


def create_all(definitions: list[Definition], jobs: int, run: Run) -> None:
    """Create the definitions again, each connection in the original order; with several jobs
    the tables are shared out by size over that many connections (threads)."""
    from django.db import connection, connections

    rows = run.rows
    if jobs <= 1 or len(definitions) < 2:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for d in definitions:
                cursor.execute(d.create)
            run.add_cpu(*backend_cpu(cursor.cursor))
        return
    tables = sorted({d.table for d in definitions}, key=lambda t: (-rows.get(t, 0), t))
    groups: list[list[str]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for table in tables:  # largest first onto the least loaded connection
        i = load.index(min(load))
        groups[i].append(table)
        load[i] += max(1, rows.get(table, 0))

    def work(group: list[str]) -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for d in definitions:
                    if d.table in group:
                        cursor.execute(d.create)
                run.add_cpu(*backend_cpu(cursor.cursor))
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(work, g) for g in groups if g]:
            future.result()


# --- Loading ------------------------------------------------------------------------------------
_WORKER: dict = {}


def _load_county(task) -> tuple[dict[str, int], tuple[int, float]]:
    """One county in its own transaction on this worker's connection (a forked process)."""
    from django.db import connection, transaction

    county, start = task
    with transaction.atomic():
        sink = PostgresSink(connection)
        sink.prepare()
        G.CountyGenerator(county=county, ids=G.Ids(start), sink=sink, **_WORKER).run()
    return sink.rows, backend_cpu(sink.raw)


def reference(profile: Profile) -> tuple[list[tuple], int]:
    from wegweiser.organisations.models import Kreis, Land, Population

    land = Land.objects.filter(code="BW").first()
    if land is None:
        raise SystemExit("Keine Referenzdaten: erst `manage.py load_reference_data`.")
    inhabitants = {}
    for kreis_id, n in Population.objects.order_by("reference_date").values_list(
        "kreis_id", "inhabitants"
    ):
        inhabitants[kreis_id] = n  # the latest figure wins
    kreise = [
        (k.id, land.id, k.ags, k.short_name, k.kind, inhabitants.get(k.id, 100_000))
        for k in Kreis.objects.filter(land=land).order_by("ags")
    ]
    return kreise[: profile.counties], land.id


def load(
    *,
    profile: Profile,
    seed: int,
    as_of: dt.date,
    jobs: int = 1,
    drop_indexes: bool = True,
) -> Run:
    """Load a profile into the default database. One job: one transaction (indexes dropped and
    created inside it). Several jobs (PostgreSQL): indexes dropped and committed, counties in
    parallel (one transaction each), indexes created again, even when a county failed."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, connections, transaction

    from wegweiser.clients.models import Case

    if Case.objects.exists():
        raise SystemExit("Die Datenbank enthält schon Fallakten; bitte eine leere nehmen.")
    kreise, land_id = reference(profile)
    jobs = max(1, min(jobs, len(kreise)))  # one county: one transaction
    run = Run()
    began = time.perf_counter()
    password_hash = make_password(PASSWORD)  # once, for every user
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        first = {}
        for table in TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            first[table] = cursor.fetchone()[0]
    if not postgres or jobs <= 1:
        with transaction.atomic():
            sink = PostgresSink(connection) if postgres else SqliteSink(connection)
            sink.prepare()
            dropped: list[Definition] = []
            if postgres and drop_indexes:
                t = time.perf_counter()
                dropped = _drop(sink.raw)
                run.seconds["drop"] = time.perf_counter() - t
            t = time.perf_counter()
            generate_into(
                sink,
                profile=profile,
                seed=seed,
                as_of=as_of,
                kreise=kreise,
                land_id=land_id,
                first_ids=first,
                password_hash=password_hash,
            )
            run.seconds["copy"] = time.perf_counter() - t
            run.add(sink.rows)
            if dropped:
                t = time.perf_counter()
                create_all(dropped, 1, run)
                run.seconds["indexes"] = time.perf_counter() - t
            if postgres:
                _setval(sink.raw)
                run.add_cpu(*backend_cpu(sink.raw))
        run.seconds["load"] = time.perf_counter() - began
        return run
    # several jobs on PostgreSQL
    import multiprocessing

    counties = plan_counties(kreise, profile)
    state_ids, starts = id_blocks(counties, first)
    prefixes = G.uuid_prefixes(seed)
    dropped = []
    if drop_indexes:
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            dropped = _drop(cursor.cursor)
        run.seconds["drop"] = time.perf_counter() - t
    t = time.perf_counter()
    try:
        with transaction.atomic():
            sink = PostgresSink(connection)
            sink.prepare()
            state = G.StateDirectory(
                land_id=land_id,
                seed=seed,
                ids=state_ids,
                prefixes=prefixes,
                sink=sink,
                as_of=as_of,
            ).run()
            run.add(sink.rows)
            run.add_cpu(*backend_cpu(sink.raw))
        _WORKER.update(
            seed=seed,
            as_of=as_of,
            prefixes=prefixes,
            password_hash=password_hash,
            state_services=state,
        )
        connections.close_all()  # no connection may cross the fork
        tasks = sorted(zip(counties, starts, strict=True), key=lambda cs: -cs[0].persons)
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for rows, cpu in pool.imap_unordered(_load_county, tasks):
                run.add(rows)
                run.add_cpu(*cpu)
        run.seconds["copy"] = time.perf_counter() - t
    finally:
        if dropped:
            t = time.perf_counter()
            create_all(dropped, jobs, run)
            run.seconds["indexes"] = time.perf_counter() - t
    with transaction.atomic(), connection.cursor() as cursor:
        _setval(cursor.cursor)
    run.seconds["load"] = time.perf_counter() - began
    return run


def _drop(raw) -> list[Definition]:
    """Drop the secondary indexes of the tables written (and their foreign keys, when the
    session cannot switch the FK triggers off); returns what to create again, in order."""
    definitions = secondary_indexes(raw, TABLES)
    if not is_superuser(raw):
        definitions += foreign_keys(raw, TABLES)
    for d in reversed(definitions):
        raw.execute(d.drop)
    return definitions


def _setval(raw) -> None:
    for table in TABLES:
        raw.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="else DATABASE_URL, else SQLite (settings)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--jobs", type=int, default=2, help="processes on PostgreSQL (default 2)")
    parser.add_argument("--keep-indexes", action="store_true", help="load with all indexes")
    parser.add_argument("--no-statistics", action="store_true", help="skip the rollup rebuild")
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from django.db import connection

    profile = PROFILES[args.profile]
    run = load(
        profile=profile,
        seed=args.seed,
        as_of=args.as_of,
        jobs=args.jobs,
        drop_indexes=not args.keep_indexes,
    )
    vendor = connection.vendor
    t = time.perf_counter()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
    else:
        # What the daily job does on SQLite (manage.py daily): the planner's statistics.
        from wegweiser.core.maintenance import refresh_planner_statistics

        refresh_planner_statistics()
    run.seconds["analyze"] = time.perf_counter() - t
    jobs = max(1, min(args.jobs, profile.counties)) if vendor == "postgresql" else 1
    print(f"Profil {args.profile} (seed {args.seed}) auf {vendor}, {jobs} Job(s):")
    for table in TABLES:
        print(f"  {table:38} {run.rows.get(table, 0):>10,}")
    s = run.seconds
    cpu = sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )
    load_avg = os.getloadavg()[0]
    if vendor == "postgresql":
        print(
            f"Laden: {s['load']:.1f} s (Indizes entfernen {s.get('drop', 0):.1f} s, Zeilen "
            f"{s['copy']:.1f} s, Indizes anlegen {s.get('indexes', 0):.1f} s), "
            f"ANALYZE: {s['analyze']:.1f} s"
        )
        print(
            f"CPU: Generator {cpu:.1f} s, PostgreSQL {sum(run.backend_cpu.values()):.1f} s "
            f"(ohne parallele Index-Worker); Last (1 min) am Ende: {load_avg:.1f}"
        )
    else:
        print(f"Laden: {s['load']:.1f} s; CPU: {cpu:.1f} s; Last (1 min) am Ende: {load_avg:.1f}")
    if not args.no_statistics:
        from wegweiser.statistics import outcomes, rollups

        t = time.perf_counter()
        rollups.rebuild(None)
        outcomes.rebuild(None)
        print(f"Kennzahlen neu aufgebaut: {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
