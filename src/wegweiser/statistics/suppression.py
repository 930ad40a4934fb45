"""Statistical disclosure control for key figures: primary and secondary cell suppression.

Key figures that leave a county must never show a count of persons below ``THRESHOLD``, and no
hidden count may be recomputable from what is shown (for example by subtracting the visible cells
of a row from its visible total). This module is pure Python (no Django, no database): it takes
plain integer tables and returns, for every cell, whether and why it is hidden.

Model
-----
A table of non-negative counts is published with its margins: a total per row, a total per
column and the grand total. Every *line* (a row or a column of the full table, including the total
row and the total column) satisfies one linear relation: the inner cells of the line sum to the
line's total. A reader knows these relations, the shown values and that counts are non-negative
integers.

Primary suppression
    Every cell, inner or total, with ``0 < value < threshold`` is hidden (``Cell.primary``).
    Zero is a structural value and is *shown*: a zero reveals nothing about a person that the
    corresponding total would not reveal anyway (there is nobody to protect in an empty cell),
    and hiding zeros would hide a lot of harmless structure. As a consequence, a hidden cell is
    never zero, which the protection argument below relies on.

Secondary suppression, step 1 (line rule)
    Repeated until stable, lines visited in a fixed order (rows top to bottom, then columns left to
    right): if a line has exactly one hidden cell, the smallest other non-zero shown cell of that
    line is hidden too (ties: first by value, then by position within the line, the total being
    last). The total is one of the candidates, so "a line whose only non-zero cells are the hidden
    one and its total" hides the total, and a hidden total pulls in one of its inner cells. Such a
    candidate always exists: a hidden inner cell is positive, so the line's total is positive; a
    hidden total is positive, so one of the line's inner cells is positive.

Secondary suppression, step 2 (no isolated links)
    "Every line has 0 or at least 2 hidden cells" is necessary but not sufficient: two blocks of
    hidden cells joined by a single hidden cell satisfy it, yet the joining cell can be computed by
    adding and subtracting the relations of both blocks. Put the lines of the full table as the
    vertices of a bipartite graph (one vertex per row, one per column) and every hidden cell as the
    edge between its row and its column. Writing the relations with a sign (+1 for inner cells,
    -1 for a total in an inner line, and the other way round in the total row/column) they say
    "every row and column of the signed table sums to zero", so the hidden values a reader cannot
    pin down are exactly those on a *cycle* of hidden cells: adding +1/-1 alternately along a
    cycle keeps every relation true, and since all hidden values are at least 1, both directions
    keep them non-negative. A hidden cell on no cycle (a *bridge* of the graph) is determined.
    So, while the graph has a bridge, the cheapest path of cells between its two lines (other than
    the bridge itself) is hidden as well, which puts the bridge on a cycle. A path may run through
    hidden cells for free; a shown cell costs its value (then one per cell, ties resolved by a
    fixed order); zeros are never used. Such a path always exists (a positive inner cell lies on a
    rectangle with its row total, column total and the grand total, which are all at least as
    large), and each repair removes at least one bridge without creating a new one.

The result: every hidden cell lies on a cycle of positive hidden cells, so a reader can move it
at least one person up and one person down while all shown figures stay consistent. This is what
``is_protected`` checks (plus the line rule). Secondary suppression always prefers the smallest
values so that as little information as possible is lost; the output is fully deterministic.

Not covered: differencing across *different* tables of the same data (e.g. the same persons by
age group in one table and by gender in another, with different suppression). Publish margins
only from the results of this module.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

THRESHOLD = 5
"""Smallest count that may be shown."""


@dataclass(frozen=True)
class Cell:
    """One published cell.

    ``value`` is the count, or ``None`` when the cell is suppressed. ``primary`` is true when the
    cell is hidden because the count itself is between 1 and ``threshold - 1``; a cell that is
    hidden only to protect another one (secondary suppression) has ``primary=False``.
    """

    value: int | None
    suppressed: bool
    primary: bool = False

    def __post_init__(self) -> None:
        if self.suppressed != (self.value is None):
            raise ValueError("a cell has a value exactly when it is not suppressed")
        if self.primary and not self.suppressed:
            raise ValueError("a primary cell is always suppressed")


@dataclass(frozen=True)
class SuppressedTable:
    """The result of ``suppress_table``.

    ``cells`` is what may be published, row by row. With totals, the last column holds the row
    totals, the last row the column totals and the bottom right cell the grand total. Without
    totals, ``cells`` has the shape of the input.

    ``suppressed_count`` is the number of hidden cells in ``cells``.

    ``full_cells`` is the table the protection was computed on: the same as ``cells`` with
    totals; without totals, ``cells`` plus the margins, which are computed and protected as if
    they were shown (so the pattern of the inner cells is the same either way, and a table
    without totals stays safe if its margins are published from the same result elsewhere).
    The margins in ``full_cells`` are not meant for publication when ``with_totals`` is false.
    """

    cells: list[list[Cell]]
    suppressed_count: int
    with_totals: bool = True
    full_cells: list[list[Cell]] = field(default_factory=list, repr=False, compare=False)

    def rows(self) -> list[list[Cell]]:
        """The published cells as a list of rows (a copy; the cells themselves are immutable)."""
        return [list(row) for row in self.cells]


# --- validation ------------------------------------------------------------------------------


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a positive integer, got {threshold!r}")


def _check_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"counts must be integers, got {value!r}")
    if value < 0:
        raise ValueError(f"counts must be non-negative, got {value}")
    return value


# --- the line rule (shared by tables and series) ---------------------------------------------


def _primary(values: Sequence[int], threshold: int) -> list[bool]:
    return [0 < value < threshold for value in values]


def _apply_line_rule(
    values: Sequence[int], hidden: list[bool], lines: Sequence[Sequence[int]]
) -> None:
    """Until stable: a line with exactly one hidden cell also hides its smallest other non-zero
    shown cell (by value, then by position in the line). ``values`` and ``hidden`` are flat;
    ``lines`` lists the flat positions of each line, its total last. Works in place."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[pos] for pos in line) != 1:
                continue
            candidates = [
                (values[pos], index, pos)
                for index, pos in enumerate(line)
                if not hidden[pos] and values[pos] > 0
            ]
            # Cannot be empty: the hidden cell is positive, hence so is the total of its line
            # (or, if the hidden cell is the total, one of the inner cells of the line).
            if not candidates:  # pragma: no cover - guarded by the argument above
                raise AssertionError("a line with one positive hidden cell has no partner")
            hidden[min(candidates)[2]] = True
            changed = True


# --- bridges of the hidden-cell graph --------------------------------------------------------


def _bridges(hidden: Sequence[bool], n_rows: int, n_cols: int) -> list[int]:
    """Flat positions of the hidden cells that lie on no cycle of hidden cells (the bridges of
    the bipartite graph rows x columns whose edges are the hidden cells), in ascending order.

    Iterative Tarjan: an edge (u, v) of the DFS tree is a bridge when nothing below v reaches
    u or above through a back edge."""
    n_vertices = n_rows + n_cols
    # adjacency: vertex -> list of (neighbour, flat position of the cell)
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n_vertices)]
    for pos, is_hidden in enumerate(hidden):
        if is_hidden:
            row, col = divmod(pos, n_cols)
            adjacency[row].append((n_rows + col, pos))
            adjacency[n_rows + col].append((row, pos))

    discovered = [-1] * n_vertices
    low = [0] * n_vertices
    result: list[int] = []
    clock = 0
    for root in range(n_vertices):
        if discovered[root] != -1 or not adjacency[root]:
            continue
        discovered[root] = low[root] = clock
        clock += 1
        # stack of (vertex, position of the tree edge into it, index of the next neighbour)
        stack: list[list[int]] = [[root, -1, 0]]
        while stack:
            frame = stack[-1]
            vertex, via, next_index = frame
            if next_index < len(adjacency[vertex]):
                frame[2] += 1
                neighbour, pos = adjacency[vertex][next_index]
                if pos == via:
                    continue
                if discovered[neighbour] == -1:
                    discovered[neighbour] = low[neighbour] = clock
                    clock += 1
                    stack.append([neighbour, pos, 0])
                else:
                    low[vertex] = min(low[vertex], discovered[neighbour])
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > discovered[parent]:
                    result.append(via)
    return sorted(result)


def _cheapest_cycle_path(
    values: Sequence[int], hidden: Sequence[bool], n_rows: int, n_cols: int, bridge: int
) -> list[int]:
    """The cheapest path of cells from the row to the column of ``bridge`` that avoids the bridge
    itself: hidden cells are free, a shown non-zero cell costs (its value, 1), zeros are not
    usable. Returns the flat positions of the shown cells on the path (to be hidden)."""
    source, target_col = divmod(bridge, n_cols)
    target = n_rows + target_col
    n_vertices = n_rows + n_cols
    infinity = (float("inf"), 0)
    best: list[tuple[float, int]] = [infinity] * n_vertices
    previous: list[tuple[int, int] | None] = [None] * n_vertices  # (vertex, flat position)
    best[source] = (0, 0)
    queue: list[tuple[tuple[float, int], int]] = [((0, 0), source)]
    done = [False] * n_vertices
    while queue:
        cost, vertex = heapq.heappop(queue)
        if done[vertex]:
            continue
        done[vertex] = True
        if vertex == target:
            break
        if vertex < n_rows:
            steps = ((n_rows + col, vertex * n_cols + col) for col in range(n_cols))
        else:
            col = vertex - n_rows
            steps = ((row, row * n_cols + col) for row in range(n_rows))
        for neighbour, pos in steps:
            if pos == bridge or done[neighbour]:
                continue
            if hidden[pos]:
                step = (0, 0)
            elif values[pos] > 0:
                step = (values[pos], 1)
            else:
                continue
            candidate = (cost[0] + step[0], cost[1] + step[1])
            if candidate < best[neighbour]:
                best[neighbour] = candidate
                previous[neighbour] = (vertex, pos)
                heapq.heappush(queue, (candidate, neighbour))
    if not done[target]:  # pragma: no cover - a positive cell always lies on a rectangle
        raise AssertionError("no path closes a cycle through a positive hidden cell")
    path: list[int] = []
    vertex = target
    while vertex != source:
        link = previous[vertex]
        assert link is not None
        vertex, pos = link
        if not hidden[pos]:
            path.append(pos)
    return path


# --- public API ------------------------------------------------------------------------------


def suppress_table(
    rows: list[list[int]],
    *,
    threshold: int = THRESHOLD,
    with_totals: bool = True,
    forced: Iterable[tuple[int, int]] = (),
) -> SuppressedTable:
    """Hide the cells of a 2-D table of counts that must not be published.

    ``rows`` holds the inner cells only (e.g. one row per manager, one column per age group),
    all rows of the same length, all counts non-negative integers. The row totals, column totals
    and grand total are computed here and protected like any other cell (see the module
    docstring for the algorithm): every count ``0 < value < threshold`` is hidden (primary), zeros
    are shown, and further cells are hidden (secondary, smallest values first) until no hidden
    count can be derived from the shown ones.

    With ``with_totals`` (the default) the result contains the margins: a total column appended
    to each row and a total row appended at the bottom, ending with the grand total. Without, the
    result has the shape of ``rows``; the suppression pattern of the inner cells is the same as
    with totals, so the totals may safely be published from a ``with_totals=True`` call elsewhere.
    Same input, same output.

    ``forced`` lists cells (row, column of the full table, totals last) that are hidden in
    another published table sharing them (for example the persons of a unit, the row total of
    the tables by gender and by age group): they are hidden here too (unless zero), and
    protected like any other hidden cell.
    """
    _check_threshold(threshold)
    n_inner_rows = len(rows)
    n_inner_cols = len(rows[0]) if rows else 0
    for row in rows:
        if len(row) != n_inner_cols:
            raise ValueError("all rows must have the same number of cells")
    inner = [[_check_count(value) for value in row] for row in rows]

    # The full table: inner cells, a total column and a total row with the grand total.
    full = [[*row, sum(row)] for row in inner]
    full.append([sum(column) for column in zip(*full, strict=True)] if full else [0])
    n_rows, n_cols = n_inner_rows + 1, n_inner_cols + 1
    values = [value for row in full for value in row]

    primary = _primary(values, threshold)
    hidden = list(primary)
    for r, c in forced:  # hidden elsewhere (another table sharing the cell): hidden here too
        if not (0 <= r < n_rows and 0 <= c < n_cols):
            raise ValueError("a forced cell lies outside the full table")
        if values[r * n_cols + c] > 0:
            hidden[r * n_cols + c] = True
    row_lines = [[r * n_cols + c for c in range(n_cols)] for r in range(n_rows)]
    col_lines = [[r * n_cols + c for r in range(n_rows)] for c in range(n_cols)]
    _apply_line_rule(values, hidden, row_lines + col_lines)
    while bridges := _bridges(hidden, n_rows, n_cols):
        for pos in _cheapest_cycle_path(values, hidden, n_rows, n_cols, bridges[0]):
            hidden[pos] = True

    full_cells = [
        [
            Cell(
                value=None if hidden[r * n_cols + c] else values[r * n_cols + c],
                suppressed=hidden[r * n_cols + c],
                primary=primary[r * n_cols + c],
            )
            for c in range(n_cols)
        ]
        for r in range(n_rows)
    ]
    cells = full_cells if with_totals else [row[:-1] for row in full_cells[:-1]]
    return SuppressedTable(
        cells=cells,
        suppressed_count=sum(cell.suppressed for row in cells for cell in row),
        with_totals=with_totals,
        full_cells=full_cells,
    )


def suppress_series(values: list[int], *, threshold: int = THRESHOLD) -> list[Cell]:
    """Hide the cells of a single column of counts; its total is appended as the last cell.

    The same rules as ``suppress_table`` for one line: counts ``0 < value < threshold``
    (including the total) are hidden, zeros are shown, and if exactly one cell is hidden the
    smallest other non-zero cell (by value, then position; the total counts as the last cell)
    is hidden too. With a single relation "cells sum to the total" and every hidden count at
    least 1, two hidden cells can always trade a person, so none of them is determined.
    """
    _check_threshold(threshold)
    counts = [_check_count(value) for value in values]
    line = [*counts, sum(counts)]
    primary = _primary(line, threshold)
    hidden = list(primary)
    _apply_line_rule(line, hidden, [list(range(len(line)))])
    return [
        Cell(value=None if is_hidden else value, suppressed=is_hidden, primary=is_primary)
        for value, is_hidden, is_primary in zip(line, hidden, primary, strict=True)
    ]


def is_protected(table: SuppressedTable | Sequence[Sequence[Cell]] | Sequence[Cell]) -> bool:
    """Whether no hidden cell of a published table can be derived from the shown ones.

    Accepts a ``SuppressedTable`` (checked on ``full_cells``, i.e. with its margins), a full grid
    of cells whose last column and last row are the totals, or a single line (a series with its
    total last). Checks:

    1. every line (row or column, each with its total) has 0 or at least 2 hidden cells, and
    2. (grids) every hidden cell lies on a cycle of hidden cells (no row/column "bridge"), which
       is what makes the line rule sufficient; see the module docstring.

    Both presume, as ``suppress_table`` guarantees, that hidden counts are never zero.
    """
    if isinstance(table, SuppressedTable):
        grid: Sequence[Sequence[Cell]] = table.full_cells or table.cells
    elif table and all(isinstance(item, Cell) for item in table):
        line = cast(Sequence[Cell], table)
        return sum(cell.suppressed for cell in line) != 1
    else:
        grid = cast(Sequence[Sequence[Cell]], table)
    if not grid:
        return True
    n_rows, n_cols = len(grid), len(grid[0])
    hidden = [cell.suppressed for row in grid for cell in row]
    if len(hidden) != n_rows * n_cols:
        raise ValueError("all rows must have the same number of cells")
    for r in range(n_rows):
        if sum(hidden[r * n_cols : (r + 1) * n_cols]) == 1:
            return False
    for c in range(n_cols):
        if sum(hidden[c::n_cols]) == 1:
            return False
    return not _bridges(hidden, n_rows, n_cols)
