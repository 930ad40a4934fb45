"""Who may see and change which volunteer. The one place for these rules; selectors use the Q
objects for lists, services and views the predicates for one volunteer.

- Manage (create, change, record checks and training): volunteer coordination and county
  coordination of the volunteer's Kreis.
- Read (the register, for later matching): integration managers and team leads of the Kreis.
- Other roles (the volunteer role, data protection officer, county administrator, state
  users): no access (403).
- A volunteer of another Kreis answers 404.
"""

from __future__ import annotations

import enum

from django.db.models import Q

from wegweiser.accounts.roles import Role

NOTHING = Q(pk__in=[])

MANAGER_ROLES = frozenset({Role.VOLUNTEER_COORDINATOR, Role.COUNTY_COORDINATOR})
READER_ROLES = MANAGER_ROLES | {Role.INTEGRATION_MANAGER, Role.TEAM_LEAD}


class Access(enum.Enum):
    NONE = "none"  # not visible: 404
    READ = "read"
    EDIT = "edit"


def can_read(user) -> bool:
    return bool(user.is_authenticated and user.kreis_id and user.role in READER_ROLES)


def can_manage(user) -> bool:
    return bool(user.is_authenticated and user.kreis_id and user.role in MANAGER_ROLES)


def visible_q(user, prefix: str = "") -> Q:
    if not can_read(user):
        return NOTHING
    return Q(**{f"{prefix}kreis_id": user.kreis_id})


def access(user, volunteer) -> Access:
    if not can_read(user) or volunteer.kreis_id != user.kreis_id:
        return Access.NONE
    return Access.EDIT if can_manage(user) else Access.READ


# --- The volunteer role: a volunteer sees only their own tandems, groups and requests ----------
#
# A user with the volunteer role is linked to one Volunteer of their Kreis (Volunteer.user). They
# see:
# - their running tandems, and only while the person's consent to passing contact data to
#   volunteers stands (withdrawal hides the tandem at once, before any service has ended it);
# - open support requests of their Kreis they are suitable for (the language asked for, if any),
#   without the person; the requests they took, with the person's first name and contact under
#   the same consent;
# - the mentoring groups they are a member of;
# - the training events of their Kreis.
# Never a case file, a plan, a note, or another volunteer's tandem (404).

VOLUNTEER_ACTIVE_STATUSES = ("active", "paused")


def own_volunteer(user):
    """The Volunteer of a user with the volunteer role (None: no profile linked, or left)."""
    if not (user.is_authenticated and user.kreis_id and user.role == Role.VOLUNTEER):
        return None
    from wegweiser.volunteers.models import Volunteer

    return (
        Volunteer.objects.filter(
            user=user, kreis_id=user.kreis_id, status__in=VOLUNTEER_ACTIVE_STATUSES
        )
        .prefetch_related("municipalities")
        .first()
    )


def consent_stands_q(case_prefix: str = "case__") -> Q:
    """Rows whose case's person has a standing consent to passing contact data to volunteers
    (and whose processing is not restricted, Art. 18 GDPR)."""
    from django.db.models import Exists, OuterRef

    from wegweiser.clients.models import Consent
    from wegweiser.clients.rules import restricted_q

    return Q(
        Exists(
            Consent.objects.filter(
                client_id=OuterRef(f"{case_prefix}client_id"),
                covers_volunteer=True,
                withdrawn_on__isnull=True,
            )
        )
    ) & ~restricted_q(case_prefix)


def consent_stands(case) -> bool:
    from wegweiser.clients.models import Consent
    from wegweiser.clients.rules import is_restricted

    return Consent.objects.filter(
        client_id=case.client_id, covers_volunteer=True, withdrawn_on__isnull=True
    ).exists() and not is_restricted(case)
