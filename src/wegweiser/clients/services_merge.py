"""Merging two case files of one person that was recorded twice (issue 8; decision 0009).

``case_merge`` moves everything of the *source* case file into the *target* case file: sessions,
the integration plan (goals, steps, agreed versions), referrals, bookings and course places,
tandems, support requests and mentoring groups; when the two files belong to two person records,
also the person's consents, contacts at authorities, attendances at sessions, older case files
and the data the target person lacks. The source case is then closed with the reason "merged"
(it stays, empty, as the record that it existed; its audit entries keep its id). Both files get a
``clients.case.merged`` audit entry naming the other. Everything happens in one transaction:
a failure in any step leaves both files as they were.

Every relation to ``Case`` and ``Client`` must be handled here (``CASE_RELATIONS`` and
``CLIENT_RELATIONS``); a test fails when a new one appears, so that no record is left behind.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event
from wegweiser.clients import choices, rules
from wegweiser.clients.models import Case, Client, Consent
from wegweiser.core.services import lock_for_update

# "<app>.<model>.<field>" of every relation to Case / Client and how the merge treats it.
CASE_RELATIONS = {
    "counselling.counsellingsession.case": "moved",
    "plans.plan.case": "moved (or its goals and versions, when the target has a plan)",
    "referrals.referral.case": "moved",
    "directory.slotbooking.case": "moved",
    "directory.enrolment.case": "moved",
    "volunteers.tandem.case": "moved",
    "volunteers.supportrequest.case": "moved",
    "volunteers.mentoringgroup.case": "moved",
    "statistics.contactmonth.case": "rebuilt for both cases",
    "clients.caseaccessreason.case": "stays: a record of who opened the source file",
}
CLIENT_RELATIONS = {
    "clients.case.client": "older case files of the source person are moved",
    "clients.consent.client": "moved",
    "referrals.authoritycontact.client": "moved (same office: merged into the target's)",
    "counselling.sessionattendance.client": "moved",
    "counselling.counsellingsession.members_present": "through SessionAttendance",
    "statistics.contactmonth.client": "rebuilt for both cases",
    "statistics.arrivaloutcome.client": "recomputed for the target, removed for the source",
    # A standing restriction (Art. 18 GDPR) leaves no edit right, so no merge; lifted ones stay
    # with the person record as their history.
    "dataprotection.restriction.client": "stays",
    # The rectification history of each person stays with that person's record.
    "dataprotection.personrevision.client": "stays",
}
# Person data the target lacks and the source has are taken over (nothing is overwritten).
FILLED_FIELDS = (
    "phone",
    "email",
    "municipality",
    "arrival_date",
    "residence_valid_until",
    "accommodation_since",
    "interpreter_language",
)
UNKNOWN_DEFAULTS = {
    "gender": choices.Gender.UNKNOWN,
    "residence_status": choices.ResidenceStatus.UNKNOWN,
    "accommodation_phase": choices.AccommodationPhase.UNKNOWN,
}
CONTACT_FIELDS = ("contact_person", "phone", "email", "reference_number")


@dataclasses.dataclass
class MergeResult:
    target: Case
    source: Case
    moved: dict[str, int]
    filled: list[str]


def _is_merged(case: Case) -> bool:
    return case.close_reason == choices.CloseReason.MERGED


def _check(actor, source: Case, target: Case) -> None:
    if source.kreis_id != target.kreis_id or source.kreis_id != actor.kreis_id:
        raise Http404
    rules.require_case_edit(actor, source)
    rules.require_case_edit(actor, target)
    if source.pk == target.pk:
        raise ValidationError(_("A case file cannot be merged with itself."))
    if _is_merged(source) or _is_merged(target):
        raise ValidationError(_("This case file has already been merged into another one."))
    if source.is_open and not target.is_open:
        raise ValidationError(
            _("An open case file can only be merged into an open one. Please choose it to stay.")
        )
    if source.client_id != target.client_id and (
        Case.objects.filter(client_id=source.client_id, closed_on__isnull=True)
        .exclude(pk=source.pk)
        .exists()
    ):
        raise ValidationError(
            _("The person of the other case file has a further open case file; merge that first.")
        )


def _check_conflicts(source: Case, target: Case) -> None:
    """Records that may exist only once per case (a running tandem with one volunteer, one
    booking of a slot, one place in a course) must not exist in both files."""
    from wegweiser.directory.models import Enrolment, SlotBooking
    from wegweiser.volunteers.models import Tandem

    problems = []
    running = Tandem.objects.filter(ended_on__isnull=True)
    if set(running.filter(case=source).values_list("volunteer_id", flat=True)) & set(
        running.filter(case=target).values_list("volunteer_id", flat=True)
    ):
        problems.append(_("Both case files have a running tandem with the same volunteer."))
    bookings = SlotBooking.objects.exclude(status="cancelled")
    if set(bookings.filter(case=source).values_list("slot_id", flat=True)) & set(
        bookings.filter(case=target).values_list("slot_id", flat=True)
    ):
        problems.append(_("Both case files have booked the same appointment."))
    places = Enrolment.objects.filter(status__in=["enrolled", "waiting", "offered"])
    if set(places.filter(case=source).values_list("course_id", flat=True)) & set(
        places.filter(case=target).values_list("course_id", flat=True)
    ):
        problems.append(_("Both case files hold a place in the same course."))
    if problems:
        problems.append(_("Please end one of them before merging."))
        raise ValidationError(" ".join(str(p) for p in problems))


# --- the steps (module functions, so that a test can make one fail) ---------------------------


def _move_sessions(source: Case, target: Case) -> int:
    from wegweiser.counselling.models import CounsellingSession, SessionAttendance

    moved = CounsellingSession.objects.filter(case=source).update(case=target)
    # The target's person is the person of these sessions now, not a member present.
    SessionAttendance.objects.filter(session__case=target, client_id=target.client_id).delete()
    return moved


def _move_plan(source: Case, target: Case) -> dict[str, int]:
    from wegweiser.plans.models import Goal, Plan, PlanVersion

    source_plan = Plan.objects.filter(case=source).first()
    if source_plan is None:
        return {"goals": 0, "plan_versions": 0}
    goals = Goal.objects.filter(plan=source_plan).count()
    versions = PlanVersion.objects.filter(plan=source_plan).count()
    target_plan = Plan.objects.select_for_update().filter(case=target).first()
    if target_plan is None:
        Plan.objects.filter(pk=source_plan.pk).update(
            case=target, version=F("version") + 1, updated_at=timezone.now()
        )
        return {"goals": goals, "plan_versions": versions}
    # The target keeps its plan: the source's goals follow its goals, the source's agreed
    # versions follow its versions (numbers continue; snapshots stay as they were agreed).
    last = Goal.objects.filter(plan=target_plan).aggregate(m=Max("position"))["m"]
    Goal.objects.filter(plan=source_plan).update(
        plan=target_plan, position=F("position") + (last + 1 if last is not None else 0)
    )
    top = PlanVersion.objects.filter(plan=target_plan).aggregate(m=Max("number"))["m"] or 0
    PlanVersion.objects.filter(plan=source_plan).update(plan=target_plan, number=F("number") + top)
    changes = {"version": F("version") + 1, "updated_at": timezone.now()}
    if target_plan.next_review_on is None and source_plan.next_review_on is not None:
        changes["next_review_on"] = source_plan.next_review_on
    Plan.objects.filter(pk=target_plan.pk).update(**changes)
    Plan.objects.filter(pk=source_plan.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    return {"goals": goals, "plan_versions": versions}


def _move_referrals(source: Case, target: Case) -> int:
    from wegweiser.referrals.models import Referral

    return Referral.objects.filter(case=source).update(case=target)


def _move_case_records(source: Case, target: Case) -> dict[str, int]:
    from wegweiser.directory.models import Enrolment, SlotBooking
    from wegweiser.volunteers.models import MentoringGroup, SupportRequest, Tandem

    return {
        "bookings": SlotBooking.objects.filter(case=source).update(case=target),
        "enrolments": Enrolment.objects.filter(case=source).update(case=target),
        "tandems": Tandem.objects.filter(case=source).update(case=target),
        "support_requests": SupportRequest.objects.filter(case=source).update(case=target),
        "mentoring_groups": MentoringGroup.objects.filter(case=source).update(case=target),
    }


def _move_person_records(source_client: Client, target_client: Client) -> dict[str, int]:
    """Consents, contacts at authorities, attendances and older case files of the source person
    go to the target person."""
    from wegweiser.counselling.models import SessionAttendance

    consents = Consent.objects.filter(client=source_client).update(client=target_client)
    contacts = _move_authority_contacts(source_client, target_client)
    both = SessionAttendance.objects.filter(client=target_client).values("session_id")
    SessionAttendance.objects.filter(client=source_client, session_id__in=both).delete()
    SessionAttendance.objects.filter(client=source_client).update(client=target_client)
    # The sessions of the target person's cases do not list the person as a member present.
    SessionAttendance.objects.filter(
        client=target_client, session__case__client=target_client
    ).delete()
    older = (
        Case.objects.filter(client=source_client, closed_on__isnull=False)
        .exclude(close_reason=choices.CloseReason.MERGED)
        .update(client=target_client)
    )
    return {"consents": consents, "authority_contacts": contacts, "older_cases": older}


def _move_authority_contacts(source_client: Client, target_client: Client) -> int:
    from wegweiser.referrals.models import AuthorityContact

    theirs = {
        (c.kind, c.office_name): c
        for c in AuthorityContact.objects.select_for_update().filter(client=target_client)
    }
    moved = 0
    for contact in AuthorityContact.objects.select_for_update().filter(client=source_client):
        same = theirs.get((contact.kind, contact.office_name))
        if same is None:
            contact.client = target_client
            contact.version += 1
            contact.save(update_fields=["client", "version", "updated_at"])
        else:
            # The same office twice: one contact, the target's values first, gaps filled, a
            # differing value kept in the notes.
            notes = [same.notes] if same.notes else []
            for name in CONTACT_FIELDS:
                mine, other = getattr(same, name), getattr(contact, name)
                if other and not mine:
                    setattr(same, name, other)
                elif other and other != mine:
                    label = AuthorityContact._meta.get_field(name).verbose_name
                    notes.append(f"{label}: {other}")
            if contact.notes and contact.notes not in notes:
                notes.append(contact.notes)
            same.notes = "\n".join(notes)[:1000]
            same.version += 1
            same.full_clean()
            same.save()
            contact.delete()
        moved += 1
    return moved


def _fill_person(source_client: Client, target_client: Client) -> list[str]:
    """Take over what the target person lacks; never overwrite what was recorded."""
    target = Client.objects.select_for_update().get(pk=target_client.pk)
    source = Client.objects.select_for_update().get(pk=source_client.pk)
    filled = []
    for name in FILLED_FIELDS:
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
            filled.append(name)
    for name, unknown in UNKNOWN_DEFAULTS.items():
        if getattr(target, name) == unknown and getattr(source, name) != unknown:
            setattr(target, name, getattr(source, name))
            filled.append(name)
    for name in ("nationalities", "languages"):
        if not list(getattr(target, name) or []) and list(getattr(source, name) or []):
            setattr(target, name, getattr(source, name))
            filled.append(name)
    if source.interpreter_needed and not target.interpreter_needed:
        target.interpreter_needed = True
        filled.append("interpreter_needed")
    full = choices.BirthDatePrecision.FULL
    if (
        target.birth_date_precision != full
        and source.birth_date_precision == full
        and target.birth_year in (None, source.birth_year)
    ):
        target.birth_date, target.birth_year = source.birth_date, source.birth_year
        target.birth_date_precision = full
        filled.append("birth_date")
    if target.household_id is None and source.household_id is not None:
        target.household_id = source.household_id
        filled.append("household")
    if filled:
        target.version += 1
        target.full_clean()
        target.save()
    if source.household_id is not None:
        # The record that was merged away leaves its household (it is no member twice).
        source.household_id = None
        source.version += 1
        source.save(update_fields=["household", "version", "updated_at"])
    return filled


def _refresh(source: Case, target: Case, source_client: Client, target_client: Client) -> None:
    """Derived data of both files: session count and date, opening date and period, rollups."""
    from wegweiser.counselling.models import CounsellingSession
    from wegweiser.statistics import outcomes, rollups
    from wegweiser.statistics.models import ArrivalOutcome

    for case in (source, target):
        agg = CounsellingSession.objects.filter(case=case).aggregate(
            last=Max("held_on"), n=Count("pk")
        )
        case.last_session_on, case.session_count = agg["last"], agg["n"]
    rollups.refresh_case_months(source)
    rollups.refresh_case_months(target)
    if source_client.pk != target_client.pk:
        ArrivalOutcome.objects.filter(client_id=source_client.pk).delete()
    outcomes.refresh_client(Client.objects.get(pk=target_client.pk))


@transaction.atomic
def case_merge(
    *,
    actor,
    source: Case,
    target: Case,
    source_version: int | None = None,
    target_version: int | None = None,
) -> MergeResult:
    """Merge the case file ``source`` into ``target`` (see the module docstring). Only someone
    who may edit both files may merge them."""
    _check(actor, source, target)
    first, second = sorted([source, target], key=lambda c: c.pk)  # one lock order, no deadlock
    locked = {
        first.pk: lock_for_update(
            first, expected_version=source_version if first.pk == source.pk else target_version
        ),
        second.pk: lock_for_update(
            second, expected_version=source_version if second.pk == source.pk else target_version
        ),
    }
    source, target = locked[source.pk], locked[target.pk]
    _check(actor, source, target)
    _check_conflicts(source, target)
    source_client, target_client = source.client, target.client
    moved: dict[str, int] = {"sessions": _move_sessions(source, target)}
    moved.update(_move_plan(source, target))
    moved["referrals"] = _move_referrals(source, target)
    moved.update(_move_case_records(source, target))
    filled: list[str] = []
    if source_client.pk != target_client.pk:
        moved.update(_move_person_records(source_client, target_client))
        filled = _fill_person(source_client, target_client)
    today = timezone.localdate()
    if source.opened_on < target.opened_on:
        # The person has been counselled since the earlier opening: the period counts from it.
        target.opened_on = source.opened_on
        target.period_ends_on = target.compute_period_end()
    source.closed_on = source.closed_on or max(today, source.opened_on)
    source.close_reason = choices.CloseReason.MERGED
    _refresh(source, target, source_client, target_client)
    for case in (source, target):
        case.version += 1
        case.full_clean()
        case.save()
    counts = {k: v for k, v in moved.items() if v}
    audit_case_event(
        actor=actor,
        action="clients.case.merged",
        case=target,
        data={
            "role": "target",
            "other": str(source.uuid),
            "other_number": source.number,
            "moved": counts,
            "filled": filled,
        },
    )
    audit_case_event(
        actor=actor,
        action="clients.case.merged",
        case=source,
        data={
            "role": "source",
            "other": str(target.uuid),
            "other_number": target.number,
            "moved": counts,
        },
    )
    return MergeResult(target=target, source=source, moved=moved, filled=filled)
