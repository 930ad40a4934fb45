"""Funding fixtures: a programme of Baden-Württemberg with a published planning frame in which
Alice's county (kreis) has 100,000 EUR; a signed form; the state officer administers it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from wegweiser.funding.models import FrameEntry, PlanningFrame, Programme, ProgrammeStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_programme(officer, **fields) -> Programme:
    values = {
        "land_id": officer.land_id,
        "name": "Integrationsmanagement",
        "year": 2026,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "budget": Decimal("58000000.00"),
        "purpose": "Integrationsmanagement in den Stadt- und Landkreisen",
        "application_deadline": dt.date(2026, 3, 31),
        "weights": {"refugees": "1"},
        "instalments": 2,
        "created_by": officer,
    }
    values.update(fields)
    return Programme.objects.create(**values)


def publish(programme, officer, amounts: dict) -> PlanningFrame:
    """A published frame with the given amounts per Kreis (test setup only)."""
    from django.utils import timezone

    frame = PlanningFrame.objects.create(
        programme=programme, computed_by=officer, published_at=timezone.now(), published_by=officer
    )
    for kreis, amount in amounts.items():
        FrameEntry.objects.create(frame=frame, kreis=kreis, amount=amount, exact=amount)
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    return frame


@pytest.fixture
def programme(state_officer, kreis, other_kreis):
    prog = make_programme(state_officer)
    publish(prog, state_officer, {kreis: Decimal("100000.00"), other_kreis: Decimal("80000.00")})
    return prog
