"""Expected status per role for the URLs of the volunteers app, merged into
tests/test_url_matrix.py.

Volunteer and county coordination manage volunteers; integration managers and team leads read
the register (for later matching) and get 403 on writes; the volunteer role, the data protection
officer, the county administrator and the state: 403. Charlie (a manager of another Kreis) reads
his own county's register, but a volunteer of Alice's Kreis does not exist for him (404).
"""

from __future__ import annotations

from tests.matrix import SAME_KREIS_CASEWORK, by_role

MANAGERS = {"coordinator", "volunteer_coordinator"}
READERS = SAME_KREIS_CASEWORK | MANAGERS


def _manage_one():
    return {**by_role(MANAGERS), "charlie": 404}


EXPECTED: dict = {
    "volunteers:volunteer_list": by_role(READERS | {"charlie"}),
    "volunteers:volunteer_create": by_role(MANAGERS),
    "volunteers:volunteer_detail": {**by_role(READERS), "charlie": 404},
    "volunteers:volunteer_update": _manage_one(),
    "volunteers:volunteer_status": _manage_one(),
    "volunteers:check_create": _manage_one(),
    "volunteers:qualification_create": _manage_one(),
}


def url_kwargs(world: dict) -> dict:
    from tests.volunteers.helpers import make_volunteer

    volunteer = make_volunteer(world["users"]["volunteer_coordinator"])
    kwargs = {"uuid": volunteer.uuid}
    return {
        name: kwargs
        for name in (
            "volunteers:volunteer_detail",
            "volunteers:volunteer_update",
            "volunteers:volunteer_status",
            "volunteers:check_create",
            "volunteers:qualification_create",
        )
    }
