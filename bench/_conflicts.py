"""Conflicting edits for bench/faults.py: pairs of edits of the same record from the same read
version, sent at the same moment by two colleagues of one team (integration managers 1 and 2 of
the generated data; the cases are shared with the team) against gunicorn with several workers.

Four kinds, in turn: a person over the API (PUT /clients/{uuid}), a goal of the integration
plan over the API (PUT /plan-goals/{uuid}), a person with the HTML form and a case file with the
HTML form (both logged in with password and TOTP code like a browser). Expected per pair: one
edit wins (API 200, form: redirect to the case file), the other gets the conflict (API 409 with
the German message, form: the page again with the German message and the user's input), and the
record holds the winner's values with its version raised by exactly one. A lost update is a
pair where both edits were accepted or the record does not hold the winner's values.
"""

from __future__ import annotations

import datetime as dt
import html
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from _http import CONNECTION_ERRORS, Api, Browser, Http, form_with, replace_fields

PASSWORD = "bench-Passwort-2026"  # of every generated user (bench/generate.py)
KINDS = ("api_person", "api_goal", "form_person", "form_case")


def _german_conflict_message() -> str:
    from django.utils import translation

    from wegweiser.core.errors import ConflictError

    with translation.override("de"):
        return str(ConflictError.message)


def _totp_code(secret: str) -> str:
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    if period - (time.time() % period) < 3:
        time.sleep(period - (time.time() % period) + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def login(browser: Browser, email: str, secret: str) -> None:
    """Password, then the TOTP code, like a person at the login page."""
    page = browser.get("/konto/login/")
    form = form_with(page.text, "password")
    answer = browser.post(
        "/konto/login/", replace_fields(form["fields"], login=email, password=PASSWORD)
    )
    target = answer.header("Location") or ""
    if answer.status != 302 or "2fa" not in target:
        raise RuntimeError(f"Anmeldung {email}: {answer.status} {target}")
    page = browser.get(target)
    form = form_with(page.text, "code")
    answer = browser.post(target, replace_fields(form["fields"], code=_totp_code(secret)))
    if answer.status != 302:
        raise RuntimeError(f"Zweiter Faktor {email}: {answer.status}")


def _prepare_objects(users: list[dict], per_kind: int) -> dict:
    """Open cases of manager 1 (shared with the team), split between the kinds, and a goal in
    the plan of each case of the goal kind."""
    from wegweiser.accounts.models import User
    from wegweiser.clients.models import Case
    from wegweiser.plans.services import goal_add

    manager = User.objects.get(pk=users[0]["id"])
    cases = list(
        Case.objects.filter(
            responsible=manager, closed_on__isnull=True, shared_with_team=True
        ).order_by("pk")
    )
    size = max(1, min(per_kind, len(cases) // len(KINDS)))
    groups = {kind: cases[i * size : (i + 1) * size] for i, kind in enumerate(KINDS)}
    goals = [
        goal_add(actor=manager, case=case, field_of_action="language", text="Deutschkurs B1")
        for case in groups["api_goal"]
    ]
    return {
        "api_person": [("client", str(c.client.uuid), str(c.uuid)) for c in groups["api_person"]],
        "api_goal": [("goal", str(g.uuid), str(g.plan.case.uuid)) for g in goals],
        "form_person": [("client", str(c.client.uuid), str(c.uuid)) for c in groups["form_person"]],
        "form_case": [("case", str(c.uuid), str(c.uuid)) for c in groups["form_case"]],
    }


def _model_and_action(kind: str):
    from wegweiser.clients.models import Case, Client
    from wegweiser.plans.models import Goal

    return {
        "client": (Client, "clients.client.updated"),
        "goal": (Goal, "plans.goal.updated"),
        "case": (Case, "clients.case.updated"),
    }[kind]


def _stored(kind: str, uuid: str) -> tuple[int, str]:
    """(version, the edited value) of the record, read from the database."""
    model, _action = _model_and_action(kind)
    obj = model.objects.get(uuid=uuid)
    value = {"client": "phone", "goal": "text", "case": "extension_reason"}[kind]
    return obj.version, getattr(obj, value)


def _both_at_once(first, second) -> list:
    """Run two calls at the same moment (barrier); each returns (status, text, t0, t1) or an
    exception."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def go(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - counted by the caller
            results[index] = exc

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class Pairs:
    def __init__(self, args, users: list[dict]) -> None:
        http = Http("127.0.0.1", args.port, timeout=30)
        self.api = [Api(http, users[0]["tokens"][1]), Api(http, users[1]["tokens"][1])]
        self.browsers = [Browser(http), Browser(http)]
        for browser, user in zip(self.browsers, users[:2], strict=True):
            login(browser, user["email"], user["totp"])
        self.message = _german_conflict_message()
        self.results: list[dict] = []
        self.lock = threading.Lock()

    # Each edit returns (accepted: bool | None, detail); None = neither accepted nor conflict.
    def _api_edit(self, api: Api, path: str, payload: dict, value_key: str):
        def call():
            answer = api.call("PUT", path, payload)
            if answer.status == 200:
                ok = answer.json()[value_key] == payload[value_key]
                return (True if ok else None), "200", answer.started, answer.ended
            if answer.status == 409:
                right = answer.json().get("detail") == self.message
                return (
                    False,
                    "409" if right else "409 ohne deutsche Meldung",
                    answer.started,
                    (answer.ended),
                )
            return None, f"{answer.status}", answer.started, answer.ended

        return call

    def _form_edit(self, browser: Browser, path: str, fields: list, value: str):
        def call():
            answer = browser.post(path, fields)
            if answer.status == 302:
                return True, "302", answer.started, answer.ended
            if answer.status == 200:
                page = html.unescape(answer.text)
                right = self.message in page and value in page
                detail = "200 mit Meldung" if right else "200 ohne Meldung oder Eingabe"
                return False, detail, answer.started, answer.ended
            return None, f"{answer.status}", answer.started, answer.ended

        return call

    def pair(self, n: int, kind: str, obj: tuple) -> None:
        record_kind, uuid, case_uuid = obj
        values = [f"K{n}A", f"K{n}B"]
        started = time.monotonic()
        try:
            if kind.startswith("api"):
                path = f"/clients/{uuid}" if record_kind == "client" else f"/plan-goals/{uuid}"
                key = "phone" if record_kind == "client" else "text"
                if record_kind == "goal":
                    values = [f"Ziel {v}" for v in values]
                version = self.api[0].call("GET", path).json()["version"]
                calls = [
                    self._api_edit(api, path, {"version": version, key: value}, key)
                    for api, value in zip(self.api, values, strict=True)
                ]
            else:
                path = (
                    f"/faelle/{case_uuid}/person/"
                    if record_kind == "client"
                    else f"/faelle/{case_uuid}/bearbeiten/"
                )
                forms = [form_with(b.get(path).text, "version") for b in self.browsers]
                versions = {dict(f["fields"])["version"] for f in forms}
                if len(versions) != 1:
                    raise RuntimeError(f"verschiedene Lesestände {versions}")
                version = int(versions.pop())
                if record_kind == "client":
                    values = [f"0711 {v}" for v in values]
                    changes = [{"phone": v} for v in values]
                else:
                    values = [f"Begründung {v}" for v in values]
                    changes = [{"period_years": "4", "extension_reason": v} for v in values]
                calls = [
                    self._form_edit(b, path, replace_fields(f["fields"], **c), v)
                    for b, f, c, v in zip(self.browsers, forms, changes, values, strict=True)
                ]
            outcome = _both_at_once(*calls)
        except CONNECTION_ERRORS + (RuntimeError, LookupError, ValueError) as exc:
            with self.lock:
                self.results.append({"kind": kind, "verdict": "Fehler", "detail": repr(exc)})
            return
        errors = [r for r in outcome if isinstance(r, Exception)]
        if errors:
            verdict, detail = "Fehler", repr(errors[0])
        else:
            accepted = [r[0] for r in outcome]
            detail = " / ".join(r[1] for r in outcome)
            stored_version, stored_value = _stored(record_kind, uuid)
            if accepted.count(True) == 2:
                verdict = "verlorene Änderung"
            elif accepted.count(True) == 1 and accepted.count(False) == 1:
                winner = values[accepted.index(True)]
                loser_detail = outcome[accepted.index(False)][1]
                if stored_value != winner or stored_version != version + 1:
                    verdict = "verlorene Änderung"
                    detail += f"; gespeichert {stored_value!r} v{stored_version}"
                elif loser_detail not in ("409", "200 mit Meldung"):
                    verdict = "Meldung fehlt"
                else:
                    verdict = "richtig"
            elif accepted.count(False) == 2:
                verdict = "kein Gewinner"
            else:
                verdict = "unerwartete Antwort"
        overlap = not errors and outcome[0][2] < outcome[1][3] and outcome[1][2] < outcome[0][3]
        with self.lock:
            self.results.append(
                {"kind": kind, "verdict": verdict, "detail": detail, "overlap": overlap,
                 "seconds": time.monotonic() - started, "record": (record_kind, uuid)}
            )  # fmt: skip


def run(args, users: list[dict]) -> dict:
    from django.db import connections

    parallel = 2
    objects = _prepare_objects(users, per_kind=max(4, parallel * 2))
    model_versions = {}
    for kind in KINDS:
        for record_kind, uuid, _case in objects[kind]:
            model_versions[(record_kind, uuid)] = _stored(record_kind, uuid)[0]
    connections.close_all()
    pairs = Pairs(args, users)
    started = time.monotonic()
    plan = []
    for n in range(args.pairs):
        kind = KINDS[n % len(KINDS)]
        group = objects[kind]
        plan.append((n, kind, group[(n // len(KINDS)) % len(group)]))
    # Rounds of ``parallel`` x len(KINDS) pairs on distinct records.
    round_size = parallel * len(KINDS)
    with ThreadPoolExecutor(max_workers=round_size) as pool:
        for start in range(0, len(plan), round_size):
            list(pool.map(lambda p: pairs.pair(*p), plan[start : start + round_size]))
            connections.close_all()
    elapsed = time.monotonic() - started
    problems = []
    verdicts = Counter(r["verdict"] for r in pairs.results)
    for result in pairs.results:
        if result["verdict"] != "richtig" and len(problems) < 20:
            problems.append(f"{result['kind']}: {result['verdict']} ({result['detail']})")
    problems.extend(_audit_matches_versions(model_versions, pairs.results))
    connections.close_all()
    by_kind = {}
    for kind in KINDS:
        mine = [r for r in pairs.results if r["kind"] == kind]
        by_kind[kind] = {
            "pairs": len(mine),
            "right": sum(1 for r in mine if r["verdict"] == "richtig"),
            "overlap": sum(1 for r in mine if r.get("overlap")),
            "median_ms": statistics.median(r["seconds"] for r in mine) * 1000 if mine else 0,
        }
    if verdicts["richtig"] != args.pairs:
        problems.insert(0, f"nur {verdicts['richtig']} von {args.pairs} Paaren richtig")
    return {
        "elapsed": elapsed,
        "verdicts": verdicts,
        "by_kind": by_kind,
        "problems": problems,
        "pairs": args.pairs,
    }


def session_pairs(args, users: list[dict]) -> dict:
    """Two colleagues record a session in the same case file at the same moment (API). Both
    sessions are saved; afterwards the case's session count and date of the last session (desk:
    "no session for 8 weeks", closing date check) must match its sessions."""
    from django.db import connections

    from wegweiser.clients.models import Case
    from wegweiser.counselling.models import CounsellingSession

    http = Http("127.0.0.1", args.port, timeout=30)
    apis = [Api(http, users[0]["tokens"][1]), Api(http, users[1]["tokens"][1])]
    today = dt.date.today()
    cases = list(
        Case.objects.filter(
            responsible_id=users[0]["id"],
            closed_on__isnull=True,
            shared_with_team=True,
            opened_on__lte=today - dt.timedelta(days=120),
        )
        .select_related("client")
        .order_by("pk")[:4]
    )
    connections.close_all()
    started = time.monotonic()
    saved = errors = 0
    for n in range(args.session_pairs):
        case = cases[n % len(cases)]
        span = (today - case.opened_on).days - 1
        calls = []
        for i, api in enumerate(apis):
            payload = {
                "held_on": (case.opened_on + dt.timedelta(days=(2 * n + i) % span)).isoformat(),
                "duration_minutes": 30,
                "channel": "phone",
                "summary": f"Gleichzeitig {n}{'AB'[i]}",
            }
            calls.append(
                lambda api=api, payload=payload, uuid=case.client.uuid: api.call(
                    "POST", f"/clients/{uuid}/sessions", payload
                )
            )
        for answer in _both_at_once(*calls):
            if isinstance(answer, Exception) or answer.status != 201:
                errors += 1
            else:
                saved += 1
    elapsed = time.monotonic() - started
    stale = []
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        held = list(CounsellingSession.objects.filter(case=case).values_list("held_on", flat=True))
        if (case.session_count, case.last_session_on) != (len(held), max(held, default=None)):
            stale.append(
                f"Fallakte {case.number}: gespeichert {case.session_count} Gespräche, letztes "
                f"{case.last_session_on}; tatsächlich {len(held)}, letztes {max(held)}"
            )
    # The figures of these cases (kept on every write) equal a fresh computation.
    from wegweiser.statistics import rollups
    from wegweiser.statistics.models import ContactMonth

    columns = [f.attname for f in ContactMonth._meta.concrete_fields if f.attname != "id"]
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        kept = sorted(ContactMonth.objects.filter(case=case).values_list(*columns))
        rollups.refresh_case_months(case)
        if kept != sorted(ContactMonth.objects.filter(case=case).values_list(*columns)):
            stale.append(f"Fallakte {case.number}: Kennzahlen weichen von der Neuberechnung ab")
    connections.close_all()
    problems = list(stale)
    if errors:
        problems.append(f"{errors} Gespräche nicht gespeichert")
    return {
        "pairs": args.session_pairs,
        "saved": saved,
        "cases": len(cases),
        "stale": stale,
        "problems": problems,
        "elapsed": elapsed,
    }


def print_session_summary(outcome: dict) -> None:
    print("\n== Gleichzeitige Gespräche in derselben Fallakte ==")
    print(
        f"{outcome['pairs']} Paare auf {outcome['cases']} Fallakten in {outcome['elapsed']:.0f} s: "
        f"{outcome['saved']} von {2 * outcome['pairs']} Gesprächen gespeichert; "
        f"Fallakten mit falscher Gesprächszahl, falschem letzten Gespräch oder falschen "
        f"Kennzahlen: {len(outcome['stale'])}"
    )
    for problem in outcome["problems"]:
        print(f"  FEHLER: {problem}")


def _audit_matches_versions(before: dict, results: list[dict]) -> list[str]:
    """Each accepted edit raised the version by one and wrote exactly one audit entry."""
    from wegweiser.audit.models import AuditEntry

    problems = []
    wins = Counter(r["record"] for r in results if r["verdict"] == "richtig")
    for (record_kind, uuid), version in before.items():
        model, action = _model_and_action(record_kind)
        now = model.objects.get(uuid=uuid).version
        entries = AuditEntry.objects.filter(action=action, object_uuid=uuid).count()
        if now - version != wins[(record_kind, uuid)]:
            problems.append(f"{record_kind} {uuid}: Version +{now - version}, "
                            f"{wins[(record_kind, uuid)]} gewonnene Änderungen")  # fmt: skip
        if entries != now - 1:
            problems.append(f"{record_kind} {uuid}: {entries} Protokolleinträge bei Version {now}")
    return problems


def print_summary(outcome: dict) -> None:
    labels = {
        "api_person": "API, Person (PUT /clients)",
        "api_goal": "API, Ziel (PUT /plan-goals)",
        "form_person": "Formular, Person",
        "form_case": "Formular, Fallakte",
    }
    print("\n== Gleichzeitige widersprüchliche Änderungen ==")
    print(f"{outcome['pairs']} Paare in {outcome['elapsed']:.0f} s")
    for kind, numbers in outcome["by_kind"].items():
        print(
            f"  {labels[kind]:30s} {numbers['pairs']:4d} Paare, {numbers['right']:4d} richtig, "
            f"{numbers['overlap']:4d} zeitlich überlappend, Median {numbers['median_ms']:.0f} ms"
        )
    verdicts = outcome["verdicts"]
    errors = verdicts.get("Fehler", 0) + verdicts.get("unerwartete Antwort", 0)
    print(
        f"Verlorene Änderungen: {verdicts.get('verlorene Änderung', 0)}; "
        f"ohne Gewinner: {verdicts.get('kein Gewinner', 0)}; "
        f"Meldung fehlt: {verdicts.get('Meldung fehlt', 0)}; Fehler: {errors}"
    )
    for problem in outcome["problems"]:
        print(f"  FEHLER: {problem}")
