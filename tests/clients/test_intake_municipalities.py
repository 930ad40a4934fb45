"""The intake form's municipality list comes from a read compiled once (clients.forms): the
county's municipalities in name order, none of another county, and a choice is still checked
against the county."""

from __future__ import annotations

import re

import pytest

from tests.factories import MunicipalityFactory
from wegweiser.clients.forms import ClientCreateForm

pytestmark = pytest.mark.django_db


def _options(form) -> list[tuple[str, str]]:
    html = str(form["municipality"])
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)


def test_the_list_holds_the_countys_municipalities_in_name_order(kreis, other_kreis):
    sigmaringen = MunicipalityFactory(kreis=kreis, name="Sigmaringen")
    bingen = MunicipalityFactory(kreis=kreis, name="Bingen")
    MunicipalityFactory(kreis=other_kreis, name="Balingen")
    expected = [("", "---------"), (str(bingen.pk), "Bingen"), (str(sigmaringen.pk), "Sigmaringen")]
    for _ in range(2):  # the compiled read again, for another form
        assert _options(ClientCreateForm(kreis=kreis)) == expected
    assert [label for _value, label in _options(ClientCreateForm(kreis=other_kreis))] == [
        "---------",
        "Balingen",
    ]


def test_a_chosen_municipality_is_checked_against_the_county(kreis, other_kreis):
    own = MunicipalityFactory(kreis=kreis, name="Bingen")
    foreign = MunicipalityFactory(kreis=other_kreis, name="Balingen")
    data = {"given_names": "Amina", "family_name": "Haddad", "birth_date_precision": "day"}
    form = ClientCreateForm({**data, "municipality": foreign.pk}, kreis=kreis)
    form.is_valid()
    assert "municipality" in form.errors
    form = ClientCreateForm({**data, "municipality": own.pk}, kreis=kreis)
    form.is_valid()
    assert "municipality" not in form.errors
    assert form.cleaned_data["municipality"] == own
    assert f'<option value="{own.pk}" selected>Bingen</option>' in str(form["municipality"])
