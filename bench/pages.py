"""Page latency on the generated data, in-process (Django's test client against the configured
database; no network, no browser): case page, case list, name search, saving a session.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench WEGWEISER_DEBUG=1 \
        .venv/bin/python bench/pages.py [--requests 200] [--seed 7]

Each measurement runs three times and prints the median of the three runs' p50 and p99 (ms).
The requests are made as integration managers of the generated data (force_login, so the second
factor is not in the way); the audit entries they write are part of what is measured. Bounded in
time by --requests. Results go to docs/benchmarks.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return p50 * 1000, p99 * 1000


def _measure(run, n: int) -> tuple[float, float]:
    samples = []
    for i in range(n):
        started = time.perf_counter()
        run(i)
        samples.append(time.perf_counter() - started)
    return _percentiles(samples)


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from wegweiser.clients.models import Case

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(args.seed)

    cases = list(
        Case.objects.filter(closed_on__isnull=True)
        .select_related("responsible", "client")
        .order_by("?")[: max(50, args.requests)]
    )
    if not cases:
        sys.exit("Keine Fallakten: zuerst bench/generate.py laufen lassen.")
    managers = {}
    for case in cases:
        managers.setdefault(case.responsible_id, []).append(case)
    # Every manager of a county that enforces a second factor has one; give the generated
    # managers theirs (as users have), so that the pages answer instead of asking to set one up.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    with_totp = set(
        Authenticator.objects.filter(user_id__in=list(managers), type="totp").values_list(
            "user_id", flat=True
        )
    )
    for user_id, own in managers.items():
        if user_id not in with_totp:
            TOTP.activate(own[0].responsible, generate_totp_secret())
    clients = {}
    for user_id, own in managers.items():
        client = Client()
        client.force_login(own[0].responsible)
        clients[user_id] = client

    def case_page(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].get(
            reverse("clients:case_detail", kwargs={"uuid": case.uuid})
        )
        assert response.status_code == 200

    def case_list(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].get(reverse("clients:case_list"))
        assert response.status_code == 200

    def search(i):
        case = rng.choice(cases)
        term = case.client.family_name_latin or case.client.family_name
        response = clients[case.responsible_id].get(reverse("clients:case_list"), {"q": term})
        assert response.status_code == 200

    results = {}
    for name, run in (("case page", case_page), ("list of 50", case_list), ("search", search)):
        runs = [_measure(run, args.requests) for _ in range(3)]
        results[name] = (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
        )
    vendor = django.db.connection.vendor
    print(f"Datenbank: {vendor}; Fallakten gesamt: {Case.objects.count()}")
    for name, (p50, p99) in results.items():
        print(f"{name:12s} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")


if __name__ == "__main__":
    main()
