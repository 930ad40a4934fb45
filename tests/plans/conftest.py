"""Plan fixtures: Alice's case with a plan of two goals (language with two steps, work)."""

from __future__ import annotations

import pytest

from wegweiser.plans.services import goal_add, step_add


@pytest.fixture
def goal(alice, case):
    return goal_add(
        actor=alice, case=case, field_of_action="language", text="Deutsch auf B1-Niveau"
    )


@pytest.fixture
def step(alice, goal):
    return step_add(actor=alice, goal=goal, text="Anmeldung zum Integrationskurs", owner="client")


@pytest.fixture
def plan(alice, case, goal, step):
    step_add(actor=alice, goal=goal, text="Kita-Platz für die Kurszeit klären", owner="manager")
    goal_add(
        actor=alice, case=case, field_of_action="work", text="Anerkennung des Berufsabschlusses"
    )
    return goal.plan
