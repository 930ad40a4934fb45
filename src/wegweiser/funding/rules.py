"""Who does what in the funding administration (one place; views, services and the API ask here).

- The state funding officer (Fördermittelstelle des Landes) administers the programmes of the
  own Land: basis data, allocation, planning frames, deadline extensions, decisions on
  applications, payouts, the check of the proof of use and the status board. Money and figures
  only: never a case file (the figures of a proof of use are aggregates).
- The county coordination applies for its county, records pass-through to providers and
  submits the proof of use; the county administration reads along.
- Everyone else: 403. Objects of another Land or county: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wegweiser.accounts.roles import Role

COUNTY_READERS = frozenset({Role.COUNTY_COORDINATOR, Role.COUNTY_ADMIN})


def is_authority(user) -> bool:
    return user.is_authenticated and user.is_state_user and bool(user.land_id)


def is_county(user) -> bool:
    return user.is_authenticated and user.role in COUNTY_READERS and bool(user.kreis_id)


def can_view(user) -> bool:
    return is_authority(user) or is_county(user)


def can_apply(user) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_COORDINATOR and bool(user.kreis_id)


def require_view(user) -> None:
    if not can_view(user):
        raise PermissionDenied


def require_authority(user, land_id: int | None = None) -> None:
    if not is_authority(user):
        raise PermissionDenied
    if land_id is not None and land_id != user.land_id:
        raise Http404


def require_programme(user, programme) -> None:
    """The programme of the own Land (county users: only once its frame is published)."""
    require_view(user)
    if programme.land_id != user.land_id:
        raise Http404
    if not is_authority(user) and programme.status == "draft":
        raise Http404


def require_application(user, application, *, edit: bool = False) -> None:
    require_view(user)
    if is_authority(user):
        if application.programme.land_id != user.land_id:
            raise Http404
        if application.status == "draft":
            raise Http404  # a county's draft is its own until it is submitted
        if edit:
            raise PermissionDenied  # the authority decides, it does not write the application
        return
    if application.kreis_id != user.kreis_id:
        raise Http404
    if edit and not can_apply(user):
        raise PermissionDenied
