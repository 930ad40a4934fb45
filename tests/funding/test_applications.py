"""Applications through to the proof of use: the county applies up to its frame before the
deadline (or an extension), the authority asks for a correction, grants with instalments or
refuses, pays; the county passes funds on and proves their use with the figures of its case
work; unspent money is reclaimed. Rights: only the authority decides, only the county applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import UserFactory, make_client, make_session
from tests.funding.conftest import PDF
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.funding import services
from wegweiser.funding.models import ApplicationStatus, Payout

IN_TIME = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(IN_TIME, tick=False) as traveller:
        yield traveller


def signed_form(user):
    return services.document_store(
        actor=user, land_id=user.land_id, kreis_id=user.kreis_id, name="antrag.pdf", content=PDF
    )


def apply(coordinator, programme, amount="90000.00", **extra):
    values = {
        "amount": Decimal(amount),
        "posts": Decimal("1.5"),
        "planned_uses": "Zwei Integrationsmanagerinnen, Dolmetschkosten",
        "pass_throughs": [{"organisation": None, "recipient_name": "Caritas", "planned": "40000"}],
        "signed_form": signed_form(coordinator),
    }
    values.update(extra)
    return services.application_save(actor=coordinator, programme=programme, **values)


def test_apply_within_the_frame_and_before_the_deadline(coordinator, programme, clock):
    application = apply(coordinator, programme)
    assert application.status == ApplicationStatus.DRAFT
    assert application.pass_throughs.get().planned == Decimal("40000.00")
    submitted = services.application_submit(
        actor=coordinator, application=application, version=application.version
    )
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="funding.application.submitted").exists()


def test_above_the_frame_is_refused(coordinator, programme, clock):
    application = apply(coordinator, programme, amount="100000.01")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=coordinator, application=application, version=application.version
        )
    assert "amount" in exc.value.message_dict
    assert "100.000,00" in exc.value.message_dict["amount"][0]


def test_after_the_deadline_only_with_an_extension(coordinator, state_officer, kreis, programme):
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC), tick=False):
        application = apply(coordinator, programme)
        with pytest.raises(ValidationError) as exc:
            services.application_submit(
                actor=coordinator, application=application, version=application.version
            )
        assert "31.03.2026" in exc.value.messages[0]
        services.deadline_extend(
            actor=state_officer,
            programme=programme,
            kreis=kreis,
            until=dt.date(2026, 4, 15),
            reason="Kreistagsbeschluss erst am 10.04.",
        )
        submitted = services.application_submit(
            actor=coordinator, application=application, version=application.version
        )
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_correction_grant_payouts_pass_through_and_proof(
    coordinator, state_officer, alice, programme, clock
):
    application = apply(coordinator, programme)
    application = services.application_submit(
        actor=coordinator, application=application, version=application.version
    )
    application = services.application_request_correction(
        actor=state_officer,
        application=application,
        version=application.version,
        note="Bitte die Stellenanteile belegen.",
    )
    assert application.status == ApplicationStatus.CORRECTION
    application = apply(coordinator, programme, posts=Decimal("2"), version=application.version)
    application = services.application_submit(
        actor=coordinator, application=application, version=application.version
    )
    granted = services.application_grant(
        actor=state_officer,
        application=application,
        version=application.version,
        amount=Decimal("85000.01"),
        first_due=dt.date(2026, 4, 1),
    )
    assert granted.status == ApplicationStatus.GRANTED
    payouts = list(Payout.objects.filter(application=granted))
    assert [p.amount for p in payouts] == [Decimal("42500.00"), Decimal("42500.01")]
    assert [p.due_on for p in payouts] == [dt.date(2026, 4, 1), dt.date(2026, 10, 1)]
    services.payout_mark_paid(actor=state_officer, payout=payouts[0], paid_on=dt.date(2026, 3, 10))
    passed = granted.pass_throughs.get()
    services.pass_through_record(actor=coordinator, pass_through=passed, paid=Decimal("30000"))
    with pytest.raises(ValidationError):
        services.pass_through_record(actor=coordinator, pass_through=passed, paid="90000")

    case = make_client(alice, opened_on=dt.date(2026, 2, 1)).cases.get()
    make_session(alice, case, held_on=dt.date(2026, 3, 2))
    report = services.document_store(
        actor=coordinator,
        land_id=coordinator.land_id,
        kreis_id=coordinator.kreis_id,
        name="sachbericht.pdf",
        content=PDF,
    )
    proof = services.proof_submit(
        actor=coordinator, application=granted, spent=Decimal("40000.00"), narrative=report
    )
    assert proof.reclaim == Decimal("2500.00")  # 42,500 paid, 40,000 spent
    assert proof.figures["figures"]["persons"] == 1  # from the case work, not typed in
    assert proof.figures["figures"]["sessions"] == 1
    accepted = services.proof_decide(actor=state_officer, proof=proof, accept=True)
    assert accepted.status == "accepted"


def test_rights(coordinator, county_admin, state_officer, alice, charlie, programme, clock):
    application = apply(coordinator, programme)
    with pytest.raises(PermissionDenied):
        apply(county_admin, programme)  # reads along, does not apply
    with pytest.raises(PermissionDenied):
        apply(alice, programme)
    with pytest.raises(Http404):  # a draft is the county's own until it is submitted
        services.application_submit(
            actor=state_officer, application=application, version=application.version
        )
    with pytest.raises(PermissionDenied):  # no funding role at all
        services.application_submit(
            actor=charlie, application=application, version=application.version
        )
    foreign = UserFactory(
        email="koord-zak@example.org",
        team=None,
        organisation=charlie.organisation,
        role=Role.COUNTY_COORDINATOR,
    )
    with pytest.raises(Http404):  # the application of another county does not exist for them
        services.application_submit(
            actor=foreign, application=application, version=application.version
        )


def test_documents_must_be_pdf_or_image(coordinator):
    with pytest.raises(ValidationError):
        services.document_store(
            actor=coordinator,
            land_id=coordinator.land_id,
            kreis_id=coordinator.kreis_id,
            name="antrag.exe",
            content=b"MZ\x90\x00",
        )


def test_instalments_add_up():
    assert sum(services.instalments(Decimal("100000.00"), 3)) == Decimal("100000.00")
    assert services.instalments(Decimal("0.05"), 2) == [Decimal("0.02"), Decimal("0.03")]
