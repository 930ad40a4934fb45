"""Import of persons (with households, case files and consent): one row = a person and one case
file. See ``importer`` for the flow; this module holds the rules of the persons kind.

- Person key: the ``person_id`` cell, else ``auto:`` + a hash of the folded names and the date
  (or year) of birth, so that a file without IDs imports again without change.
- Household: rows with the same ``household_id`` share one (label: ``household_label``, else
  "Haushalt <family name>").
- Case key: ``case_id``, else ``az:<case number>``, else ``<person key>/<opened on>``.
- Consent: a date in ``consent_given_on`` records a consent to processing in writing (the form
  spreadsheets record is the signed declaration); the report says so once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.clients import choices
from wegweiser.clients.duplicates import (
    LIKELY,
    Birth,
    Person,
    PersonName,
    _memo_words,
    _stored_keys,
    birth_factor,
    score,
)
from wegweiser.clients.models import Case, CaseNumberSequence, Client, Consent, Household
from wegweiser.clients.services import CLIENT_FIELDS, _prepare_client
from wegweiser.transfer.importer import (
    Context,
    Message,
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
from wegweiser.transfer.models import Entity, MessageLevel
from wegweiser.transfer.values import fold

PERSON_KEYS = tuple(k for k in CLIENT_FIELDS if k != "birth_date_precision")
CASE_KEYS = ("case_number", "case_opened_on", "responsible", "case_closed_on", "close_reason")
HOUSEHOLD_KEYS = ("household_id", "household_label")
# Every field of the person's part of a row (what decides "same person data").
PERSON_PART = (*PERSON_KEYS, "household_id", "consent_given_on")
# Client fields that an import writes (besides the derived columns).
WRITTEN = (*CLIENT_FIELDS, "name_tokens", "name_phonetic", "household")
EMPTY = {
    "gender": choices.Gender.UNKNOWN,
    "residence_status": choices.ResidenceStatus.UNKNOWN,
    "accommodation_phase": choices.AccommodationPhase.UNKNOWN,
    "nationalities": [],
    "languages": [],
    "interpreter_needed": False,
}
NULLABLE = {
    "birth_date",
    "birth_year",
    "municipality",
    "arrival_date",
    "residence_valid_until",
    "accommodation_since",
}
CANDIDATES_SHOWN = 5
# Checked by full_clean: the fields a row sets, except the nationalities (values.parse gives only
# known country codes; the CountryField's own check costs a millisecond per person).
CLEAN_EXCLUDE = [
    f.name for f in Client._meta.fields if f.name not in PERSON_KEYS or f.name == "nationalities"
]
_NUMBER = re.compile(r"^(\d{4})-(\d+)$")


@dataclasses.dataclass
class PersonItem:
    key: str
    first: int
    values: dict
    rows: list[int] = dataclasses.field(default_factory=list)
    ref: tuple | None = None
    fp: str = ""
    action: str = "create"  # create | update | unchanged | link | skip
    client: Client | None = None
    changed: list[str] = dataclasses.field(default_factory=list)
    before: dict = dataclasses.field(default_factory=dict)
    household: HouseholdItem | None = None
    consent_on: dt.date | None = None
    bad: bool = False
    alive: bool = False


@dataclasses.dataclass
class HouseholdItem:
    key: str
    label: str
    first: int
    ref: tuple | None = None
    fp: str = ""
    action: str = "create"
    household: Household | None = None
    alive: bool = False


@dataclasses.dataclass
class CaseItem:
    row: int
    person: PersonItem
    key: str
    fp: str
    ref: tuple | None = None
    action: str = "create"
    case: Case | None = None
    number: str | None = None  # the file's case number
    changed: list[str] = dataclasses.field(default_factory=list)
    was_closed: bool = False
    values: dict = dataclasses.field(default_factory=dict)
    reuse: int | None = None  # the existing open case file a linked person keeps


@dataclasses.dataclass
class Plan:
    persons: list[PersonItem]
    households: dict[str, HouseholdItem]
    cases: list[CaseItem]


# --- analysis ---------------------------------------------------------------------------------


def analyse(ctx: Context) -> Plan:
    rows = []  # (row number, values, bad keys)
    for row in ctx.rows():
        before = len(ctx.messages)
        parsed = ctx.parse(row)
        bad = {_key_of(ctx, m.column) for m in ctx.messages[before:]}
        rows.append((row.number, parsed, bad))
    refs = ctx.load_refs([Entity.PERSON, Entity.HOUSEHOLD, Entity.CASE])
    persons = _group_persons(ctx, rows, refs[Entity.PERSON])
    _person_objects(ctx, persons)
    _duplicates(ctx, persons)
    households = _households(ctx, persons, rows, refs[Entity.HOUSEHOLD])
    cases = _cases(ctx, persons, rows, refs[Entity.CASE])
    _consents(ctx, persons)
    _settle(ctx, persons, households, cases)
    if any(p.alive and p.consent_on and p.action != "link" for p in persons):
        ctx.warn(
            0,
            "consent_given_on",
            _(
                "Consents from the file are recorded as given in writing (signed). Please make "
                "sure the signed declarations are in the files."
            ),
        )
    return Plan(persons, households, cases)


def _key_of(ctx: Context, header: str) -> str | None:
    for key, h in ctx.headers.items():
        if h == header:
            return key
    return None


def _person_key(values: dict) -> str:
    if values.get("person_id"):
        return values["person_id"]
    born = values.get("birth_date") or values.get("birth_year")
    return auto_key(fold(values.get("given_names")), fold(values.get("family_name")), born)


def _group_persons(ctx: Context, rows, refs) -> list[PersonItem]:
    persons: dict[str, PersonItem] = {}
    for number, parsed, bad in rows:
        if bad & {"person_id", "given_names", "family_name", "birth_date", "birth_year"}:
            continue  # no key for the person: the row is refused already
        key = _person_key(parsed)
        item = persons.get(key)
        if item is None:
            part = {
                k: parsed.get(k) for k in PERSON_PART if ctx.mapped(k) or parsed.get(k) is not None
            }
            item = persons[key] = PersonItem(
                key=key,
                first=number,
                values=parsed,
                ref=refs.get(key),
                fp=fingerprint(part),
                bad=bool(bad & set(PERSON_PART)),
            )
        elif not item.bad and any(
            parsed.get(k) != item.values.get(k) for k in PERSON_PART if ctx.mapped(k)
        ):
            ctx.warn(
                number,
                None,
                _(
                    "The details of the person differ from row %(row)d; those of row %(row)d "
                    "are used."
                )
                % {"row": item.first},
            )
        item.rows.append(number)
    return list(persons.values())


def _client_values(ctx: Context, item: PersonItem) -> dict:
    result = {}
    for key in PERSON_KEYS:
        value = item.values.get(key)
        if not ctx.mapped(key) and value is None:
            continue
        if key == "interpreter_language":
            codes = value or []
            if len(codes) > 1:
                ctx.warn(
                    item.first,
                    key,
                    _("Only one interpreter language can be recorded; “%(code)s” is used.")
                    % {"code": codes[0]},
                )
            value = codes[0] if codes else ""
        if value is None:
            value = EMPTY.get(key, None if key in NULLABLE else "")
        result[key] = value
    if ctx.mapped("birth_date") or ctx.mapped("birth_year"):
        if result.get("birth_date"):
            result["birth_date_precision"] = choices.BirthDatePrecision.FULL
        elif result.get("birth_year"):
            result["birth_date_precision"] = choices.BirthDatePrecision.YEAR
        else:
            result["birth_date_precision"] = choices.BirthDatePrecision.UNKNOWN
    return result


def _validate_client(ctx: Context, item: PersonItem, client: Client) -> bool:
    try:
        _prepare_client(client)
        client.full_clean(
            exclude=CLEAN_EXCLUDE,
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        ctx.validation_errors(item.first, exc, {"birth_date_precision": "birth_date"})
        item.bad = True
        return False
    return True


def _person_objects(ctx: Context, persons: list[PersonItem]) -> None:
    """New persons as unsaved ``Client``s; persons with a ref and other values loaded and
    changed in memory (updates); same values: unchanged."""
    from wegweiser.dataprotection.models import Restriction

    to_load = {p.ref[1]: p for p in persons if p.ref and p.ref[2] != p.fp and not p.bad}
    loaded: dict[int, Client] = {}
    ids = list(to_load)
    for part in chunks(ids):
        for client in ctx.locked(Client.objects.filter(kreis_id=ctx.kreis_id, pk__in=part)):
            loaded[client.pk] = client
    restricted = set()
    if ids:
        restricted = set(
            Restriction.objects.filter(kreis_id=ctx.kreis_id, lifted_at__isnull=True).values_list(
                "client_id", flat=True
            )
        )
    for item in persons:
        consent = item.values.get("consent_given_on")
        if consent and consent > ctx.today:
            ctx.error(item.first, "consent_given_on", _("The date cannot be in the future."))
            item.bad = True
        if item.bad:
            continue
        if item.ref is None:
            client = Client(kreis_id=ctx.kreis_id, **_client_values(ctx, item))
            if _validate_client(ctx, item, client):
                item.client = client
            continue
        if item.ref[2] == item.fp:
            item.action = "unchanged"
            continue
        client = loaded.get(item.ref[1])
        if client is None:
            ctx.error(
                item.first,
                "person_id",
                _(
                    "This person was imported before but has since been deleted in Wegweiser; "
                    "the row is not imported again."
                ),
            )
            item.bad = True
            continue
        if client.pk in restricted:
            ctx.error(
                item.first,
                None,
                _("The processing of this person's data is restricted; it cannot be changed."),
            )
            item.bad = True
            continue
        item.before = {name: getattr(client, name) for name in CLIENT_FIELDS}
        item.before["household_id"] = client.household_id
        new = _client_values(ctx, item)
        names_changed = any(
            k in new and new[k] != getattr(client, k) for k in ("given_names", "family_name")
        )
        for name, value in new.items():
            setattr(client, name, value)
        if names_changed:
            for k in ("given_names_latin", "family_name_latin"):
                if not ctx.mapped(k):
                    setattr(client, k, "")
        if _validate_client(ctx, item, client):
            item.client = client
            item.action = "update"
            item.changed = [n for n in CLIENT_FIELDS if getattr(client, n) != item.before[n]]


# --- likely duplicates ------------------------------------------------------------------------


def _duplicates(ctx: Context, persons: list[PersonItem]) -> None:
    new = [p for p in persons if p.ref is None and p.client is not None]
    if not new:
        return
    # Blocks by phonetic key of a name word and birth data. A pair is "likely" only when the
    # birth data alone give at least LIKELY (the score is a product of factors ≤ 1): the same
    # full date, or the same year where one of the two has no exact day (duplicates.birth_factor).
    # So a person with an exact date meets those with that date and those of the year without
    # an exact day; a person without one meets everybody of the year.
    by_date: dict[tuple, list[int]] = defaultdict(list)
    by_year_unsure: dict[tuple, list[int]] = defaultdict(list)
    by_year: dict[tuple, list[int]] = defaultdict(list)
    rows: dict[int, tuple] = {}
    columns = (
        "pk",
        "uuid",
        "given_names",
        "family_name",
        "given_names_latin",
        "family_name_latin",
        "birth_date",
        "birth_year",
        "gender",
        "name_phonetic",
    )
    for row in Client.objects.filter(kreis_id=ctx.kreis_id, birth_year__isnull=False).values_list(
        *columns
    ):
        rows[row[0]] = row
        exact = Birth(row[6], row[7]).exact
        for key in _stored_keys(row[9]):
            by_year[(row[7], key)].append(row[0])
            if exact:
                by_date[(row[6], key)].append(row[0])
            else:
                by_year_unsure[(row[7], key)].append(row[0])
    if not rows:
        return
    words = _memo_words()
    known: dict[int, Person] = {}
    found: dict[str, list[tuple[float, int]]] = {}
    for item in new:
        client = item.client
        if not client.birth_year:
            continue  # without a year of birth no pair reaches "likely" (duplicates.birth_factor)
        pks = set()
        exact = Birth(client.birth_date, client.birth_year).exact
        for key in _stored_keys(client.name_phonetic):
            if exact:
                pks.update(by_date.get((client.birth_date, key), ()))
                pks.update(by_year_unsure.get((client.birth_year, key), ()))
            else:
                pks.update(by_year.get((client.birth_year, key), ()))
        if not pks:
            continue
        me = Person.of_client(client, words=words)  # not saved yet: pk None
        hits = []
        for pk in pks:
            r = rows[pk]
            if birth_factor(me.birth, Birth(r[6], r[7]))[0] < LIKELY:
                continue  # the names cannot make up for the birth data (score is a product)
            other = known.get(pk)
            if other is None:
                other = known[pk] = Person(
                    name=PersonName.of(r[2], r[3], r[4], r[5], words=words),
                    birth=Birth(r[6], r[7]),
                    gender=r[8],
                    pk=pk,
                )
            value, _reasons = score(me, other)
            if value >= LIKELY:
                hits.append((value, pk))
        if hits:
            found[item.key] = sorted(hits, key=lambda h: (-h[0], h[1]))[:CANDIDATES_SHOWN]
    numbers = _case_numbers({pk for hits in found.values() for _v, pk in hits})
    for item in new:
        hits = found.get(item.key)
        if not hits:
            continue
        candidates = []
        for value, pk in hits:
            r = rows[pk]
            candidates.append(
                {
                    "uuid": str(r[1]),
                    "name": f"{r[2]} {r[3]}".strip(),
                    "born": date_text(r[6]) if r[6] else (str(r[7]) if r[7] else ""),
                    "score": value,
                    "case_number": numbers.get(pk, ""),
                }
            )
        best = candidates[0]
        ctx.messages.append(
            Message(
                item.first,
                "",
                MessageLevel.DUPLICATE,
                _(
                    "This person may already be in Wegweiser: %(name)s, born %(born)s "
                    "(case number %(number)s). Please decide whether the row is a new person, "
                    "the same person, or is left out."
                )
                % {
                    "name": best["name"],
                    "born": best["born"] or "?",
                    "number": best["case_number"] or "–",
                },
                {"candidates": candidates},
            )
        )
        ctx.duplicate_rows.add(item.first)
    _apply_decisions(ctx, [p for p in new if p.key in found])


def _case_numbers(client_ids: set[int]) -> dict[int, str]:
    """Per person the number of the open case, else of the newest."""
    newest: dict[int, str] = {}
    open_: dict[int, str] = {}
    for part in chunks(sorted(client_ids)):
        for client_id, number, closed in (
            Case.objects.filter(client_id__in=part)
            .order_by("client_id", "-opened_on", "-pk")
            .values_list("client_id", "number", "closed_on")
        ):
            newest.setdefault(client_id, number)
            if closed is None:
                open_[client_id] = number
    return {**newest, **open_}


def _apply_decisions(ctx: Context, flagged: list[PersonItem]) -> None:
    decisions = ctx.job.decisions or {}
    wanted = {}
    for item in flagged:
        decision = str(decisions.get(str(item.first), "") or "")
        if not decision:
            ctx.undecided.add(item.first)
        elif decision == "skip":
            item.action = "skip"
            ctx.skipped.update(item.rows)
        elif decision != "new":
            wanted[item.key] = decision
    if not wanted:
        return
    valid = set()
    for key, value in list(wanted.items()):
        try:
            wanted[key] = str(uuid.UUID(value))
            valid.add(uuid.UUID(value))
        except ValueError:
            wanted[key] = value
    existing = {
        str(c.uuid): c for c in Client.objects.filter(kreis_id=ctx.kreis_id, uuid__in=list(valid))
    }
    for item in flagged:
        decision = wanted.get(item.key)
        if decision is None:
            continue
        client = existing.get(decision)
        if client is None:
            ctx.error(
                item.first,
                None,
                _("The person chosen for this row is no longer in Wegweiser. Please decide again."),
            )
            item.bad = True
            continue
        item.action = "link"
        item.client = client


# --- households -------------------------------------------------------------------------------


def _households(ctx: Context, persons, rows, refs) -> dict[str, HouseholdItem]:
    if not ctx.mapped("household_id"):
        return {}
    labels: dict[str, str] = {}
    firsts: dict[str, int] = {}
    for number, parsed, _bad in rows:
        key = parsed.get("household_id")
        if key:
            firsts.setdefault(key, number)
            if parsed.get("household_label") and key not in labels:
                labels[key] = parsed["household_label"]
    households: dict[str, HouseholdItem] = {}
    for item in persons:
        key = item.values.get("household_id")
        if not key or item.bad or item.action in ("skip", "link"):
            continue
        hh = households.get(key)
        if hh is None:
            label = labels.get(key) or _("Household %(name)s") % {
                "name": item.values.get("family_name") or ""
            }
            label = label[:200]
            hh = households[key] = HouseholdItem(
                key=key, label=label, first=firsts[key], ref=refs.get(key)
            )
            # The source's values, not the label made of them (its words follow the language).
            hh.fp = fingerprint(
                {"label": labels.get(key), "family_name": item.values.get("family_name")}
            )
        item.household = hh
    to_load = [h.ref[1] for h in households.values() if h.ref and h.ref[2] != h.fp]
    loaded = {}
    for part in chunks(to_load):
        loaded.update(
            ctx.locked(Household.objects.filter(kreis_id=ctx.kreis_id, pk__in=part)).in_bulk()
        )
    for hh in households.values():
        if hh.ref is None:
            hh.household = Household(kreis_id=ctx.kreis_id, label=hh.label)
        elif hh.ref[2] == hh.fp:
            hh.action = "unchanged"
        else:
            existing = loaded.get(hh.ref[1])
            if existing is None:  # deleted since: a new household
                hh.ref = (hh.ref[0], None, hh.ref[2])
                hh.household = Household(kreis_id=ctx.kreis_id, label=hh.label)
            elif existing.label == hh.label:
                hh.action = "unchanged"
            else:
                existing.label = hh.label
                hh.household = existing
                hh.action = "update"
    # The person's household changes with the file (an empty cell takes them out of one).
    for item in persons:
        if item.action != "update" or item.client is None:
            continue
        hh = item.household
        target = None if hh is None else (hh.ref[1] if hh.ref and hh.ref[1] else "new")
        if target != item.before.get("household_id"):
            item.changed.append("household")
    return households


# --- case files -------------------------------------------------------------------------------


def _responsible(ctx: Context, number: int, values: dict):
    user = values.get("responsible")
    key = "responsible"
    if user is None:
        user, key = ctx.job.default_responsible, None
        if user is None:
            ctx.error(
                number,
                "responsible" if ctx.mapped("responsible") else None,
                _(
                    "No responsible person is given for this case file, and none was chosen for "
                    "rows without one."
                ),
            )
            return None
    if user.kreis_id != ctx.kreis_id or not user.is_active or not user.does_casework:
        ctx.error(
            number,
            key,
            _(
                "%(email)s cannot be responsible for case files: only active integration "
                "managers and team leads of the county can."
            )
            % {"email": user.email},
        )
        return None
    return user


def _cases(ctx: Context, persons, rows, refs) -> list[CaseItem]:
    by_key = {p.key: p for p in persons}
    person_of_row = {n: p for p in persons for n in p.rows}
    items: list[CaseItem] = []
    seen: dict[str, int] = {}
    for number, parsed, _bad in rows:
        item = person_of_row.get(number)
        if item is None or item.bad or item.action == "skip" or number in ctx.refused:
            continue
        opened = parsed.get("case_opened_on")
        closed = parsed.get("case_closed_on")
        reason = parsed.get("close_reason") or ""
        responsible = _responsible(ctx, number, parsed)
        ok = responsible is not None
        if opened and opened > ctx.today:
            ctx.error(number, "case_opened_on", _("The opening date cannot be in the future."))
            ok = False
        if closed and closed > ctx.today:
            ctx.error(number, "case_closed_on", _("The closing date cannot be in the future."))
            ok = False
        if closed and opened and closed < opened:
            ctx.error(
                number,
                "case_closed_on",
                _("The closing date cannot be before the opening date (%(date)s).")
                % {"date": date_text(opened)},
            )
            ok = False
        if reason == choices.CloseReason.MERGED:
            ctx.error(number, "close_reason", _("This reason is given only by merging cases."))
            ok = False
        if reason and not closed:
            ctx.error(
                number,
                "close_reason",
                _("A reason for closing is given, but no closing date."),
            )
            ok = False
        if closed and not reason:
            reason = choices.CloseReason.OTHER
            ctx.warn(
                number,
                "case_closed_on",
                _("No reason for closing is given; “other” is recorded."),
            )
        case_number = (parsed.get("case_number") or "").strip() or None
        if parsed.get("case_id"):
            key = parsed["case_id"]
        elif case_number:
            key = "az:" + case_number
        elif opened:
            key = f"{item.key}/{opened.isoformat()}"
        else:
            continue
        if key in seen:
            ctx.error(
                number,
                "case_id" if ctx.mapped("case_id") else None,
                _("This case file is already in row %(row)d.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        if not ok:
            continue
        fp = fingerprint(
            {
                "number": case_number,
                "opened": opened,
                "closed": closed,
                "reason": reason,
                "responsible": responsible.pk,
            }
        )
        case = CaseItem(row=number, person=item, key=key, fp=fp, ref=refs.get(key))
        case.number = case_number
        case.values = {
            "opened_on": opened,
            "closed_on": closed,
            "close_reason": reason,
            "responsible": responsible,
        }
        items.append(case)
    _load_cases(ctx, items)
    _check_numbers(ctx, items)
    _check_open(ctx, items, by_key)
    return items


def _load_cases(ctx: Context, items: list[CaseItem]) -> None:
    ids = [c.ref[1] for c in items if c.ref and c.ref[2] != c.fp]
    loaded = {}
    for part in chunks(ids):
        loaded.update(ctx.locked(Case.objects.filter(kreis_id=ctx.kreis_id, pk__in=part)).in_bulk())
    for item in items:
        if item.person.action == "link" and item.ref is None:
            continue  # decided below (_check_open): reuse the open case or create
        if item.ref is None:
            item.case = _new_case(ctx, item)
            continue
        if item.ref[2] == item.fp:
            item.action = "unchanged"
            continue
        case = loaded.get(item.ref[1])
        if case is None:
            ctx.error(
                item.row,
                None,
                _(
                    "This case file was imported before but has since been deleted in "
                    "Wegweiser; the row is not imported again."
                ),
            )
            continue
        values = item.values
        item.was_closed = case.closed_on is not None
        before = {
            "number": case.number,
            "opened_on": case.opened_on,
            "closed_on": case.closed_on,
            "close_reason": case.close_reason,
            "responsible": case.responsible_id,
        }
        case.opened_on = values["opened_on"]
        case.closed_on = values["closed_on"]
        case.close_reason = values["close_reason"]
        user = values["responsible"]
        case.responsible, case.team_id, case.organisation_id = (
            user,
            user.team_id,
            user.organisation_id,
        )
        if item.number:
            case.number = item.number
        case.period_ends_on = case.compute_period_end()
        if case.closed_on and case.last_session_on and case.closed_on < case.last_session_on:
            ctx.error(
                item.row,
                "case_closed_on",
                _("The closing date cannot be before the last session (%(date)s).")
                % {"date": date_text(case.last_session_on)},
            )
            continue
        after = {
            "number": case.number,
            "opened_on": case.opened_on,
            "closed_on": case.closed_on,
            "close_reason": case.close_reason,
            "responsible": case.responsible_id,
        }
        item.changed = [k for k in after if after[k] != before[k]]
        item.case = case
        item.action = "update" if item.changed else "unchanged"


def _new_case(ctx: Context, item: CaseItem) -> Case:
    values = item.values
    user = values["responsible"]
    case = Case(
        kreis_id=ctx.kreis_id,
        number=item.number or "",
        opened_on=values["opened_on"],
        closed_on=values["closed_on"],
        close_reason=values["close_reason"],
        responsible=user,
        team_id=user.team_id,
        organisation_id=user.organisation_id,
    )
    case.period_ends_on = case.compute_period_end()
    return case


def _check_numbers(ctx: Context, items: list[CaseItem]) -> None:
    given = [c for c in items if c.number and c.row not in ctx.refused]
    if not given:
        return
    taken = {
        number: (pk, client_id)
        for number, pk, client_id in Case.objects.filter(
            kreis_id=ctx.kreis_id, number__in=[c.number for c in given]
        ).values_list("number", "pk", "client_id")
    }
    in_file: dict[str, int] = {}
    for item in given:
        own = item.ref[1] if item.ref else None
        holder, holder_client = taken.get(item.number, (None, None))
        if item.person.action == "link" and holder_client == item.person.client.pk:
            holder = None  # the linked person's own case file (kept, see _check_open)
        if item.number in in_file or (holder is not None and holder != own):
            ctx.error(
                item.row,
                "case_number",
                _("The case number “%(number)s” is already taken in this county.")
                % {"number": item.number},
            )
            item.case = None
            continue
        if len(item.number) > Case._meta.get_field("number").max_length:
            ctx.error(
                item.row,
                "case_number",
                _("A case number may have at most 20 characters."),
            )
            item.case = None
            continue
        in_file[item.number] = item.row


def _check_open(ctx: Context, items: list[CaseItem], by_key) -> None:
    """At most one open case file per person (as ``case_open``), counting those in Wegweiser.
    A person linked to an existing one by decision keeps that person's open case file."""
    existing_ids = set()
    for p in by_key.values():
        if p.action == "link" and p.client is not None:
            existing_ids.add(p.client.pk)
        elif p.ref and not p.bad:
            existing_ids.add(p.ref[1])
    open_db: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for part in chunks(list(existing_ids)):
        for client_id, pk, number in Case.objects.filter(
            kreis_id=ctx.kreis_id, client_id__in=part, closed_on__isnull=True
        ).values_list("client_id", "pk", "number"):
            open_db[client_id].append((pk, number))
    open_db_pks = {pk for found in open_db.values() for pk, _n in found}
    in_file_pks = {c.ref[1] for c in items if c.ref}
    open_in_file: dict[str, int] = {}
    for item in items:
        if item.row in ctx.refused:
            continue
        person = item.person
        if person.action == "link":
            client_id = person.client.pk
        else:
            client_id = person.ref[1] if person.ref else None
        others = [(pk, n) for pk, n in open_db.get(client_id, []) if pk not in in_file_pks]
        if person.action == "link" and item.ref is None:
            if others and person.key not in open_in_file:
                # The existing person's open case file is this row's case file.
                item.reuse = others[0][0]
                item.action = "unchanged"
                open_in_file[person.key] = item.row
                continue
            item.case = _new_case(ctx, item)
        if item.case is not None:
            is_open = item.case.closed_on is None
        elif item.action == "unchanged" and item.ref:
            is_open = item.ref[1] in open_db_pks
        else:
            continue
        if not is_open:
            continue
        if person.key in open_in_file or others:
            if person.key in open_in_file:
                where = _("row %(row)d") % {"row": open_in_file[person.key]}
            else:
                where = others[0][1]
            ctx.error(
                item.row,
                "case_closed_on" if ctx.mapped("case_closed_on") else None,
                _("This person already has an open case file (%(where)s).") % {"where": where},
            )
            item.case = None
            continue
        open_in_file[person.key] = item.row


# --- consent ----------------------------------------------------------------------------------


def _consents(ctx: Context, persons: list[PersonItem]) -> None:
    if not ctx.mapped("consent_given_on"):
        return
    existing_ids = [p.ref[1] for p in persons if p.ref and p.action == "update"]
    have = set()
    for part in chunks(existing_ids):
        have.update(
            Consent.objects.filter(
                kreis_id=ctx.kreis_id, client_id__in=part, covers_processing=True
            ).values_list("client_id", "given_on")
        )
    for item in persons:
        day = item.values.get("consent_given_on")
        if not day or item.bad or item.action not in ("create", "update"):
            continue
        if item.action == "update" and (item.ref[1], day) in have:
            continue
        item.consent_on = day
        if item.action == "update" and "consent" not in item.changed:
            item.changed.append("consent")


# --- what stays -------------------------------------------------------------------------------


def _settle(ctx: Context, persons, households, cases) -> None:
    """Refusals spread (a refused person refuses all its rows); a person, household stays when
    a row of it stays; then the counts."""
    for item in persons:
        if item.bad:
            for number in item.rows:
                if number != item.first and number not in ctx.refused:
                    ctx.error(
                        number,
                        None,
                        _("The person of this row is refused (row %(row)d).") % {"row": item.first},
                    )
            ctx.refused.update(item.rows)
    for case in cases:
        if case.row in ctx.refused:
            continue
        if case.case is None and case.action != "unchanged":
            continue
        case.person.alive = True
        ctx.count(case.action, Entity.CASE)
    for item in persons:
        if item.action == "skip" or not item.alive:
            continue
        if item.action == "link":
            ctx.count("unchanged", Entity.PERSON)
            continue
        if item.household is not None:
            item.household.alive = True
        if item.action == "update" and not item.changed:
            item.action = "unchanged_fp"  # nothing to write but the new fingerprint
            ctx.count("unchanged", Entity.PERSON)
            continue
        ctx.count(item.action, Entity.PERSON)
    for hh in households.values():
        if hh.alive:
            ctx.count(hh.action, Entity.HOUSEHOLD)


# --- writing ----------------------------------------------------------------------------------


def write(ctx: Context, plan: Plan) -> None:
    from wegweiser.dataprotection.models import PersonRevision
    from wegweiser.dataprotection.records import jsonable

    now = timezone.now()
    audit = []
    new_refs, changed_refs = [], []
    done = len(ctx.table.rows)
    ctx.progress(done)

    # households
    hh_new = [h for h in plan.households.values() if h.alive and h.action == "create"]
    hh_upd = [h for h in plan.households.values() if h.alive and h.action == "update"]
    bulk_create(Household, [h.household for h in hh_new])
    for h in hh_upd:
        h.household.version += 1
        h.household.updated_at = now
    bulk_update(Household, [h.household for h in hh_upd], ["label", "version", "updated_at"])
    for h in hh_new:
        audit.append(ctx.audit("clients.household.created", h.household))
        if h.ref:
            changed_refs.append(changed_ref(ctx, h.ref[0], h.household.pk, h.fp))
        else:
            new_refs.append(new_ref(ctx, Entity.HOUSEHOLD, h.key, h.household.pk, h.fp))
    for h in hh_upd:
        changed_refs.append(changed_ref(ctx, h.ref[0], h.household.pk, h.fp))
    for h in plan.households.values():
        if h.alive and h.action == "unchanged" and h.ref and h.ref[2] != h.fp:
            changed_refs.append(changed_ref(ctx, h.ref[0], h.ref[1], h.fp))

    def household_id(item: PersonItem):
        hh = item.household
        if hh is None:
            return None
        if hh.household is not None and hh.household.pk:
            return hh.household.pk
        return hh.ref[1] if hh.ref else None

    # persons
    created = [p for p in plan.persons if p.alive and p.action == "create"]
    updated = [p for p in plan.persons if p.alive and p.action == "update"]
    for item in created:
        item.client.household_id = household_id(item)
    bulk_create(Client, [p.client for p in created])
    for item in updated:
        if ctx.mapped("household_id"):
            item.client.household_id = household_id(item)
        item.client.version += 1
        item.client.updated_at = now
    fields = [f for f in WRITTEN if f != "household"] + ["household", "version", "updated_at"]
    bulk_update(Client, [p.client for p in updated], fields)
    revisions = []
    for item in updated:
        names = [n for n in item.changed if n in CLIENT_FIELDS]
        if names:
            revisions.append(
                PersonRevision(
                    kreis_id=ctx.kreis_id,
                    client=item.client,
                    changed_by=ctx.actor,
                    previous={
                        n: jsonable(getattr(item.before[n], "pk", item.before[n]))
                        if not isinstance(item.before[n], list)
                        else [str(getattr(v, "code", v)) for v in item.before[n]]
                        for n in names
                    },
                )
            )
    bulk_create(PersonRevision, revisions)
    for item in created:
        audit.append(ctx.audit("clients.client.created", item.client, client=item.client))
        if item.ref:
            changed_refs.append(changed_ref(ctx, item.ref[0], item.client.pk, item.fp))
        else:
            new_refs.append(new_ref(ctx, Entity.PERSON, item.key, item.client.pk, item.fp))
    for item in updated:
        audit.append(
            ctx.audit(
                "clients.client.updated",
                item.client,
                client=item.client,
                data={"fields": sorted(item.changed)},
            )
        )
        changed_refs.append(changed_ref(ctx, item.ref[0], item.client.pk, item.fp))
    for item in plan.persons:
        if not item.alive:
            continue
        if item.action == "link":
            new_refs.append(new_ref(ctx, Entity.PERSON, item.key, item.client.pk, item.fp))
        elif item.action in ("unchanged", "unchanged_fp") and item.ref and item.ref[2] != item.fp:
            changed_refs.append(changed_ref(ctx, item.ref[0], item.ref[1], item.fp))

    # consents
    consents = []
    for item in plan.persons:
        if item.alive and item.consent_on and item.action in ("create", "update"):
            consents.append(
                Consent(
                    kreis_id=ctx.kreis_id,
                    client=item.client,
                    given_on=item.consent_on,
                    covers_processing=True,
                    form=choices.ConsentForm.SIGNED,
                    recorded_by=ctx.actor,
                )
            )
    bulk_create(Consent, consents)

    # case files
    def client_id(person: PersonItem) -> int:
        if person.client is not None and person.client.pk:
            return person.client.pk
        return person.ref[1]

    live = [c for c in plan.cases if c.row not in ctx.refused]
    new_cases = [c for c in live if c.action == "create" and c.case is not None]
    upd_cases = [c for c in live if c.action == "update" and c.case is not None]
    for c in new_cases:
        c.case.client_id = client_id(c.person)
    _number(ctx, new_cases, upd_cases)
    bulk_create(Case, [c.case for c in new_cases])
    for c in upd_cases:
        c.case.version += 1
        c.case.updated_at = now
    bulk_update(
        Case,
        [c.case for c in upd_cases],
        [
            "number",
            "opened_on",
            "closed_on",
            "close_reason",
            "responsible",
            "team",
            "organisation",
            "period_ends_on",
            "version",
            "updated_at",
        ],
    )
    clients_by_id = {p.client.pk: p.client for p in plan.persons if p.client is not None}
    for c in new_cases:
        client = clients_by_id.get(c.case.client_id)
        audit.append(ctx.audit("clients.case.opened", c.case, client=client, case=c.case))
        if c.case.closed_on:
            audit.append(
                ctx.audit(
                    "clients.case.closed",
                    c.case,
                    client=client,
                    case=c.case,
                    data={"reason": c.case.close_reason},
                )
            )
        if c.ref:
            changed_refs.append(changed_ref(ctx, c.ref[0], c.case.pk, c.fp))
        else:
            new_refs.append(new_ref(ctx, Entity.CASE, c.key, c.case.pk, c.fp))
    for c in upd_cases:
        client = clients_by_id.get(c.case.client_id)
        audit.append(
            ctx.audit(
                "clients.case.updated",
                c.case,
                client=client,
                case=c.case,
                data={"fields": sorted(c.changed)},
            )
        )
        if c.case.closed_on and not c.was_closed:
            audit.append(
                ctx.audit(
                    "clients.case.closed",
                    c.case,
                    client=client,
                    case=c.case,
                    data={"reason": c.case.close_reason},
                )
            )
        changed_refs.append(changed_ref(ctx, c.ref[0], c.case.pk, c.fp))
    for c in live:
        if c.action != "unchanged":
            continue
        if c.reuse is not None:
            new_refs.append(new_ref(ctx, Entity.CASE, c.key, c.reuse, c.fp))
        elif c.ref and c.ref[2] != c.fp:
            changed_refs.append(changed_ref(ctx, c.ref[0], c.ref[1], c.fp))
    case_of_client = {c.case.client_id: c.case for c in new_cases}
    for consent in consents:
        client = clients_by_id.get(consent.client_id)
        audit.append(
            ctx.audit(
                "clients.consent.recorded",
                consent,
                client=client,
                case=case_of_client.get(consent.client_id),
                data={"form": consent.form, "processing": True, "referral": False},
            )
        )

    write_refs(ctx, new_refs, changed_refs)

    # rollups: outcomes of the persons written, contact months of the case files changed
    _refresh_outcomes(
        [p.client for p in created if p.client.arrival_date] + [p.client for p in updated],
    )
    touched_clients = {p.client.pk for p in updated if "household" in p.changed}
    _refresh_months(ctx, {c.case.pk for c in upd_cases}, touched_clients)
    write_audit(audit)
    ctx.progress(ctx.total)


def _number(ctx: Context, new_cases: list[CaseItem], updated: list[CaseItem]) -> None:
    """Case numbers: the file's where given (checked free), else the next of the opening year's
    sequence (as ``_next_case_number``); the sequences are raised past imported numbers so that
    later case files do not collide."""
    imported_max: dict[int, int] = {}
    for c in [*new_cases, *updated]:
        match = _NUMBER.match(c.number or "")
        if match:
            year, n = int(match.group(1)), int(match.group(2))
            imported_max[year] = max(imported_max.get(year, 0), n)
    missing = [c for c in new_cases if not c.case.number]
    years = sorted({c.case.opened_on.year for c in missing} | set(imported_max))
    if not years:
        return
    used = set()
    if missing:
        used = set(
            Case.objects.filter(kreis_id=ctx.kreis_id, number__regex=r"^\d{4}-").values_list(
                "number", flat=True
            )
        )
        used.update(c.number for c in new_cases if c.number)
    by_year = defaultdict(list)
    for c in missing:
        by_year[c.case.opened_on.year].append(c)
    for year in years:
        seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
            kreis_id=ctx.kreis_id, year=year
        )
        last = max(seq.last, imported_max.get(year, 0))
        for c in by_year.get(year, []):
            last += 1
            while f"{year}-{last:05d}" in used:
                last += 1
            c.case.number = f"{year}-{last:05d}"
        if last != seq.last:
            seq.last = last
            seq.save(update_fields=["last"])


def _refresh_outcomes(clients: list[Client]) -> None:
    """The ``ArrivalOutcome`` rows of the persons written (as ``outcomes.refresh_client``)."""
    from wegweiser.statistics import outcomes
    from wegweiser.statistics.models import ArrivalOutcome

    for part in chunks(clients):
        ids = [c.pk for c in part]
        ArrivalOutcome.objects.filter(client_id__in=ids).delete()
        with_arrival = [c for c in part if c.arrival_date]
        if not with_arrival:
            continue
        reached = outcomes._reached([c.pk for c in with_arrival])
        ArrivalOutcome.objects.bulk_create(
            [
                ArrivalOutcome(client_id=c.pk, **outcomes._outcome_values(c, reached.get(c.pk, [])))
                for c in with_arrival
            ]
        )


def _refresh_months(ctx: Context, case_ids: set[int], client_ids: set[int]) -> None:
    """Rebuild ``ContactMonth`` of case files whose team or household changed."""
    if client_ids:
        for part in chunks(list(client_ids)):
            case_ids.update(
                Case.objects.filter(kreis_id=ctx.kreis_id, client_id__in=part).values_list(
                    "pk", flat=True
                )
            )
    refresh_months(case_ids)


def refresh_months(case_ids: set[int]) -> None:
    """Rebuild the ``ContactMonth`` rows of these case files (as ``rollups.rebuild`` does per
    chunk, written with the import's fast insert)."""
    from wegweiser.counselling.models import CounsellingSession
    from wegweiser.statistics import rollups
    from wegweiser.statistics.models import ContactMonth

    for part in chunks(sorted(case_ids)):
        ContactMonth.objects.filter(case_id__in=part).delete()
        cases = list(
            Case.objects.filter(pk__in=part)
            .select_related("client")
            .only("kreis_id", "team_id", "organisation_id", "client_id", "client__household_id")
        )
        by_case = defaultdict(list)
        for row in CounsellingSession.objects.filter(case_id__in=part).values_list(
            "case_id", *rollups.SESSION_COLUMNS
        ):
            by_case[row[0]].append(row[1:])
        members = rollups._members([row[0] for rows in by_case.values() for row in rows])
        new_rows = []
        for case in cases:
            new_rows += rollups._rows_for(
                case, case.client.household_id, by_case.get(case.pk, []), members
            )
        bulk_create(ContactMonth, new_rows)
