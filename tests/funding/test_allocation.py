"""The allocation engine: properties (Hypothesis) and worked examples of the three programmes."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wegweiser.funding.allocation import UNITS, AllocationError, Rule, allocate

DATA = Path(__file__).resolve().parents[2] / "src" / "wegweiser" / "organisations" / "data"
D = Decimal
ONE = {"v": D(1)}

# --- strategies --------------------------------------------------------------------------------

roundings = st.sampled_from(sorted(UNITS))
values = st.decimals(min_value=0, max_value=10**7, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def bases(draw, min_size=1, max_size=12):
    keys = draw(st.lists(st.integers(100, 999), min_size=min_size, max_size=max_size, unique=True))
    basis = {f"08{key}": draw(values) for key in keys}
    assume(sum(basis.values()) > 0)
    return basis


@st.composite
def budgets(draw, rounding):
    return draw(st.integers(1, 10**9)) * UNITS[rounding]


def run(budget, basis, rounding="euro", *, previous=None, **rule):
    rule = Rule(budget=budget, rounding=rounding, weights=ONE, **rule)
    return allocate(rule, {"v": basis}, previous=previous)


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(data=st.data(), rounding=roundings, basis=bases())
def test_the_sum_is_the_budget_exactly(data, rounding, basis):
    budget = data.draw(budgets(rounding))
    result = run(budget, basis, rounding)
    assert sum(result.amounts.values()) == budget
    assert set(result.amounts) == set(basis)
    for amount in result.amounts.values():
        assert amount % UNITS[rounding] == 0
    # every amount is its exact share rounded down or up by one unit
    for ags, amount in result.amounts.items():
        assert abs(amount - result.exact[ags]) < UNITS[rounding]


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    rounding=roundings,
    refugees=bases(min_size=3, max_size=3),
    weight=st.integers(0, 100),
    flat=st.integers(0, 1000),
)
def test_the_sum_is_the_budget_with_mixed_keys_and_a_flat_base(
    data, rounding, refugees, weight, flat
):
    inhabitants = {ags: data.draw(values) + 1 for ags in refugees}
    flat = flat * UNITS[rounding]
    budget = data.draw(budgets(rounding)) + 3 * flat
    rule = Rule(
        budget=budget,
        rounding=rounding,
        weights={"refugees": D(weight) / 100, "inhabitants": D(100 - weight) / 100},
        flat_per_body=flat,
    )
    result = allocate(rule, {"refugees": refugees, "inhabitants": inhabitants})
    assert result.total == budget
    assert all(amount >= flat - UNITS[rounding] for amount in result.amounts.values())


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    rounding=roundings,
    basis=bases(min_size=2),
    more=st.decimals(min_value=D("0.1"), max_value=10**6, places=1),
)
def test_more_basis_value_never_means_less_money(data, rounding, basis, more):
    budget = data.draw(budgets(rounding))
    ags = data.draw(st.sampled_from(sorted(basis)))
    before = run(budget, basis, rounding).amounts
    after = run(budget, {**basis, ags: basis[ags] + more}, rounding).amounts
    assert after[ags] >= before[ags]
    # (another body may still gain a unit by rounding: the population paradox of largest
    # remainder; only the body that grows is guaranteed not to lose)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    basis=bases(min_size=2),
    more=st.decimals(min_value=D("0.1"), max_value=10**6, places=1),
    floor_share=st.integers(0, 90),
    cap_factor=st.integers(110, 400),
)
def test_with_floor_and_cap_still_weakly_monotone(data, basis, more, floor_share, cap_factor):
    # no zero values: a body without basis is held at its floor, and the caps of the others
    # could then not take up the budget (an infeasible rule, refused on its own)
    basis = {ags: value + 1 for ags, value in basis.items()}
    count = len(basis)
    budget = data.draw(st.integers(100 * count, 10**7)) * UNITS["euro"]
    floor = (budget / count * floor_share / 100).quantize(D(1))
    cap = (budget / count * cap_factor / 100).quantize(D(1))
    ags = data.draw(st.sampled_from(sorted(basis)))
    before = run(budget, basis, floor=floor, cap=cap).amounts
    after = run(budget, {**basis, ags: basis[ags] + more}, floor=floor, cap=cap).amounts
    assert after[ags] >= before[ags]
    assert sum(after.values()) == budget


@settings(max_examples=60, deadline=None)
@given(data=st.data(), rounding=roundings, basis=bases(min_size=2))
def test_the_order_of_the_rows_does_not_matter(data, rounding, basis):
    budget = data.draw(budgets(rounding))
    shuffled = dict(data.draw(st.permutations(list(basis.items()))))
    assert run(budget, shuffled, rounding).amounts == run(budget, basis, rounding).amounts


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    rounding=roundings,
    basis=bases(min_size=2),
    floor_share=st.integers(0, 100),
    cap_factor=st.integers(100, 500),
)
def test_floors_and_caps_hold_after_rounding(data, rounding, basis, floor_share, cap_factor):
    # no zero values: a body without basis stays at its floor and cannot take money over a cap
    basis = {ags: value + 1 for ags, value in basis.items()}
    count = len(basis)
    unit = UNITS[rounding]
    budget = data.draw(st.integers(count, 10**8)) * unit
    # floor and cap in cents (the engine rounds them inwards to the unit), kept feasible
    mean = budget / count
    floor = min(
        (mean * floor_share / 100).quantize(D("0.01")),
        (mean / unit).to_integral_value(ROUND_FLOOR) * unit,
    )
    cap = max(
        (mean * cap_factor / 100).quantize(D("0.01")),
        (mean / unit).to_integral_value(ROUND_CEILING) * unit,
    )
    result = run(budget, basis, rounding, floor=floor, cap=cap)
    assert result.total == budget
    assert all(floor <= amount <= cap for amount in result.amounts.values())


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    rounding=roundings,
    basis=bases(min_size=2),
    change=st.integers(2, 50),
)
def test_the_change_limit_holds_after_rounding(data, rounding, basis, change):
    # no zero values: a body without basis cannot grow towards its band
    basis = {ags: value + 1 for ags, value in basis.items()}
    previous = {ags: D(data.draw(st.integers(1000, 10**7))) for ags in basis}
    unit = UNITS[rounding]
    budget = (sum(previous.values()) / unit).quantize(D(1)) * unit  # about last year's total
    max_change = D(change) / 100
    result = run(budget, basis, rounding, max_change=max_change, previous=previous)
    assert result.total == budget
    for ags, amount in result.amounts.items():
        assert previous[ags] * (1 - max_change) <= amount <= previous[ags] * (1 + max_change)


# --- worked examples ---------------------------------------------------------------------------


def bw_inhabitants() -> tuple[dt.date, dict[str, Decimal]]:
    """The latest Stichtag of the shipped data that covers all 44 BW Kreise (31.12.2018; the
    rows of 31.12.2021 cover only 21 Kreise)."""
    with (DATA / "kreise.csv").open(encoding="utf-8", newline="") as fh:
        kreise = {row["ags"] for row in csv.DictReader(fh) if row["land"] == "BW"}
    by_date: dict[dt.date, dict[str, Decimal]] = {}
    with (DATA / "einwohner.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["ags"] in kreise:
                day = dt.date.fromisoformat(row["stichtag"])
                by_date.setdefault(day, {})[row["ags"]] = D(row["einwohner"])
    day = max(day for day, figures in by_date.items() if figures.keys() == kreise)
    return day, by_date[day]


def test_soforthilfe_ukraine_8_million_by_inhabitants():
    day, inhabitants = bw_inhabitants()
    assert day == dt.date(2018, 12, 31) and len(inhabitants) == 44
    total = sum(inhabitants.values())
    assert total == 11_069_533

    result = allocate(
        Rule(budget=D(8_000_000), rounding="euro", weights={"inhabitants": D(1)}),
        {"inhabitants": inhabitants},
    )
    assert sum(result.amounts.values()) == D(8_000_000)
    assert len(result.amounts) == 44

    # by hand: Stuttgart 634,830 inhabitants -> 8,000,000 * 634,830 / 11,069,533
    stuttgart = D(8_000_000) * D(634_830) / D(11_069_533)
    assert stuttgart.quantize(D("0.01")) == D("458794.42")
    assert result.amounts["08111"] == D(458_794)  # remainder .42 is not among the 19 largest
    # Sigmaringen 130,873 -> 94,582.49...: commercially rounded 94,582, but its remainder is the
    # 19th largest of the 19 euros left after rounding down, so it gets 94,583
    sigmaringen = D(8_000_000) * D(130_873) / D(11_069_533)
    assert sigmaringen.quantize(D("0.01")) == D("94582.49")
    assert result.amounts["08437"] == D(94_583)
    # Zollernalbkreis 188,935 -> 136,544.15...
    assert result.amounts["08417"] == D(136_544)
    assert len(result.rounded_up) == 19
    assert "08437" in result.rounded_up and "08111" not in result.rounded_up
    # the exact shares are kept for the UI
    assert abs(result.exact["08111"] - stuttgart) < D("1e-20")
    assert result.trace[-1].endswith("8.000.000 EUR.")


def hessen_bodies(day: dt.date) -> list[str]:
    with (DATA / "kreise.csv").open(encoding="utf-8", newline="") as fh:
        return [
            row["ags"]
            for row in csv.DictReader(fh)
            if row["land"] == "HE"
            and (not row["gueltig_ab"] or dt.date.fromisoformat(row["gueltig_ab"]) <= day)
            and (not row["gueltig_bis"] or dt.date.fromisoformat(row["gueltig_bis"]) >= day)
        ]


@pytest.mark.parametrize("day", [dt.date(2025, 6, 1), dt.date(2026, 6, 1)])
def test_wir_fallmanagement_hessen_50000_per_body(day):
    bodies = hessen_bodies(day)
    assert len(bodies) == 33
    rule = Rule(budget=D(1_650_000), rounding="euro", flat_per_body=D(50_000))
    result = allocate(rule, {"bodies": dict.fromkeys(bodies, D(1))})
    assert set(result.amounts.values()) == {D(50_000)}
    assert result.total == D(1_650_000)
    assert ("06415000" in result.amounts) == (day.year >= 2026)  # Hanau kreisfrei from 2026


def test_per_post_amounts_come_from_the_posts_basis():
    rule = Rule(budget=D(125_000), rounding="euro", per_post=D(50_000))
    result = allocate(rule, {"posts": {"06411": D(1), "06412": D("1.5")}})
    assert result.amounts == {"06411": D(50_000), "06412": D(75_000)}


def test_80_percent_refugees_20_percent_inhabitants():
    rule = Rule(
        budget=D(1000),
        rounding="euro",
        weights={"refugees": D("0.8"), "inhabitants": D("0.2")},
    )
    result = allocate(
        rule,
        {
            "refugees": {"08111": D(30), "08115": D(10)},
            "inhabitants": {"08111": D(100), "08115": D(300)},
        },
    )
    # 08111: 0.8 * 30/40 + 0.2 * 100/400 = 0.65 -> 650; 08115: 0.35 -> 350
    assert result.amounts == {"08111": D(650), "08115": D(350)}
    assert result.shares == {"08111": D("0.65"), "08115": D("0.35")}


def test_flat_base_amount_and_the_rest_by_key():
    rule = Rule(budget=D(10_000), rounding="euro", weights=ONE, flat_per_body=D(2_000))
    result = allocate(rule, {"v": {"08111": D(1), "08115": D(3)}})
    # 2 * 2,000 flat, 6,000 by key: 1,500 and 4,500
    assert result.amounts == {"08111": D(3_500), "08115": D(6_500)}


def test_floor_is_paid_and_the_rest_redistributed():
    basis = {"08111": D(1), "08115": D(49), "08116": D(50)}
    result = run(D(1000), basis, floor=D(100))
    # without floor: 10, 490, 500; 08111 held at 100, the other 900 split 49:50
    assert result.amounts["08111"] == D(100)
    assert result.limited == {"08111": "floor"}
    assert abs(result.exact["08115"] - D(900) * 49 / 99) < D("1e-20")
    assert result.total == D(1000)


def test_cap_and_change_limit_against_the_previous_year():
    basis = {"08111": D(10), "08115": D(30), "08116": D(60)}
    previous = {"08111": D(300), "08115": D(300), "08116": D(400)}
    result = run(D(1000), basis, max_change=D("0.10"), previous=previous)
    # unbounded 100, 300, 600 -> 08111 at least 270, 08116 at most 440; 08115 takes the rest
    assert result.amounts == {"08111": D(270), "08115": D(290), "08116": D(440)}
    assert result.limited == {"08111": "change_down", "08116": "change_up"}


def test_a_new_body_without_previous_amount_has_no_change_limit():
    result = run(
        D(1000),
        {"06415000": D(1), "06411": D(1)},
        max_change=D("0.1"),
        previous={"06411": D(900)},
    )
    assert result.amounts == {"06411": D(810), "06415000": D(190)}


def test_tie_break_larger_remainder_then_larger_exact_amount_then_ags():
    # three equal bodies, 100 EUR: 33.33... each, remainders equal, exact amounts equal:
    # the smaller AGS gets the last euro
    result = run(D(100), {"08116": D(7), "08111": D(7), "08115": D(7)})
    assert result.amounts == {"08111": D(34), "08115": D(33), "08116": D(33)}
    # 2 EUR for 1:3 -> 0.5 and 1.5: equal remainders, the larger exact amount wins
    result = run(D(2), {"08111": D(1), "08115": D(3)})
    assert result.amounts == {"08111": D(0), "08115": D(2)}
    # largest remainder is not commercial rounding: 0.4 beats 0.3 although both are < .5
    result = run(D(10), {"08111": D(23), "08115": D(34), "08116": D(43)})
    assert result.amounts == {"08111": D(2), "08115": D(4), "08116": D(4)}


def test_cent_rounding_keeps_two_decimals():
    result = run(D("100.00"), {"08111": D(1), "08115": D(2)}, "cent")
    assert result.amounts == {"08111": D("33.33"), "08115": D("66.67")}
    assert format(result.amounts["08111"], "f") == "33.33"


def test_ten_euro_rounding():
    result = run(D(1000), {"08111": D(1), "08115": D(2)}, "ten")
    assert result.amounts == {"08111": D(330), "08115": D(670)}


def test_exact_shares_are_kept_with_50_digits():
    result = run(D(7), {"08111": D(1), "08115": D(1), "08116": D(1)})
    with localcontext(prec=50):
        assert result.shares["08111"] == D(1) / D(3)
    assert len(result.exact["08111"].as_tuple()[1]) == 50
    with localcontext(prec=60):
        assert abs(sum(result.exact.values()) - 7) < D("1e-40")


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({"budget": D(0), "weights": ONE}, "budget_not_positive"),
        ({"budget": D("100.5"), "weights": ONE}, "budget_not_multiple"),
        ({"budget": D(105), "rounding": "ten", "weights": ONE}, "budget_not_multiple"),
        ({"budget": 100.0, "weights": ONE}, "not_decimal"),
        ({"budget": D(100), "weights": {"a": D("0.5"), "b": D("0.4")}}, "weights_sum"),
        ({"budget": D(100), "weights": {"a": D("1.5"), "b": D("-0.5")}}, "weight_negative"),
        ({"budget": D(100), "weights": ONE, "rounding": "mark"}, "rounding"),
        ({"budget": D(100), "weights": ONE, "floor": D(50), "cap": D(40)}, "floor_above_cap"),
        (
            {"budget": D(100), "weights": ONE, "floor": D("40.2"), "cap": D("40.8")},
            "floor_cap_unit",
        ),
        ({"budget": D(100), "weights": ONE, "flat_per_body": D(200)}, "flat_exceeds_budget"),
        ({"budget": D(100)}, "no_key"),
    ],
)
def test_invalid_rules_are_refused(rule, code):
    with pytest.raises(AllocationError) as error:
        Rule(**rule)
    assert error.value.code == code
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({"floor": D(400)}, "floor_infeasible"),
        ({"cap": D(300)}, "cap_infeasible"),
        ({"flat_per_body": D(400)}, "flat_exceeds_budget"),
    ],
)
def test_infeasible_bounds_for_the_bodies(rule, code):
    with pytest.raises(AllocationError) as error:
        run(D(1000), {"08111": D(1), "08115": D(1), "08116": D(1)}, **rule)
    assert error.value.code == code


def test_the_bases_must_cover_the_same_bodies():
    rule = Rule(budget=D(100), weights={"a": D("0.5"), "b": D("0.5")})
    with pytest.raises(AllocationError, match="b: 08116") as error:
        allocate(rule, {"a": {"08111": D(1), "08116": D(1)}, "b": {"08111": D(1)}})
    assert error.value.code == "bases_mismatch"


def test_change_limit_that_cannot_reach_the_budget():
    with pytest.raises(AllocationError) as error:
        run(D(2000), {"08111": D(1)}, max_change=D("0.1"), previous={"08111": D(1000)})
    assert error.value.code == "bounds_below_budget"


@pytest.mark.parametrize(
    ("bases", "code"),
    [
        ({"v": {"08111": D(-1), "08115": D(2)}}, "basis_negative"),
        ({"v": {"08111": D(0), "08115": D(0)}}, "basis_zero"),
        ({"w": {"08111": D(1)}}, "basis_missing"),
        ({"v": {"08111": 1.5}}, "not_decimal"),
    ],
)
def test_bad_bases(bases, code):
    with pytest.raises(AllocationError) as error:
        allocate(Rule(budget=D(100), weights=ONE), bases)
    assert error.value.code == code


def test_max_change_needs_the_previous_amounts():
    with pytest.raises(AllocationError, match="previous"):
        run(D(100), {"08111": D(1)}, max_change=D("0.1"))


def test_the_user_message_is_the_translated_msgid():
    with pytest.raises(AllocationError) as error:
        Rule(budget=D(0), weights=ONE)
    assert "0" in error.value.user_message()
