"""Who may import and export: the county's administrators (decision 0011). Integration managers
do not: an import creates case files of the whole county, and the export holds all of them."""

from __future__ import annotations


def can_transfer(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_county_admin", False)
        and user.kreis_id
    )
