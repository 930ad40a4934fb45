"""Suppression of key figures that leave a county (statistics.privacy): no person count from 1 to
4 is shown anywhere, none can be recomputed from the shown totals, and a unit's own total that is
not the sum of its rows (persons counselled by two managers) is protected too."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from wegweiser.statistics.privacy import protect, protect_one
from wegweiser.statistics.suppression import Cell, is_protected


def _figures(persons, female, male, sessions):
    return {
        "persons": persons,
        "gender:female": female,
        "gender:male": male,
        "sessions": sessions,
        "hours": Decimal("1.5"),
    }


def test_small_counts_hidden_sessions_shown():
    rows = {"A": _figures(12, 9, 3, 40), "B": _figures(20, 10, 10, 55)}
    shown_rows, shown_total = protect(rows, _figures(32, 19, 13, 95))
    assert shown_rows["A"]["gender:male"].suppressed
    assert shown_rows["A"]["sessions"].value == 40
    assert shown_rows["A"]["hours"].value == Decimal("1.5")
    # One hidden cell per line would give it away: a partner is hidden in its row and column.
    assert shown_rows["A"]["gender:female"].suppressed
    assert shown_rows["B"]["gender:male"].suppressed


def test_a_real_total_below_five_is_hidden_even_if_the_rows_sum_higher():
    # Two managers counselled the same 3 persons: rows 3 and 3, the county has 3.
    rows = {"A": _figures(3, 3, 0, 4), "B": _figures(3, 3, 0, 5)}
    shown_rows, shown_total = protect(rows, _figures(3, 3, 0, 9))
    assert shown_total["persons"].suppressed
    assert shown_total["gender:female"].suppressed
    assert shown_total["gender:male"].value == 0


def test_protect_one_hides_small_categories_and_a_partner():
    shown = protect_one(_figures(30, 27, 3, 80))
    assert shown["gender:male"].suppressed
    assert shown["gender:female"].suppressed  # else 30 - 27 gives the 3 away
    assert shown["persons"].value == 30


counts = st.integers(min_value=0, max_value=25)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=5))
def test_no_small_count_shown_and_gender_tables_protected(pairs):
    rows = {f"u{i}": _figures(f + m, f, m, 1) for i, (f, m) in enumerate(pairs)}
    total = _figures(*(sum(x) for x in zip(*[(f + m, f, m) for f, m in pairs], strict=True)), 1)
    shown_rows, shown_total = protect(rows, total)
    for values in [*shown_rows.values(), shown_total]:
        for key, cell in values.items():
            if key in ("sessions", "hours"):
                continue
            assert cell.suppressed or not (0 < cell.value < 5), (key, cell)
    # The published gender table (rows: units; columns: female, male; row totals: persons)
    grid = [
        [_cell(values, "gender:female"), _cell(values, "gender:male"), _cell(values, "persons")]
        for values in [*shown_rows.values(), shown_total]
    ]
    assert is_protected(grid)


def _cell(values, key) -> Cell:
    shown = values[key]
    return Cell(value=None if shown.suppressed else shown.value, suppressed=shown.suppressed)
