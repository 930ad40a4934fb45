"""Shared set-up of bench/pages.py and bench/load.py: production-like settings (DEBUG off,
manifest static files), the users the measurements act as (second factor, a state user),
percentiles and a description of the machine.

Settings: whatever the environment says (DATABASE_URL or WEGWEISER_SQLITE_PATH as for the
application), with these defaults for what production must set:
- DJANGO_SECRET_KEY: a fixed key for benchmarks only (the load script's sessions are signed with
  it in this process and read by gunicorn, so both must share it);
- WEGWEISER_FIELD_KEYS: the development key, with which the generated data were written;
- WEGWEISER_STATIC_ROOT: /tmp/ww_bench_static, filled by ``collectstatic`` (DEBUG off serves the
  hashed files from the manifest, as in production).
WEGWEISER_DEBUG=1 is refused: DEBUG renders templates in debug mode and logs every query.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "bench-only-key-never-use-in-production-0f3a9c"
# The deterministic key the settings use with DEBUG on; bench/generate.py runs with it.
DEV_FIELD_KEY = "1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk="
STATIC_ROOT = "/tmp/ww_bench_static"
STATE_EMAIL = "state.{land}@bench.wegweiser.invalid"
STATE_AUTHORITY = "Bench: Fördermittelstelle des Landes"


def configure() -> dict[str, str]:
    """Set the environment for production-like settings (see the module docstring) and make the
    package importable. Returns the environment for child processes (gunicorn)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")
    if os.environ.get("WEGWEISER_DEBUG", "").lower() in ("1", "true", "yes", "on"):
        sys.exit(
            "WEGWEISER_DEBUG ist gesetzt: Benchmarks laufen wie im Betrieb ohne DEBUG "
            "(Vorlagen im Debug-Modus und das Abfrageprotokoll verfälschen die Zeiten)."
        )
    os.environ.setdefault("DJANGO_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("WEGWEISER_FIELD_KEYS", DEV_FIELD_KEY)
    os.environ.setdefault("WEGWEISER_STATIC_ROOT", STATIC_ROOT)
    os.environ.setdefault("WEGWEISER_LOG_LEVEL", "WARNING")
    return dict(os.environ)


def collectstatic() -> None:
    """The manifest of the hashed static files (DEBUG off needs it to render any page)."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        check=True,
        env=dict(os.environ),
    )


def setup() -> None:
    configure()
    collectstatic()
    import django

    django.setup()
    check_migrations()


def check_migrations() -> None:
    """Refuse a database that is behind the code (the pages would run against an old schema)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        sys.exit(
            f"Der Datenbank fehlen {len(missing)} Migrationen (z. B. {missing[0][0]}): "
            "zuerst manage.py migrate."
        )


def ensure_second_factor(users) -> int:
    """Give every user that has none a TOTP factor, as users of counties that enforce a second
    factor have (the middleware sends a user without one to the set-up page). Returns how many
    were added."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    users = list(users)
    with_totp = set(
        Authenticator.objects.filter(
            user_id__in=[u.pk for u in users], type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )
    added = 0
    for user in users:
        if user.pk not in with_totp:
            TOTP.activate(user, generate_totp_secret())
            added += 1
    return added


def ensure_state_user(land_code: str = "BW"):
    """The state funding authority's user of ``land_code`` (created once; the generator makes
    none)."""
    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import Role
    from wegweiser.organisations.models import Land, Organisation

    land = Land.objects.get(code=land_code)
    email = STATE_EMAIL.format(land=land_code.lower())
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    authority, _ = Organisation.objects.get_or_create(
        land=land, kreis=None, kind=Organisation.Kind.STATE_AUTHORITY, name=STATE_AUTHORITY
    )
    user = User(
        email=email,
        first_name="Bench",
        last_name="Land",
        role=Role.STATE_FUNDING_OFFICER,
        land=land,
        kreis=None,
        organisation=authority,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def force_login_cookie(user) -> str:
    """A logged-in session for ``user`` as Django's test client makes it with ``force_login``
    (``django.contrib.auth.login`` on a request with a fresh session, the ``user_logged_in``
    signal records the session for the user): the value of the session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in ms (nearest rank) of samples in seconds."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return p50 * 1000, p99 * 1000


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> dict[str, str]:
    """Cores, memory, database and load average, for the record in docs/benchmarks.md."""
    from django.db import connection

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        database = f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--", "src"], check=False
        ).returncode
        head = f"{head}{' + Änderungen in src/' if dirty else ''}"
    except OSError:
        head = "?"
    return {
        "Zeit": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "Kerne": str(os.cpu_count()),
        "RAM": mem,
        "Python": platform.python_version(),
        "Datenbank": database,
        "Stand": head,
        "Load average (1/5/15 min)": load_average(),
    }


def print_machine(info: dict[str, str]) -> None:
    width = max(len(key) for key in info) + 2
    for key, value in info.items():
        print(f"{key + ':':{width}s}{value}")
