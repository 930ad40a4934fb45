"""Page latency on the generated data, in-process: Django's test client against the configured
database, one connection, no network, no browser, DEBUG off (see bench/_load_env.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench_load \
        .venv/bin/python bench/pages.py [--requests 100] [--only case,list] [--profile case]
    WEGWEISER_SQLITE_PATH=/tmp/ww_bench_s.sqlite3 .venv/bin/python bench/pages.py

Measured, each as the user who does it (force_login; the generated staff get a TOTP factor as
the county enforces one), each through the real view:
- case page, list of 50 (first page of the own open cases), name search (the list's search
  form, sent by htmx as POST), as the integration manager responsible for the case;
- the duplicate check on save: the intake form (POST /klienten/neu/) with the name of a stored
  person in Latin spelling and the same date of birth, which answers with the warning and saves
  nothing; and ``duplicates.candidates`` alone;
- saving a counselling session (POST of the session form, answered with the redirect);
- the annual report: the county's report of last year (computed from the figures) for the
  county coordination, the state's overview of the submitted reports and a submitted report;
- the dashboards of the state, the county (also split by team) and an integration manager;
  the pages of figures that are cached (WEGWEISER_FIGURES_CACHE_SECONDS) are measured three
  times: as they are (from the cache after the warm-up), after the fresh time (stale figures
  answered while a background thread recomputes them) and with the cache cleared before each
  request (the very first request of a key, which `manage.py refresh_figures` computes ahead);
- the allocation of a programme over the 44 counties of Baden-Württemberg (POST "compute the
  planning frame": basis data inhabitants and refugees, floor, cap and change limit against
  last year's published frame), and the pure computation ``allocation.allocate`` alone.
Set-up that the generator does not make (state user, a submitted report, basis data and the
two programmes) is created once and found again by name on later runs.

Every measurement runs three times (``--requests`` requests each after warm-up; a run stops
after ``--time-limit`` seconds, so a page of several seconds is measured with fewer requests)
and prints the median of the three runs' p50 and p99 in ms, the targets of issue 9 beside them
(a single target number is read as p50), and the median CPU time of this process per request
(Python, and SQLite, which runs in the process; not the PostgreSQL server): on a machine shared
with other work the CPU time varies much less than the wall-clock time. The audit entries the
pages write are part of what is measured. The first answer of each measurement is checked
(status and a marker of the page; never the login page). ``--profile NAME`` prints instead,
for one measurement, the SQL per request (count and time of each statement) and the functions
with the largest cumulative and own time under cProfile.

Production settings: DEBUG off (refused with WEGWEISER_DEBUG=1), hashed static files from
``collectstatic`` (see bench/_load_env.py); the database must be migrated to the code's state.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_env  # noqa: E402

REPORT_YEAR_SUBMITTED = 2024  # submitted once in the set-up, read by the state
REPORT_YEAR_LIVE = 2025  # not submitted: the county's page computes it from the figures
PROGRAMME_NAME = "Bench: Integrationsmanagement {year}"
INHABITANTS_ON = dt.date(2018, 12, 31)  # the reference date of the shipped inhabitants


class _AgedClock:
    """``time`` as ``figures.from_cache`` sees it: ``offset`` seconds later than it is."""

    def __init__(self, offset: float):
        self.offset = offset

    def time(self) -> float:
        return time.time() + self.offset


@dataclass
class Measurement:
    key: str
    label: str
    role: str
    target_p50: float | None
    target_p99: float | None
    run: Callable[[int], None]
    runs: list[tuple[float, float, int]] = field(default_factory=list)
    #: called before each request, outside the measured time, and after the last run
    prepare: Callable[[int], None] | None = None
    finish: Callable[[], None] | None = None

    @property
    def p50(self) -> float:
        return statistics.median(r[0] for r in self.runs)

    @property
    def p99(self) -> float:
        return statistics.median(r[1] for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r[3] for r in self.runs)

    def verdict(self) -> str:
        ok = True
        if self.target_p50 is not None:
            ok &= self.p50 <= self.target_p50
        if self.target_p99 is not None:
            ok &= self.p99 <= self.target_p99
        if self.target_p50 is None and self.target_p99 is None:
            return "–"
        return "erfüllt" if ok else "verfehlt"

    def target(self) -> str:
        parts = []
        if self.target_p50 is not None:
            parts.append(f"p50 ≤ {self.target_p50:g}")
        if self.target_p99 is not None:
            parts.append(f"p99 ≤ {self.target_p99:g}")
        return ", ".join(parts) or "–"


def _measure(
    run: Callable[[int], None],
    n: int,
    limit: float,
    prepare: Callable[[int], None] | None = None,
) -> tuple[float, float, int, float]:
    """p50 and p99 of the wall-clock time (ms), the number of requests, and the median CPU time
    of this process per request (ms: Python, and SQLite, which runs in the process; not the
    PostgreSQL server). On a busy machine the CPU time varies much less than the wall time."""
    samples, cpu = [], []
    deadline = time.perf_counter() + limit
    for i in range(n):
        if prepare is not None:
            prepare(i)
        started, cpu_started = time.perf_counter(), time.process_time()
        run(i)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        if started > deadline:
            break
    p50, p99 = _load_env.percentiles(samples)
    return p50, p99, len(samples), statistics.median(cpu) * 1000


def _check(response, status: int, marker: str | None = None, what: str = "") -> None:
    """The answer is the expected page, not the login page or an error page."""
    if response.status_code != status:
        location = response.get("Location", "")
        raise SystemExit(f"{what}: Status {response.status_code} statt {status} {location}")
    if marker is not None and marker not in response.content.decode():
        raise SystemExit(f"{what}: Merkmal {marker!r} fehlt in der Antwort")


# --- set-up --------------------------------------------------------------------------------------


def _submitted_report(coordinator, year: int):
    from wegweiser.statistics import services
    from wegweiser.statistics.models import AnnualReport

    report = AnnualReport.objects.filter(kreis_id=coordinator.kreis_id, year=year).first()
    if report is None:
        report = services.report_submit(actor=coordinator, kreis=coordinator.kreis, year=year)
    return report


def _refugees_csv(land_id: int) -> bytes:
    """Synthetic refugee arrivals per county: inhabitants times a fixed pseudo-random rate."""
    from wegweiser.organisations.models import Population

    rng = random.Random(2026)
    rows = ["ags;value"]
    for p in (
        Population.objects.filter(kreis__land_id=land_id, reference_date=INHABITANTS_ON)
        .select_related("kreis")
        .order_by("kreis__ags")
    ):
        rows.append(f"{p.kreis.ags};{int(p.inhabitants * rng.uniform(0.004, 0.012))}")
    return ("\n".join(rows) + "\n").encode()


def _programmes(state_user):
    """Last year's programme with a published frame (18 M EUR by inhabitants) and this year's
    draft (19 M EUR: inhabitants 60 %, refugees 40 %, a flat amount, floor, cap, change limit
    10 % against last year), so that the computation holds counties at every kind of bound."""
    from wegweiser.funding import services
    from wegweiser.funding.models import BasisDataset, Programme

    inhabitants = (
        BasisDataset.objects.filter(land_id=state_user.land_id, kind="inhabitants")
        .order_by("-version")
        .first()
    ) or services.basis_from_reference(actor=state_user, reference_date=INHABITANTS_ON)
    refugees = (
        BasisDataset.objects.filter(land_id=state_user.land_id, kind="refugees")
        .order_by("-version")
        .first()
    ) or services.basis_upload(
        actor=state_user,
        kind="refugees",
        reference_date=dt.date(2025, 12, 31),
        period_start=dt.date(2025, 1, 1),
        source="Bench: synthetische Zugänge",
        data=_refugees_csv(state_user.land_id),
        file_name="zugaenge.csv",
    )

    def programme(year: int, **values):
        name = PROGRAMME_NAME.format(year=year)
        found = Programme.objects.filter(land_id=state_user.land_id, name=name).first()
        if found is not None:
            if found.status == "draft" and found.budget != values["budget"]:
                fields = {k: v for k, v in values.items() if k != "basis"}
                return services.programme_save(
                    actor=state_user, programme=found, version=found.version, **fields
                )
            return found
        return services.programme_save(
            actor=state_user,
            name=name,
            year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            purpose="Integrationsmanagement (Benchmark)",
            application_deadline=dt.date(year, 3, 31),
            rounding="euro",
            **values,
        )

    previous = programme(
        2025,
        budget=Decimal("18000000.00"),
        weights={"inhabitants": "1"},
        basis=[inhabitants],
    )
    if previous.status == "draft":
        frame = services.frame_compute(actor=state_user, programme=previous)
        services.frame_publish(actor=state_user, frame=frame)
    current = programme(
        2026,
        budget=Decimal("19000000.00"),
        weights={"inhabitants": "0.6", "refugees": "0.4"},
        flat_per_body=Decimal("20000.00"),
        floor=Decimal("150000.00"),
        cap=Decimal("1000000.00"),
        max_change=Decimal("0.1"),
        previous=previous,
        basis=[inhabitants, refugees],
    )
    return current


# --- the measurements ------------------------------------------------------------------------


def build(args) -> tuple[list[Measurement], dict]:
    from django.conf import settings
    from django.test import Client as TestClient
    from django.urls import reverse
    from django.utils import timezone

    from wegweiser.accounts.models import User
    from wegweiser.accounts.roles import Role
    from wegweiser.clients import duplicates
    from wegweiser.clients.models import Case
    from wegweiser.funding import allocation
    from wegweiser.funding import services as funding

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(args.seed)
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(closed_on__isnull=True, responsible__role=Role.INTEGRATION_MANAGER)
        .select_related("responsible", "client", "kreis")
        .order_by("?")[: max(50, args.requests)]
    )
    if not cases:
        sys.exit("Keine offenen Fallakten: zuerst bench/generate.py laufen lassen.")
    kreis = cases[0].kreis
    cases = [c for c in cases if c.kreis_id == kreis.pk]
    managers = {c.responsible_id: c.responsible for c in cases}
    coordinator = User.objects.filter(kreis=kreis, role=Role.COUNTY_COORDINATOR).first()
    if coordinator is None:
        sys.exit(f"Keine Kreiskoordination in {kreis.ags}.")
    state_user = _load_env.ensure_state_user(kreis.land.code)
    _load_env.ensure_second_factor([*managers.values(), coordinator])

    clients = {}
    for user in [*managers.values(), coordinator, state_user]:
        client = TestClient()
        client.force_login(user)
        # Each test client builds its own middleware chain on its first request (whitenoise
        # scans the static files then, about 0.4 s): once here, not in the measurements.
        client.get("/healthz")
        clients[user.pk] = client
    manager_client = clients[cases[0].responsible_id]
    coordinator_client = clients[coordinator.pk]
    state_client = clients[state_user.pk]
    # The intake measurement must answer with the warning and save nothing: only persons whom
    # the duplicate check finds again (it scores at most BLOCK_LIMIT persons of a block, the
    # first by id, so a person in a large block of a common name can be missed).
    with_birth, missed = [], 0
    for case in [c for c in cases if c.client.birth_date][:40]:
        person = case.client
        found = duplicates.candidates(
            user=case.responsible,
            given_names=person.given_names_latin or person.given_names,
            family_name=person.family_name_latin or person.family_name,
            birth_date=person.birth_date,
            gender=person.gender,
        )
        if person.pk in {c.client.pk for c in found}:
            with_birth.append(case)
        else:
            missed += 1
    if not with_birth:
        sys.exit("Dublettenprüfung: keine gespeicherte Person wird wiedergefunden.")

    report = _submitted_report(coordinator, REPORT_YEAR_SUBMITTED)
    programme = _programmes(state_user)
    bases = {d.kind: d.decimal_values() for d in programme.basis.all()}
    previous = funding._previous_amounts(programme)
    rule = funding.rule_of(programme)

    urls = {
        "list": reverse("clients:case_list"),
        "create": reverse("clients:client_create"),
        "dashboard": reverse("statistics:dashboard"),
        "report_year": reverse("statistics:report_year", kwargs={"year": REPORT_YEAR_LIVE}),
        "state_list": reverse("statistics:report_state_list"),
        "state_report": reverse(
            "statistics:report_state", kwargs={"ags": kreis.ags, "year": report.year}
        ),
        "compute": reverse("funding:frame_compute", kwargs={"uuid": programme.uuid}),
    }

    def search_term(case) -> str:
        person = case.client
        given = (person.given_names_latin or person.given_names).split()
        return " ".join([*given[:1], person.family_name_latin or person.family_name])

    def case_page(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].get(
            reverse("clients:case_detail", kwargs={"uuid": case.uuid})
        )
        if i < 0:
            _check(response, 200, case.number, "Fallakte")

    def case_list(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].get(urls["list"])
        if i < 0:
            _check(response, 200, "kern-table", "Liste")

    def search(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].post(
            urls["list"], {"q": search_term(case), "status": "open"}, headers={"HX-Request": "true"}
        )
        if i < 0:
            _check(response, 200, 'href="/faelle/', "Suche")

    def intake_data(case) -> dict:
        person = case.client
        data = {
            "given_names": person.given_names_latin or person.given_names,
            "family_name": person.family_name_latin or person.family_name,
            "gender": person.gender,
            "residence_status": "unknown",
            "accommodation_phase": "unknown",
            "opened_on": today.strftime("%d.%m.%Y"),
        }
        if person.birth_date:
            data["birth_date_precision"] = "full"
            data["birth_date"] = person.birth_date.strftime("%d.%m.%Y")
        else:
            data["birth_date_precision"] = "year"
            data["birth_year"] = str(person.birth_year or "")
        return data

    def duplicate_post(i):
        case = rng.choice(with_birth)
        response = clients[case.responsible_id].post(urls["create"], intake_data(case))
        if i < 0:
            _check(response, 200, "not_a_duplicate", "Dublettenprüfung")

    def duplicate_check(i):
        case = rng.choice(with_birth)
        person = case.client
        found = duplicates.candidates(
            user=case.responsible,
            given_names=person.given_names_latin or person.given_names,
            family_name=person.family_name_latin or person.family_name,
            birth_date=person.birth_date,
            birth_year=None if person.birth_date else person.birth_year,
            gender=person.gender,
        )
        if i < 0 and person.pk not in {c.client.pk for c in found}:
            raise SystemExit("Dublettenprüfung: die gespeicherte Person wurde nicht gefunden")

    def session_save(i):
        case = rng.choice(cases)
        response = clients[case.responsible_id].post(
            reverse("counselling:session_create", kwargs={"uuid": case.uuid}),
            {
                "held_on": today.strftime("%d.%m.%Y"),
                "duration_minutes": "45",
                "channel": "in_person",
                "fields_of_action": ["language"],
                "summary": "Benchmark",
            },
        )
        if i < 0:
            _check(response, 302, None, "Gespräch speichern")
            if str(case.uuid) not in response["Location"]:
                raise SystemExit(f"Gespräch speichern: Weiterleitung {response['Location']}")

    def get(client, url, marker, what, params=None):
        def run(i):
            response = client.get(url, params or {})
            if i < 0:
                _check(response, 200, marker, what)

        return run

    def compute(i):
        response = state_client.post(urls["compute"])
        if i < 0:
            _check(response, 302, None, "Verteilung")
            if "planungsrahmen" not in response["Location"]:
                raise SystemExit(f"Verteilung: Weiterleitung {response['Location']}")

    def allocate_only(i):
        result = allocation.allocate(rule, bases, previous=previous)
        if i < 0 and len(result.amounts) != 44:
            raise SystemExit(f"Verteilung: {len(result.amounts)} Kreise statt 44")

    im = "Integrationsmanager/in"
    coord = "Kreiskoordination"
    land = "Land (Fördermittelstelle)"
    measurements = [
        Measurement("case", "Fallakte", im, 10, 30, case_page),
        Measurement("list", "Fallliste (50 je Seite)", im, 15, None, case_list),
        Measurement("search", "Namenssuche (htmx-POST)", im, 25, None, search),
        Measurement(
            "duplicates",
            "Dublettenprüfung beim Speichern (Aufnahme-POST)",
            im,
            30,
            None,
            duplicate_post,
        ),
        Measurement(
            "duplicates_only", "… nur duplicates.candidates()", im, None, None, duplicate_check
        ),
        Measurement("session", "Beratungsgespräch speichern (POST)", im, 10, None, session_save),
        Measurement(
            "report_county",
            f"Jahresbericht {REPORT_YEAR_LIVE} des Kreises (berechnet)",
            coord,
            50,
            None,
            get(coordinator_client, urls["report_year"], "kern-table", "Jahresbericht Kreis"),
        ),
        Measurement(
            "report_state_list",
            f"Jahresberichte {REPORT_YEAR_SUBMITTED}: Übersicht des Landes",
            land,
            50,
            None,
            get(
                state_client,
                urls["state_list"],
                kreis.name,
                "Jahresberichte Land",
                {"jahr": REPORT_YEAR_SUBMITTED},
            ),
        ),
        Measurement(
            "report_state",
            f"Jahresbericht {REPORT_YEAR_SUBMITTED} eines Kreises (eingereicht)",
            land,
            50,
            None,
            get(state_client, urls["state_report"], "kern-table", "Jahresbericht Land"),
        ),
        Measurement(
            "dashboard_state",
            "Kennzahlen des Landes",
            land,
            50,
            None,
            get(state_client, urls["dashboard"], "kern-table", "Dashboard Land"),
        ),
        Measurement(
            "dashboard_county",
            "Kennzahlen des Kreises",
            coord,
            50,
            None,
            get(coordinator_client, urls["dashboard"], "kern-table", "Dashboard Kreis"),
        ),
        Measurement(
            "dashboard_county_teams",
            "Kennzahlen des Kreises nach Teams",
            coord,
            50,
            None,
            get(
                coordinator_client,
                urls["dashboard"],
                "kern-table",
                "Dashboard Kreis/Teams",
                {"gliederung": "team"},
            ),
        ),
        Measurement(
            "dashboard_manager",
            "Kennzahlen der Integrationsmanagerin",
            im,
            50,
            None,
            get(manager_client, urls["dashboard"], "kern-table", "Dashboard IM"),
        ),
        Measurement(
            "allocation", "Verteilung über 44 Kreise berechnen (POST)", land, 50, None, compute
        ),
        Measurement(
            "allocation_only", "… nur allocation.allocate()", land, None, None, allocate_only
        ),
    ]
    # The figures pages take their figures from Django's cache (figures.from_cache): fresh for
    # WEGWEISER_FIGURES_CACHE_SECONDS (300 s in production), after that still answered while a
    # background thread computes the next result. Measured three ways: as they are (after the
    # warm-up, from the cache); after the fresh time (the clock of figures.from_cache moved on
    # by the fresh time before each request, so that every request finds its figures stale and
    # starts the recomputation in a thread of this process, which competes with the next
    # requests as in a gunicorn worker); and the very first request of a key (cache cleared
    # before each request: what `manage.py refresh_figures` computes ahead for counties and the
    # state).
    if getattr(settings, "WEGWEISER_FIGURES_CACHE_SECONDS", 0):
        from django.core.cache import cache

        from wegweiser.statistics import figures

        def uncached(run):
            def cold(i):
                cache.clear()
                run(i)

            return cold

        clock = _AgedClock(0)

        def age(i):
            """Before each request, untimed: the previous request's recomputation finished, and
            the clock moved on so that the figures it stored are stale again."""
            figures.wait_for_refreshes()
            clock.offset += settings.WEGWEISER_FIGURES_CACHE_SECONDS + 1
            figures.time = clock

        def real_clock():
            figures.wait_for_refreshes()
            figures.time = time

        cached = ("report_county", "dashboard_state", "dashboard_county", "dashboard_county_teams")
        for key in cached:
            index = next(i for i, m in enumerate(measurements) if m.key == key)
            warm = measurements[index]
            for suffix, label, run, prepare, finish in (
                ("first", "erster Aufruf (nichts vorausberechnet)", uncached(warm.run), None, None),
                ("stale", "nach Ablauf (Neuberechnung im Hintergrund)", warm.run, age, real_clock),
            ):
                measurements.insert(
                    index + 1,
                    Measurement(
                        f"{key}_{suffix}",
                        f"{warm.label} – {label}",
                        warm.role,
                        warm.target_p50,
                        warm.target_p99,
                        run,
                        prepare=prepare,
                        finish=finish,
                    ),
                )
            warm.label += " – aus dem Cache"
    context = {
        "Fallakten gesamt": f"{Case.objects.count():,}".replace(",", "."),
        "Kreis": f"{kreis.name} ({kreis.ags})",
        "Integrationsmanager/innen in der Stichprobe": str(len(managers)),
        "Dublettenprüfung": f"{missed} von {missed + len(with_birth)} gespeicherten Personen "
        "mit gleichem Namen und Geburtsdatum nicht wiedergefunden",
    }
    return measurements, context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per run (3 runs)")
    parser.add_argument("--warmup", type=int, default=5, help="requests before the runs")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per run at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="comma-separated keys (case,list,search,…)")
    parser.add_argument("--profile", metavar="KEY", help="cProfile one measurement instead")
    parser.add_argument("--profile-lines", type=int, default=30)
    parser.add_argument("--profile-sql", type=int, default=15, help="statements listed")
    args = parser.parse_args()

    _load_env.setup()
    from django.db import connection

    measurements, context = build(args)
    keys = [m.key for m in measurements]
    if args.profile:
        chosen = [m for m in measurements if m.key == args.profile]
        if not chosen:
            sys.exit(f"Unbekannt: {args.profile}; möglich: {', '.join(keys)}")
        _profile(chosen[0], args)
        return
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - set(keys)
        if unknown:
            sys.exit(f"Unbekannt: {', '.join(sorted(unknown))}; möglich: {', '.join(keys)}")
        measurements = [m for m in measurements if m.key in wanted]

    info = _load_env.machine()
    info.update(context)
    _load_env.print_machine(info)
    print(f"{'Anfragen je Lauf:':28s}{args.requests} × 3 Läufe, vorher {args.warmup} zum Aufwärmen")
    print()
    for m in measurements:
        started = time.perf_counter()
        m.run(-1)  # checks the answer: status and a marker (the login page has neither)
        for i in range(args.warmup):
            if time.perf_counter() - started > args.time_limit / 2:
                break
            m.run(i)
        for _run in range(3):
            m.runs.append(_measure(m.run, args.requests, args.time_limit, m.prepare))
        if m.finish is not None:
            m.finish()
        spread = " / ".join(f"{r[0]:.1f}" for r in m.runs)
        print(
            f"  {m.key:24s} p50 {m.p50:7.1f} ms  p99 {m.p99:7.1f} ms  CPU {m.cpu:7.1f} ms  "
            f"(p50 je Lauf {spread})"
        )
    print()
    print(f"Datenbank: {connection.vendor}; Load average danach: {_load_env.load_average()}")
    print()
    print("| Messung | Rolle | Anfragen | p50 ms | p99 ms | CPU ms | Ziel ms | Ergebnis |")
    print("|---|---|---|---|---|---|---|---|")
    for m in measurements:
        n = min(r[2] for r in m.runs)
        print(
            f"| {m.label} | {m.role} | {n} × 3 | {_de(m.p50)} | {_de(m.p99)} | {_de(m.cpu)} "
            f"| {m.target()} "
            f"| {m.verdict()} |"
        )


def _de(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _profile(m: Measurement, args) -> None:
    """First the SQL of the requests (count and time per statement, without cProfile), then
    cProfile: the functions with the largest cumulative and own time."""
    from django.db import connection

    m.run(-1)
    for i in range(args.warmup):
        m.run(i)
    queries: dict[str, list] = defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = queries[re.sub(r"\s+", " ", sql)[:200]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        for i in range(args.requests):
            m.run(i)
    took = (time.perf_counter() - started) / args.requests * 1000
    n = args.requests
    total = sum(q[0] for q in queries.values())
    sql_ms = sum(q[1] for q in queries.values()) / n * 1000
    print(f"{m.label}: {n} Anfragen, {took:.1f} ms je Anfrage, davon SQL {sql_ms:.1f} ms")
    print(f"{total / n:.1f} SQL-Anweisungen je Anfrage; die teuersten (ms je Anfrage, Anzahl):")
    costly = sorted(queries.items(), key=lambda q: -q[1][1])[: args.profile_sql]
    for sql, (count, seconds) in costly:
        print(f"  {seconds / n * 1000:7.2f} ms {count / n:5.1f}×  {sql}")
    print()

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(args.requests):
        m.run(i)
    profiler.disable()
    took = (time.perf_counter() - started) / args.requests * 1000
    print(f"unter cProfile: {took:.1f} ms je Anfrage")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(args.profile_lines)
        print(out.getvalue())


if __name__ == "__main__":
    main()
