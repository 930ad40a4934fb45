"""The application's work per request of the mixed load, counted in machine instructions: the
same requests as bench/load.py (60 % case pages, 20 % lists, 10 % searches, 10 % sessions saved
through the form, as logged-in integration managers), sent in this process straight to the WSGI
application (what gunicorn calls, without the HTTP parsing), under valgrind's callgrind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench \
        .venv/bin/python bench/instructions.py [--requests 300] [--only case]

Why: on a shared virtual machine the CPU time of the same requests varies by 10 to 30 % from one
minute to the next (bench/load.py measured 188 and 245 requests/s for the same code a few minutes
apart), too much to decide whether a change of 5 % helps. callgrind counts the instructions the
interpreter executes, which do not depend on what else the machine does: the same requests give
the same count within a fraction of a percent, so two versions of the code can be compared one
after the other. Instructions are not time (cache misses and the database's own work are not in
them), so the decision is checked with bench/load.py afterwards.

How: the script runs itself under ``valgrind --tool=callgrind --instr-atstart=no``; start-up,
log-in and a warm-up (``--warmup`` requests) run uninstrumented and fast, then the script switches
counting on with ``callgrind_control -i on`` for the measured requests of one kind, off after them,
and writes a dump per kind (the mix's weights give the figure per request of the mix).
Printed: instructions per request (all and per kind) and the wall time per request without
valgrind in the same order (``--no-valgrind`` runs only that). Every answer is checked as in
bench/load.py (case page, list, search table, redirect after saving); a wrong one stops the run.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_env  # noqa: E402

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KINDS = ("case", "list", "search", "write")
MIX = ((0.6, "case"), (0.8, "list"), (0.9, "search"), (1.0, "write"))


def _environ(method: str, path: str, cookie: str, body: bytes = b"", **headers) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(application, environ: dict) -> tuple[int, dict, str]:
    """One request through the WSGI application, as a server sends it; (status, headers, body)."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = headers

    chunks = application(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], answer["headers"], body.decode("utf-8", "replace")


def prepare(application, count: int, cases_per_user: int, seed: int) -> list[dict]:
    import load  # bench/load.py: the same users

    users = load.prepare_users(count, cases_per_user, seed)
    for user in users:
        status, headers, body = call(
            application, _environ("GET", "/faelle/", f"sessionid={user['session']}")
        )
        token = CSRF_RE.search(body)
        cookie = next(
            (
                value.strip().split(";", 1)[0].split("=", 1)[1]
                for name, value in headers
                if name.lower() == "set-cookie" and value.strip().startswith("csrftoken=")
            ),
            None,
        )
        if status != 200 or token is None or cookie is None:
            sys.exit(f"{user['email']}: die Fallliste antwortet {status} ohne CSRF-Token")
        user["cookie"] = f"sessionid={user['session']}; csrftoken={cookie}"
        user["csrf"] = token.group(1)
    return users


def requests(users: list[dict], total: int, seed: int, only: str | None, today: str):
    """The mix as bench/_load_wrk.py draws it: (kind, environ factory)."""
    rng = random.Random(seed)
    plan = []
    for _ in range(total):
        user = rng.choice(users)
        r = rng.random()
        kind = next(k for limit, k in MIX if r < limit) if only is None else only
        case = rng.choice(user["cases"])
        term = rng.choice(user["terms"])
        plan.append((kind, user, case, term))

    def environ(kind, user, case, term):
        if kind == "case":
            return _environ("GET", f"/faelle/{case}/", user["cookie"])
        if kind == "list":
            return _environ("GET", "/faelle/", user["cookie"])
        if kind == "search":
            body = f"csrfmiddlewaretoken={user['csrf']}&status=open&q={quote_plus(term)}"
            return _environ(
                "POST",
                "/faelle/",
                user["cookie"],
                body.encode(),
                **{"HX-Request": "true", "HX-Target": "case-table"},
            )
        body = urlencode(
            {
                "csrfmiddlewaretoken": user["csrf"],
                "held_on": today,
                "duration_minutes": "45",
                "channel": "in_person",
                "fields_of_action": "language",
                "summary": "Lasttest",
            }
        )
        return _environ("POST", f"/faelle/{case}/gespraeche/neu/", user["cookie"], body.encode())

    return [(entry[0], functools.partial(environ, *entry)) for entry in plan]


def check(kind: str, status: int, headers, body: str) -> None:
    location = dict(headers).get("Location", "")
    ok = {
        "case": status == 200 and "/gespraeche/neu/" in body,
        "list": status == 200 and 'id="case-search"' in body,
        "search": status == 200 and "<html" not in body and "kern-table" in body,
        "write": status == 302 and location.startswith("/faelle/"),
    }[kind]
    if not ok:
        sys.exit(f"Falsche Antwort auf {kind}: {status} {location} {body[:200]!r}")


def run(args) -> None:
    """The measured process (under valgrind or not)."""
    _load_env.configure()
    import django

    django.setup()
    _load_env.check_migrations()
    from django.db import connection
    from django.utils import timezone

    from wegweiser.wsgi import application  # as gunicorn loads it

    users = prepare(application, args.users, args.cases_per_user, args.seed)
    connection.close()  # the requests open their own, as a worker does
    today = timezone.localdate().strftime("%d.%m.%Y")
    plan = requests(users, args.warmup + args.requests, args.seed, args.only, today)
    built = [(kind, make()) for kind, make in plan]
    for kind, environ in built[: args.warmup]:
        check(kind, *call(application, environ))
    measured = built[args.warmup :]
    control = os.environ.get("WW_CALLGRIND_CONTROL")
    per_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    if control:
        for kind in KINDS:
            todo = [e for k, e in measured if k == kind]
            if not todo:
                continue
            subprocess.run([control, "-z", str(os.getpid())], check=True, capture_output=True)
            subprocess.run([control, "-i", "on", str(os.getpid())], check=True, capture_output=True)
            for environ in todo:
                check(kind, *call(application, environ))
            subprocess.run(
                [control, "-i", "off", str(os.getpid())], check=True, capture_output=True
            )
            # a dump named after the kind and the number of requests (read by summarise)
            subprocess.run(
                [control, "-d", f"WW_{kind}_{len(todo)}", str(os.getpid())],
                check=True,
                capture_output=True,
            )
    elif args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        for kind, environ in measured:
            check(kind, *call(application, environ))
        profiler.disable()
        profiler.dump_stats(args.cprofile)
        print(f"cProfile: {args.cprofile} (python -m pstats)")
    else:
        for kind, environ in measured:
            started = time.perf_counter()
            check(kind, *call(application, environ))
            per_kind[kind].append((time.perf_counter() - started) * 1000)
        for kind in KINDS:
            times = sorted(per_kind[kind])
            if times:
                p50 = times[len(times) // 2]
                print(f"  {kind:<7} {len(times):5d} Anfragen  p50 {p50:6.2f} ms (ohne valgrind)")


def summarise(directory: Path) -> None:
    """Instructions per request and kind from the dumps callgrind wrote."""
    found = {}
    for dump in sorted(directory.glob("callgrind.out.*")):
        head = dump.read_text(errors="replace")[:4000]
        trigger = re.search(r"^desc: Trigger: .*WW_(\w+?)_(\d+)", head, re.M)
        totals = re.search(r"^totals: (\d+)", dump.read_text(errors="replace"), re.M)
        if trigger and totals:
            found[trigger.group(1)] = (int(trigger.group(2)), int(totals.group(1)))
    if not found:
        sys.exit(f"Keine Zählung von callgrind in {directory}")
    weights = {"case": 0.6, "list": 0.2, "search": 0.1, "write": 0.1}
    mixed = 0.0
    for kind in KINDS:
        if kind in found:
            n, instructions = found[kind]
            per = instructions / n
            mixed += weights[kind] * per
            print(f"  {kind:<7} {n:5d} Anfragen  {per / 1e6:8.2f} Mio. Instruktionen je Anfrage")
    if len(found) == len(KINDS):
        print(f"  Mischung (60/20/10/10)   {mixed / 1e6:8.2f} Mio. Instruktionen je Anfrage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured requests")
    parser.add_argument("--warmup", type=int, default=200, help="requests before counting")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--cases-per-user", type=int, default=20)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--only", choices=KINDS, help="one kind of request instead of the mix")
    parser.add_argument("--no-valgrind", action="store_true", help="wall time only")
    parser.add_argument("--cprofile", metavar="FILE", help="cProfile the requests into FILE")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner or args.no_valgrind or args.cprofile:
        run(args)
        return
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    if not valgrind or not control:
        sys.exit("valgrind fehlt (Debian: apt-get install valgrind)")
    with_dir = Path(os.environ.get("WW_CALLGRIND_DIR") or "/tmp/ww_callgrind")
    shutil.rmtree(with_dir, ignore_errors=True)
    with_dir.mkdir(parents=True)
    env = dict(os.environ, WW_CALLGRIND_CONTROL=control)
    command = [
        valgrind,
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={with_dir}/callgrind.out.%p",
        sys.executable,
        str(Path(__file__).resolve()),
        "--inner",
        *sys.argv[1:],
    ]
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, stdout=sys.stdout, stderr=subprocess.DEVNULL)
    print(f"callgrind: {time.monotonic() - started:.0f} s")
    summarise(with_dir)


if __name__ == "__main__":
    main()
