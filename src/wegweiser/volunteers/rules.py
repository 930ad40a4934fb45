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
