"""Who sees which key figures (one place; the views, exports and the API ask here).

- Integration manager: their own figures.
- Team lead: the team, and each manager of the team.
- County coordination and county administration: the county, split by manager, team and
  provider; the coordination submits the annual report to the state.
- State funding authority: the state and each county of its Land, and the submitted annual
  reports, always with statistical suppression (no cell below 5 persons, figures leave the
  county); never a case file or a person.
- Volunteer programme (``can_view_volunteer_figures``, the page Kennzahlen → Ehrenamt): the
  volunteer coordination and the county coordination and administration see their county's
  volunteer figures (no case content: counts and hours), the state funding authority every
  county of its Land, suppressed. The volunteer coordination sees no other figures.
- Other roles: none (403).

Within a county, figures are shown as they are (the county's staff may see its case work);
figures that leave the county are suppressed (``needs_suppression``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wegweiser.accounts.roles import Role
from wegweiser.statistics.figures import Unit

COUNTY_ROLES = frozenset({Role.COUNTY_COORDINATOR, Role.COUNTY_ADMIN})
VOLUNTEER_FIGURE_ROLES = COUNTY_ROLES | {Role.VOLUNTEER_COORDINATOR}


def can_view(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_state_user:
        return bool(user.land_id)
    return bool(user.kreis_id) and (user.does_casework or user.role in COUNTY_ROLES)


def require_view(user) -> None:
    if not can_view(user):
        raise PermissionDenied


def is_county_level(user) -> bool:
    return user.is_authenticated and user.role in COUNTY_ROLES and bool(user.kreis_id)


def can_submit(user) -> bool:
    """Only the county coordination submits the annual figures to the state."""
    return user.is_authenticated and user.role == Role.COUNTY_COORDINATOR and bool(user.kreis_id)


def can_read_county_report(user, kreis) -> bool:
    """The annual report of a county: the county's coordination and administration, and the
    state authority of its Land (suppressed). 404 for everyone else who may see figures."""
    if user.is_state_user:
        return kreis.land_id == user.land_id
    return is_county_level(user) and kreis.pk == user.kreis_id


def needs_suppression(user) -> bool:
    """Figures leave the county when the state reads them."""
    return user.is_state_user


def home_unit(user) -> Unit:
    """The widest unit the user may see: the state, the county, the team or themselves."""
    require_view(user)
    if user.is_state_user:
        return Unit("state", user.land_id)
    if user.role in COUNTY_ROLES:
        return Unit("county", user.kreis_id)
    if user.role == Role.TEAM_LEAD and user.team_id:
        return Unit("team", user.team_id)
    return Unit("manager", user.pk)


def may_see_unit(user, unit: Unit) -> bool:
    """Whether ``unit`` lies within what the user may see (else 404)."""
    from wegweiser.accounts.models import User
    from wegweiser.organisations.models import Kreis, Organisation, Team

    if not can_view(user):
        return False
    if user.is_state_user:
        if unit.kind == "state":
            return unit.pk == user.land_id
        if unit.kind == "county":
            return Kreis.objects.filter(pk=unit.pk, land_id=user.land_id).exists()
        return False  # the state sees counties, never teams, providers or managers
    if user.role in COUNTY_ROLES:
        if unit.kind == "county":
            return unit.pk == user.kreis_id
        if unit.kind == "team":
            return Team.objects.filter(pk=unit.pk, kreis_id=user.kreis_id).exists()
        if unit.kind == "provider":
            return Organisation.objects.filter(pk=unit.pk, kreis_id=user.kreis_id).exists()
        if unit.kind == "manager":
            return User.objects.filter(pk=unit.pk, kreis_id=user.kreis_id).exists()
        return False
    if user.role == Role.TEAM_LEAD and user.team_id:
        if unit.kind == "team":
            return unit.pk == user.team_id
        if unit.kind == "manager":
            return User.objects.filter(pk=unit.pk, team_id=user.team_id).exists()
        return False
    return unit.kind == "manager" and unit.pk == user.pk


def require_unit(user, unit: Unit) -> None:
    require_view(user)
    if not may_see_unit(user, unit):
        raise Http404


def can_view_volunteer_figures(user) -> bool:
    """The figures of the volunteer programme: the county's volunteer coordination, coordination
    and administration; the state authority (all counties of its Land, suppressed)."""
    if not user.is_authenticated:
        return False
    if user.is_state_user:
        return bool(user.land_id)
    return bool(user.kreis_id) and user.role in VOLUNTEER_FIGURE_ROLES


def volunteer_unit(user) -> Unit:
    """The unit of the volunteer figures the user reads: the state or the own county (403 for
    everyone else)."""
    if not can_view_volunteer_figures(user):
        raise PermissionDenied
    if user.is_state_user:
        return Unit("state", user.land_id)
    return Unit("county", user.kreis_id)
