"""Statistical suppression applied to key figures that leave a county (see suppression.py for
the algorithm): no count of persons below 5 is shown, and none can be recomputed from totals.

``protect(rows, total)`` takes the figures of several units (for example the counties of a state,
or the managers of a county) and of the unit that contains them, and returns what may be shown.
Figures that count persons or cases (``figures.is_person_key``) are protected; sessions, hours,
posts and ratios are not person counts and pass through unchanged.

Person figures of one dimension add up to the persons of the unit (gender, age group, residence
status, country of origin); each dimension is one table (units x categories, with the persons as
row totals), and a person total hidden in one dimension is hidden in every dimension, repeated
until nothing changes, so that no table gives away what another hides."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from wegweiser.statistics.figures import is_person_key
from wegweiser.statistics.suppression import THRESHOLD, suppress_table

Number = int | Decimal | None

# Dimensions whose categories add up to the persons of the unit.
PERSON_DIMENSIONS = ("gender:", "age:", "residence:", "country:")
# Groups whose members add up to another figure of the unit (closed by reason → closed cases...).
SUM_GROUPS = {
    "closed:": "cases_closed",
    "referrals:": "referrals",
    "referrals_field:": "referrals",
}


@dataclass(frozen=True)
class Shown:
    value: Number
    suppressed: bool = False

    def __str__(self) -> str:
        return "•" if self.suppressed else ("" if self.value is None else str(self.value))


def _keys_with(prefix: str, figure_sets) -> list[str]:
    keys: set[str] = set()
    for values in figure_sets:
        keys.update(k for k in values if k.startswith(prefix))
    return sorted(keys)


def protect(
    rows: dict[Hashable, dict[str, Number]], total: dict[str, Number]
) -> tuple[dict[Hashable, dict[str, Shown]], dict[str, Shown]]:
    order = list(rows)
    all_sets = [*rows.values(), total]
    hidden: dict[tuple[int, str], bool] = {}  # (row index or -1 for the total, key) -> hidden

    def mark(index: int, key: str) -> bool:
        if hidden.get((index, key)):
            return False
        hidden[(index, key)] = True
        return True

    def values_of(index: int) -> dict:
        return total if index == -1 else rows[order[index]]

    # What each table was last protected with: the same table with the same forced cells gives
    # the same result (``suppress_table`` is deterministic), so it is not computed again.
    done: dict[tuple, frozenset] = {}

    def table(keys: list[str], total_key: str | None) -> bool:
        """Protect one table (units x ``keys``; row totals = ``total_key``); True if it hid
        something new. Cells already hidden are passed as forced."""
        forced = {
            (r, c) for r in range(len(order)) for c, k in enumerate(keys) if hidden.get((r, k))
        }
        if total_key is not None:
            forced |= {(r, len(keys)) for r in range(len(order)) if hidden.get((r, total_key))}
        forced |= {(len(order), c) for c, k in enumerate(keys) if hidden.get((-1, k))}
        signature = (*keys, total_key)
        if done.get(signature) == forced:
            return False
        done[signature] = frozenset(forced)
        inner = [[int(rows[u].get(k) or 0) for k in keys] for u in order]
        result = suppress_table(inner, forced=forced).full_cells
        changed = False
        for r in range(len(order) + 1):
            index = -1 if r == len(order) else r
            for c, key in enumerate([*keys, total_key]):
                if key is None or not result[r][c].suppressed:
                    continue
                changed |= mark(index, key)
        return changed

    def series(key: str) -> bool:
        """One column with its total (a table of one column; the row totals are the cells
        themselves and are not published)."""
        return table([key], None)

    all_keys = {k for s in all_sets for k in s}
    person_keys = sorted(k for k in all_keys if is_person_key(k))
    # The keys of each dimension and sum group (the same in every pass).
    dimensions = [
        (keys, "persons") for p in PERSON_DIMENSIONS if (keys := _keys_with(p, [all_keys]))
    ]
    sum_groups = [(keys, t) for p, t in SUM_GROUPS.items() if (keys := _keys_with(p, [all_keys]))]
    grouped = {k for keys, _t in [*dimensions, *sum_groups] for k in keys}
    # The total of the containing unit is its own figure, not always the sum of the rows (a
    # person counselled by two managers is one person of the county): a small real total is
    # hidden from the start, and forced into every table it belongs to.
    for key in person_keys:
        value = total.get(key)
        if value is not None and 0 < int(value) < THRESHOLD:
            hidden[(-1, key)] = True
    changed = True
    while changed:
        changed = False
        for keys, total_key in [*dimensions, *sum_groups]:
            changed |= table(keys, total_key)
        for key in person_keys:
            if key not in grouped:
                changed |= series(key)
    shown_rows = {
        unit: {
            key: Shown(None, True) if hidden.get((r, key)) else Shown(value)
            for key, value in rows[unit].items()
        }
        for r, unit in enumerate(order)
    }
    shown_total = {
        key: Shown(None, True) if hidden.get((-1, key)) else Shown(value)
        for key, value in total.items()
    }
    return shown_rows, shown_total


def protect_one(values: dict[str, Number]) -> dict[str, Shown]:
    """A single unit on its own (for example one county for the state): the unit is its own
    total, so the categories of each dimension are protected against that total."""
    _rows, shown = protect({"_": values}, values)
    return shown
