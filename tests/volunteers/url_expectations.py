"""Expected status per role for the URLs of the volunteers app, merged into
tests/test_url_matrix.py.

Volunteer and county coordination manage volunteers; integration managers and team leads read
the register (for later matching) and get 403 on writes; the volunteer role, the data protection
officer, the county administrator and the state: 403. Charlie (a manager of another Kreis) reads
his own county's register, but a volunteer of Alice's Kreis does not exist for him (404).
"""

from __future__ import annotations

from tests.matrix import CASEWORK, SAME_KREIS_CASEWORK, by_role, case_content, case_edit, status

MANAGERS = {"coordinator", "volunteer_coordinator"}
READERS = SAME_KREIS_CASEWORK | MANAGERS


def _table(ok: set[str], forbidden: set[str]) -> dict:
    """200 for ``ok``, 403 for ``forbidden``, 404 for every other logged-in role."""
    table = status(404)
    table.update({role: 200 for role in ok} | {role: 403 for role in forbidden})
    return table


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
    # Tandems and support requests from the case: like the case file (the county coordination is
    # sent to the case page for a recorded reason first).
    "volunteers:case_volunteering": {**case_content(), "coordinator": 302},
    "volunteers:tandem_create": case_edit(),
    "volunteers:support_request_create": case_edit(),
    # A tandem or request of Alice's case: her team changes it; the coordination ends a tandem;
    # a reader of the register sees that it exists (403); everyone else: 404.
    "volunteers:tandem_update": _table(CASEWORK, {"coordinator", "volunteer_coordinator"}),
    "volunteers:tandem_end": _table(CASEWORK | MANAGERS, {"dora"}),
    "volunteers:support_request_cancel": _table(CASEWORK, {"coordinator"}),
    "volunteers:support_request_list": by_role(READERS | {"charlie"}),
    # The volunteer's own pages: the volunteer role only (others 403); POST-only actions 405.
    "volunteers:portal": by_role({"volunteer"}),
    "volunteers:portal_tandem": by_role({"volunteer"}),
    "volunteers:portal_request": by_role({"volunteer"}),
    "volunteers:portal_request_done": by_role({"volunteer"}),
    "volunteers:portal_request_take": status(405),
    "volunteers:portal_request_release": status(405),
    "volunteers:activity_cancel": status(405),
}


def url_kwargs(world: dict) -> dict:
    import datetime as dt

    from tests.volunteers.helpers import linked_volunteer, make_volunteer, volunteer_consent
    from wegweiser.volunteers import services_tandems

    users = world["users"]
    coordinator, alice, case = users["volunteer_coordinator"], users["alice"], world["case"]
    volunteer = make_volunteer(coordinator)
    kwargs = {"uuid": volunteer.uuid}
    # The volunteer role: a tandem with Alice's client, an open request and a taken one.
    own = linked_volunteer(coordinator, users["volunteer"])
    volunteer_consent(alice, case)
    today = dt.date.today()
    tandem = services_tandems.tandem_create(
        actor=alice, case=case, volunteer=own, started_on=today - dt.timedelta(days=10)
    )
    activity = services_tandems.tandem_meeting_log(
        actor=users["volunteer"], tandem=tandem, date=today, hours=1
    )
    open_request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zum Jobcenter", needed_on=today
    )
    taken = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zur Ausländerbehörde", needed_on=today
    )
    services_tandems.support_request_take(actor=users["volunteer"], request=taken)
    per_name = {
        name: {"uuid": case.uuid}
        for name in (
            "volunteers:case_volunteering",
            "volunteers:tandem_create",
            "volunteers:support_request_create",
        )
    }
    per_name.update(
        {
            "volunteers:tandem_update": {"uuid": tandem.uuid},
            "volunteers:tandem_end": {"uuid": tandem.uuid},
            "volunteers:portal_tandem": {"uuid": tandem.uuid},
            "volunteers:support_request_cancel": {"uuid": open_request.uuid},
            "volunteers:portal_request": {"uuid": open_request.uuid},
            "volunteers:portal_request_take": {"uuid": open_request.uuid},
            "volunteers:portal_request_release": {"uuid": taken.uuid},
            "volunteers:portal_request_done": {"uuid": taken.uuid},
            "volunteers:activity_cancel": {"uuid": activity.uuid},
        }
    )
    return per_name | {
        name: kwargs
        for name in (
            "volunteers:volunteer_detail",
            "volunteers:volunteer_update",
            "volunteers:volunteer_status",
            "volunteers:check_create",
            "volunteers:qualification_create",
        )
    }
