"""Mixed load over real HTTP: gunicorn on 127.0.0.1 (started and stopped by this script) and
wrk as the load client, logged-in integration managers doing the mix of issue 9.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench_load \
        .venv/bin/python bench/load.py [--connections 16,64] [--duration 20] [--workers 4]
    WEGWEISER_SQLITE_PATH=/tmp/ww_bench_s.sqlite3 .venv/bin/python bench/load.py

Needs ``wrk`` (Debian: ``apt-get install wrk``). Settings as in production (DEBUG off, see
bench/_load_env.py).

Users: up to ``--users`` integration managers of the generated data with open cases. Each is
logged in without a password the way Django's test client does it (``force_login``: a session
in the session store, the ``user_logged_in`` signal records it for the user) and has the TOTP
factor the county enforces, so the second-factor middleware lets the requests through. Before
the load, each user fetches the case list over HTTP once: that checks the session and gives the
CSRF cookie and the form token, as a browser has them.

Mix (bench/_load_wrk.py): 60 % case pages of the user's own open cases, 20 % the case list,
10 % name search (the list's search form, htmx POST), 10 % writes: a counselling session
recorded through the real form (POST with CSRF token, answered by the redirect to the case
page). Every answer is classified (case page, list, search result, redirect after saving, login
page …); errors are connection errors, timeouts, any status of 400 and above, and every answer
that is not what was asked for (for example the login page). After each run the number of
sessions in the database is compared with the writes wrk counted.

Per number of connections: a warm-up (``--warmup`` seconds, not counted), then three runs of
``--duration`` seconds; printed: each run and the median of the three of requests/s, p50, p99
and errors, with the targets (16 connections: >= 300 requests/s, p99 <= 200 ms, no error; 64
connections: no error), the CPU that wrk used (to show the client does not eat the server's
cores), the load average, and the CPU time per request of gunicorn and the PostgreSQL backends
of the database together (``/proc``): ``cores * 1000 / (CPU ms per request)`` is the throughput
the machine could reach if nothing else ran, a figure a shared machine disturbs much less than
requests/s and latency.

Worker model: gunicorn's sync workers, ``--workers`` processes (default 4 = 2 x cores). A page
is Python CPU work with short waits for the database; processes use both cores in parallel,
threads of one process would share the GIL, and an event loop gains nothing without
asynchronous database access. Two processes per core keep a core busy while the other process
waits for PostgreSQL; more only add context switches and memory. Sync workers close the
connection after each answer (no keep-alive; in production nginx keeps the client connections
and talks to gunicorn like this), so wrk opens a new loopback connection per request.
``--worker-class gthread --threads 4`` (keep-alive, threads overlap the database waits) is the
alternative to compare on a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_env  # noqa: E402
import _load_wrk  # noqa: E402

ROOT = _load_env.ROOT
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGETS = {16: {"rps": 300.0, "p99": 200.0}}


# --- users -------------------------------------------------------------------------------------


def prepare_users(count: int, cases_per_user: int, seed: int) -> list[dict]:
    """Integration managers with open cases: session cookie, own open cases, search terms."""
    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import Role
    from wegweiser.clients.models import Case

    rng = random.Random(seed)
    managers = list(
        User.objects.filter(
            role=Role.INTEGRATION_MANAGER,
            is_active=True,
            pk__in=Case.objects.filter(closed_on__isnull=True).values("responsible_id"),
        ).order_by("pk")
    )
    if not managers:
        sys.exit("Keine Integrationsmanager/innen mit offenen Fallakten: bench/generate.py?")
    managers = sorted(rng.sample(managers, min(count, len(managers))), key=lambda u: u.pk)
    _load_env.ensure_second_factor(managers)
    users = []
    for user in managers:
        own = list(
            Case.objects.filter(responsible=user, closed_on__isnull=True)
            .select_related("client")
            .order_by("pk")
        )
        own = rng.sample(own, min(cases_per_user, len(own)))
        terms = []
        for case in own:
            person = case.client
            given = (person.given_names_latin or person.given_names).split()
            terms.append(" ".join([*given[:1], person.family_name_latin or person.family_name]))
        users.append(
            {
                "email": user.email,
                "session": _load_env.force_login_cookie(user),
                "cases": [str(c.uuid) for c in own],
                "numbers": [c.number for c in own],
                "terms": terms,
            }
        )
    return users


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_lua_data(path: Path, users: list[dict], today: str) -> None:
    lines = ["users = {"]
    for u in users:
        cookie = f"sessionid={u['session']}; csrftoken={u['csrf_cookie']}"
        cases = ", ".join(_lua_string(c) for c in u["cases"])
        terms = ", ".join(_lua_string(quote_plus(t)) for t in u["terms"])
        lines.append(
            f"  {{cookie = {_lua_string(cookie)}, csrf = {_lua_string(u['csrf'])}, "
            f"cases = {{{cases}}}, terms = {{{terms}}}}},"
        )
    lines.append("}")
    lines.append(f"today = {_lua_string(today)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- HTTP (checks outside the measured runs) --------------------------------------------------


def http_request(port: int, method: str, path: str, cookie: str = "", body: str = "", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    hdrs = {"Cookie": cookie} if cookie else {}
    if body:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    hdrs.update(headers)
    conn.request(method, path, body=body.encode() if body else None, headers=hdrs)
    response = conn.getresponse()
    content = response.read().decode("utf-8", "replace")
    result = (response.status, response.getheaders(), content)
    conn.close()
    return result


def fetch_csrf(port: int, user: dict) -> None:
    """The case list over HTTP: checks the session, gives the CSRF cookie and form token."""
    status, headers, body = http_request(port, "GET", "/faelle/", f"sessionid={user['session']}")
    if status != 200 or 'id="case-search"' not in body:
        location = dict(headers).get("Location", "")
        sys.exit(f"{user['email']}: die Fallliste antwortet {status} {location}, nicht die Liste")
    cookie = None
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    token = CSRF_RE.search(body)
    if cookie is None or token is None:
        sys.exit(f"{user['email']}: kein CSRF-Cookie oder -Token in der Fallliste")
    user["csrf_cookie"], user["csrf"] = cookie, token.group(1)


def session_count() -> int:
    from django.db import connection

    from wegweiser.counselling.models import CounsellingSession

    count = CounsellingSession.objects.count()
    connection.close()  # no open transaction or connection held between runs
    return count


def verify_sample(port: int, users: list[dict], today: str) -> None:
    """Each kind of request of the mix once per sampled user, as wrk sends it, with the page's
    content checked; the write must add exactly one session."""
    for user in users[:3]:
        cookie = f"sessionid={user['session']}; csrftoken={user['csrf_cookie']}"
        case, number, term = user["cases"][0], user["numbers"][0], user["terms"][0]
        status, _h, body = http_request(port, "GET", f"/faelle/{case}/", cookie)
        if status != 200 or number not in body or "/gespraeche/neu/" not in body:
            sys.exit(f"Prüfung Fallakte: {status}, Fallnummer {number} nicht auf der Seite")
        status, _h, body = http_request(port, "GET", "/faelle/", cookie)
        if status != 200 or 'id="case-search"' not in body:
            sys.exit(f"Prüfung Liste: {status}")
        form = f"csrfmiddlewaretoken={user['csrf']}&status=open&q={quote_plus(term)}"
        status, _h, body = http_request(
            port, "POST", "/faelle/", cookie, form, **{"HX-Request": "true"}
        )
        if status != 200 or "<html" in body or 'href="/faelle/' not in body:
            sys.exit(f"Prüfung Suche nach {term!r}: {status}, keine Treffer")
        before = session_count()
        form = (
            f"csrfmiddlewaretoken={user['csrf']}&held_on={today}&duration_minutes=45"
            "&channel=in_person&fields_of_action=language&summary=Lasttest"
        )
        status, headers, body = http_request(
            port, "POST", f"/faelle/{case}/gespraeche/neu/", cookie, form
        )
        location = dict(headers).get("Location", "")
        if status != 302 or f"/faelle/{case}/" not in location:
            sys.exit(f"Prüfung Schreiben: {status} {location}")
        if session_count() != before + 1:
            sys.exit("Prüfung Schreiben: kein neues Beratungsgespräch in der Datenbank")


# --- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, args, env: dict, log: Path):
        self.port = args.port or free_port()
        cmd = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "wegweiser.wsgi",
            "--pythonpath",
            str(ROOT / "src"),
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        self.log = log
        self.process = subprocess.Popen(
            cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.command = " ".join(cmd[1:])

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn beendet (Status {self.process.returncode}):\n{self.tail()}")
            try:
                status, _h, _b = http_request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn antwortet nicht auf /healthz:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])

    def pids(self) -> list[int]:
        """The master and its workers."""
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(p) for p in children.read_text().split()]
        except OSError:
            pass
        return pids

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, IndexError, ValueError):
                pass
        return total / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _backend_cpu(dbname: str) -> dict[int, float]:
    """CPU seconds per PostgreSQL backend connected to ``dbname`` (by the process titles
    ``postgres: … <dbname> …``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    needle = f" {dbname} ".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if not title.startswith(b"postgres: ") or needle not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return found


class BackendCpu(threading.Thread):
    """The CPU time the PostgreSQL backends of ``dbname`` spend during a run. Sampled every
    0.25 s: a backend that ends during the run (Django closes its connection after
    CONN_MAX_AGE and opens a new one) counts up to its last sample, a new one from zero. Nothing
    for SQLite, which runs inside gunicorn's processes."""

    def __init__(self, dbname: str | None):
        super().__init__(daemon=True)
        self.dbname = dbname
        self.seconds = 0.0
        self._last = _backend_cpu(dbname) if dbname else {}
        self._done = threading.Event()

    def _sample(self) -> None:
        for pid, cpu in _backend_cpu(self.dbname).items():
            self.seconds += cpu - self._last.get(pid, 0.0)
            self._last[pid] = cpu

    def run(self) -> None:
        while self.dbname and not self._done.wait(0.25):
            self._sample()

    def finish(self) -> float:
        self._done.set()
        self.join()
        if self.dbname:
            self._sample()
        return self.seconds


# --- wrk ------------------------------------------------------------------------------------------


def run_wrk(args, port: int, script: Path, data: Path, connections: int, seconds: float, seed):
    env = dict(os.environ, WW_LOAD_DATA=str(data), WW_LOAD_SEED=str(seed))
    cmd = [
        args.wrk,
        f"-t{min(args.wrk_threads, connections)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={args.timeout:g}s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WW_RESULT ")), None)
    if out.returncode != 0 or line is None:
        sys.exit(f"wrk fehlgeschlagen ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    result = json.loads(line.removeprefix("WW_RESULT "))
    result["wrk_cpu"] = cpu
    result["command"] = " ".join(cmd[:-3] + ["-s", "<mix.lua>", cmd[-1]])
    return result


def summarise(result: dict) -> dict:
    counts = result["counts"]
    seconds = result["duration_us"] / 1e6
    wrong = counts.get("login", 0) + counts.get("other", 0)
    transport = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return {
        "rps": result["requests"] / seconds,
        "p50": result["p50_us"] / 1000,
        "p99": result["p99_us"] / 1000,
        "max": result["max_us"] / 1000,
        "errors": transport + result["status"] + wrong,
        "transport": transport,
        "status": result["status"],
        "wrong": wrong,
        "requests": result["requests"],
        "counts": counts,
        "wrk_cpu": result["wrk_cpu"] / seconds,
    }


def _de(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="16,64", help="comma-separated, e.g. 16,64")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before the runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--users", type=int, default=200, help="logged-in users at most")
    parser.add_argument("--cases-per-user", type=int, default=20)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="wrk's request timeout in s (counts as error)"
    )
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if not shutil.which(args.wrk):
        sys.exit("wrk fehlt: apt-get install -y wrk")
    connection_levels = [int(c) for c in args.connections.split(",")]

    env = _load_env.configure()
    _load_env.collectstatic()
    import django

    django.setup()
    _load_env.check_migrations()
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate().strftime("%d.%m.%Y")
    info = _load_env.machine()
    dbname = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
    users = prepare_users(args.users, args.cases_per_user, args.seed)
    connection.close()

    work = Path(tempfile.mkdtemp(prefix="ww_load_"))
    script, data = work / "mix.lua", work / "users.lua"
    script.write_text(_load_wrk.LUA, encoding="utf-8")
    server = Gunicorn(args, env, work / "gunicorn.log")
    try:
        server.wait_ready()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            list(pool.map(lambda u: fetch_csrf(server.port, u), users))
        verify_sample(server.port, users, today)
        write_lua_data(data, users, today)

        _load_env.print_machine(info)
        print(f"{'gunicorn:':28s}{server.command}")
        print(f"{'Angemeldete Benutzer:':28s}{len(users)} Integrationsmanager/innen")
        print(f"{'Läufe:':28s}{args.runs} × {args.duration:g} s nach {args.warmup:g} s Aufwärmen")
        print("Prüfung vorab: Fallakte, Liste, Suche und Speichern über HTTP liefern die Seiten.")
        print()
        results: dict[int, list[dict]] = {}
        for level in connection_levels:
            if args.warmup > 0:
                run_wrk(args, server.port, script, data, level, args.warmup, args.seed)
            results[level] = []
            for run in range(args.runs):
                load = _load_env.load_average()
                sessions_before = session_count()
                cpu_before = server.cpu_seconds()
                db_meter = BackendCpu(dbname)
                db_meter.start()
                raw = run_wrk(
                    args, server.port, script, data, level, args.duration, args.seed + run + 1
                )
                summary = summarise(raw)
                app_cpu = server.cpu_seconds() - cpu_before
                db_cpu = db_meter.finish()
                summary["server_cpu"] = app_cpu / args.duration
                summary["db_cpu"] = db_cpu / args.duration
                # CPU per answered request (gunicorn and PostgreSQL), and how many requests per
                # second the machine's cores could serve at that cost: a figure that a busy
                # machine disturbs much less than latency and throughput.
                summary["cpu_ms"] = (app_cpu + db_cpu) / max(1, summary["requests"]) * 1000
                summary["capacity"] = (os.cpu_count() or 1) * 1000 / max(0.001, summary["cpu_ms"])
                summary["load"] = load
                written = session_count() - sessions_before
                summary["db_written"] = written
                results[level].append(summary)
                c = summary["counts"]
                print(
                    f"{level:3d} Verb. Lauf {run + 1}: {summary['rps']:6.1f} Anfr./s  "
                    f"p50 {summary['p50']:6.1f} ms  p99 {summary['p99']:6.1f} ms  "
                    f"max {summary['max']:6.0f} ms  Fehler {summary['errors']} "
                    f"(Verbindung/Timeout {summary['transport']}, Status>=400 "
                    f"{summary['status']}, falsche Seite {summary['wrong']})  "
                    f"load {load}"
                )
                print(
                    f"      CPU: wrk {summary['wrk_cpu'] * 100:.0f} %, gunicorn "
                    f"{summary['server_cpu'] * 100:.0f} %, PostgreSQL "
                    f"{summary['db_cpu'] * 100:.0f} % eines Kerns; {summary['cpu_ms']:.1f} ms "
                    f"CPU je Anfrage, rechnerisch höchstens {summary['capacity']:.0f} Anfr./s "
                    f"auf {os.cpu_count()} Kernen"
                )
                print(
                    f"      Antworten: Fallakte {c.get('case', 0)}, Liste {c.get('list', 0)}, "
                    f"Suche {c.get('search', 0)} (+{c.get('search_empty', 0)} ohne Treffer), "
                    f"gespeichert {c.get('written', 0)} (in der Datenbank {written}), "
                    f"Login {c.get('login', 0)}, sonstige {c.get('other', 0)}, "
                    f">=400 {c.get('failed', 0)}"
                )
                # Requests in flight when wrk stops are answered but not counted by wrk.
                if not c.get("written", 0) <= written <= c.get("written", 0) + 2 * level:
                    print("      ACHTUNG: Gespräche in der Datenbank passen nicht zu den Antworten")
        print()
        print(f"Load average danach: {_load_env.load_average()}")
        print()
        print(
            "| Verbindungen | Anfragen/s | p50 ms | p99 ms | Fehler | wrk-CPU "
            "| CPU ms je Anfrage (rechnerisch Anfr./s) | Ziel | Ergebnis |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for level, runs in results.items():
            rps = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50"] for r in runs)
            p99 = statistics.median(r["p99"] for r in runs)
            errors = sum(r["errors"] for r in runs)
            cpu = statistics.median(r["wrk_cpu"] for r in runs)
            cpu_ms = statistics.median(r["cpu_ms"] for r in runs)
            capacity = (os.cpu_count() or 1) * 1000 / cpu_ms
            target = TARGETS.get(level)
            if target:
                goal = f"≥ {target['rps']:g}/s, p99 ≤ {target['p99']:g}, fehlerfrei"
                ok = rps >= target["rps"] and p99 <= target["p99"] and errors == 0
            else:
                goal, ok = "fehlerfrei", errors == 0
            print(
                f"| {level} | {_de(rps)} | {_de(p50)} | {_de(p99)} | {errors} (in {len(runs)} "
                f"Läufen) | {cpu * 100:.0f} % | {_de(cpu_ms)} ({capacity:.0f}) | {goal} "
                f"| {'erfüllt' if ok else 'verfehlt'} |"
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
