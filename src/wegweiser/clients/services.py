"""Every write of persons, households, cases and consent. Each service runs in one transaction,
checks the actor's rights, validates, and writes the audit entry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.accounts.roles import CASEWORK_ROLES
from wegweiser.audit.services import audit_case_event, audit_record
from wegweiser.clients import choices, rules
from wegweiser.clients.models import (
    NAME_MAX,
    Case,
    CaseAccessReason,
    CaseNumberSequence,
    Client,
    Consent,
    Household,
)
from wegweiser.clients.names import has_ukrainian_letters, search_columns, to_latin
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.statistics import outcomes

# The person's fields a user enters, in the order the form shows them.
CLIENT_FIELDS = (
    "given_names",
    "family_name",
    "given_names_latin",
    "family_name_latin",
    "birth_date_precision",
    "birth_date",
    "birth_year",
    "gender",
    "nationalities",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "phone",
    "email",
    "municipality",
    "arrival_date",
    "residence_status",
    "residence_valid_until",
    "accommodation_phase",
    "accommodation_since",
)
ACCESS_REASON_HOURS = 8


def _require_casework(actor) -> None:
    if not rules.can_create_cases(actor):
        raise PermissionDenied


_require_edit = rules.require_case_edit


def _prepare_client(client: Client) -> None:
    """Derived columns: Latin transliteration (unless given), birth year, search keys."""
    # Names are checked before anything is derived from them, so that an error names the field
    # the user typed, not a derived one.
    client.clean_fields(
        exclude=[
            f.name for f in Client._meta.fields if f.name not in ("given_names", "family_name")
        ]
    )
    # A transliteration can be longer than the original (one CJK sign -> several letters).
    ukrainian = (
        "UA" in [c.code for c in client.nationalities]
        or "uk" in (client.languages or [])
        or has_ukrainian_letters(client.given_names, client.family_name)
    )
    if not client.given_names_latin:
        client.given_names_latin = to_latin(client.given_names, ukrainian=ukrainian)[:NAME_MAX]
    if not client.family_name_latin:
        client.family_name_latin = to_latin(client.family_name, ukrainian=ukrainian)[:NAME_MAX]
    precision = client.birth_date_precision
    if precision == choices.BirthDatePrecision.FULL:
        if client.birth_date is None:
            raise ValidationError(
                {
                    "birth_date": _(
                        "Please enter the date of birth or choose 'year only' or 'unknown'."
                    )
                }
            )
        client.birth_year = client.birth_date.year
    elif precision == choices.BirthDatePrecision.YEAR:
        client.birth_date = None
        if client.birth_year is None:
            raise ValidationError({"birth_year": _("Please enter the year of birth.")})
    else:
        client.birth_date = None
        client.birth_year = None
    today = timezone.localdate()
    if client.birth_date and client.birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if client.birth_year and not (1900 <= client.birth_year <= today.year):
        raise ValidationError({"birth_year": _("Please enter a year between 1900 and this year.")})
    if client.arrival_date and client.arrival_date > today:
        raise ValidationError({"arrival_date": _("The arrival date cannot be in the future.")})
    if client.interpreter_needed and not client.interpreter_language:
        raise ValidationError(
            {"interpreter_language": _("Please choose the language for the interpreter.")}
        )
    tokens, phonetic = search_columns(
        client.given_names, client.family_name, client.given_names_latin, client.family_name_latin
    )
    client.name_tokens = _clip_tokens(tokens, Client._meta.get_field("name_tokens").max_length)
    client.name_phonetic = _clip_tokens(
        phonetic, Client._meta.get_field("name_phonetic").max_length
    )


def _clip_tokens(value: str, limit: int) -> str:
    """Keep whole tokens (and the padding spaces the search relies on) within the column."""
    if len(value) <= limit:
        return value
    clipped = value[: limit - 1]
    return clipped[: clipped.rfind(" ") + 1] if " " in clipped else " "


def _check_same_kreis(actor, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.kreis_id != actor.kreis_id:
            raise Http404


@transaction.atomic
def household_create(
    *, actor, label: str, street: str = "", postal_code: str = "", municipality=None
) -> Household:
    _require_casework(actor)
    _check_same_kreis(actor, municipality)
    household = Household(
        kreis_id=actor.kreis_id,
        label=label,
        street=street,
        postal_code=postal_code,
        municipality=municipality,
    )
    household.full_clean()
    household.save()
    audit_record(actor=actor, action="clients.household.created", obj=household)
    return household


@transaction.atomic
def client_create(
    *,
    actor,
    household: Household | None = None,
    new_household_label: str = "",
    open_case: bool = True,
    opened_on: dt.date | None = None,
    **fields,
) -> Client:
    """Create a person (and, by default, their case file with the actor responsible), either in
    an existing household the actor may see or in a new one named ``new_household_label``."""
    _require_casework(actor)
    _check_same_kreis(actor, household, fields.get("municipality"))
    if household is not None:
        _require_household_access(actor, household)
    elif new_household_label:
        household = household_create(actor=actor, label=new_household_label)
    client = Client(
        kreis_id=actor.kreis_id,
        household=household,
        **{k: v for k, v in fields.items() if k in CLIENT_FIELDS},
    )
    _prepare_client(client)
    client.full_clean()
    client.save()
    if client.arrival_date is not None:
        outcomes.refresh_client(client)
    audit_record(actor=actor, action="clients.client.created", obj=client, client=client)
    if open_case:
        case_open(actor=actor, client=client, opened_on=opened_on or timezone.localdate())
    return client


def _require_household_access(actor, household: Household) -> None:
    from wegweiser.clients.selectors import client_queryset

    if not client_queryset(actor).filter(household=household).exists():
        raise Http404


@transaction.atomic
def client_update(*, actor, client: Client, version: int | None, **fields) -> Client:
    from wegweiser.clients.selectors import client_queryset

    if not client_queryset(actor).filter(pk=client.pk).exists():
        raise Http404
    if not actor.does_casework or rules.client_restricted(client.pk):
        # Restricted processing (Art. 18): nobody changes the person's data, by page or API.
        raise PermissionDenied
    _check_same_kreis(actor, fields.get("municipality"))
    fresh = lock_for_update(client, expected_version=version)
    before = {name: getattr(fresh, name) for name in CLIENT_FIELDS}
    # Latin forms left empty are derived again from the names as entered (_prepare_client).
    apply_changes(fresh, {k: v for k, v in fields.items() if k in CLIENT_FIELDS})
    _prepare_client(fresh)
    changed = [name for name in CLIENT_FIELDS if getattr(fresh, name) != before[name]]
    fresh.full_clean()
    if changed:
        fresh.version += 1
        fresh.save()
        if "arrival_date" in changed:
            outcomes.refresh_client(fresh)
        # Rectification keeps the history (Art. 16 GDPR): the values this change replaced.
        from wegweiser.dataprotection.services import person_revision_record

        person_revision_record(actor=actor, client=fresh, previous=before, changed=changed)
        audit_record(
            actor=actor,
            action="clients.client.updated",
            obj=fresh,
            client=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


def _next_case_number(kreis_id: int, year: int) -> str:
    seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
        kreis_id=kreis_id, year=year
    )
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{year}-{seq.last:05d}"


@transaction.atomic
def case_open(*, actor, client: Client, opened_on: dt.date, responsible=None) -> Case:
    _require_casework(actor)
    _check_same_kreis(actor, client)
    responsible = responsible or actor
    _check_responsible(actor, responsible)
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The opening date cannot be in the future.")})
    if Case.objects.filter(client=client, closed_on__isnull=True).exists():
        raise ValidationError(_("This person already has an open case file."))
    case = Case(
        kreis_id=actor.kreis_id,
        client=client,
        opened_on=opened_on,
        responsible=responsible,
        team=responsible.team,
        organisation=responsible.organisation,
        number=_next_case_number(actor.kreis_id, opened_on.year),
    )
    case.period_ends_on = case.compute_period_end()
    case.full_clean()
    case.save()
    audit_case_event(actor=actor, action="clients.case.opened", case=case)
    return case


def _check_responsible(actor, responsible) -> None:
    if responsible.kreis_id != actor.kreis_id or not responsible.is_active:
        raise ValidationError(
            {"responsible": _("Please choose an active integration manager of your county.")}
        )
    if responsible.role not in CASEWORK_ROLES:
        raise ValidationError(
            {
                "responsible": _(
                    "Only integration managers and team leads can be responsible for a case."
                )
            }
        )
    if (
        actor.role == "integration_manager"
        and responsible.pk != actor.pk
        and responsible.team_id != actor.team_id
    ):
        raise ValidationError({"responsible": _("You can hand a case over only within your team.")})


@transaction.atomic
def case_update(
    *,
    actor,
    case: Case,
    version: int | None,
    responsible=None,
    shared_with_team: bool | None = None,
    period_years: int | None = None,
    extension_reason: str | None = None,
) -> Case:
    _require_edit(actor, case)
    fresh = lock_for_update(case, expected_version=version)
    if not fresh.is_open:
        raise ValidationError(_("A closed case cannot be changed."))
    changes: dict = {}
    if responsible is not None and responsible.pk != fresh.responsible_id:
        _check_responsible(actor, responsible)
        changes.update(
            responsible=responsible, team=responsible.team, organisation=responsible.organisation
        )
    if shared_with_team is not None:
        changes["shared_with_team"] = shared_with_team
    if extension_reason is not None:
        changes["extension_reason"] = extension_reason.strip()
    if period_years is not None:
        changes["period_years"] = period_years
    target_years = changes.get("period_years", fresh.period_years)
    target_reason = changes.get("extension_reason", fresh.extension_reason)
    if target_years not in (3, 4):
        raise ValidationError(
            {
                "period_years": _(
                    "The counselling period is three years, or four with a justification."
                )
            }
        )
    if target_years == 4 and not target_reason:
        raise ValidationError(
            {"extension_reason": _("A fourth year needs a recorded justification.")}
        )
    changed = apply_changes(fresh, changes)
    fresh.period_ends_on = fresh.compute_period_end()
    fresh.full_clean()
    if changed:
        fresh.version += 1
        fresh.save()
        audit_case_event(
            actor=actor,
            action="clients.case.updated",
            case=fresh,
            data={"fields": sorted(set(changed) - {"team", "organisation"})},
        )
    return fresh


@transaction.atomic
def case_close(
    *, actor, case: Case, version: int | None, closed_on: dt.date, close_reason: str
) -> Case:
    _require_edit(actor, case)
    fresh = lock_for_update(case, expected_version=version)
    if not fresh.is_open:
        raise ValidationError(_("This case is already closed."))
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if closed_on < fresh.opened_on:
        raise ValidationError(
            {"closed_on": _("The closing date cannot be before the opening date.")}
        )
    if fresh.last_session_on and closed_on < fresh.last_session_on:
        raise ValidationError(
            {
                "closed_on": _("The closing date cannot be before the last session (%(date)s).")
                % {"date": fresh.last_session_on.strftime("%d.%m.%Y")}
            }
        )
    if close_reason not in choices.CloseReason.values or close_reason == choices.CloseReason.MERGED:
        raise ValidationError({"close_reason": _("Please choose a reason for closing.")})
    fresh.closed_on = closed_on
    fresh.close_reason = close_reason
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_case_event(
        actor=actor, action="clients.case.closed", case=fresh, data={"reason": close_reason}
    )
    from wegweiser.volunteers.services_tandems import case_closed

    case_closed(actor=actor, case=fresh)
    return fresh


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    given_on: dt.date,
    form: str,
    witness: str = "",
    covers_processing: bool = True,
    covers_referral: bool = False,
    covers_volunteer: bool = False,
    referral_recipient=None,
    referral_recipient_name: str = "",
) -> Consent:
    _require_edit(actor, case)
    referral_recipient_name = (referral_recipient_name or "").strip()
    if (referral_recipient is not None or referral_recipient_name) and not covers_referral:
        raise ValidationError(
            {"covers_referral": _("A recipient can only be named for passing data when referring.")}
        )
    if referral_recipient is not None and referral_recipient_name:
        raise ValidationError(
            {"referral_recipient_name": _("Name either a service of the directory or another one.")}
        )
    if referral_recipient is not None:
        from wegweiser.referrals.selectors import services_for_referral

        if not services_for_referral(case.kreis).filter(pk=referral_recipient.pk).exists():
            raise ValidationError(
                {
                    "referral_recipient": _(
                        "Please choose a service of the directory of your county."
                    )
                }
            )
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if form == choices.ConsentForm.ORAL_WITNESS and not witness.strip():
        raise ValidationError({"witness": _("Oral consent needs the name of the witness.")})
    if not (covers_processing or covers_referral or covers_volunteer):
        raise ValidationError(_("Please choose at least one purpose the consent covers."))
    consent = Consent(
        kreis_id=actor.kreis_id,
        client=case.client,
        given_on=given_on,
        form=form,
        witness=witness.strip(),
        covers_processing=covers_processing,
        covers_referral=covers_referral,
        covers_volunteer=covers_volunteer,
        referral_recipient=referral_recipient,
        referral_recipient_name=referral_recipient_name,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit_case_event(
        actor=actor,
        action="clients.consent.recorded",
        case=case,
        obj=consent,
        data={
            "form": form,
            "processing": covers_processing,
            "referral": covers_referral,
            "volunteer": covers_volunteer,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, case: Case, consent: Consent, withdrawn_on: dt.date) -> Consent:
    _require_edit(actor, case)
    if consent.client_id != case.client_id:
        raise Http404
    fresh = Consent.objects.select_for_update().get(pk=consent.pk)
    if fresh.withdrawn_on is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if withdrawn_on > timezone.localdate() or withdrawn_on < fresh.given_on:
        raise ValidationError(
            {"withdrawn_on": _("The date must lie between the consent and today.")}
        )
    fresh.withdrawn_on = withdrawn_on
    fresh.save(update_fields=["withdrawn_on", "updated_at"])
    audit_case_event(actor=actor, action="clients.consent.withdrawn", case=case, obj=fresh)
    if fresh.covers_volunteer:
        # Tandems and support requests of the person end with the consent, in this transaction.
        from wegweiser.volunteers.services_tandems import consent_withdrawn

        consent_withdrawn(actor=actor, case=case)
    return fresh


@transaction.atomic
def case_access_reason_record(*, actor, case: Case, reason: str) -> CaseAccessReason:
    """County coordination opens a case file: the reason is recorded and logged."""
    if rules.case_access(actor, case) is rules.Access.NONE:
        raise Http404
    if not actor.has_county_overview:
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Please state the reason in at least 10 characters.")})
    grant = CaseAccessReason(
        kreis_id=actor.kreis_id,
        case=case,
        user=actor,
        reason=reason,
        valid_until=timezone.now() + dt.timedelta(hours=ACCESS_REASON_HOURS),
    )
    grant.full_clean()
    grant.save()
    audit_case_event(
        actor=actor,
        action="clients.case.access_reason_recorded",
        case=case,
        data={"reason": reason},
    )
    return grant


def case_viewed(*, actor, case: Case, part: str = "file") -> None:
    """Log a read of a case file (every opening, by anyone)."""
    audit_case_event(actor=actor, action="clients.case.viewed", case=case, data={"part": part})
