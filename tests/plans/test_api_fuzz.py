"""Property-based run of the plans operations of the OpenAPI schema (schemathesis, set up as in
tests/api/test_schemathesis.py): whatever the input, no server error. Two of three cases are
pointed at Alice's real case, goal and step so that they reach the services."""

from __future__ import annotations

import uuid
import zlib

import pytest

from tests.api.conftest import token_for
from tests.api.test_schemathesis import (  # noqa: F401
    api_schema,
    fuzz_operation,
    keep_test_transaction,
)
from wegweiser.plans.models import Goal, Step

MAX_EXAMPLES = 40
OPERATIONS = [
    "GET /api/v1/cases/{uuid}/plan",
    "GET /api/v1/cases/{uuid}/plan/goals",
    "POST /api/v1/cases/{uuid}/plan/goals",
    "GET /api/v1/plan-goals/{uuid}",
    "PUT /api/v1/plan-goals/{uuid}",
    "GET /api/v1/plan-goals/{uuid}/steps",
    "POST /api/v1/plan-goals/{uuid}/steps",
    "GET /api/v1/plan-steps/{uuid}",
    "PUT /api/v1/plan-steps/{uuid}",
]


@pytest.fixture
def plan_world(db, keep_test_transaction, alice, case, goal, step):  # noqa: F811
    return {"token": token_for(alice), "case": case, "goal": goal, "step": step}


def _aim(case, world: dict) -> None:
    if zlib.crc32(repr((case.path_parameters, case.body)).encode()) % 3 == 0:
        return
    params = case.path_parameters or {}
    if "uuid" in params:
        try:
            uuid.UUID(str(params["uuid"]))
        except ValueError:
            return
        path = case.operation.path
        if "/cases/" in path:
            params["uuid"] = str(world["case"].uuid)
        elif "/plan-goals/" in path:
            params["uuid"] = str(world["goal"].uuid)
        else:
            params["uuid"] = str(world["step"].uuid)
    if isinstance(case.body, dict) and case.method == "PUT":
        if isinstance(case.body.get("version"), int):
            model = Step if "plan-steps" in case.operation.path else Goal
            case.body["version"] = model.objects.get(uuid=params["uuid"]).version


@pytest.mark.parametrize("label", OPERATIONS)
def test_plans_api_has_no_server_error(label, api_schema, plan_world):  # noqa: F811
    fuzz_operation(
        api_schema,
        label,
        token=plan_world["token"],
        aim=lambda case: _aim(case, plan_world),
        max_examples=MAX_EXAMPLES,
    )
