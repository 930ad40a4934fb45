"""Expected status per role for the URLs of the plans app, merged into tests/test_url_matrix.py.

EXPECTED maps URL names to {role: status} tables built with tests.matrix (status, by_role,
case_content, case_edit). url_kwargs(world) creates the objects the URLs need and returns
{url name: kwargs for reverse()}; world holds "users" (role -> User; Alice owns the case),
"case" (Alice's open case), "session" and "consent".
"""

from __future__ import annotations

from tests.matrix import case_content, case_edit, status

# Reading pages: the coordinator without a recorded reason is sent to the reason form (302).
EXPECTED: dict = {
    "plans:plan_detail": {**case_content(), "coordinator": 302},
    "plans:plan_pdf": {**case_content(), "coordinator": 302},
    "plans:goal_create": case_edit(),
    "plans:plan_agree": case_edit(),
    "plans:goal_update": case_edit(),
    "plans:step_create": case_edit(),
    "plans:step_update": case_edit(),
    "plans:step_status": status(405),  # POST only
}


def url_kwargs(world: dict) -> dict:
    from wegweiser.plans.services import goal_add, step_add

    alice = world["users"]["alice"]
    goal = goal_add(actor=alice, case=world["case"], field_of_action="language", text="B1-Kurs")
    step = step_add(actor=alice, goal=goal, text="Anmeldung", owner="client")
    return {
        "plans:goal_update": {"uuid": goal.uuid},
        "plans:step_create": {"uuid": goal.uuid},
        "plans:step_update": {"uuid": step.uuid},
        "plans:step_status": {"uuid": step.uuid},
    }
