"""Who may see and change which case file. The one place for the object rules of case work;
selectors use the Q objects for lists, services and views use the predicates for one object.

- Integration manager: own caseload plus cases of the own team that are shared with the team.
- Team lead: every case of the own team (and own caseload).
- County coordination: county-wide lists without content; opens a file only with a recorded
  reason (``CaseAccessReason``), each opening logged.
- Every other role (state, administrators, volunteers, ...): no case content at all.
- Restriction of processing (Art. 18 GDPR): the responsible manager reads the file, nobody
  changes it, nobody else sees it in a list or opens it.
A case outside what a user may list answers 404, exactly like a case of another Kreis.
"""

from __future__ import annotations

import enum

from django.db.models import Q
from django.utils import timezone

from wegweiser.accounts.roles import Role

NOTHING = Q(pk__in=[])


class Access(enum.Enum):
    NONE = "none"  # not visible: 404
    NEEDS_REASON = "needs_reason"  # visible in lists; content after a recorded reason
    CONTENT = "content"  # may read the file
    EDIT = "edit"  # may read and change it


def restricted_exists(prefix: str = ""):
    """Whether the person of a case has a standing restriction of processing, as an expression."""
    from django.db.models import Exists, OuterRef

    from wegweiser.dataprotection.models import Restriction

    return Exists(
        Restriction.objects.filter(client_id=OuterRef(f"{prefix}client_id"), lifted_at__isnull=True)
    )


def restricted_q(prefix: str = "") -> Q:
    """Cases whose person's processing is restricted (Art. 18 GDPR, dataprotection app)."""
    return Q(restricted_exists(prefix))


# The attribute in which a case read for a request carries whether its person's processing was
# restricted at that read (selectors.case_get reads it with the case: one query less per page).
RESTRICTED_AT_READ = "restricted_at_read"


def is_restricted(case) -> bool:
    known = getattr(case, RESTRICTED_AT_READ, None)
    return client_restricted(case.client_id) if known is None else known


def client_restricted(client_id: int) -> bool:
    """Whether the processing of this person's data is restricted (Art. 18 GDPR)."""
    from wegweiser.dataprotection.models import Restriction

    return Restriction.objects.filter(client_id=client_id, lifted_at__isnull=True).exists()


def casework_q(user, prefix: str = "") -> Q:
    """Cases whose content the user sees by role (without a recorded reason). A restricted case
    only for its responsible manager."""
    if not user.is_authenticated or not user.kreis_id:
        return NOTHING
    p = prefix
    if user.role == Role.INTEGRATION_MANAGER:
        scope = Q(**{f"{p}responsible_id": user.pk})
        if user.team_id:
            scope |= Q(**{f"{p}team_id": user.team_id, f"{p}shared_with_team": True})
    elif user.role == Role.TEAM_LEAD:
        scope = Q(**{f"{p}responsible_id": user.pk})
        if user.team_id:
            scope |= Q(**{f"{p}team_id": user.team_id})
    else:
        return NOTHING
    unrestricted = ~restricted_q(p) | Q(**{f"{p}responsible_id": user.pk})
    return Q(**{f"{p}kreis_id": user.kreis_id}) & scope & unrestricted


def listable_q(user, prefix: str = "") -> Q:
    """Cases the user may see in lists (county coordination: the whole Kreis, no content)."""
    if user.is_authenticated and user.kreis_id and user.has_county_overview:
        return Q(**{f"{prefix}kreis_id": user.kreis_id}) & ~restricted_q(prefix)
    return casework_q(user, prefix)


def case_access(user, case) -> Access:
    if not user.is_authenticated or case.kreis_id != user.kreis_id:
        return Access.NONE
    if is_restricted(case):
        # Restriction of processing: the responsible manager reads, nobody changes.
        return Access.CONTENT if case.responsible_id == user.pk else Access.NONE
    if user.role == Role.INTEGRATION_MANAGER:
        if case.responsible_id == user.pk or (
            user.team_id and case.team_id == user.team_id and case.shared_with_team
        ):
            return Access.EDIT
        return Access.NONE
    if user.role == Role.TEAM_LEAD:
        if case.responsible_id == user.pk or (user.team_id and case.team_id == user.team_id):
            return Access.EDIT
        return Access.NONE
    if user.has_county_overview:
        if case.access_reasons.filter(user=user, valid_until__gt=timezone.now()).exists():
            return Access.CONTENT
        return Access.NEEDS_REASON
    return Access.NONE


def require_case_edit(user, case) -> None:
    """Raise unless the user may change the case: 404 when they may not see it, 403 when they
    may see but not change it. The one check services of every app use for a case."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    access = case_access(user, case)
    if access is Access.NONE:
        raise Http404
    if access is not Access.EDIT:
        raise PermissionDenied


def can_create_cases(user) -> bool:
    return user.is_authenticated and bool(user.kreis_id) and user.does_casework
