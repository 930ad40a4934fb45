"""Volunteer fixtures: a volunteer coordinator of another Kreis."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import OrganisationFactory, UserFactory
from wegweiser.accounts.roles import Role


def german(msgid, **params) -> str:
    """A message as users see it: German once the catalogue has it, until then the msgid."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % params if params else text


@pytest.fixture
def other_volunteer_coordinator(other_kreis):
    return UserFactory(
        email="ehrenamt@zollernalb.example.org",
        team=None,
        organisation=OrganisationFactory(kreis=other_kreis, name="Ehrenamtsbüro Zollernalb"),
        role=Role.VOLUNTEER_COORDINATOR,
    )


def german_plural(singular, plural, number, **params) -> str:
    """A plural message as users see it (German once the catalogue has it)."""
    from django.utils.translation import ngettext

    with translation.override("de"):
        text = ngettext(singular, plural, number)
    return text % params
