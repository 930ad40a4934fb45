"""Property-based run of the slot, course, booking and registration operations (schemathesis,
set up as in tests/api/test_schemathesis.py): whatever the input, no server error. Two of three
cases are pointed at Alice's person, a real slot, course, booking and registration so that they
reach the capacity rules of the services."""

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
from tests.directory.test_capacity import make_course, make_slot
from wegweiser.directory import services

MAX_EXAMPLES = 30
OPERATIONS = [
    "GET /api/v1/directory/slots",
    "GET /api/v1/directory/courses",
    "GET /api/v1/clients/{uuid}/bookings",
    "POST /api/v1/clients/{uuid}/bookings",
    "POST /api/v1/bookings/{uuid}/cancel",
    "POST /api/v1/bookings/{uuid}/outcome",
    "GET /api/v1/clients/{uuid}/enrolments",
    "POST /api/v1/clients/{uuid}/enrolments",
    "POST /api/v1/enrolments/{uuid}/answer",
    "POST /api/v1/enrolments/{uuid}/end",
]


@pytest.fixture
def capacity_world(db, keep_test_transaction, alice, coordinator, case, service):  # noqa: F811
    slot = make_slot(coordinator, service, capacity=3)
    course = make_course(coordinator, service, places=1)
    booking = services.slot_book(actor=alice, slot=slot, case=case)
    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    return {
        "token": token_for(alice),
        "person": str(case.client.uuid),
        "service": str(service.uuid),
        "slot": str(slot.uuid),
        "course": str(course.uuid),
        "booking": str(booking.uuid),
        "enrolment": str(enrolment.uuid),
    }


def _aim(case, world: dict) -> None:
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 3 == 0:
        return
    params = case.path_parameters or {}
    if "uuid" in params:
        try:
            uuid.UUID(str(params["uuid"]))
        except ValueError:
            return
        path = case.operation.path
        if "/clients/" in path:
            params["uuid"] = world["person"]
        elif "/bookings/" in path:
            params["uuid"] = world["booking"]
        else:
            params["uuid"] = world["enrolment"]
    if isinstance(case.query, dict) and "service" in case.query:
        case.query["service"] = world["service"]
    if isinstance(case.body, dict):
        for key in ("slot", "course"):
            if key in case.body:
                case.body[key] = world[key]


@pytest.mark.parametrize("label", OPERATIONS)
def test_capacity_api_has_no_server_error(label, api_schema, capacity_world):  # noqa: F811
    fuzz_operation(
        api_schema,
        label,
        token=capacity_world["token"],
        aim=lambda case: _aim(case, capacity_world),
        max_examples=MAX_EXAMPLES,
    )
