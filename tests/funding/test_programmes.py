"""Programmes, basis data and planning frames through the services: a refugees key from an
uploaded file, a frame that sums to the budget, publication, the next year with a change limit
and the comparison with the previous year; a bad upload imports nothing; rights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wegweiser.audit.models import AuditEntry
from wegweiser.funding import services
from wegweiser.funding.models import BasisDataset, FrameEntry


def upload(officer, text: str, **extra):
    values = {
        "kind": "refugees",
        "reference_date": dt.date(2025, 12, 31),
        "period_start": dt.date(2025, 1, 1),
        "source": "Regierungspräsidium Karlsruhe, Zugangsstatistik 2025",
        "data": text.encode("utf-8"),
        "file_name": "zugaenge.csv",
    }
    values.update(extra)
    return services.basis_upload(actor=officer, **values)


def programme(officer, basis, **extra):
    values = {
        "name": "Integrationsmanagement",
        "year": 2026,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "budget": Decimal("1000000.00"),
        "purpose": "Integrationsmanagement",
        "application_deadline": dt.date(2026, 3, 31),
        "weights": {"refugees": "1"},
        "rounding": "euro",
    }
    values.update(extra)
    return services.programme_save(actor=officer, basis=basis, **values)


def test_geld_folgt_gefluechteten_frame(state_officer, kreis, other_kreis):
    basis = upload(state_officer, "Kreisschlüssel;Anzahl\n08437;1.200\n08417;600\n")
    assert basis.version == 1 and basis.values == {"08437": "1200", "08417": "600"}
    prog = programme(state_officer, [basis])
    frame = services.frame_compute(actor=state_officer, programme=prog)
    amounts = {e.kreis.ags: e.amount for e in frame.entries.select_related("kreis")}
    assert amounts == {"08437": Decimal("666667.00"), "08417": Decimal("333333.00")}
    assert sum(amounts.values()) == prog.budget
    services.frame_publish(actor=state_officer, frame=frame)
    prog.refresh_from_db()
    assert prog.status == "published"
    assert services.frame_amount(prog, kreis.pk) == Decimal("666667.00")
    with pytest.raises(ValidationError):
        services.frame_compute(actor=state_officer, programme=prog)

    # Next year: the shares shift, at most 10 % change against the previous year.
    shifted = upload(state_officer, "ags;value\n08437;300\n08417;900\n")
    nxt = programme(
        state_officer,
        [shifted],
        year=2027,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        application_deadline=dt.date(2027, 3, 31),
        previous=prog,
        max_change=Decimal("0.10"),
    )
    frame = services.frame_compute(actor=state_officer, programme=nxt)
    entries = {e.kreis.ags: e for e in frame.entries.select_related("kreis")}
    assert entries["08437"].previous_amount == Decimal("666667.00")
    assert entries["08437"].amount >= Decimal("600000.30")  # at most 10 % less
    assert sum(e.amount for e in entries.values()) == Decimal("1000000.00")
    assert AuditEntry.objects.filter(action="funding.frame.computed").count() == 2


def test_a_bad_upload_imports_nothing_and_names_the_rows(state_officer, kreis, other_kreis):
    with pytest.raises(ValidationError) as exc:
        upload(state_officer, "ags;value\n08437;-5\n08999;10\n")
    text = " ".join(exc.value.messages)
    assert "2" in text and "3" in text  # the rows
    assert not BasisDataset.objects.exists()


def test_an_infeasible_key_is_refused_before_saving(state_officer, kreis, other_kreis):
    basis = upload(state_officer, "ags;value\n08437;1\n08417;1\n")
    with pytest.raises(ValidationError):
        programme(state_officer, [basis], weights={"refugees": "0.5"})  # weights sum to 0.5
    with pytest.raises(ValidationError):
        programme(state_officer, [basis], max_change=Decimal("0.1"))  # no previous year


def test_only_the_authority_administers(coordinator, kreis):
    with pytest.raises(PermissionDenied):
        upload(coordinator, "ags;value\n08437;1\n")
    assert not FrameEntry.objects.exists()
