"""The county administration records each user's share of a full-time post (the caseload per
full-time post of the key figures depends on it)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wegweiser.accounts.services import user_update
from wegweiser.audit.models import AuditEntry


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _update(admin, user, fte):
    return user_update(
        actor=admin,
        user=user,
        role=user.role,
        organisation=user.organisation,
        team=user.team,
        first_name=user.first_name,
        last_name=user.last_name,
        full_time_equivalent=fte,
    )


def test_half_time_post_is_saved_and_audited(county_admin, alice):
    _update(county_admin, alice, Decimal("0.5"))
    alice.refresh_from_db()
    assert alice.full_time_equivalent == Decimal("0.50")
    entry = AuditEntry.objects.filter(action="accounts.user.updated").latest("pk")
    assert entry.data["full_time_equivalent"] == "0.50"


def test_out_of_range_share_is_refused(county_admin, alice):
    with pytest.raises(ValidationError) as exc:
        _update(county_admin, alice, Decimal("1.5"))
    assert "full_time_equivalent" in exc.value.message_dict
    alice.refresh_from_db()
    assert alice.full_time_equivalent == Decimal("1.00")


def test_the_form_takes_a_decimal_comma(client, county_admin, alice, settings):
    from wegweiser.accounts.forms import UserForm

    form = UserForm(
        data={
            "first_name": "Alice",
            "last_name": "Arslan",
            "role": alice.role,
            "organisation": alice.organisation_id,
            "team": alice.team_id,
            "full_time_equivalent": "0,75",
        },
        kreis=county_admin.kreis,
        editing=True,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_time_equivalent"] == Decimal("0.75")
