"""Reference data: the 44 BW Kreise and 33 Hessen funding bodies, loaded idempotently."""

import datetime as dt

import pytest
from django.core.management import call_command

from wegweiser.organisations.models import Kreis, Population


@pytest.fixture
def loaded(db):
    call_command("load_reference_data", verbosity=0)


def test_44_kreise_in_baden_wuerttemberg(loaded):
    assert Kreis.objects.filter(land__code="BW").valid_on(dt.date(2025, 6, 1)).count() == 44


@pytest.mark.parametrize("day", [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2027, 1, 1)])
def test_33_hessen_bodies_on_every_date(loaded, day):
    assert Kreis.objects.filter(land__code="HE").valid_on(day).count() == 33


def test_hanau_changes_status_on_1_january_2026(loaded):
    before = Kreis.objects.valid_on(dt.date(2025, 12, 31)).get(short_name="Hanau")
    after = Kreis.objects.valid_on(dt.date(2026, 1, 1)).get(short_name="Hanau")
    assert before.kind == "Sonderstatusstadt" and after.kind == "kreisfreie Stadt"
    assert before.ags != after.ags


def test_inhabitants_2018_sum_to_the_official_state_total(loaded):
    total = sum(
        Population.objects.filter(
            kreis__land__code="BW", reference_date=dt.date(2018, 12, 31)
        ).values_list("inhabitants", flat=True)
    )
    assert total == 11_069_533


def test_loading_twice_changes_nothing(loaded):
    counts = (Kreis.objects.count(), Population.objects.count())
    snapshot = list(
        Population.objects.order_by("pk").values_list("kreis__ags", "reference_date", "inhabitants")
    )
    call_command("load_reference_data", verbosity=0)
    assert (Kreis.objects.count(), Population.objects.count()) == counts
    assert (
        list(
            Population.objects.order_by("pk").values_list(
                "kreis__ags", "reference_date", "inhabitants"
            )
        )
        == snapshot
    )


def test_the_product_carries_its_own_copy_of_the_data():
    from wegweiser.organisations.services import DATA_DIR

    assert (DATA_DIR / "kreise.csv").is_file() and "shared" not in str(DATA_DIR)
