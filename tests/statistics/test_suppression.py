"""Cell suppression of key figures, seen from the reader of a published table.

Besides examples, a property test checks every output against an independent exact oracle: for
each hidden cell, a small simplex in exact fractions computes the smallest and the largest value
the cell can take given everything shown (each line: inner cells sum to the total; hidden cells
non-negative). The relations of a table with margins form a network matrix (totally unimodular),
so these real bounds are attained by integer tables too: ``min < max`` means a reader cannot
tell the hidden count even knowing that counts are whole persons.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wegweiser.statistics.suppression import (
    THRESHOLD,
    Cell,
    SuppressedTable,
    is_protected,
    suppress_series,
    suppress_table,
)

HIDDEN = "•"

# --- helpers -----------------------------------------------------------------------------------


def render(cells: list[Cell] | list[list[Cell]]) -> list:
    """What a reader sees: the shown numbers, ``•`` for a hidden cell."""
    if cells and isinstance(cells[0], Cell):
        return [HIDDEN if cell.suppressed else cell.value for cell in cells]
    return [render(row) for row in cells]


def with_margins(rows: list[list[int]]) -> list[list[int]]:
    """The input with row totals, column totals and grand total, as the reader would see it."""
    full = [[*row, sum(row)] for row in rows]
    full.append([sum(column) for column in zip(*full, strict=True)])
    return full


def hidden_positions(table: SuppressedTable) -> set[tuple[int, int]]:
    return {
        (r, c) for r, row in enumerate(table.cells) for c, cell in enumerate(row) if cell.suppressed
    }


# --- the exact oracle: min and max of a hidden cell ---------------------------------------------


def _pivot(tableau: list[list[Fraction]], row: int, col: int) -> None:
    pivot_row = tableau[row]
    factor = pivot_row[col]
    tableau[row] = pivot_row = [value / factor for value in pivot_row]
    for index, other in enumerate(tableau):
        if index != row and other[col] != 0:
            scale = other[col]
            tableau[index] = [a - scale * b for a, b in zip(other, pivot_row, strict=True)]


def _simplex(
    tableau: list[list[Fraction]], basis: list[int], cost: list[Fraction], allowed: range
) -> bool:
    """Minimise ``cost`` from a feasible basis (Bland's rule). False if unbounded."""
    while True:
        entering = None
        for col in allowed:
            if col in basis:
                continue
            reduced = cost[col] - sum(cost[b] * tableau[i][col] for i, b in enumerate(basis))
            if reduced < 0:
                entering = col
                break
        if entering is None:
            return True
        ratios = [
            (row[-1] / row[entering], basis[i], i)
            for i, row in enumerate(tableau)
            if row[entering] > 0
        ]
        if not ratios:
            return False
        leaving = min(ratios)[2]
        _pivot(tableau, leaving, entering)
        basis[leaving] = entering


def lp_bounds(
    matrix: list[list[int]], rhs: list[int], target: int
) -> tuple[Fraction, Fraction | None]:
    """Min and max (None: unbounded) of ``y[target]`` subject to ``matrix @ y == rhs, y >= 0``,
    for a feasible system. Two-phase simplex in exact fractions."""
    n_vars = len(matrix[0])
    tableau = []
    for i, (row, b) in enumerate(zip(matrix, rhs, strict=True)):
        sign = -1 if b < 0 else 1
        artificial = [Fraction(int(i == k)) for k in range(len(matrix))]
        tableau.append([Fraction(sign * a) for a in row] + artificial + [Fraction(sign * b)])
    basis = [n_vars + i for i in range(len(matrix))]
    phase_one = [Fraction(0)] * n_vars + [Fraction(1)] * len(matrix)
    _simplex(tableau, basis, phase_one, range(n_vars + len(matrix)))
    assert all(row[-1] == 0 for row, b in zip(tableau, basis, strict=True) if b >= n_vars)
    # Drive the artificial variables out of the basis; drop redundant relations.
    for i in reversed(range(len(tableau))):
        if basis[i] >= n_vars:
            col = next((c for c in range(n_vars) if tableau[i][c] != 0), None)
            if col is None:
                del tableau[i], basis[i]
            else:
                _pivot(tableau, i, col)
                basis[i] = col

    def minimum(sign: int) -> Fraction | None:
        cost = [Fraction(0)] * (n_vars + len(matrix))
        cost[target] = Fraction(sign)
        rows, base = [list(row) for row in tableau], list(basis)
        if not _simplex(rows, base, cost, range(n_vars)):
            return None
        return sum((cost[b] * rows[i][-1] for i, b in enumerate(base)), Fraction(0))

    low = minimum(1)
    high = minimum(-1)
    assert low is not None
    return low, None if high is None else -high


def reader_bounds(
    full: list[list[Cell]],
) -> dict[tuple[int, int], tuple[Fraction, Fraction | None]]:
    """For every hidden cell of a full published grid (totals last): the smallest and largest
    value consistent with the shown cells, the line relations and non-negativity."""
    n_rows, n_cols = len(full), len(full[0])
    unknowns = [(r, c) for r in range(n_rows) for c in range(n_cols) if full[r][c].suppressed]
    index = {pos: k for k, pos in enumerate(unknowns)}
    lines = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    lines += [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    matrix, rhs = [], []
    for line in lines:
        coefficients = [0] * len(unknowns)
        constant = 0  # sum(inner) - total == 0, known part moved to the right-hand side
        for position_in_line, (r, c) in enumerate(line):
            sign = -1 if position_in_line == len(line) - 1 else 1
            if full[r][c].suppressed:
                coefficients[index[r, c]] = sign
            else:
                constant -= sign * full[r][c].value
        if any(coefficients):
            matrix.append(coefficients)
            rhs.append(constant)
        else:
            assert constant == 0
    return {pos: lp_bounds(matrix, rhs, index[pos]) for pos in unknowns}


def assert_nothing_disclosed(table: SuppressedTable, rows: list[list[int]]) -> None:
    truth = with_margins(rows)
    for (r, c), (low, high) in reader_bounds(table.full_cells).items():
        assert low <= truth[r][c] and (high is None or truth[r][c] <= high)
        assert high is None or low < high, f"hidden cell {(r, c)} is determined: {low}"


# --- examples ----------------------------------------------------------------------------------

TABLE = [
    [2, 10, 20],
    [8, 12, 30],
    [9, 15, 40],
]


def test_one_small_cell_hides_it_and_one_more_in_its_row_and_column():
    table = suppress_table(TABLE)

    assert render(table.cells) == [
        [HIDDEN, HIDDEN, 20, 32],
        [HIDDEN, HIDDEN, 30, 50],
        [9, 15, 40, 64],
        [19, 37, 90, 146],
    ]
    assert table.cells[0][0] == Cell(value=None, suppressed=True, primary=True)
    assert not any(cell.primary for row in table.cells for cell in row if cell != table.cells[0][0])
    assert table.suppressed_count == 4
    assert table.rows() == table.cells
    assert is_protected(table)
    # The reader learns only that the small cell is between 0 and 10.
    assert reader_bounds(table.full_cells)[0, 0] == (0, 10)


def test_totals_below_the_threshold_are_hidden():
    table = suppress_table([[0, 3], [10, 12]])

    assert render(table.cells) == [
        [0, HIDDEN, HIDDEN],
        [10, HIDDEN, HIDDEN],
        [10, 15, 25],
    ]
    assert table.cells[0][2].primary  # the row total 3

    column_total = suppress_table([[2, 10], [1, 10]])
    assert column_total.cells[2][0] == Cell(value=None, suppressed=True, primary=True)
    assert is_protected(column_total)
    assert_nothing_disclosed(column_total, [[2, 10], [1, 10]])

    tiny = suppress_table([[1, 1]])
    assert render(tiny.cells) == [[HIDDEN] * 3, [HIDDEN] * 3]


def test_zeros_stay_visible():
    rows = [[0, 3, 0], [0, 10, 8], [0, 0, 0]]
    table = suppress_table(rows)

    assert render(table.cells) == [
        [0, HIDDEN, 0, HIDDEN],
        [0, HIDDEN, 8, HIDDEN],
        [0, 0, 0, 0],
        [0, 13, 8, 21],
    ]
    assert_nothing_disclosed(table, rows)


def test_a_table_of_zeros_is_shown_completely():
    table = suppress_table([[0, 0], [0, 0]])
    assert table.suppressed_count == 0
    assert render(table.cells) == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_secondary_cells_are_the_smallest_possible():
    # The 1 could be protected by 50 or 6 in its row and by 90 or 7 in its column.
    table = suppress_table([[1, 50, 6], [90, 60, 70], [7, 80, 9]])
    assert render(table.cells) == [
        [HIDDEN, 50, HIDDEN, 57],
        [90, 60, 70, 220],
        [HIDDEN, 80, HIDDEN, 96],
        [98, 190, 85, 373],
    ]


def test_a_cell_the_line_rule_alone_would_leave_computable_is_protected():
    # The line rule alone hides 10, 4, 15 in the first row, 5 and 18 in the second column, the
    # row totals 5 and 18 and the column totals 10 and 15: every line has 0 or >= 2 hidden
    # cells, yet 5 + 18 = 52 - 29 (total column), so the 4 = 27 - 23 (second column).
    # Hiding the column total 27 as well closes the gap.
    rows = [[10, 4, 15], [0, 5, 0], [0, 18, 0]]
    table = suppress_table(rows)

    assert render(table.cells) == [
        [HIDDEN, HIDDEN, HIDDEN, 29],
        [0, HIDDEN, 0, HIDDEN],
        [0, HIDDEN, 0, HIDDEN],
        [HIDDEN, HIDDEN, HIDDEN, 52],
    ]
    assert is_protected(table)
    assert_nothing_disclosed(table, rows)
    assert reader_bounds(table.full_cells)[0, 1] == (0, 29)


def test_same_input_same_output():
    rows = [[3, 0, 7, 12], [4, 4, 30, 1], [25, 6, 0, 9]]
    assert suppress_table(rows) == suppress_table([list(row) for row in rows])
    assert suppress_series([3, 9, 1, 0]) == suppress_series([3, 9, 1, 0])


def test_without_totals_the_inner_pattern_is_the_same():
    rows = [[3, 0, 7, 12], [4, 4, 30, 1], [25, 6, 0, 9]]
    with_totals = suppress_table(rows)
    without = suppress_table(rows, with_totals=False)

    assert render(without.cells) == [row[:-1] for row in render(with_totals.cells)[:-1]]
    assert without.suppressed_count == sum(row.count(HIDDEN) for row in render(without.cells))
    assert is_protected(without)


def test_cells_hidden_in_another_table_are_hidden_and_protected():
    # The row total 64 is hidden in another published table sharing it: hidden here too.
    table = suppress_table(TABLE, forced=[(2, 3), (3, 0)])
    assert table.cells[2][3] == Cell(value=None, suppressed=True, primary=False)
    assert table.cells[3][0].suppressed
    assert is_protected(table)
    assert_nothing_disclosed(table, TABLE)

    # A zero reveals nothing and stays visible even if forced.
    assert not suppress_table([[0, 9], [9, 9]], forced=[(0, 0)]).cells[0][0].suppressed
    with pytest.raises(ValueError):
        suppress_table(TABLE, forced=[(4, 0)])


def test_threshold_is_configurable():
    assert render(suppress_table([[3, 10], [10, 10]], threshold=3).cells) == [
        [3, 10, 13],
        [10, 10, 20],
        [13, 20, 33],
    ]
    assert suppress_table([[1]], threshold=1).suppressed_count == 0


def test_empty_tables():
    assert render(suppress_table([]).cells) == [[0]]
    assert render(suppress_table([[], []]).cells) == [[0], [0], [0]]


@pytest.mark.parametrize(
    ("rows", "threshold", "error"),
    [
        ([[1, -1]], THRESHOLD, ValueError),
        ([[1, 2], [3]], THRESHOLD, ValueError),
        ([[1.5]], THRESHOLD, TypeError),
        ([[1]], 0, ValueError),
    ],
)
def test_invalid_input_is_rejected(rows, threshold, error):
    with pytest.raises(error):
        suppress_table(rows, threshold=threshold)


# --- series --------------------------------------------------------------------------------------


def test_series_hides_a_small_value_and_the_next_smallest():
    cells = suppress_series([12, 3, 0, 7, 20])
    assert render(cells) == [12, HIDDEN, 0, HIDDEN, 20, 42]
    assert [cell.primary for cell in cells] == [False, True, False, False, False, False]
    assert is_protected(cells)


def test_series_with_a_small_total():
    assert render(suppress_series([1, 0, 2])) == [HIDDEN, 0, HIDDEN, HIDDEN]
    # The only other non-zero cell of the line is the total.
    assert render(suppress_series([0, 3, 0])) == [0, HIDDEN, 0, HIDDEN]
    assert render(suppress_series([7, 0])) == [7, 0, 7]
    assert render(suppress_series([])) == [0]


# --- is_protected --------------------------------------------------------------------------------


def _grid(pattern: list[str]) -> list[list[Cell]]:
    return [
        [Cell(None, True) if mark == "x" else Cell(9, False) for mark in line] for line in pattern
    ]


def test_is_protected_rejects_a_lonely_hidden_cell():
    assert not is_protected(_grid(["x..", "...", "..."]))
    assert not is_protected([Cell(None, True), Cell(9, False)])
    assert is_protected(_grid(["xx.", "xx.", "..."]))


def test_is_protected_rejects_a_bridge_that_the_line_count_misses():
    # Every line has 0 or >= 2 hidden cells, yet the cell linking the two blocks is determined.
    rows = [[5, 6, 7], [8, 9, 10], [11, 12, 13]]
    shown = with_margins(rows)
    pattern = ["xxx.", "xx..", "..xx", "..xx"]
    full = [
        [Cell(None, True) if mark == "x" else Cell(shown[r][c], False) for c, mark in enumerate(p)]
        for r, p in enumerate(pattern)
    ]

    assert reader_bounds(full)[0, 2] == (7, 7)
    assert not is_protected(full)


# --- properties ----------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 6), st.integers(0, 30))


def tables(max_side: int) -> st.SearchStrategy[list[list[int]]]:
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side)).flatmap(
        lambda shape: st.lists(
            st.lists(counts, min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    )


def check_reader_view(rows: list[list[int]], table: SuppressedTable) -> None:
    truth = with_margins(rows)
    assert is_protected(table)
    for r, row in enumerate(table.cells):
        for c, cell in enumerate(row):
            value = truth[r][c]
            assert cell.primary == (0 < value < THRESHOLD)
            if 0 < value < THRESHOLD:
                assert cell.suppressed
            if value == 0:
                assert not cell.suppressed
            if not cell.suppressed:
                assert cell.value == value
    assert table.suppressed_count == len(hidden_positions(table))


@settings(max_examples=150, deadline=None)
@given(tables(4))
def test_property_tables_up_to_4x4(rows):
    table = suppress_table(rows)
    check_reader_view(rows, table)
    assert suppress_table(rows) == table


@settings(max_examples=100, deadline=None)
@given(tables(3))
def test_property_no_hidden_cell_is_determined(rows):
    table = suppress_table(rows)
    check_reader_view(rows, table)
    assert_nothing_disclosed(table, rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(counts, max_size=8))
def test_property_series(values):
    cells = suppress_series(values)
    line = [*values, sum(values)]
    assert is_protected(cells)
    for cell, value in zip(cells, line, strict=True):
        assert cell.primary == (0 < value < THRESHOLD)
        assert cell.suppressed or cell.value == value
        assert value != 0 or not cell.suppressed


@settings(max_examples=40, deadline=None)
@given(tables(3), st.data())
def test_property_forced_cells(rows, data):
    positions = [(r, c) for r in range(len(rows) + 1) for c in range(len(rows[0]) + 1)]
    forced = data.draw(st.sets(st.sampled_from(positions), max_size=3))
    table = suppress_table(rows, forced=forced)
    truth = with_margins(rows)
    assert all(table.cells[r][c].suppressed for r, c in forced if truth[r][c] > 0)
    assert is_protected(table)
    assert_nothing_disclosed(table, rows)
