"""Expected status per role for the URLs of the mentoring groups, merged into
tests/test_url_matrix.py.

Volunteer and county coordination manage groups; integration managers and team leads read them
and get 403 on the coordination's writes; the family linking page is for those who do case work
(they see only their own cases there; county and volunteer coordination 403). The member page is
for the volunteer role (a member: 200). Charlie (a manager of another Kreis) reads his own
county's list, but a group of Alice's Kreis does not exist for him (404).
"""

from __future__ import annotations

import datetime as dt

from tests.matrix import SAME_KREIS_CASEWORK, by_role

MANAGERS = {"coordinator", "volunteer_coordinator"}
READERS = SAME_KREIS_CASEWORK | MANAGERS


def _manage_one():
    return {**by_role(MANAGERS), "charlie": 404}


EXPECTED: dict = {
    "volunteers:group_list": by_role(READERS | {"charlie"}),
    "volunteers:group_create": by_role(MANAGERS),
    "volunteers:group_detail": {**by_role(READERS), "charlie": 404},
    "volunteers:group_update": _manage_one(),
    "volunteers:group_member_add": _manage_one(),
    "volunteers:group_member_remove": _manage_one(),
    "volunteers:group_commitment_add": _manage_one(),
    "volunteers:group_start": _manage_one(),
    "volunteers:group_end": _manage_one(),
    "volunteers:group_family": {**by_role(SAME_KREIS_CASEWORK), "charlie": 404},
    "volunteers:portal_group": by_role({"volunteer"}),
}


def url_kwargs(world: dict) -> dict:
    from tests.volunteers.helpers import make_volunteer
    from wegweiser.volunteers.models import Volunteer
    from wegweiser.volunteers.services_groups import group_create, member_add

    coordination = world["users"]["volunteer_coordinator"]
    account = world["users"]["volunteer"]
    # Another part of the matrix may already have linked a volunteer to the account.
    own = Volunteer.objects.filter(user=account).first() or make_volunteer(
        coordination, given_name="Mira", family_name="Matrix", user=account, status="active"
    )
    group = group_create(actor=coordination, name="NesT Matrix")
    membership = member_add(
        actor=coordination, group=group, volunteer=own, joined_on=dt.date.today()
    )
    kwargs = {"uuid": group.uuid}
    per_name = {
        name: kwargs
        for name in (
            "volunteers:group_detail",
            "volunteers:group_update",
            "volunteers:group_member_add",
            "volunteers:group_commitment_add",
            "volunteers:group_start",
            "volunteers:group_end",
            "volunteers:group_family",
            "volunteers:portal_group",
        )
    }
    per_name["volunteers:group_member_remove"] = {
        "uuid": group.uuid,
        "member_uuid": membership.uuid,
    }
    return per_name
