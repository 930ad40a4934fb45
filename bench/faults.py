#!/usr/bin/env python
"""Fault runs (issue 9): kill -9 of the application server and of PostgreSQL during a stream of
writes, then conflicting concurrent edits.

    .venv/bin/python bench/faults.py [--cycles 20] [--pairs 1000] [--session-pairs 200]
        [--writers 4] [--workers 3] [--run-seconds 2] [--port 8097] [--pg-port 5499] [--seed 9]
        [--keep]

Everything runs on its own: a throwaway PostgreSQL 15 instance (initdb into a temporary
directory, port --pg-port, removed at the end unless --keep), migrated, with the reference data
and the generator's profile XS; the application under gunicorn on 127.0.0.1:--port with the
production settings (DEBUG off, a fresh secret key and field key; only static files are not
collected, bench/_faults_settings.py); personal API tokens for the
generated integration managers (who get a TOTP factor first, as their county requires).

1. Crash cycles: --writers threads write over the API (create a person with household and case,
   record a counselling session, change a person with its version) and record every
   acknowledged write (2xx) with its content. --cycles times each, alternating: SIGKILL to the
   gunicorn master and all its workers, or to every process of the PostgreSQL instance; restart;
   wait for /healthz; go on. Then every acknowledged write is checked in the database, with its
   audit entries, and the database for half-written cases (bench/_verify.py).
2. Conflicts: --pairs pairs of edits of the same record from the same read version, sent at the
   same moment (API for persons and goals, HTML forms for persons and case files): exactly one
   wins, the other gets the German conflict message, the record holds the winner's values
   (bench/_conflicts.py).
3. --session-pairs pairs of sessions recorded in the same case file at the same moment: both
   are saved and the case's session count and last session date match its sessions.

Prints a German summary; exit code 1 if a write was lost or anything is inconsistent.
Bounded in time: setup (migrate, reference data, XS: 40-100 s on 2 cores), --cycles x 2 x
(--run-seconds + restart), the pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _http import CONNECTION_ERRORS, Api, Http  # noqa: E402
from _pg import PG_BIN, ThrowawayPostgres  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CHANNELS = ["in_person", "phone", "email", "video", "outreach"]
BACKOFF = 0.1  # seconds a writer waits after a connection error or 5xx
FIELDS = ["language", "work", "housing", "education", "childcare", "health", "residence"]


# --- the application server -----------------------------------------------------------------------


class App:
    def __init__(self, *, port: int, workers: int, env: dict, logdir: Path) -> None:
        self.port, self.workers, self.env = port, workers, env
        self.log = logdir / "gunicorn.log"
        self.proc: subprocess.Popen | None = None
        self.http = Http("127.0.0.1", port, timeout=5)

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [
                    GUNICORN, "wegweiser.wsgi",
                    "--bind", f"127.0.0.1:{self.port}",
                    "--workers", str(self.workers),
                    "--timeout", "30",
                    "--graceful-timeout", "5",
                    "--chdir", str(ROOT),
                ],
                env=self.env, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT,
            )  # fmt: skip

    def pids(self) -> list[int]:
        if self.proc is None or self.proc.poll() is not None:
            return []
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
            check=False,
            capture_output=True,
            text=True,
        ).stdout.split()
        return [self.proc.pid, *(int(p) for p in children)]

    def kill9(self) -> int:
        """SIGKILL to the master and every worker at once."""
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(p) for p in pids):
            time.sleep(0.02)
        return len(pids)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill9()

    def healthy(self) -> bool:
        try:
            return self.http.request("GET", "/healthz").status == 200
        except CONNECTION_ERRORS:
            return False

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            time.sleep(0.05)
        raise RuntimeError(f"Die Anwendung wurde nicht gesund (siehe {self.log}).")


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie holds no socket any more)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


# --- the writers ----------------------------------------------------------------------------------


class Writer(threading.Thread):
    """One integration manager writing over the API: persons (with household and case),
    sessions on them and changes of them. Only its own persons, so every expectation is exact."""

    def __init__(
        self, index: int, api: Api, *, user_id: int, seed: int, stop: threading.Event
    ) -> None:
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index, self.api, self.user_id, self.stop_event = index, api, user_id, stop
        self.rng = random.Random(seed * 1000 + index)
        self.seq = 0
        self.today = dt.date.today()
        self.persons: list[dict] = []  # uuid, opened_on, version (None: unknown after an error)
        self.acks: list[dict] = []
        self.attempts: list[dict] = []
        self.unexpected: list[str] = []

    def marker(self) -> str:
        self.seq += 1
        return f"W{self.index}N{self.seq}"

    def run(self) -> None:
        while not self.stop_event.is_set():
            person = self.rng.choice(self.persons) if self.persons else None
            roll = self.rng.random()
            if person is None or roll < 0.25:
                self.create()
            elif person["version"] is None:
                self.reread(person)
            elif roll < 0.75:
                self.session(person)
            else:
                self.update(person)

    def _send(self, op: str, marker: str, method: str, path: str, payload=None):
        t0 = time.monotonic()
        try:
            response = self.api.call(method, path, payload)
        except CONNECTION_ERRORS as exc:
            self.attempts.append(
                {"op": op, "marker": marker, "t0": t0, "t1": time.monotonic(),
                 "result": "conn", "detail": type(exc).__name__}
            )  # fmt: skip
            time.sleep(BACKOFF)  # like a client that retries a little later
            return None
        result = "2xx" if response.status < 300 else str(response.status)
        self.attempts.append(
            {"op": op, "marker": marker, "t0": t0, "t1": response.ended, "result": result}
        )
        if response.status >= 500:
            time.sleep(BACKOFF)
        return response

    def create(self) -> None:
        marker = self.marker()
        opened = self.today - dt.timedelta(days=self.rng.randint(60, 300))
        payload = {
            "given_names": "Fehlerversuch",
            "family_name": f"Versuch-{marker}",
            "birth_date": dt.date(self.rng.randint(1960, 2005), self.rng.randint(1, 12), 15)
            .isoformat(),
            "gender": self.rng.choice(["female", "male"]),
            "nationalities": [self.rng.choice(["SY", "AF", "UA", "ER"])],
            "languages": ["ar"],
            "phone": f"0711 {self.index} {self.seq}",
            "arrival_date": (opened - dt.timedelta(days=30)).isoformat(),
            "new_household_label": f"Haushalt {marker}",
            "opened_on": opened.isoformat(),
        }  # fmt: skip
        response = self._send("create", marker, "POST", "/clients", payload)
        if response is None or response.status >= 300:
            self._check_status(response, "create")
            return
        body = response.json()
        if response.status != 201 or body["family_name"] != payload["family_name"]:
            self.unexpected.append(f"create {marker}: {response.status} {body}")
        self.acks.append(
            {"op": "create", "marker": marker, "uuid": body["uuid"], "sent": payload,
             "household": body["household"], "case": body["case"]["uuid"],
             "number": body["case"]["number"], "version": body["version"],
             "writer": self.index}
        )  # fmt: skip
        self.persons.append({"uuid": body["uuid"], "opened_on": opened, "version": body["version"]})

    def session(self, person: dict) -> None:
        marker = self.marker()
        days = (self.today - person["opened_on"]).days
        held = person["opened_on"] + dt.timedelta(days=self.rng.randint(0, max(0, days - 1)))
        interpreter = self.rng.random() < 0.3
        payload = {
            "held_on": held.isoformat(),
            "duration_minutes": self.rng.randint(10, 120),
            "channel": self.rng.choice(CHANNELS),
            "interpreter_used": interpreter,
            "interpreter_language": "ar" if interpreter else "",
            "fields_of_action": sorted(self.rng.sample(FIELDS, self.rng.randint(0, 3))),
            "summary": f"Gespräch {marker}",
            "confidential_note": f"Vertraulich {marker}",
            "members_present": [person["uuid"]] if self.rng.random() < 0.2 else [],
        }
        response = self._send("session", marker, "POST", f"/clients/{person['uuid']}/sessions",
                              payload)  # fmt: skip
        if response is None or response.status >= 300:
            self._check_status(response, "session")
            return
        body = response.json()
        if response.status != 201 or body["summary"] != payload["summary"]:
            self.unexpected.append(f"session {marker}: {response.status} {body}")
        self.acks.append(
            {"op": "session", "marker": marker, "uuid": body["uuid"], "person": person["uuid"],
             "sent": payload, "writer": self.index}
        )  # fmt: skip

    def update(self, person: dict) -> None:
        marker = self.marker()
        payload = {
            "version": person["version"],
            "phone": f"0711-{marker}",
            "email": f"{marker.lower()}@beispiel.invalid",
        }
        response = self._send("update", marker, "PUT", f"/clients/{person['uuid']}", payload)
        if response is None or response.status >= 300:
            if response is not None and response.status == 409:
                # only possible if a change this writer sent unacknowledged was saved after all,
                # but then the version was read again before this change: so unexpected
                self.unexpected.append(f"update {marker}: 409 with a freshly read version")
            person["version"] = None
            self._check_status(response, "update")
            return
        body = response.json()
        if body["version"] != payload["version"] + 1 or body["phone"] != payload["phone"]:
            self.unexpected.append(f"update {marker}: {body['version']} {body['phone']}")
        person["version"] = body["version"]
        self.acks.append(
            {"op": "update", "marker": marker, "uuid": person["uuid"], "sent": payload,
             "version": body["version"], "writer": self.index}
        )  # fmt: skip

    def reread(self, person: dict) -> None:
        response = self._send("read", "", "GET", f"/clients/{person['uuid']}")
        if response is not None and response.status == 200:
            person["version"] = response.json()["version"]
        elif response is not None and response.status < 500:
            self.unexpected.append(f"read {person['uuid']}: {response.status}")

    def _check_status(self, response, op: str) -> None:
        if response is not None and response.status < 500 and response.status != 409:
            self.unexpected.append(f"{op}: {response.status} {response.text[:300]}")


# --- setup ----------------------------------------------------------------------------------------


def _env(pg: ThrowawayPostgres) -> dict:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEGWEISER_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DATABASE_URL=pg.url,
        DJANGO_SETTINGS_MODULE="_faults_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")]),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WEGWEISER_FIELD_KEYS="1:" + Fernet.generate_key().decode(),
        WEGWEISER_SECURE_COOKIES="0",  # plain HTTP on loopback
    )
    return env


def prepare_database(pg: ThrowawayPostgres, env: dict) -> None:
    steps = [
        ("migrate", [PYTHON, "manage.py", "migrate", "--noinput"]),
        ("load_reference_data", [PYTHON, "manage.py", "load_reference_data"]),
        ("generate XS", [PYTHON, "bench/generate.py", "--profile", "XS", "--database-url", pg.url]),
    ]
    for name, command in steps:
        t = time.monotonic()
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"  {name}: {time.monotonic() - t:.1f} s", flush=True)


def prepare_users() -> list[dict]:
    """A TOTP factor (the county requires one) and an API token for every generated manager."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connections

    from wegweiser.accounts.models import User
    from wegweiser.accounts.services import api_token_create

    users = []
    for user in User.objects.filter(role="integration_manager", is_active=True).order_by("id"):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        _token, raw = api_token_create(actor=user, name="Fehlerversuch")
        _token2, raw2 = api_token_create(actor=user, name="Fehlerversuch 2")
        users.append({"id": user.pk, "email": user.email, "totp": secret, "tokens": [raw, raw2]})
    connections.close_all()
    return users


# --- the crash cycles -----------------------------------------------------------------------------


def crash_cycles(args, pg: ThrowawayPostgres, app: App, users: list[dict]) -> dict:
    import _verify
    from django.db import connections

    baseline = _verify.baseline()
    connections.close_all()
    http = Http("127.0.0.1", args.port, timeout=20)
    stop = threading.Event()
    writers = []
    for i in range(args.writers):
        user = users[i % len(users)]
        api = Api(http, user["tokens"][0])
        writers.append(Writer(i, api, user_id=user["id"], seed=args.seed, stop=stop))
    started = time.monotonic()
    for writer in writers:
        writer.start()
    outages: list[dict] = []
    kinds = ["app", "db"] * args.cycles
    for number, kind in enumerate(kinds, 1):
        time.sleep(args.run_seconds)
        t_kill = time.monotonic()
        if kind == "app":
            killed = app.kill9()
            t_gone = time.monotonic()
            app.start()
        else:
            killed = pg.kill9()
            t_gone = time.monotonic()
            pg.start()
        t_started = time.monotonic()
        app.wait_healthy()
        t_up = time.monotonic()
        outages.append({"kind": kind, "t_kill": t_kill, "t_up": t_up, "killed": killed})
        print(
            f"  Zyklus {number:2d}/{len(kinds)}: kill -9 "
            f"{'gunicorn' if kind == 'app' else 'PostgreSQL'} ({killed} Prozesse), "
            f"wieder gesund nach {t_up - t_kill:.2f} s (beendet {t_gone - t_kill:.2f} s, "
            f"neu gestartet {t_started - t_gone:.2f} s, bis /healthz {t_up - t_started:.2f} s)",
            flush=True,
        )
    time.sleep(args.run_seconds)  # writes after the last restart
    stop.set()
    for writer in writers:
        writer.join(timeout=60)
    elapsed = time.monotonic() - started
    result = _verify.check_crash_run(writers, outages, baseline)
    # PostgreSQL's own check of tables and indexes after the crashes (amcheck)
    amcheck = subprocess.run(
        [str(PG_BIN / "pg_amcheck"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
         "--install-missing", "--heapallindexed", pg.database],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    result["amcheck"] = amcheck.returncode == 0
    if amcheck.returncode:
        result["problems"].append(f"pg_amcheck: {(amcheck.stdout + amcheck.stderr)[:500]}")
    result["elapsed"] = elapsed
    result["outages"] = outages
    connections.close_all()
    return result


def print_crash_summary(result: dict, args) -> None:
    n = result["numbers"]
    outages = result["outages"]
    print("\n== Abstürze (kill -9) während Schreiblast ==")
    print(f"Dauer: {result['elapsed']:.0f} s, {args.writers} Schreiber, {args.workers} Worker")
    for kind, label in (("app", "gunicorn"), ("db", "PostgreSQL")):
        down = [o["t_up"] - o["t_kill"] for o in outages if o["kind"] == kind]
        if down:
            print(
                f"kill -9 {label}: {len(down)} Zyklen, Ausfall bis /healthz wieder 200: "
                f"Median {statistics.median(down):.2f} s, max {max(down):.2f} s, "
                f"Summe {sum(down):.1f} s"
            )
    print(
        f"Bestätigte Schreibvorgänge: {n['acked']} (Personen+Fallakten {n['acked_create']}, "
        f"Gespräche {n['acked_session']}, Änderungen {n['acked_update']})"
    )
    by_op = n["unacked_saved_by_op"]
    print(
        f"Nicht bestätigt: {n['unacked']} (Verbindungsfehler {n['conn']}, 5xx {n['5xx']}); "
        f"davon trotzdem gespeichert: {n['unacked_saved']} (Personen {by_op.get('create', 0)}, "
        f"Gespräche {by_op.get('session', 0)}, Änderungen {by_op.get('update', 0)})"
    )
    print(f"Fehlerantworten außerhalb eines Ausfalls: {n['errors_outside']}")
    print(f"Verloren (bestätigt, aber nicht oder anders in der Datenbank): {n['lost']}")
    print(
        f"Geprüft: {n['checks']} Einzelprüfungen je Schreibvorgang und Person; dazu in der ganzen "
        "Datenbank Haushalt und genau eine Fallakte je Person, Fallnummern lückenlos, "
        "Gesprächszahl und letztes Gespräch je Fallakte, Protokolleintrag je Datensatz und "
        "umgekehrt, keine Waisen (alle Fremdschlüssel), Kennzahlen gleich einem Neuaufbau; "
        f"pg_amcheck (Tabellen und Indizes): {'in Ordnung' if result['amcheck'] else 'FEHLER'}"
    )
    for problem in result["problems"][:40]:
        print(f"  FEHLER: {problem}")
    if len(result["problems"]) > 40:
        print(f"  … und {len(result['problems']) - 40} weitere")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20, help="kills of each kind")
    parser.add_argument("--pairs", type=int, default=1000, help="pairs of conflicting edits")
    parser.add_argument(
        "--session-pairs", type=int, default=200, help="pairs of sessions in one case at once"
    )
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--run-seconds", type=float, default=2.0, help="writes between kills")
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL instance")
    args = parser.parse_args(argv)

    t0 = time.monotonic()
    pg = ThrowawayPostgres(port=args.pg_port)
    app = None
    failed = False
    try:
        pg.init()
        env = _env(pg)
        for name in list(os.environ):
            if name.startswith(("WEGWEISER_", "DJANGO_")):
                del os.environ[name]
        os.environ.update(env)
        prepare_database(pg, env)
        import django

        django.setup()
        users = prepare_users()
        app = App(port=args.port, workers=args.workers, env=env, logdir=pg.base)
        app.start()
        app.wait_healthy()
        print(f"Vorbereitet in {time.monotonic() - t0:.1f} s: PostgreSQL {pg.url}, "
              f"gunicorn 127.0.0.1:{args.port} ({args.workers} Worker)", flush=True)  # fmt: skip
        if args.cycles:
            result = crash_cycles(args, pg, app, users)
            print_crash_summary(result, args)
            failed |= bool(result["problems"])
        if args.pairs:
            import _conflicts

            outcome = _conflicts.run(args, users)
            _conflicts.print_summary(outcome)
            failed |= bool(outcome["problems"])
        if args.session_pairs:
            import _conflicts

            outcome = _conflicts.session_pairs(args, users)
            _conflicts.print_session_summary(outcome)
            failed |= bool(outcome["problems"])
    finally:
        if app is not None:
            app.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        if args.keep:
            print(f"PostgreSQL bleibt: {pg.url} (Verzeichnis {pg.base})")
        else:
            pg.remove()
    print(f"\nGesamtdauer {time.monotonic() - t0:.0f} s. Ergebnis: "
          f"{'FEHLER' if failed else 'in Ordnung'}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
