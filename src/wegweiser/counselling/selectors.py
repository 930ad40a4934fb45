"""Reads of counselling sessions (within a case the user may read)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.text import Truncator

from wegweiser.clients import rules
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import language_label
from wegweiser.clients.models import Client
from wegweiser.core.addresses import uuid_address
from wegweiser.core.prepared import PreparedRead
from wegweiser.counselling.models import Channel, CounsellingSession


def sessions_of_case(case) -> QuerySet[CounsellingSession]:
    """The sessions of a case, newest first, with the household members present (the timeline;
    the case page's table reads its columns with ``session_rows``)."""
    return (
        CounsellingSession.objects.filter(case=case, kreis_id=case.kreis_id)
        # The lists show the summary; the confidential note is read (and decrypted) only by the
        # session's own form.
        .defer("confidential_note")
        .select_related("counsellor")
        .prefetch_related(
            Prefetch(
                "members_present", queryset=Client.objects.only("pk", "given_names", "family_name")
            )
        )
        .order_by("-held_on", "-pk")
    )


@dataclass(slots=True)
class SessionRow:
    """One row of the case page's session table, its cells already as text (the table read 20
    sessions with their counsellors as model objects and formatted them in ~180 template
    variables and filters)."""

    held_on: str
    duration_minutes: int
    channel: str
    interpreter_used: bool
    interpreter_language: str
    fields_of_action: str
    summary: str
    counsellor: str
    edit_url: str
    refer_url: str


_ROW_COLUMNS = (
    "uuid",
    "held_on",
    "duration_minutes",
    "channel",
    "interpreter_used",
    "interpreter_language",
    "fields_of_action",
    "summary",
    "counsellor__first_name",
    "counsellor__last_name",
    "counsellor__email",
)


# The case page shows the newest 20 sessions: that query compiled once (core.prepared).
_NEWEST_20 = PreparedRead(
    lambda case_id, kreis_id: (
        CounsellingSession.objects.filter(case_id=case_id, kreis_id=kreis_id)
        .order_by("-held_on", "-pk")
        .values_list(*_ROW_COLUMNS)[:20]
    ),
    case_id=CounsellingSession._meta.get_field("case"),
    kreis_id=CounsellingSession._meta.get_field("kreis"),
)


def session_rows(case) -> list[SessionRow]:
    """The case's newest 20 sessions as table rows (one query of the columns shown; the
    confidential note is never read). The row links are reversed once and the session's id
    put in, not reversed twice per row."""
    edit = uuid_address("counselling:session_update")
    refer = uuid_address("referrals:referral_create_from_session")
    channels = dict(Channel.choices)
    fields = dict(FieldOfAction.choices)
    rows = []
    for (
        uuid,
        held_on,
        minutes,
        channel,
        interpreter_used,
        interpreter_language,
        codes,
        summary,
        first,
        last,
        email,
    ) in _NEWEST_20.fetch(case_id=case.pk, kreis_id=case.kreis_id):
        rows.append(
            SessionRow(
                held_on=f"{held_on.day:02d}.{held_on.month:02d}.{held_on.year}",
                duration_minutes=minutes,
                channel=str(channels.get(channel, channel)),
                interpreter_used=interpreter_used,
                interpreter_language=language_label(interpreter_language)
                if interpreter_language
                else "",
                fields_of_action=", ".join(str(fields.get(c, c)) for c in codes or []),
                summary=Truncator(summary).chars(200),
                counsellor=f"{first} {last}".strip() or email,
                edit_url=edit(uuid),
                refer_url=refer(uuid),
            )
        )
    return rows


def session_list(user) -> QuerySet[CounsellingSession]:
    """Sessions of every case whose content the user sees by role."""
    return CounsellingSession.objects.filter(rules.casework_q(user, "case__")).select_related(
        "case", "counsellor"
    )


def session_get(*, user, uuid) -> CounsellingSession:
    try:
        session = CounsellingSession.objects.select_related(
            "case", "case__client", "counsellor"
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (CounsellingSession.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if rules.case_access(user, session.case) is rules.Access.NONE:
        raise Http404
    return session
