"""Checks after the crash cycles of bench/faults.py (Django set up on the throwaway database):
every acknowledged write is there with its content and audit entries, nothing half-written,
no orphans, the rollups equal a rebuild. Returns numbers and a list of problems (German)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.apps import apps
from django.db import connection, models

from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, CaseNumberSequence, Client, Household
from wegweiser.counselling.models import CounsellingSession
from wegweiser.dataprotection.models import PersonRevision
from wegweiser.statistics.models import ArrivalOutcome, ContactMonth

PERSON_PREFIX = "Versuch-"
SESSION_PREFIX = "Gespräch "


def _max_id(model) -> int:
    return model.objects.aggregate(m=models.Max("pk"))["m"] or 0


def baseline() -> dict:
    return {
        "session": _max_id(CounsellingSession),
        "audit": _max_id(AuditEntry),
        "household": _max_id(Household),
        "client": _max_id(Client),
        "case": _max_id(Case),
    }


def _audited(action: str, uuids) -> set:
    return {
        str(u)
        for u in AuditEntry.objects.filter(action=action, object_uuid__in=list(uuids)).values_list(
            "object_uuid", flat=True
        )
    }


def check_crash_run(writers, outages, base: dict) -> dict:
    problems: list[str] = []
    acks = [a for w in writers for a in w.acks]
    attempts = [a for w in writers for a in w.attempts]
    user_of = {w.index: w.user_id for w in writers}
    for w in writers:
        problems.extend(f"Schreiber {w.index}: unerwartete Antwort {u}" for u in w.unexpected)
    lost: list[str] = []
    checks = 0

    # --- acknowledged persons with household and case -----------------------------------------
    creates = [a for a in acks if a["op"] == "create"]
    persons = {
        str(c.uuid): c
        for c in Client.objects.filter(uuid__in=[a["uuid"] for a in creates]).select_related(
            "household"
        )
    }
    cases = {str(c.uuid): c for c in Case.objects.filter(uuid__in=[a["case"] for a in creates])}
    for ack in creates:
        checks += 1
        sent, person = ack["sent"], persons.get(ack["uuid"])
        if person is None:
            lost.append(f"Person {ack['marker']} ({ack['uuid']}) fehlt")
            continue
        got = {
            "given_names": person.given_names,
            "family_name": person.family_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "gender": person.gender,
            "nationalities": [c.code for c in person.nationalities],
            "languages": list(person.languages),
            "arrival_date": person.arrival_date.isoformat() if person.arrival_date else None,
        }
        for key, value in got.items():
            if sent[key] != value:
                lost.append(f"Person {ack['marker']}: {key} {value!r} statt {sent[key]!r}")
        household = person.household
        if household is None or str(household.uuid) != ack["household"]:
            lost.append(f"Person {ack['marker']}: Haushalt fehlt oder ist ein anderer")
        elif household.label != sent["new_household_label"]:
            lost.append(f"Person {ack['marker']}: Haushaltsname {household.label!r}")
        case = cases.get(ack["case"])
        if case is None:
            lost.append(f"Fallakte von {ack['marker']} ({ack['number']}) fehlt")
        elif (
            case.client_id != person.pk
            or case.number != ack["number"]
            or case.opened_on.isoformat() != sent["opened_on"]
            or case.responsible_id != user_of[ack["writer"]]
        ):
            lost.append(f"Fallakte von {ack['marker']} weicht ab ({case.number})")
    for action, key in (
        ("clients.client.created", "uuid"),
        ("clients.household.created", "household"),
        ("clients.case.opened", "case"),
    ):
        wanted = {a[key] for a in creates}
        missing = wanted - _audited(action, wanted)
        checks += 1
        if missing:
            problems.append(f"{len(missing)} bestätigte Anlagen ohne Protokolleintrag {action}")

    # --- acknowledged sessions ----------------------------------------------------------------
    session_acks = [a for a in acks if a["op"] == "session"]
    sessions = {
        str(s.uuid): s
        for s in CounsellingSession.objects.filter(
            uuid__in=[a["uuid"] for a in session_acks]
        ).select_related("case__client")
    }
    members = defaultdict(set)
    for session_uuid, client_uuid in CounsellingSession.members_present.through.objects.filter(
        session__uuid__in=list(sessions)
    ).values_list("session__uuid", "client__uuid"):
        members[str(session_uuid)].add(str(client_uuid))
    for ack in session_acks:
        checks += 1
        sent, session = ack["sent"], sessions.get(ack["uuid"])
        if session is None:
            lost.append(f"Gespräch {ack['marker']} ({ack['uuid']}) fehlt")
            continue
        got = {
            "held_on": session.held_on.isoformat(),
            "duration_minutes": session.duration_minutes,
            "channel": session.channel,
            "interpreter_used": session.interpreter_used,
            "interpreter_language": session.interpreter_language,
            "fields_of_action": list(session.fields_of_action),
            "summary": session.summary,
            "confidential_note": session.confidential_note,  # decrypted with the field key
            "members_present": sorted(members[ack["uuid"]]),
        }
        for key, value in got.items():
            if sent[key] != value:
                lost.append(f"Gespräch {ack['marker']}: {key} {value!r} statt {sent[key]!r}")
        if str(session.case.client.uuid) != ack["person"]:
            lost.append(f"Gespräch {ack['marker']}: in der Fallakte einer anderen Person")
        if session.counsellor_id != user_of[ack["writer"]]:
            lost.append(f"Gespräch {ack['marker']}: andere Beraterin")
    wanted = {a["uuid"] for a in session_acks}
    missing = wanted - _audited("counselling.session.recorded", wanted)
    checks += 1
    if missing:
        problems.append(f"{len(missing)} bestätigte Gespräche ohne Protokolleintrag")

    # --- acknowledged changes: each value is the current one or kept in the revision history ----
    chains: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ack in creates:
        chains[ack["uuid"]].append((ack["version"], ack["sent"]["phone"]))
    for ack in acks:
        if ack["op"] == "update":
            chains[ack["uuid"]].append((ack["version"], ack["sent"]["phone"]))
    revisions = defaultdict(list)
    for client_uuid, previous in (
        PersonRevision.objects.filter(client__uuid__in=list(chains))
        .order_by("pk")
        .values_list("client__uuid", "previous")
    ):
        revisions[str(client_uuid)].append(previous)
    update_audits = Counter(
        str(u)
        for u in AuditEntry.objects.filter(
            action="clients.client.updated", object_uuid__in=list(chains)
        ).values_list("object_uuid", flat=True)
    )
    acked_updates = Counter(a["uuid"] for a in acks if a["op"] == "update")
    unacked_saved_updates = 0
    for uuid, chain in chains.items():
        person = persons.get(uuid)
        if person is None:
            continue
        current = person.version
        history = revisions[uuid]
        for version, phone in chain:
            checks += 1
            if version == current:
                if person.phone != phone:
                    lost.append(
                        f"Person {uuid}: Stand {version} hat {person.phone!r}, nicht {phone!r}"
                    )
            elif version > current:
                lost.append(f"Person {uuid}: bestätigter Stand {version} > gespeicherter {current}")
            elif version - 1 >= len(history) or history[version - 1].get("phone") != phone:
                lost.append(f"Person {uuid}: Stand {version} ({phone!r}) fehlt in der Historie")
        checks += 1
        if not (len(history) == current - 1 == update_audits[uuid]):
            problems.append(
                f"Person {uuid}: Version {current}, aber {len(history)} frühere Stände und "
                f"{update_audits[uuid]} Protokolleinträge"
            )
        unacked_saved_updates += current - 1 - acked_updates[uuid]

    # --- what is in the database was sent, once ---------------------------------------------------
    attempted = defaultdict(set)
    for attempt in attempts:
        attempted[attempt["op"]].add(attempt["marker"])
    acked_markers = {a["marker"] for a in acks}
    stored_persons = Counter(
        name.removeprefix(PERSON_PREFIX)
        for name in Client.objects.filter(family_name__startswith=PERSON_PREFIX).values_list(
            "family_name", flat=True
        )
    )
    stored_sessions = Counter(
        text.removeprefix(SESSION_PREFIX)
        for text in CounsellingSession.objects.filter(
            summary__startswith=SESSION_PREFIX + "W"
        ).values_list("summary", flat=True)
    )
    saved = Counter({"update": unacked_saved_updates})
    for kind, stored, op in (
        ("Person", stored_persons, "create"),
        ("Gespräch", stored_sessions, "session"),
    ):
        for marker, count in stored.items():
            checks += 1
            if count > 1:
                problems.append(f"{kind} {marker} {count}-mal gespeichert")
            if marker not in attempted[op]:
                problems.append(f"{kind} {marker} gespeichert, aber nie gesendet")
            elif marker not in acked_markers:
                saved[op] += 1

    problems.extend(check_database(base))

    # --- what the writers saw --------------------------------------------------------------------
    windows = [(o["t_kill"], o["t_up"] + 1.0) for o in outages]
    failed = [a for a in attempts if a["result"] != "2xx"]
    outside = [
        a for a in failed if not any(a["t0"] <= end and a["t1"] >= start for start, end in windows)
    ]
    for attempt in outside[:10]:
        problems.append(
            f"Fehlerantwort außerhalb eines Ausfalls: {attempt['op']} {attempt['marker']} "
            f"{attempt['result']} {attempt.get('detail', '')}"
        )
    odd = Counter(
        a["result"] for a in failed if a["result"] not in ("conn",) and a["result"][0] != "5"
    )
    for result, count in odd.items():
        problems.append(f"{count} Antworten {result} (erwartet nur Verbindungsfehler oder 5xx)")
    problems.extend(lost)
    writes = [a for a in attempts if a["op"] != "read"]
    numbers = {
        "acked": len(acks),
        "acked_create": len(creates),
        "acked_session": len(session_acks),
        "acked_update": sum(acked_updates.values()),
        "unacked": sum(1 for a in writes if a["result"] != "2xx"),
        "conn": sum(1 for a in writes if a["result"] == "conn"),
        "5xx": sum(1 for a in writes if a["result"][0] == "5"),
        "unacked_saved": sum(saved.values()),
        "unacked_saved_by_op": dict(saved),
        "errors_outside": len(outside),
        "lost": len(lost),
        "checks": checks,
        "requests": len(attempts),
    }
    return {"numbers": numbers, "problems": problems}


def check_database(base: dict) -> list[str]:
    """Invariants of the whole database: nothing half-written, no orphans."""
    problems: list[str] = []
    # Every person of the stream has its household and exactly one case, with their entries.
    new_persons = Client.objects.filter(family_name__startswith=PERSON_PREFIX)
    without_household = new_persons.filter(household__isnull=True).count()
    if without_household:
        problems.append(f"{without_household} Personen ohne Haushalt")
    case_counts = Counter(
        Case.objects.filter(client__in=new_persons).values_list("client_id", flat=True)
    )
    for person_id in new_persons.values_list("pk", flat=True):
        if case_counts[person_id] != 1:
            problems.append(f"Person {person_id}: {case_counts[person_id]} Fallakten statt 1")
    empty = Household.objects.filter(pk__gt=base["household"], members__isnull=True).count()
    if empty:
        problems.append(f"{empty} neue Haushalte ohne Mitglied")
    # Case numbers: per county and year exactly 1..last of the counter, no gap, no double.
    numbers = defaultdict(list)
    for kreis_id, number in Case.objects.values_list("kreis_id", "number"):
        year, _, running = number.partition("-")
        numbers[(kreis_id, int(year))].append(int(running))
    for seq in CaseNumberSequence.objects.all():
        got = sorted(numbers.pop((seq.kreis_id, seq.year), []))
        if got != list(range(1, seq.last + 1)):
            problems.append(
                f"Fallnummern {seq.year}: Zähler {seq.last}, vergeben {len(got)} "
                f"(Lücke oder doppelt)"
            )
    for (_kreis_id, year), got in numbers.items():
        problems.append(f"Fallnummern {year} ohne Zähler: {len(got)}")
    # Every case's session count and last date match its sessions.
    agg = {
        row["case_id"]: (row["n"], row["last"])
        for row in CounsellingSession.objects.values("case_id").annotate(
            n=models.Count("pk"), last=models.Max("held_on")
        )
    }
    wrong = [
        number
        for pk, number, count, last in Case.objects.values_list(
            "pk", "number", "session_count", "last_session_on"
        )
        if agg.get(pk, (0, None)) != (count, last)
    ]
    if wrong:
        problems.append(f"{len(wrong)} Fallakten mit falscher Gesprächszahl/-datum: {wrong[:5]}")
    # Every new row has its audit entry and every new audit entry its row (same transaction).
    for action, model, base_key in (
        ("counselling.session.recorded", CounsellingSession, "session"),
        ("clients.client.created", Client, "client"),
        ("clients.household.created", Household, "household"),
        ("clients.case.opened", Case, "case"),
    ):
        rows = {
            str(u)
            for u in model.objects.filter(pk__gt=base[base_key]).values_list("uuid", flat=True)
        }
        entries = {
            str(u)
            for u in AuditEntry.objects.filter(pk__gt=base["audit"], action=action).values_list(
                "object_uuid", flat=True
            )
        }
        if rows - entries:
            problems.append(f"{len(rows - entries)} neue {model.__name__} ohne Eintrag {action}")
        if entries - rows:
            problems.append(f"{len(entries - rows)} Einträge {action} ohne Datensatz")
    problems.extend(_orphans())
    problems.extend(_rollups_match_rebuild())
    return problems


def _orphans() -> list[str]:
    """Rows whose foreign key points nowhere, over every constrained foreign key of every
    model (PostgreSQL enforces them; this is the proof after the crashes)."""
    problems = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey) or not field.db_constraint:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f'SELECT count(*) FROM "{model._meta.db_table}" t '  # noqa: S608
                    f'WHERE t."{field.column}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{target.db_table}" r '
                    f'WHERE r."{field.target_field.column}" = t."{field.column}")'
                )
                count = cursor.fetchone()[0]
                if count:
                    problems.append(f"{count} Waisen in {model._meta.db_table}.{field.column}")
    return problems


def _snapshot(model) -> Counter:
    names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return Counter(model.objects.values_list(*names))


def _rollups_match_rebuild() -> list[str]:
    """The figures kept current on every write equal a rebuild from the sessions."""
    from wegweiser.statistics import outcomes, rollups

    problems = []
    before = (_snapshot(ContactMonth), _snapshot(ArrivalOutcome))
    rollups.rebuild(None)
    outcomes.rebuild(None)
    after = (_snapshot(ContactMonth), _snapshot(ArrivalOutcome))
    for name, old, new in zip(("ContactMonth", "ArrivalOutcome"), before, after, strict=True):
        if old != new:
            diff = (old - new) + (new - old)
            problems.append(
                f"Kennzahlen ({name}) weichen vom Neuaufbau ab: {sum(diff.values())} Zeilen"
            )
    return problems
