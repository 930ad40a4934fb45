"""Import of counselling sessions, goals and referrals: one row = one object of a case file.

The case file is named by ``case_id`` (the ID a persons import kept), else ``case_number`` (the
case number in this county), else ``person_id`` (the person's open case file, else the newest).
Object key: the kind's ID column, else ``auto:`` + a hash of the row's mapped values (a second
identical row in the same file gets ``:2`` and so on).

Imported history may lie in closed case files (the services allow new sessions, goals and
referrals only in open ones; an import brings over what happened before). The dates must fit
the case file all the same: nothing before it was opened or after it was closed.

Referrals: the import keeps the referral as the file records it (not anonymous); where no
consent of the person to passing data to services is recorded, the report says so for the row,
so that the county can check its paper files. Rows without a follow-up date get today's date
(the service asks for one) and a note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.accounts.models import User
from wegweiser.clients.models import Case, Client, Consent
from wegweiser.core.validators import validate_no_control_characters
from wegweiser.counselling.models import MAX_DURATION_MINUTES, NOTE_MAX, CounsellingSession
from wegweiser.counselling.services import SESSION_FIELDS
from wegweiser.plans.models import Goal, GoalStatus, Plan, Priority
from wegweiser.referrals.models import (
    CLOSING_STATUSES,
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from wegweiser.transfer.importer import (
    Context,
    auto_key,
    bulk_create,
    bulk_update,
    changed_ref,
    chunks,
    date_text,
    fingerprint,
    new_ref,
    write_audit,
    write_refs,
)
from wegweiser.transfer.importer_persons import _refresh_outcomes, refresh_months
from wegweiser.transfer.models import Entity, ImportKind

LINK_KEYS = ("case_id", "case_number", "person_id")
# What the rules, the rollups and the audit read of a case file (and its person).
CASE_COLUMNS = (
    "uuid",
    "kreis_id",
    "number",
    "opened_on",
    "closed_on",
    "responsible_id",
    "team_id",
    "organisation_id",
    "client__uuid",
    "client__household_id",
    "client__kreis_id",
    "client__arrival_date",
)
ENTITY = {
    ImportKind.SESSIONS: Entity.SESSION,
    ImportKind.GOALS: Entity.GOAL,
    ImportKind.REFERRALS: Entity.REFERRAL,
}
ID_KEY = {
    ImportKind.SESSIONS: "session_id",
    ImportKind.GOALS: "goal_id",
    ImportKind.REFERRALS: "referral_id",
}
MODEL = {
    ImportKind.SESSIONS: CounsellingSession,
    ImportKind.GOALS: Goal,
    ImportKind.REFERRALS: Referral,
}
ACTIONS = {
    ImportKind.SESSIONS: ("counselling.session.recorded", "counselling.session.updated"),
    ImportKind.GOALS: ("plans.goal.added", "plans.goal.updated"),
    ImportKind.REFERRALS: ("referrals.referral.created", "referrals.referral.updated"),
}
# Model fields an import sets per kind (the case besides).
FIELDS = {
    ImportKind.SESSIONS: (*SESSION_FIELDS, "counsellor"),
    ImportKind.GOALS: (
        "field_of_action",
        "text",
        "target_date",
        "priority",
        "status",
        "reached_on",
    ),
    ImportKind.REFERRALS: (
        "service",
        "service_name",
        "referred_on",
        "status",
        "appointment_on",
        "follow_up_on",
        "outcome",
        "closed_on",
    ),
}


@dataclasses.dataclass
class Item:
    row: int
    key: str
    fp: str
    case: Case
    values: dict
    ref: tuple | None = None
    action: str = "create"  # create | update | unchanged | unchanged_fp
    obj: object = None
    changed: list[str] = dataclasses.field(default_factory=list)
    old_case_id: int | None = None
    old_held_on: dt.date | None = None


@dataclasses.dataclass
class Work:
    """What the analysis found, for the writing."""

    items: list[Item]


# --- finding the case file --------------------------------------------------------------------


class Cases:
    """The case files the rows name, read in a few queries for the whole table."""

    def __init__(self, ctx: Context, rows) -> None:
        self.ctx = ctx
        by = {key: set() for key in LINK_KEYS}
        for _number, parsed in rows:
            for key in LINK_KEYS:
                if parsed.get(key):
                    by[key].add(parsed[key])
        kreis_id = ctx.kreis_id
        self.by_case_id: dict[str, int] = {}
        self.by_number: dict[str, int] = {}
        self.by_person: dict[str, int] = {}
        from wegweiser.transfer.models import ExternalRef

        for entity, wanted, target in (
            (Entity.CASE, by["case_id"], self.by_case_id),
            (Entity.PERSON, by["person_id"], None),
        ):
            found = {}
            for part in chunks(sorted(wanted)):
                found.update(
                    ExternalRef.objects.filter(
                        kreis_id=kreis_id, entity=entity, external_id__in=part
                    ).values_list("external_id", "object_id")
                )
            if target is not None:
                target.update(found)
            else:
                persons = found
        for part in chunks(sorted(by["case_number"])):
            self.by_number.update(
                Case.objects.filter(kreis_id=kreis_id, number__in=part).values_list("number", "pk")
            )
        newest: dict[int, int] = {}
        open_first: dict[int, int] = {}
        for part in chunks(sorted(set(persons.values()))):
            for client_id, pk, closed in (
                Case.objects.filter(kreis_id=kreis_id, client_id__in=part)
                .order_by("client_id", "-opened_on", "-pk")
                .values_list("client_id", "pk", "closed_on")
            ):
                newest.setdefault(client_id, pk)
                if closed is None:
                    open_first[client_id] = pk
        for external_id, client_id in persons.items():
            pk = open_first.get(client_id) or newest.get(client_id)
            if pk is not None:
                self.by_person[external_id] = pk
        ids = {*self.by_case_id.values(), *self.by_number.values(), *self.by_person.values()}
        self.cases: dict[int, Case] = {}
        for part in chunks(sorted(ids)):
            self.cases.update(
                Case.objects.filter(kreis_id=kreis_id, pk__in=part)
                .select_related("client")
                .only(*CASE_COLUMNS)
                .in_bulk()
            )
        # The responsible (default counsellor) of each case: a few users, read once.
        users = User.objects.in_bulk({c.responsible_id for c in self.cases.values()})
        for case in self.cases.values():
            case.responsible = users[case.responsible_id]

    def find(self, number: int, parsed: dict) -> Case | None:
        ctx = self.ctx
        for key, table in (
            ("case_id", self.by_case_id),
            ("case_number", self.by_number),
            ("person_id", self.by_person),
        ):
            value = parsed.get(key)
            if not value:
                continue
            pk = table.get(value)
            case = self.cases.get(pk) if pk is not None else None
            if case is None:
                ctx.error(number, key, _not_found(key, value))
            return case
        columns = [k for k in LINK_KEYS if ctx.mapped(k)]
        ctx.error(
            number,
            columns[0] if columns else None,
            _("The row names no case file: the columns of the case file are empty."),
        )
        return None


def _not_found(key: str, value: str) -> str:
    if key == "case_id":
        return _("No case file with the ID “%(value)s” was imported into this county.") % {
            "value": value
        }
    if key == "case_number":
        return _("There is no case file with the case number “%(value)s” in this county.") % {
            "value": value
        }
    return _(
        "No person with the ID “%(value)s” was imported into this county, or the person has no "
        "case file."
    ) % {"value": value}


# --- the rules per kind -----------------------------------------------------------------------


def _session(ctx: Context, number: int, parsed: dict, case: Case) -> dict | None:
    ok = True
    held_on = parsed.get("held_on")
    if held_on is not None:
        if held_on > ctx.today:
            ctx.error(number, "held_on", _("A session cannot lie in the future."))
            ok = False
        elif held_on < case.opened_on:
            ctx.error(
                number,
                "held_on",
                _("The session cannot be before the case was opened (%(date)s).")
                % {"date": date_text(case.opened_on)},
            )
            ok = False
        elif case.closed_on and held_on > case.closed_on:
            ctx.error(
                number,
                "held_on",
                _("The session cannot be after the case was closed (%(date)s).")
                % {"date": date_text(case.closed_on)},
            )
            ok = False
    minutes = parsed.get("duration_minutes")
    if minutes is not None and not (1 <= minutes <= MAX_DURATION_MINUTES):
        ctx.error(
            number,
            "duration_minutes",
            _("The duration must be between 1 and %(max)d minutes.")
            % {"max": MAX_DURATION_MINUTES},
        )
        ok = False
    used = bool(parsed.get("interpreter_used"))
    languages = parsed.get("interpreter_language") or []
    if used and not languages:
        ctx.error(
            number,
            "interpreter_language" if ctx.mapped("interpreter_language") else "interpreter_used",
            _("A session with an interpreter needs the interpreter's language."),
        )
        ok = False
    if len(languages) > 1:
        ctx.warn(
            number,
            "interpreter_language",
            _("Only one interpreter language can be recorded; “%(code)s” is used.")
            % {"code": languages[0]},
        )
    note = parsed.get("confidential_note") or ""
    if len(note) > NOTE_MAX:
        ctx.error(
            number,
            "confidential_note",
            _("The confidential note may have at most %(max)d characters.") % {"max": NOTE_MAX},
        )
        ok = False
    elif note:
        try:
            validate_no_control_characters(note)
        except ValidationError as exc:
            ctx.error(number, "confidential_note", exc.messages[0])
            ok = False
    if not ok:
        return None
    return {
        "held_on": held_on,
        "duration_minutes": minutes,
        "channel": parsed.get("channel"),
        "interpreter_used": used,
        "interpreter_language": languages[0] if used and languages else "",
        "fields_of_action": list(dict.fromkeys(parsed.get("fields_of_action") or [])),
        "summary": (parsed.get("summary") or "").strip(),
        "confidential_note": note.strip(),
        "counsellor": parsed.get("counsellor") or case.responsible,
    }


def _goal(ctx: Context, number: int, parsed: dict, case: Case) -> dict | None:
    status = parsed.get("status") or GoalStatus.OPEN
    reached_on = parsed.get("reached_on")
    ok = True
    if status == GoalStatus.REACHED:
        if reached_on is None:
            ctx.error(
                number,
                "reached_on" if ctx.mapped("reached_on") else "status",
                _("The goal is marked as reached, but the date it was reached is missing."),
            )
            ok = False
        elif reached_on > ctx.today:
            ctx.error(number, "reached_on", _("The date cannot be in the future."))
            ok = False
    elif reached_on is not None:
        ctx.warn(
            number,
            "reached_on",
            _("The goal is not marked as reached; the date it was reached is left out."),
        )
        reached_on = None
    if not ok:
        return None
    return {
        "field_of_action": parsed.get("field_of_action"),
        "text": (parsed.get("text") or "").strip(),
        "target_date": parsed.get("target_date"),
        "priority": parsed.get("priority") or Priority.MEDIUM,
        "status": status,
        "reached_on": reached_on,
    }


def _referral(ctx: Context, number: int, parsed: dict, case: Case) -> dict | None:
    from wegweiser.directory.models import Service

    ok = True
    service = parsed.get("service")
    referred_on = parsed.get("referred_on")
    closed_on = parsed.get("closed_on")
    status = parsed.get("status")
    appointment_on = parsed.get("appointment_on")
    follow_up_on = parsed.get("follow_up_on")

    def fail(key, message):
        nonlocal ok
        ctx.error(number, key, message)
        ok = False

    if referred_on is not None:
        if referred_on > ctx.today:
            fail("referred_on", _("The referral date cannot be in the future."))
        elif referred_on < case.opened_on:
            fail(
                "referred_on",
                _("The referral cannot be before the case was opened (%(date)s).")
                % {"date": date_text(case.opened_on)},
            )
    if status is None:
        if closed_on is not None:
            fail(
                "status" if ctx.mapped("status") else "closed_on",
                _("The referral is closed; please give its result as status (e.g. successful)."),
            )
        status = ReferralStatus.PROPOSED
    if status in CLOSING_STATUSES and closed_on is None:
        fail(
            "closed_on" if ctx.mapped("closed_on") else "status",
            _("The status “%(status)s” needs the date the referral was closed.")
            % {"status": ReferralStatus(status).label},
        )
    if status in OPEN_STATUSES and closed_on is not None:
        fail(
            "closed_on",
            _("The referral has a closing date, but the status “%(status)s” is an open one.")
            % {"status": ReferralStatus(status).label},
        )
    if closed_on is not None:
        if closed_on > ctx.today:
            fail("closed_on", _("The closing date cannot be in the future."))
        elif referred_on and closed_on < referred_on:
            fail("closed_on", _("The referral cannot be closed before it was made."))
    if follow_up_on is not None and referred_on and follow_up_on < referred_on:
        fail("follow_up_on", _("The follow-up cannot be before the referral."))
    if status == ReferralStatus.APPOINTMENT_MADE and appointment_on is None:
        fail(
            "appointment_on" if ctx.mapped("appointment_on") else "status",
            _("Please enter the date of the appointment."),
        )
    elif appointment_on and referred_on and appointment_on < referred_on:
        fail("appointment_on", _("The appointment cannot be before the referral."))
    if not ok:
        return None
    if status in OPEN_STATUSES and follow_up_on is None:
        follow_up_on = ctx.today
        ctx.warn(
            number,
            "follow_up_on" if ctx.mapped("follow_up_on") else None,
            _("The open referral has no follow-up date; today is entered."),
        )
    if status in OPEN_STATUSES and case.closed_on is not None:
        ctx.warn(number, None, _("The referral is still open, but its case file is closed."))
    is_service = isinstance(service, Service)
    return {
        "service": service if is_service else None,
        "service_name": "" if is_service else (service or "")[:200],
        "referred_on": referred_on,
        "status": status,
        "appointment_on": appointment_on,
        "follow_up_on": follow_up_on,
        "outcome": (parsed.get("outcome") or "").strip(),
        "closed_on": closed_on,
    }


RULES = {
    ImportKind.SESSIONS: _session,
    ImportKind.GOALS: _goal,
    ImportKind.REFERRALS: _referral,
}


# --- analysis ---------------------------------------------------------------------------------


def analyse(ctx: Context) -> Work:
    kind = ImportKind(ctx.job.kind)
    if not any(ctx.mapped(k) for k in LINK_KEYS):
        ctx.mapping_error(
            _(
                "No column names the case file: please assign the case file's ID, the case "
                "number or the person's ID."
            )
        )
        return Work([])
    id_key = ID_KEY[kind]
    model = MODEL[kind]
    entity = ENTITY[kind]
    rows = []
    for row in ctx.rows():
        rows.append((row.number, ctx.parse(row)))
    cases = Cases(ctx, rows)
    restricted = _restricted(ctx, {c.client_id for c in cases.cases.values()})
    refs = ctx.load_refs([entity])[entity]
    consents = _referral_consents(ctx, cases) if kind == ImportKind.REFERRALS else None
    rule = RULES[kind]
    mapped_own = [k for k in ctx.columns if k not in LINK_KEYS and k != id_key]
    seen: dict[str, int] = {}
    occurrences: Counter = Counter()
    items: list[Item] = []
    for number, parsed in rows:
        case = cases.find(number, parsed) if number not in ctx.refused else None
        if case is None:
            ctx.refused.add(number)
            continue
        if case.client_id in restricted:
            ctx.error(
                number,
                None,
                _("The processing of this person's data is restricted; nothing can be added."),
            )
            continue
        values = rule(ctx, number, parsed, case)
        if values is None or number in ctx.refused:
            continue
        own = {k: parsed.get(k) for k in mapped_own}
        if parsed.get(id_key):
            key = parsed[id_key]
            if key in seen:
                ctx.error(
                    number,
                    id_key,
                    _("The ID “%(value)s” is already in row %(row)d.")
                    % {"value": key, "row": seen[key]},
                )
                continue
        else:
            key = auto_key(case.pk, sorted(own.items()))
            occurrences[key] += 1
            if occurrences[key] > 1:
                key = f"{key}:{occurrences[key]}"
        seen[key] = number
        fp = fingerprint({**own, "case": case.pk})
        item = Item(row=number, key=key, fp=fp, case=case, values=values, ref=refs.get(key))
        if kind == ImportKind.REFERRALS:
            _consent_note(ctx, item, consents)
        items.append(item)
    _objects(ctx, kind, model, items)
    for item in items:
        if item.row in ctx.refused:
            continue
        ctx.count("unchanged" if item.action == "unchanged_fp" else item.action, entity)
    return Work(items)


def _restricted(ctx: Context, client_ids: set[int]) -> set[int]:
    from wegweiser.dataprotection.models import Restriction

    if not client_ids:
        return set()
    return (
        set(
            Restriction.objects.filter(kreis_id=ctx.kreis_id, lifted_at__isnull=True).values_list(
                "client_id", flat=True
            )
        )
        & client_ids
    )


def _referral_consents(ctx: Context, cases: Cases) -> dict[int, list[tuple]]:
    """Per person the active consents to passing data (recipient id, recipient name)."""
    found = defaultdict(list)
    ids = sorted({c.client_id for c in cases.cases.values()})
    for part in chunks(ids):
        for client_id, recipient_id, name in Consent.objects.filter(
            kreis_id=ctx.kreis_id,
            client_id__in=part,
            covers_referral=True,
            withdrawn_on__isnull=True,
        ).values_list("client_id", "referral_recipient_id", "referral_recipient_name"):
            found[client_id].append((recipient_id, name))
    return found


def _consent_note(ctx: Context, item: Item, consents) -> None:
    """As ``referrals.rules.referral_consent``: a consent for any service or this one."""
    service = item.values["service"]
    name = item.values["service_name"].strip().lower()
    for recipient_id, recipient_name in consents.get(item.case.client_id, []):
        if recipient_id is None and not recipient_name:
            return
        if service is not None and recipient_id == service.pk:
            return
        if name and recipient_id is None and recipient_name.strip().lower() == name:
            return
    ctx.warn(
        item.row,
        None,
        _(
            "No consent of the person to passing data to services is recorded. The referral is "
            "imported as in the file; please check the consent in the paper file."
        ),
    )


def _objects(ctx: Context, kind, model, items: list[Item]) -> None:
    """New objects in memory; objects with a ref and other values loaded and changed."""
    fields = FIELDS[kind]
    to_load = [i.ref[1] for i in items if i.ref and i.ref[2] != i.fp]
    loaded = {}
    for part in chunks(to_load):
        loaded.update(
            ctx.locked(model.objects.filter(kreis_id=ctx.kreis_id, pk__in=part)).in_bulk()
        )
    plan_case = {}
    if kind == ImportKind.GOALS:
        ids = [g.plan_id for g in loaded.values()]
        for part in chunks(ids):
            plan_case.update(Plan.objects.filter(pk__in=part).values_list("pk", "case_id"))
    for item in items:
        if item.ref is None:
            item.obj = _new(ctx, kind, model, item)
        elif item.ref[2] == item.fp:
            item.action = "unchanged"
            continue
        else:
            obj = loaded.get(item.ref[1])
            if obj is None:
                ctx.error(
                    item.row,
                    None,
                    _(
                        "This was imported before but has since been deleted in Wegweiser; the "
                        "row is not imported again."
                    ),
                )
                continue
            item.action = "update"
            item.obj = obj
            if kind == ImportKind.GOALS:
                item.old_case_id = plan_case.get(obj.plan_id)
            else:
                item.old_case_id = obj.case_id
            if kind == ImportKind.SESSIONS:
                item.old_held_on = obj.held_on
            for name in fields:
                key = _key_of_field(kind, name)
                if key is not None and not ctx.mapped(key):
                    continue
                if getattr(obj, name) != item.values[name]:
                    item.changed.append(name)
                    setattr(obj, name, item.values[name])
            if item.old_case_id != item.case.pk:
                item.changed.append("case")
                if kind != ImportKind.GOALS:
                    obj.case = item.case
            if not item.changed:
                item.action = "unchanged_fp"
        if item.obj is not None and not _clean(ctx, kind, item):
            item.obj = None


def _key_of_field(kind, name: str) -> str | None:
    """The catalogue key that sets a model field (None: derived, always written)."""
    if kind == ImportKind.REFERRALS and name in ("service", "service_name"):
        return "service"
    return name


def _new(ctx: Context, kind, model, item: Item):
    values = dict(item.values)
    if kind == ImportKind.GOALS:
        return Goal(kreis_id=ctx.kreis_id, **values)
    if kind == ImportKind.REFERRALS:
        return Referral(
            kreis_id=ctx.kreis_id,
            case=item.case,
            reason=_("Imported from the file “%(file)s”.") % {"file": ctx.job.file_name},
            created_by=ctx.actor,
            **values,
        )
    return CounsellingSession(kreis_id=ctx.kreis_id, case=item.case, **values)


EXCLUDE = {
    ImportKind.SESSIONS: ["confidential_note", "kreis", "case", "counsellor"],
    ImportKind.GOALS: ["kreis", "plan"],
    ImportKind.REFERRALS: ["kreis", "case", "session", "goal", "service", "created_by"],
}
FIELD_KEY = {"service_name": "service", "reason": None}


def _clean(ctx: Context, kind, item: Item) -> bool:
    try:
        item.obj.full_clean(
            exclude=EXCLUDE[kind], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        ctx.validation_errors(item.row, exc, FIELD_KEY)
        return False
    return True


# --- writing ----------------------------------------------------------------------------------


def write(ctx: Context, plan: Work) -> None:
    kind = ImportKind(ctx.job.kind)
    model = MODEL[kind]
    entity = ENTITY[kind]
    now = timezone.now()
    live = [i for i in plan.items if i.row not in ctx.refused]
    created = [i for i in live if i.action == "create" and i.obj is not None]
    updated = [i for i in live if i.action == "update" and i.obj is not None]
    ctx.progress(len(ctx.table.rows))
    new_plans = []
    if kind == ImportKind.GOALS:
        new_plans = _plans(ctx, created + updated)
    bulk_create(model, [i.obj for i in created])
    for item in updated:
        item.obj.version += 1
        item.obj.updated_at = now
    fields = [*FIELDS[kind], "version", "updated_at"]
    fields.append("plan" if kind == ImportKind.GOALS else "case")
    if kind == ImportKind.GOALS:
        fields.append("position")
    bulk_update(model, [i.obj for i in updated], fields)
    new_refs = [new_ref(ctx, entity, i.key, i.obj.pk, i.fp) for i in created if not i.ref]
    changed = [changed_ref(ctx, i.ref[0], i.obj.pk, i.fp) for i in created if i.ref]
    changed += [changed_ref(ctx, i.ref[0], i.obj.pk, i.fp) for i in updated]
    changed += [
        changed_ref(ctx, i.ref[0], i.ref[1], i.fp) for i in live if i.action == "unchanged_fp"
    ]
    write_refs(ctx, new_refs, changed)
    touched_cases = {i.case.pk for i in created + updated} | {
        i.old_case_id for i in updated if i.old_case_id
    }
    if kind == ImportKind.SESSIONS:
        _session_rollups(touched_cases)
        refresh_months(touched_cases)
    elif kind == ImportKind.GOALS:
        plans = {i.obj.plan_id for i in created + updated}
        Plan.objects.filter(pk__in=list(plans)).update(version=F("version") + 1, updated_at=now)
        clients = {i.case.client_id for i in created + updated}
        _refresh_outcomes(
            list(Client.objects.filter(pk__in=list(clients)).only("pk", "kreis_id", "arrival_date"))
        )
    elif kind == ImportKind.REFERRALS:
        _referral_events(ctx, created, updated)
    audit = []
    for p in new_plans:
        audit.append(ctx.audit("plans.plan.created", p, client=p.case.client, case=p.case))
    create_action, update_action = ACTIONS[kind]
    for item in created:
        audit.append(
            ctx.audit(
                create_action,
                item.obj,
                client=item.case.client,
                case=item.case,
                data=_audit_data(kind, item),
            )
        )
    for item in updated:
        audit.append(
            ctx.audit(
                update_action,
                item.obj,
                client=item.case.client,
                case=item.case,
                data={"fields": sorted(item.changed)},
            )
        )
    write_audit(audit)
    ctx.progress(ctx.total)


def _audit_data(kind, item: Item) -> dict:
    v = item.values
    if kind == ImportKind.SESSIONS:
        return {"channel": v["channel"], "minutes": v["duration_minutes"]}
    if kind == ImportKind.GOALS:
        return {"field_of_action": v["field_of_action"]}
    return {"status": v["status"], "anonymous": False, "directory": v["service"] is not None}


def _plans(ctx: Context, items: list[Item]) -> list[Plan]:
    """The case files' plans (one per case, as ``plan_get_or_create``); goals go to the end."""
    case_ids = sorted({i.case.pk for i in items})
    plans: dict[int, Plan] = {}
    for part in chunks(case_ids):
        for p in Plan.objects.filter(kreis_id=ctx.kreis_id, case_id__in=part):
            plans[p.case_id] = p
    new = []
    for item in items:
        case = item.case
        if case.pk not in plans:
            plan = Plan(
                kreis_id=ctx.kreis_id,
                case=case,
                review_interval_months=ctx.job.kreis.plan_review_months,
            )
            plans[case.pk] = plan
            new.append(plan)
    bulk_create(Plan, new)
    top: dict[int, int] = {}
    ids = [p.pk for p in plans.values()]
    for part in chunks(ids):
        top.update(
            Goal.objects.filter(plan_id__in=part)
            .values("plan_id")
            .annotate(m=Max("position"))
            .values_list("plan_id", "m")
        )
    for item in items:
        plan = plans[item.case.pk]
        if item.action == "create" or "case" in item.changed:
            top[plan.pk] = (top.get(plan.pk) or 0) + 1
            item.obj.plan = plan
            item.obj.position = top[plan.pk]
    return new


def _session_rollups(case_ids: set[int]) -> None:
    """Each touched case's session count and last session (as ``_refresh_case_rollup``): one
    UPDATE per chunk of cases, counted by the database."""
    sessions = (
        CounsellingSession.objects.filter(case_id=OuterRef("pk")).order_by().values("case_id")
    )
    count = sessions.annotate(n=Count("pk")).values("n")
    last = sessions.annotate(last=Max("held_on")).values("last")
    for part in chunks(sorted(case_ids)):
        Case.objects.filter(pk__in=part).update(
            session_count=Coalesce(Subquery(count), 0), last_session_on=Subquery(last)
        )


def _referral_events(ctx: Context, created: list[Item], updated: list[Item]) -> None:
    """The status history: one event per new referral, one per change of status or dates."""
    events = [
        ReferralEvent(
            kreis_id=ctx.kreis_id,
            referral=i.obj,
            actor=ctx.actor,
            status=i.obj.status,
            follow_up_on=i.obj.follow_up_on,
            appointment_on=i.obj.appointment_on,
        )
        for i in created
        + [u for u in updated if {"status", "follow_up_on", "appointment_on"} & set(u.changed)]
    ]
    bulk_create(ReferralEvent, events)
