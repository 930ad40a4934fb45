"""Reads of counselling sessions (within a case the user may read)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from wegweiser.clients import rules
from wegweiser.clients.models import Client
from wegweiser.counselling.models import CounsellingSession


def sessions_of_case(case, *, members: bool = False) -> QuerySet[CounsellingSession]:
    """The sessions of a case, newest first; with ``members`` the household members present
    (the timeline names them, the case page's table does not)."""
    sessions = (
        CounsellingSession.objects.filter(case=case, kreis_id=case.kreis_id)
        # The lists show the summary; the confidential note is read (and decrypted) only by the
        # session's own form.
        .defer("confidential_note")
        .select_related("counsellor")
        .order_by("-held_on", "-pk")
    )
    if members:
        sessions = sessions.prefetch_related(
            Prefetch(
                "members_present", queryset=Client.objects.only("pk", "given_names", "family_name")
            )
        )
    return sessions


def with_links(sessions) -> list[CounsellingSession]:
    """The sessions with the links of a table row (``edit_url``, ``refer_url``): each URL is
    reversed once and the session's id put in, not reversed again per row (two per row, ~1 ms
    on a case page with 20 sessions)."""
    from django.urls import reverse

    placeholder = "00000000-0000-0000-0000-000000000000"
    edit = reverse("counselling:session_update", args=[placeholder])
    refer = reverse("referrals:referral_create_from_session", args=[placeholder])
    sessions = list(sessions)
    for session in sessions:
        uuid = str(session.uuid)
        session.edit_url = edit.replace(placeholder, uuid)
        session.refer_url = refer.replace(placeholder, uuid)
    return sessions


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
