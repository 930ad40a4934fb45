"""Who may see and change which entry of the directory. The one place for these rules; selectors
use the Q objects for lists, services and views the predicates for one entry.

- Read: integration managers, team leads, county coordination and county administrators read the
  entries of their Kreis and the state-wide entries of their Land (``kreis`` empty). The state
  funding officer reads the state-wide entries of the own Land. Other roles: no access (403).
- Edit (create, change, deactivate, import): team leads, county coordination and county
  administrators for the entries of their Kreis; the state funding officer for the state-wide
  entries of the Land. Integration managers read only.
- An entry of another Kreis (or Land) answers 404. See docs/decisions/0005-directory-rights.md.
"""

from __future__ import annotations

import enum

from django.db.models import Q

from wegweiser.accounts.roles import Role

NOTHING = Q(pk__in=[])

COUNTY_READER_ROLES = frozenset(
    {Role.INTEGRATION_MANAGER, Role.TEAM_LEAD, Role.COUNTY_COORDINATOR, Role.COUNTY_ADMIN}
)
COUNTY_EDITOR_ROLES = frozenset({Role.TEAM_LEAD, Role.COUNTY_COORDINATOR, Role.COUNTY_ADMIN})
IMPORT_ROLES = frozenset({Role.COUNTY_COORDINATOR, Role.COUNTY_ADMIN})


class Access(enum.Enum):
    NONE = "none"  # not visible: 404
    READ = "read"
    EDIT = "edit"


def can_read(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_state_user:
        return bool(user.land_id)
    return bool(user.kreis_id) and user.role in COUNTY_READER_ROLES


def can_edit(user) -> bool:
    """May create entries (of the own Kreis; a state user: state-wide ones)."""
    if not user.is_authenticated:
        return False
    if user.is_state_user:
        return bool(user.land_id)
    return bool(user.kreis_id) and user.role in COUNTY_EDITOR_ROLES


def can_import(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_state_user:
        return bool(user.land_id)
    return bool(user.kreis_id) and user.role in IMPORT_ROLES


def visible_q(user, prefix: str = "") -> Q:
    """Entries the user may read: the own Kreis's and the state-wide ones of the own Land."""
    if not can_read(user):
        return NOTHING
    p = prefix
    state_wide = Q(**{f"{p}kreis__isnull": True, f"{p}land_id": user.land_id})
    if user.is_state_user:
        return state_wide
    return Q(**{f"{p}kreis_id": user.kreis_id}) | state_wide


def editable_q(user, prefix: str = "") -> Q:
    if not can_edit(user):
        return NOTHING
    if user.is_state_user:
        return Q(**{f"{prefix}kreis__isnull": True, f"{prefix}land_id": user.land_id})
    return Q(**{f"{prefix}kreis_id": user.kreis_id})


def in_scope(user, entry) -> bool:
    """Whether the entry belongs to what the user could ever see (else 404)."""
    if not user.is_authenticated:
        return False
    if entry.kreis_id is None:
        return entry.land_id == user.land_id
    return not user.is_state_user and entry.kreis_id == user.kreis_id


def access(user, entry) -> Access:
    if not in_scope(user, entry) or not can_read(user):
        return Access.NONE
    if entry.kreis_id is None:
        return Access.EDIT if user.is_state_user else Access.READ
    return Access.EDIT if can_edit(user) else Access.READ


def target_scope(user) -> tuple[int | None, int]:
    """(kreis_id, land_id) of the entries the user creates."""
    if user.is_state_user:
        return None, user.land_id
    return user.kreis_id, user.land_id
