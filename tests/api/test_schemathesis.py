"""Property-based run of the whole OpenAPI schema (schemathesis): whatever the input, valid or
not, the API never answers with a server error.

The schema is loaded from the real endpoint through Django's WSGI application. Each operation is
one pytest test (so pytest-xdist spreads them) that draws cases from schemathesis' Hypothesis
strategies, positive and negative, and sends them with a real token of Alice, who has a person
with an open case, a session and a municipality. Two of three cases are pointed at that real data
so that they get past the 404 and the most common 422s into the services.

Why not ``@schema.parametrize()``: with pytest 9.2, schemathesis 4.32 gives all its generated
items the same node id (and ``from_fixture`` fails on the removed ``Function._nodeid``), so the
operations are parametrised here with explicit ids, using only schemathesis' public strategy API.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.api.conftest import token_for
from tests.factories import MunicipalityFactory
from wegweiser.clients.models import Client

# Cases per operation: the whole run stays well below a minute on SQLite and PostgreSQL.
MAX_EXAMPLES = 60

# Listed here rather than read from the schema at import time, so that a broken schema fails
# these tests instead of interrupting the collection of the whole suite. A new operation makes
# test_schema_has_every_operation fail until it is added.
OPERATIONS = [
    "GET /api/v1/cases/{uuid}/plan",
    "GET /api/v1/cases/{uuid}/plan/goals",
    "GET /api/v1/clients",
    "GET /api/v1/clients/{uuid}",
    "GET /api/v1/clients/{uuid}/bookings",
    "GET /api/v1/clients/{uuid}/enrolments",
    "GET /api/v1/clients/{uuid}/referrals",
    "GET /api/v1/clients/{uuid}/sessions",
    "GET /api/v1/directory/courses",
    "GET /api/v1/directory/services",
    "GET /api/v1/directory/services/{uuid}",
    "GET /api/v1/directory/slots",
    "GET /api/v1/directory/{ags}/hsds",
    "GET /api/v1/figures",
    "GET /api/v1/figures/outcomes",
    "GET /api/v1/figures/volunteers",
    "GET /api/v1/funding/applications",
    "GET /api/v1/funding/applications/{uuid}",
    "GET /api/v1/funding/programmes",
    "GET /api/v1/funding/programmes/{uuid}",
    "GET /api/v1/plan-goals/{uuid}",
    "GET /api/v1/plan-goals/{uuid}/steps",
    "GET /api/v1/plan-steps/{uuid}",
    "GET /api/v1/referrals/{uuid}",
    "GET /api/v1/sessions",
    "POST /api/v1/bookings/{uuid}/cancel",
    "POST /api/v1/bookings/{uuid}/outcome",
    "POST /api/v1/cases/{uuid}/plan/goals",
    "POST /api/v1/clients",
    "POST /api/v1/clients/{uuid}/bookings",
    "POST /api/v1/clients/{uuid}/enrolments",
    "POST /api/v1/clients/{uuid}/referrals",
    "POST /api/v1/clients/{uuid}/sessions",
    "POST /api/v1/enrolments/{uuid}/answer",
    "POST /api/v1/enrolments/{uuid}/end",
    "POST /api/v1/funding/applications/{uuid}/submit",
    "POST /api/v1/funding/programmes/{uuid}/application",
    "POST /api/v1/plan-goals/{uuid}/steps",
    "PUT /api/v1/clients/{uuid}",
    "PUT /api/v1/plan-goals/{uuid}",
    "PUT /api/v1/plan-steps/{uuid}",
    "PUT /api/v1/referrals/{uuid}",
]


@pytest.fixture
def keep_test_transaction():
    """Django's WSGI handler closes "old" connections at the start and end of each request,
    which would end the test's transaction; Django's own test client switches that off too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(keep_test_transaction):
    """The OpenAPI schema, loaded from the endpoint through Django's WSGI application."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_world(db, keep_test_transaction, alice, client_amina, session, kreis):
    municipality = MunicipalityFactory(kreis=kreis, name="Sigmaringen")
    return {
        "token": token_for(alice),
        "person": str(client_amina.uuid),
        "municipality": str(municipality.uuid),
    }


def _aim(case, world: dict) -> None:
    """Point two of three cases at real data: Alice's person, the current version of that
    person, her municipality, no household, no date of birth unless one is sent, a session date
    within the open case. Deterministic per case (a checksum of its data), so that Hypothesis
    can replay it."""
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 3 == 0:
        return
    params = case.path_parameters or {}
    if "uuid" in params:
        try:
            uuid.UUID(str(params["uuid"]))
        except ValueError:
            return  # a malformed identifier stays as generated (422)
        params["uuid"] = world["person"]
    if isinstance(case.body, dict):
        if case.method == "PUT" and isinstance(case.body.get("version"), int):
            case.body["version"] = Client.objects.get(uuid=world["person"]).version
        if "household" in case.body:
            case.body["household"] = None
        if "municipality" in case.body:
            case.body["municipality"] = world["municipality"]
        if case.method == "POST" and "given_names" in case.body:
            case.body.setdefault("birth_date_precision", "unknown")
        if case.method == "POST" and isinstance(case.body.get("held_on"), str):
            case.body["held_on"] = (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def test_schema_has_every_operation(api_schema):
    labels = sorted(result.ok().label for result in api_schema.get_all_operations())
    assert labels == OPERATIONS


def fuzz_operation(api_schema, label: str, *, token: str, aim, max_examples: int) -> None:
    """Positive and negative cases of one operation, authenticated with ``token``; ``aim(case)``
    points path parameters at real objects. Fails on any server error."""
    operation = api_schema.find_operation_by_label(label)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    headers = {"Authorization": f"Bearer {token}"}

    # The database world of a test is shared by its cases on purpose (as real clients share
    # one database); no example database is written (no .hypothesis directory).
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=cases)
    def run(case):
        aim(case)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_error(label, api_schema, fuzz_world):
    fuzz_operation(
        api_schema,
        label,
        token=fuzz_world["token"],
        aim=lambda case: _aim(case, fuzz_world),
        max_examples=MAX_EXAMPLES,
    )
