"""Property-based run of the funding operations of the OpenAPI schema (schemathesis, set up as in
tests/api/test_schemathesis.py): whatever the input, no server error. Two of three cases are
pointed at a real published programme and the county coordination's draft application (with
its signed form, before the deadline) so that they reach the services."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.conftest import token_for
from tests.api.test_schemathesis import (  # noqa: F401
    api_schema,
    fuzz_operation,
    keep_test_transaction,
)
from tests.funding.conftest import PDF, make_programme, publish
from wegweiser.funding import services
from wegweiser.funding.models import Application

MAX_EXAMPLES = 40
OPERATIONS = [
    "GET /api/v1/funding/applications",
    "GET /api/v1/funding/applications/{uuid}",
    "GET /api/v1/funding/programmes",
    "GET /api/v1/funding/programmes/{uuid}",
    "POST /api/v1/funding/applications/{uuid}/submit",
    "POST /api/v1/funding/programmes/{uuid}/application",
]


@pytest.fixture
def funding_world(db, keep_test_transaction, coordinator, state_officer, kreis, other_kreis):  # noqa: F811
    today = timezone.localdate()
    programme = make_programme(
        state_officer,
        year=today.year,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        application_deadline=today + dt.timedelta(days=60),
    )
    publish(programme, state_officer, {kreis: Decimal("100000.00"), other_kreis: Decimal("1")})
    signed = services.document_store(
        actor=coordinator,
        land_id=coordinator.land_id,
        kreis_id=coordinator.kreis_id,
        name="antrag.pdf",
        content=PDF,
    )
    application = services.application_save(
        actor=coordinator,
        programme=programme,
        amount=Decimal("50000.00"),
        posts=Decimal("1"),
        planned_uses="Integrationsmanagement",
        signed_form=signed,
    )
    return {"token": token_for(coordinator), "programme": programme, "application": application}


def _aim(case, world: dict) -> None:
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 3 == 0:
        return
    params = case.path_parameters or {}
    if "uuid" in params:
        try:
            uuid.UUID(str(params["uuid"]))
        except ValueError:
            return  # a malformed identifier stays as generated (422)
        if "/funding/programmes/" in case.operation.path:
            params["uuid"] = str(world["programme"].uuid)
        else:
            params["uuid"] = str(world["application"].uuid)
    if isinstance(case.query, dict) and "programme" in case.query:
        case.query["programme"] = str(world["programme"].uuid)
    if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
        case.body["version"] = Application.objects.get(pk=world["application"].pk).version


@pytest.mark.parametrize("label", OPERATIONS)
def test_funding_api_has_no_server_error(label, api_schema, funding_world):  # noqa: F811
    fuzz_operation(
        api_schema,
        label,
        token=funding_world["token"],
        aim=lambda case: _aim(case, funding_world),
        max_examples=MAX_EXAMPLES,
    )
