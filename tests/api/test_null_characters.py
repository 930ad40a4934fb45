"""A NUL character in any query parameter or in the body is refused with 422 and a German
message (PostgreSQL can neither compare nor store it: before, a figures query with one answered
500), after the token is checked, and nothing is saved."""

from __future__ import annotations

import pytest

from tests.api.test_clients import new_person
from wegweiser.clients.models import Client

pytestmark = pytest.mark.django_db

MESSAGE = "Die Anfrage enthält ein Nullzeichen (U+0000); es ist in keinem Feld erlaubt."


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


@pytest.mark.parametrize("raw", ["\x00", "Ami\x00na"])
def test_a_nul_in_the_body_is_refused_and_nothing_saved(alice_api, raw):
    before = Client.objects.count()
    response = alice_api.post("/clients", new_person(given_names=raw))
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == MESSAGE
    assert Client.objects.count() == before


def test_without_a_token_it_is_401_first(anonymous_api):
    assert anonymous_api.get("/figures/outcomes", unit="state", id="BW\x00").status_code == 401
