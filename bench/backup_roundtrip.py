#!/usr/bin/env python
"""Backup and restore round trip with the commands of docs/betrieb.md ("Sicherung und
Wiederherstellung"): identical row counts and checksums per table, and the application works on
the restored copy.

    WEGWEISER_DEBUG=1 .venv/bin/python bench/backup_roundtrip.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ww_bench_faults [--sqlite] [--keep]

PostgreSQL: ``pg_dump -Fc`` of the source database, ``createdb -T template0`` of a new one and
``pg_restore --no-owner --exit-on-error`` into it; then per table the row count and an md5 over
the sorted md5 of every row (``t::text``), the sequences, triggers, constraints and indexes are
compared; ``manage.py check``, ``manage.py migrate --check`` and an in-process check run against
the copy: login with password and TOTP code as the responsible integration manager of an open
case, the case page, a new counselling session with a confidential note (encrypted with the
field key, read back), a new person with a case file (new ids from the restored sequences).
The copy is dropped at the end (unless --keep). The source is only read.

--sqlite: the same for the embedded database: profile XS in a temporary SQLite file, the online
backup with ``sqlite3 <db> ".backup '<file>'"`` (Python's backup API when the sqlite3 program is
missing), ``PRAGMA integrity_check``, counts and checksums, the same checks of the application.

Prints the timings; exit code 1 if anything differs or fails.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "bench-Passwort-2026"  # of every generated user (bench/generate.py)


def _timed(label: str, command: list[str], *, env: dict | None = None) -> float:
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode:
        output = (done.stdout[-1000:] + done.stderr[-2000:]).strip()
        raise RuntimeError(f"{label} fehlgeschlagen ({done.returncode}):\n{output}")
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def _de(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --- PostgreSQL ----------------------------------------------------------------------------------


def _pg_params(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": parts.username or "postgres",
        "dbname": parts.path.lstrip("/"),
    }


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg_fingerprint(url: str) -> dict:
    """Per table: rows and md5 over the sorted row hashes; sequences; schema objects."""
    import psycopg

    result: dict = {"tables": {}, "sequences": {}, "schema": {}}
    with psycopg.connect(**_pg_params(url), autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        for (table,) in cur.fetchall():
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "  # noqa: S608
                f'FROM (SELECT md5(t::text) AS h FROM "{table}" t) rows'
            )
            result["tables"][table] = cur.fetchone()
        cur.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
            "ORDER BY sequencename"
        )
        result["sequences"] = dict(cur.fetchall())
        for name, query in (
            ("triggers", "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                         "WHERE NOT tgisinternal ORDER BY 1, 2"),
            ("constraints", "SELECT conname, conrelid::regclass::text, contype FROM pg_constraint "
                            "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"),
            ("indexes", "SELECT indexname, tablename FROM pg_indexes "
                        "WHERE schemaname = 'public' ORDER BY 1"),
            ("functions", "SELECT proname FROM pg_proc "
                          "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"),
            ("extensions", "SELECT extname FROM pg_extension ORDER BY 1"),
        ):  # fmt: skip
            cur.execute(query)
            result["schema"][name] = cur.fetchall()
    return result


def compare(source: dict, copy: dict) -> list[str]:
    problems = []
    for table in sorted(set(source["tables"]) | set(copy["tables"])):
        a, b = source["tables"].get(table), copy["tables"].get(table)
        if a != b:
            problems.append(f"Tabelle {table}: Quelle {a}, Kopie {b}")
    if source["sequences"] != copy["sequences"]:
        problems.append(f"Sequenzen: {source['sequences']} / {copy['sequences']}")
    for name, rows in source["schema"].items():
        if rows != copy["schema"].get(name):
            problems.append(f"Schema ({name}) unterscheidet sich")
    if "sqlite" in source and source["sqlite"] != copy["sqlite"]:
        problems.append("Schema (sqlite_master) unterscheidet sich")
    return problems


def postgres_roundtrip(url: str, *, keep: bool, workdir: Path) -> list[str]:
    params = _pg_params(url)
    conn = ["-h", params["host"], "-p", params["port"], "-U", params["user"]]
    target = f"{params['dbname']}_wiederhergestellt"
    target_url = _with_database(url, target)
    dump = workdir / f"{params['dbname']}.dump"
    print(f"PostgreSQL: {params['dbname']} -> {dump.name} -> {target}")
    timings = {}
    timings["pg_dump"] = _timed(
        "pg_dump -Fc", ["pg_dump", *conn, "-Fc", "-d", params["dbname"], "-f", str(dump)]
    )
    print(f"  Größe der Sicherung: {dump.stat().st_size / 1e6:.1f} MB")
    subprocess.run(["dropdb", *conn, "--if-exists", target], check=True, capture_output=True)
    _timed("createdb -T template0", ["createdb", *conn, "-T", "template0", target])
    try:
        timings["pg_restore"] = _timed(
            "pg_restore",
            ["pg_restore", *conn, "-d", target, "--no-owner", "--exit-on-error", str(dump)],
        )
        started = time.monotonic()
        source, copy = pg_fingerprint(url), pg_fingerprint(target_url)
        print(f"  Zählen und Prüfsummen (beide Datenbanken): {time.monotonic() - started:.1f} s")
        problems = compare(source, copy)
        rows = sum(n for n, _ in source["tables"].values())
        print(
            f"  {len(source['tables'])} Tabellen, {_de(rows)} Zeilen, {len(source['sequences'])} "
            f"Sequenzen, {len(source['schema']['triggers'])} Trigger: "
            f"{'gleich' if not problems else 'UNTERSCHIEDE'}"
        )
        problems += app_checks({"DATABASE_URL": target_url}, source_env={"DATABASE_URL": url})
    finally:
        if keep:
            print(f"  Kopie bleibt: {target_url}")
        else:
            subprocess.run(["dropdb", *conn, "--if-exists", target], check=False)
        dump.unlink(missing_ok=True)
    return problems


# --- SQLite --------------------------------------------------------------------------------------


def sqlite_fingerprint(path: Path) -> dict:
    result: dict = {"tables": {}, "sequences": {}, "schema": {}}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            hashes = sorted(
                hashlib.md5(repr(row).encode()).hexdigest()  # noqa: S324 - a checksum
                for row in db.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            )
            digest = hashlib.md5("".join(hashes).encode()).hexdigest()  # noqa: S324
            result["tables"][table] = (len(hashes), digest)
        result["sqlite"] = list(db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY 2"))
        result["integrity"] = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return result


def sqlite_backup(source: Path, target: Path) -> None:
    """The documented online backup: the sqlite3 program, else Python's backup API."""
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(source), f".backup '{target}'"], check=True)
    else:
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()


def sqlite_roundtrip(*, workdir: Path) -> list[str]:
    source = workdir / "wegweiser.sqlite3"
    copy = workdir / "sicherung.sqlite3"
    env = dict(os.environ, WEGWEISER_SQLITE_PATH=str(source))
    env.pop("DATABASE_URL", None)
    print(f"SQLite: Profil XS in {source}")
    _timed("migrate", [PYTHON, "manage.py", "migrate", "--noinput"], env=env)
    _timed("load_reference_data", [PYTHON, "manage.py", "load_reference_data"], env=env)
    _timed("generate XS", [PYTHON, "bench/generate.py", "--profile", "XS"], env=env)
    started = time.monotonic()
    sqlite_backup(source, copy)
    print(f"  sqlite3 .backup: {time.monotonic() - started:.2f} s, "
          f"{copy.stat().st_size / 1e6:.1f} MB")  # fmt: skip
    a, b = sqlite_fingerprint(source), sqlite_fingerprint(copy)
    problems = compare(a, b)
    if b["integrity"] != "ok":
        problems.append(f"PRAGMA integrity_check der Sicherung: {b['integrity']}")
    rows = sum(n for n, _ in a["tables"].values())
    print(
        f"  {len(a['tables'])} Tabellen, {_de(rows)} Zeilen, integrity_check {b['integrity']}: "
        f"{'gleich' if not problems else 'UNTERSCHIEDE'}"
    )
    problems += app_checks({"WEGWEISER_SQLITE_PATH": str(copy)}, unset=("DATABASE_URL",))
    return problems


# --- the application on the copy ---------------------------------------------------------------


def _pending_migrations(env: dict) -> list[str]:
    done = subprocess.run(
        [PYTHON, "manage.py", "showmigrations", "--plan"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [line.split("]", 1)[1].strip() for line in done.stdout.splitlines() if "[ ]" in line]


def app_checks(
    env_changes: dict, *, unset: tuple[str, ...] = (), source_env: dict | None = None
) -> list[str]:
    """check, migrate --check (the copy has the source's migration state; when the working copy
    of the code is newer than the source database, the copy is migrated first, as after an
    update), then the application in-process."""
    env = dict(os.environ, **env_changes)
    for name in unset:
        env.pop(name, None)
    problems = []
    try:
        _timed("manage.py check", [PYTHON, "manage.py", "check", "--database", "default"], env=env)
        pending = _pending_migrations(env)
        if pending:
            in_source = _pending_migrations(dict(os.environ, **(source_env or {})))
            if pending != in_source:
                problems.append(f"Kopie und Quelle: verschiedene Migrationsstände {pending}")
            print(f"  {len(pending)} Migrationen des Codes fehlen schon in der Quelle: migrate")
            _timed("manage.py migrate", [PYTHON, "manage.py", "migrate", "--noinput"], env=env)
        _timed("manage.py migrate --check", [PYTHON, "manage.py", "migrate", "--check"], env=env)
        _timed("Anmeldung, Fallakte, neues Gespräch, neue Person",
               [PYTHON, __file__, "--app-check"], env=env)  # fmt: skip
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        problems.append(str(exc))
    return problems


def app_check() -> int:
    """Run inside the configured database (the copy): the application answers and writes."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")
    import datetime as dt

    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from wegweiser.clients.models import Case
    from wegweiser.clients.services import client_create
    from wegweiser.counselling.models import CounsellingSession
    from wegweiser.counselling.services import session_record

    settings.ALLOWED_HOSTS = ["*"]
    case = (
        Case.objects.filter(closed_on__isnull=True, responsible__role="integration_manager")
        .select_related("responsible", "client")
        .order_by("pk")
        .first()
    )
    assert case is not None, "keine offene Fallakte"
    manager = case.responsible
    # Login as a person would: password (hash from the backup), then the TOTP code.
    Authenticator.objects.filter(user=manager, type="totp").delete()
    secret = generate_totp_secret()
    TOTP.activate(manager, secret)
    browser = Client()
    answer = browser.post("/konto/login/", {"login": manager.email, "password": PASSWORD})
    assert answer.status_code == 302 and "2fa" in answer["Location"], answer.status_code
    period = 30
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
    answer = browser.post(answer["Location"], {"code": code})
    assert answer.status_code == 302, answer.status_code
    page = browser.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    assert page.status_code == 200 and case.number in page.content.decode(), page.status_code
    # Writes: new rows get ids from the restored sequences; the note is encrypted and read back.
    held_on = max(case.opened_on, dt.date.today() - dt.timedelta(days=1))
    session = session_record(
        actor=manager,
        case=case,
        held_on=held_on,
        duration_minutes=30,
        channel="phone",
        summary="Nach der Wiederherstellung",
        confidential_note="Vertraulich nach der Wiederherstellung",
    )
    stored = CounsellingSession.objects.get(pk=session.pk)
    assert stored.confidential_note == "Vertraulich nach der Wiederherstellung"
    person = client_create(
        actor=manager,
        given_names="Wieder",
        family_name="Hergestellt",
        birth_date=dt.date(1990, 1, 1),
        new_household_label="Haushalt Hergestellt",
    )
    assert person.cases.get().number
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="source (PostgreSQL); else DATABASE_URL")
    parser.add_argument("--sqlite", action="store_true", help="also the SQLite round trip")
    parser.add_argument("--no-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the restored copy")
    parser.add_argument("--app-check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.app_check:
        return app_check()
    started = time.monotonic()
    problems: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="ww-sicherung-"))
    try:
        if not args.no_postgres:
            url = args.database_url or os.environ.get("DATABASE_URL")
            if not url:
                parser.error("--database-url oder DATABASE_URL (PostgreSQL) fehlt")
            problems += postgres_roundtrip(url, keep=args.keep, workdir=workdir)
        if args.sqlite or args.no_postgres:
            problems += sqlite_roundtrip(workdir=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"  FEHLER: {problem}")
    print(f"Gesamt {time.monotonic() - started:.0f} s. Ergebnis: "
          f"{'FEHLER' if problems else 'in Ordnung'}")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
