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


def _casework_scopes(user, p: str) -> tuple[Q, Q | None] | None:
    """The two ways a case falls in the user's case work: their own caseload, and (by role)
    the cases of their team; ``None`` for a role without case work."""
    own = Q(**{f"{p}responsible_id": user.pk})
    if user.role == Role.INTEGRATION_MANAGER:
        team = Q(**{f"{p}team_id": user.team_id, f"{p}shared_with_team": True})
    elif user.role == Role.TEAM_LEAD:
        team = Q(**{f"{p}team_id": user.team_id})
    else:
        return None
    return own, (team if user.team_id else None)


def casework_q(user, prefix: str = "") -> Q:
    """Cases whose content the user sees by role (without a recorded reason). A restricted case
    only for its responsible manager."""
    if not user.is_authenticated or not user.kreis_id:
        return NOTHING
    p = prefix
    scopes = _casework_scopes(user, p)
    if scopes is None:
        return NOTHING
    own, team = scopes
    scope = own if team is None else own | team
    unrestricted = ~restricted_q(p) | Q(**{f"{p}responsible_id": user.pk})
    return Q(**{f"{p}kreis_id": user.kreis_id}) & scope & unrestricted


def casework_parts(user) -> list[Q]:
    """``casework_q`` in disjoint parts (no case in two, together exactly ``casework_q``): the
    own caseload, and the team's other cases. Each part is one index range (county and manager,
    county and team), so that a list reads each from its index instead of both through the
    table (clients.selectors.case_list_parts)."""
    if not user.is_authenticated or not user.kreis_id:
        return [NOTHING]
    scopes = _casework_scopes(user, "")
    if scopes is None:
        return [NOTHING]
    own, team = scopes
    kreis = Q(kreis_id=user.kreis_id)
    # The own caseload includes the own restricted cases (casework_q's "unrestricted" holds).
    parts = [kreis & own]
    if team is not None:
        parts.append(kreis & team & ~own & ~restricted_q())
    return parts


def listable_q(user, prefix: str = "") -> Q:
    """Cases the user may see in lists (county coordination: the whole Kreis, no content)."""
    if user.is_authenticated and user.kreis_id and user.has_county_overview:
        return Q(**{f"{prefix}kreis_id": user.kreis_id}) & ~restricted_q(prefix)
    return casework_q(user, prefix)


def listable_parts(user) -> list[Q]:
    """``listable_q`` in disjoint parts (see ``casework_parts``)."""
    if user.is_authenticated and user.kreis_id and user.has_county_overview:
        return [listable_q(user)]
    return casework_parts(user)


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
