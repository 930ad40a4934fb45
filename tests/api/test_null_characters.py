"""A NUL character in any query parameter is refused with 422 and a German message (PostgreSQL
can neither compare nor store it: before, a figures query with one answered 500), after the
token is checked. In the body, the fields say it themselves (test_clients, test_sessions)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

MESSAGE = "Die Anfrage enthält ein Nullzeichen (U+0000); es ist in keinem Parameter erlaubt."


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/figures/outcomes", {"unit": "state", "id": "BW\x00"}, "id"),
        ("/figures/outcomes", {"unit": "county", "id": "08115\x00lz"}, "id"),
        ("/figures", {"period": "2026", "unit": "county", "id": "\x00"}, "id"),
        ("/clients", {"page": "1", "x\x00": "1"}, "x"),
    ],
)
def test_a_nul_in_the_query_is_a_german_422(alice_api, path, params, field):
    response = alice_api.get(path, **params)
    assert response.status_code == 422, response.content
    assert response["Content-Language"] == "de"
    assert response.json()["errors"] == {field: [MESSAGE]}


def test_without_a_token_it_is_401_first(anonymous_api):
    assert anonymous_api.get("/figures/outcomes", unit="state", id="BW\x00").status_code == 401
