"""The allocation engine: a programme's budget distributed to the bodies (Kreise) by a key.

Pure Python, no database access; the UI, the API and ``manage.py allocate`` share this code path.
Documented for users in ``docs/foerderung.md`` ("Verteilung der Mittel").

Model. Every body ``i`` first gets its fixed part ``fixed_i = flat_per_body + per_post * posts_i``.
The rest ``R = budget - sum(fixed)`` is distributed by the key: ``share_i = sum_k weight_k *
value_k_i / sum_j value_k_j`` (the shares sum to 1). Without bounds the exact amount is
``fixed_i + share_i * R``.

Bounds (floor, cap, change limit against ``previous``) are applied by water-filling, which is the
fixed point of "hold every body that hits a bound at that bound, redistribute the rest over the
free bodies in proportion to their shares, repeat until stable": the exact amount is
``clamp(fixed_i + lam * share_i, lower_i, upper_i)`` with the one ``lam >= 0`` for which the amounts
sum to the budget. ``lam`` is found exactly (no iteration limit): the breakpoints where a body
reaches a bound are sorted, a bisection finds the segment in which the sum crosses the budget,
and on that segment the sum is linear. All of this is done in exact fractions, so the sum of the
exact amounts equals the budget exactly and equal remainders are really equal.

The bounds are first rounded inwards to the rounding unit (floor up, cap down, change band
inwards; a band narrower than one unit is widened outwards to the two neighbouring multiples):
then every exact amount lies between two multiples of the unit that both respect the bounds, and
rounding can never break a floor, a cap or a change limit.

Rounding by largest remainder (Hare-Niemeyer): every exact amount is rounded down to the unit;
the units still missing to the budget go, one each, to the bodies ordered by
1. the larger remainder, 2. the larger exact amount (with a single key and no flat parts: the
larger basis value), 3. the smaller AGS (string order).
Rounded amounts are therefore independent of the order of the rows, sum to the budget exactly and
are monotone: more basis value of one body (the others unchanged) never means less money for it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext, gettext_noop, ngettext

Rounding = Literal["cent", "euro", "ten"]
UNITS: dict[str, Decimal] = {"cent": Decimal("0.01"), "euro": Decimal("1"), "ten": Decimal("10")}
POSTS = "posts"  # the basis name per_post multiplies with

__all__ = ["POSTS", "UNITS", "Allocation", "AllocationError", "Rule", "allocate"]


class AllocationError(ValueError):
    """A rule or input that cannot be allocated. ``str(error)`` is the English developer message;
    ``code`` and ``params`` let the UI choose its own text, ``user_message()`` is the translated
    msgid (German once the catalogue has it)."""

    def __init__(self, code: str, message: str, **params: object):
        self.code = code
        self.msgid = message
        self.params = {key: _fmt(value) for key, value in params.items()}
        super().__init__(message % self.params if self.params else message)

    def user_message(self) -> str:
        text = gettext(self.msgid)
        return text % self.params if self.params else text


def _fmt(value: object) -> object:
    if isinstance(value, Fraction):
        value = _to_decimal(value)
    if isinstance(value, Decimal):
        if value == value.to_integral():
            value = value.normalize()
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in sorted(value))
    return value


def _money(name: str, value: object, *, optional: bool = False) -> Decimal | None:
    """Accept Decimal or int (never float or bool) and return a finite Decimal."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AllocationError(
            "not_decimal",
            gettext_noop("%(name)s must be a Decimal (or int), not %(type)s."),
            name=name,
            type=type(value).__name__,
        )
    value = Decimal(value)
    if not value.is_finite():
        raise AllocationError(
            "not_finite", gettext_noop("%(name)s must be a finite number."), name=name
        )
    return value


def _to_decimal(value: Fraction) -> Decimal:
    with localcontext(prec=50):
        return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class Rule:
    """How a budget is distributed. Validated on construction (``AllocationError``)."""

    budget: Decimal
    rounding: Rounding = "euro"
    weights: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    flat_per_body: Decimal = Decimal(0)
    per_post: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    max_change: Decimal | None = None

    def __post_init__(self) -> None:
        budget = _money("budget", self.budget)
        flat = _money("flat_per_body", self.flat_per_body)
        per_post = _money("per_post", self.per_post, optional=True)
        floor = _money("floor", self.floor, optional=True)
        cap = _money("cap", self.cap, optional=True)
        max_change = _money("max_change", self.max_change, optional=True)
        weights = {}
        for name, weight in sorted(dict(self.weights).items()):
            if not isinstance(name, str) or not name:
                raise AllocationError(
                    "weight_name", gettext_noop("Basis names must be non-empty strings.")
                )
            weights[name] = _money(f"weight {name!r}", weight)
        for attr, value in (
            ("budget", budget),
            ("flat_per_body", flat),
            ("per_post", per_post),
            ("floor", floor),
            ("cap", cap),
            ("max_change", max_change),
            ("weights", weights),
        ):
            object.__setattr__(self, attr, value)

        if budget <= 0:
            raise AllocationError(
                "budget_not_positive",
                gettext_noop("The budget must be positive, not %(budget)s."),
                budget=budget,
            )
        if self.rounding not in UNITS:
            raise AllocationError(
                "rounding",
                gettext_noop("Rounding must be one of cent, euro, ten, not %(rounding)s."),
                rounding=repr(self.rounding),
            )
        if budget % self.unit:
            raise AllocationError(
                "budget_not_multiple",
                gettext_noop(
                    "The budget %(budget)s is not a multiple of the rounding unit %(unit)s."
                ),
                budget=budget,
                unit=self.unit,
            )
        negative = sorted(name for name, weight in weights.items() if weight < 0)
        if negative:
            raise AllocationError(
                "weight_negative",
                gettext_noop("Weights must not be negative: %(names)s."),
                names=negative,
            )
        if weights and sum(weights.values()) != 1:
            raise AllocationError(
                "weights_sum",
                gettext_noop("The weights must sum to 1, not %(sum)s."),
                sum=sum(weights.values()),
            )
        for name, value in (("flat_per_body", flat), ("per_post", per_post), ("floor", floor)):
            if value is not None and value < 0:
                raise AllocationError(
                    "negative_amount",
                    gettext_noop("%(name)s must not be negative, not %(value)s."),
                    name=name,
                    value=value,
                )
        if cap is not None and cap <= 0:
            raise AllocationError(
                "cap_not_positive", gettext_noop("The cap must be positive, not %(cap)s."), cap=cap
            )
        if max_change is not None and max_change < 0:
            raise AllocationError(
                "max_change_negative",
                gettext_noop("The change limit must not be negative, not %(max_change)s."),
                max_change=max_change,
            )
        if floor is not None and cap is not None and floor > cap:
            raise AllocationError(
                "floor_above_cap",
                gettext_noop("The floor %(floor)s is above the cap %(cap)s."),
                floor=floor,
                cap=cap,
            )
        if (
            floor is not None
            and cap is not None
            and _ceil(floor, self.unit) > _floor(cap, self.unit)
        ):
            raise AllocationError(
                "floor_cap_unit",
                gettext_noop(
                    "No amount in whole rounding units (%(unit)s) lies between the floor "
                    "%(floor)s and the cap %(cap)s."
                ),
                unit=self.unit,
                floor=floor,
                cap=cap,
            )
        if cap is not None and cap < flat:
            raise AllocationError(
                "cap_below_flat",
                gettext_noop("The cap %(cap)s is below the flat amount per body %(flat)s."),
                cap=cap,
                flat=flat,
            )
        if flat > budget:
            raise AllocationError(
                "flat_exceeds_budget",
                gettext_noop("The flat amount per body %(flat)s exceeds the budget %(budget)s."),
                flat=flat,
                budget=budget,
            )
        if not weights and not flat and per_post is None:
            raise AllocationError(
                "no_key",
                gettext_noop(
                    "The rule has no key: give weights, a flat amount or an amount per post."
                ),
            )

    @property
    def unit(self) -> Decimal:
        return UNITS[self.rounding]

    @property
    def used_bases(self) -> list[str]:
        return [*self.weights, *([POSTS] if self.per_post is not None else [])]

    def check_bodies(self, count: int) -> None:
        """The checks that need the number of bodies."""
        if count <= 0:
            raise AllocationError("no_bodies", gettext_noop("There are no bodies to allocate to."))
        if self.flat_per_body * count > self.budget:
            raise AllocationError(
                "flat_exceeds_budget",
                gettext_noop(
                    "The flat amount %(flat)s for %(count)s bodies (%(total)s) exceeds the "
                    "budget %(budget)s."
                ),
                flat=self.flat_per_body,
                count=count,
                total=self.flat_per_body * count,
                budget=self.budget,
            )
        if self.floor is not None and self.floor * count > self.budget:
            raise AllocationError(
                "floor_infeasible",
                gettext_noop(
                    "The floor %(floor)s for %(count)s bodies (%(total)s) exceeds the budget "
                    "%(budget)s."
                ),
                floor=self.floor,
                count=count,
                total=self.floor * count,
                budget=self.budget,
            )
        if self.cap is not None and self.cap * count < self.budget:
            raise AllocationError(
                "cap_infeasible",
                gettext_noop(
                    "The cap %(cap)s for %(count)s bodies (%(total)s) cannot take up the budget "
                    "%(budget)s."
                ),
                cap=self.cap,
                count=count,
                total=self.cap * count,
                budget=self.budget,
            )


@dataclass(frozen=True)
class Allocation:
    """The result; every mapping is keyed by AGS in ascending order."""

    rule: Rule
    amounts: dict[str, Decimal]  # rounded to the unit, sum == budget
    exact: dict[str, Decimal]  # unrounded amount after bounds (50 significant digits)
    shares: dict[str, Decimal]  # share of the keyed rest (sum 1; 0 without weights)
    unbounded: dict[str, Decimal]  # unrounded amount before floor/cap/change limit
    limited: dict[str, str]  # ags -> "floor" | "cap" | "change_down" | "change_up"
    rounded_up: tuple[str, ...]  # bodies that got one unit more than their rounded-down amount
    trace: list[str]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


# --- helpers ---------------------------------------------------------------------------------


def _floor(value: Fraction | Decimal, unit: Decimal | Fraction) -> Fraction:
    unit = Fraction(unit)
    return math.floor(Fraction(value) / unit) * unit


def _ceil(value: Fraction | Decimal, unit: Decimal | Fraction) -> Fraction:
    unit = Fraction(unit)
    return math.ceil(Fraction(value) / unit) * unit


def _clamp(value: Fraction, lower: Fraction, upper: Fraction | None) -> Fraction:
    if value < lower:
        return lower
    if upper is not None and value > upper:
        return upper
    return value


def _eur(value: Fraction | Decimal, places: int = 2) -> str:
    """German money format for the trace: 1.234.567,89."""
    text = f"{Decimal(value) if isinstance(value, Decimal) else _to_decimal(value):,.{places}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _as_unit(value: Fraction, rounding: str) -> Decimal:
    if rounding == "cent":
        return Decimal(int(value * 100)).scaleb(-2)
    return Decimal(int(value))


def _check_values(name: str, values: Mapping[str, object]) -> dict[str, Fraction]:
    result = {}
    negative = []
    for ags, value in values.items():
        number = _money(f"{name}[{ags}]", value)
        if number < 0:
            negative.append(ags)
        result[ags] = Fraction(number)
    if negative:
        raise AllocationError(
            "basis_negative",
            gettext_noop("Negative values in %(name)s for %(ags)s."),
            name=name,
            ags=negative,
        )
    return result


# --- the engine ------------------------------------------------------------------------------


def allocate(
    rule: Rule,
    bases: Mapping[str, Mapping[str, Decimal]],
    *,
    previous: Mapping[str, Decimal] | None = None,
) -> Allocation:
    """Distribute ``rule.budget`` over the bodies of the used bases (see the module docstring).

    ``bases`` maps a basis name (``"inhabitants"``, ``"refugees"``, ``"posts"``...) to
    ``{ags: value}``. The used bases are the weights' names plus ``"posts"`` with ``per_post``;
    a pure flat rule uses all given bases just to know the bodies. ``previous`` (last year's
    amounts) is needed for ``max_change``; bodies without a previous amount get no change limit.
    """
    used = rule.used_bases
    missing_bases = sorted(name for name in used if name not in bases)
    if missing_bases:
        raise AllocationError(
            "basis_missing",
            gettext_noop("The rule needs the bases %(names)s, which were not given."),
            names=missing_bases,
        )
    if not used:
        used = sorted(bases)
    values = {name: _check_values(name, bases[name]) for name in used}
    bodies = sorted(set().union(*(v.keys() for v in values.values())))
    gaps = {name: sorted(set(bodies) - v.keys()) for name, v in values.items()}
    gaps = {name: ags for name, ags in gaps.items() if ags}
    if gaps:
        raise AllocationError(
            "bases_mismatch",
            gettext_noop("The bases do not cover the same bodies; missing: %(gaps)s."),
            gaps="; ".join(f"{name}: {', '.join(ags)}" for name, ags in sorted(gaps.items())),
        )
    count = len(bodies)
    rule.check_bodies(count)
    if rule.max_change is not None and previous is None:
        raise AllocationError(
            "previous_missing",
            gettext_noop("A change limit needs the previous amounts."),
        )
    prev = _check_values("previous", previous) if previous is not None else {}

    budget = Fraction(rule.budget)
    unit = Fraction(rule.unit)
    places = 2 if rule.rounding == "cent" else 0
    trace = [
        gettext("%(count)d bodies, budget %(budget)s EUR, rounded to %(unit)s EUR.")
        % {"count": count, "budget": _eur(budget, places), "unit": _eur(unit, 2 if unit < 1 else 0)}
    ]

    # 1. fixed parts
    flat = Fraction(rule.flat_per_body)
    posts = values.get(POSTS, {})
    per_post = Fraction(rule.per_post) if rule.per_post is not None else Fraction(0)
    fixed = {ags: flat + per_post * posts.get(ags, Fraction(0)) for ags in bodies}
    if flat:
        trace.append(
            gettext("Flat amount of %(flat)s EUR per body: %(total)s EUR.")
            % {"flat": _eur(flat), "total": _eur(flat * count)}
        )
    if rule.per_post is not None:
        total_posts = sum(posts.values(), Fraction(0))
        trace.append(
            gettext("%(amount)s EUR per post for %(posts)s posts: %(total)s EUR.")
            % {
                "amount": _eur(per_post),
                "posts": _fmt(_to_decimal(total_posts)),
                "total": _eur(per_post * total_posts),
            }
        )
    rest = budget - sum(fixed.values())
    if rest < 0:
        raise AllocationError(
            "fixed_exceeds_budget",
            gettext_noop("The flat and per-post amounts (%(fixed)s) exceed the budget %(budget)s."),
            fixed=budget - rest,
            budget=budget,
        )

    # 2. shares by key
    shares = dict.fromkeys(bodies, Fraction(0))
    for name, weight in rule.weights.items():
        if not weight:
            continue
        total = sum(values[name].values(), Fraction(0))
        if not total:
            if rest:
                raise AllocationError(
                    "basis_zero",
                    gettext_noop("All values of the basis %(name)s are zero."),
                    name=name,
                )
            continue
        for ags in bodies:
            shares[ags] += Fraction(weight) * values[name][ags] / total
    if rule.weights:
        key = ", ".join(f"{name} {_fmt(weight * 100)} %" for name, weight in rule.weights.items())
        trace.append(
            gettext("Distributed by key (%(key)s): %(rest)s EUR.")
            % {"key": key, "rest": _eur(rest)}
        )
    elif rest:
        raise AllocationError(
            "undistributed_rest",
            gettext_noop(
                "Without weights the flat and per-post amounts must use up the budget; "
                "%(rest)s is left."
            ),
            rest=rest,
        )
    unbounded = {ags: fixed[ags] + shares[ags] * rest for ags in bodies}

    # 3. bounds, rounded inwards to the unit
    lower, upper, source = _bounds(rule, bodies, prev, unit, trace)
    if any(b != Fraction(0) for b in lower.values()) or any(u is not None for u in upper.values()):
        exact, limited = _water_fill(bodies, fixed, shares, lower, upper, source, budget)
        if limited:
            held_low = [ags for ags, kind in limited.items() if kind in ("floor", "change_down")]
            held_high = [ags for ags, kind in limited.items() if kind in ("cap", "change_up")]
            trace.append(
                gettext(
                    "Held at a lower bound: %(low)s; held at an upper bound: %(high)s; the rest "
                    "was redistributed over the other bodies in proportion to their shares."
                )
                % {"low": ", ".join(held_low) or "–", "high": ", ".join(held_high) or "–"}
            )
    else:
        exact, limited = unbounded, {}
    assert sum(exact.values()) == budget

    # 4. largest remainder
    base = {ags: _floor(exact[ags], unit) for ags in bodies}
    remainder = {ags: exact[ags] - base[ags] for ags in bodies}
    missing_units = (budget - sum(base.values())) / unit
    assert missing_units.denominator == 1 and 0 <= missing_units <= count
    order = sorted(bodies, key=lambda ags: (-remainder[ags], -exact[ags], ags))
    rounded_up = tuple(sorted(order[: int(missing_units)]))
    amounts = {ags: base[ags] + (unit if ags in rounded_up else 0) for ags in bodies}
    if rounded_up:
        trace.append(
            ngettext(
                "Rounded down to %(unit)s EUR: %(sum)s EUR; the missing unit went to the largest "
                "remainder (ties: larger exact amount, then smaller AGS): %(ags)s.",
                "Rounded down to %(unit)s EUR: %(sum)s EUR; the missing %(count)d units went to "
                "the largest remainders (ties: larger exact amount, then smaller AGS): %(ags)s.",
                len(rounded_up),
            )
            % {
                "unit": _eur(unit, 2 if unit < 1 else 0),
                "sum": _eur(sum(base.values()), places),
                "count": len(rounded_up),
                "ags": ", ".join(rounded_up),
            }
        )
    assert sum(amounts.values()) == budget
    trace.append(gettext("Total: %(total)s EUR.") % {"total": _eur(budget, places)})

    return Allocation(
        rule=rule,
        amounts={ags: _as_unit(amounts[ags], rule.rounding) for ags in bodies},
        exact={ags: _to_decimal(exact[ags]) for ags in bodies},
        shares={ags: _to_decimal(shares[ags]) for ags in bodies},
        unbounded={ags: _to_decimal(unbounded[ags]) for ags in bodies},
        limited=limited,
        rounded_up=rounded_up,
        trace=trace,
    )


def _bounds(
    rule: Rule,
    bodies: list[str],
    prev: dict[str, Fraction],
    unit: Fraction,
    trace: list[str],
) -> tuple[dict[str, Fraction], dict[str, Fraction | None], dict[str, tuple[str, str]]]:
    """Per body the lower and upper bound as multiples of the unit and where they come from.

    Floor and cap win over the change limit: the change band is clamped into [floor, cap]."""
    floor = _ceil(rule.floor, unit) if rule.floor is not None else Fraction(0)
    cap = _floor(rule.cap, unit) if rule.cap is not None else None
    if rule.floor is not None:
        trace.append(gettext("Floor per body: %(floor)s EUR.") % {"floor": _eur(floor)})
    if cap is not None:
        trace.append(gettext("Cap per body: %(cap)s EUR.") % {"cap": _eur(cap)})
    lower: dict[str, Fraction] = {}
    upper: dict[str, Fraction | None] = {}
    source: dict[str, tuple[str, str]] = {}
    for ags in bodies:
        lower[ags], upper[ags], source[ags] = floor, cap, ("floor", "cap")
        if rule.max_change is None or ags not in prev:
            continue
        change = Fraction(rule.max_change)
        low = max(prev[ags] * (1 - change), Fraction(0))
        high = prev[ags] * (1 + change)
        band_low, band_high = _ceil(low, unit), _floor(high, unit)
        if band_low > band_high:  # narrower than one unit: widen outwards
            band_low, band_high = _floor(low, unit), _ceil(high, unit)
        if band_low > floor:
            lower[ags], source[ags] = _clamp(band_low, floor, cap), ("change_down", "cap")
            if cap is not None and band_low > cap:
                source[ags] = ("cap", "cap")
        if cap is None or band_high < cap:
            upper[ags] = _clamp(band_high, floor, cap)
            kind = "floor" if band_high < floor else "change_up"
            source[ags] = (source[ags][0], kind)
    if rule.max_change is not None:
        trace.append(
            gettext("Change limit: at most %(change)s %% against the previous amount.")
            % {"change": _fmt(rule.max_change * 100)}
        )
        without = [ags for ags in bodies if ags not in prev]
        gone = sorted(set(prev) - set(bodies))
        if gone:
            trace.append(
                gettext("Previous amounts of bodies not allocated to are ignored: %(ags)s.")
                % {"ags": ", ".join(gone)}
            )
        if without:
            trace.append(
                gettext("No previous amount, so no change limit: %(ags)s.")
                % {"ags": ", ".join(without)}
            )
    return lower, upper, source


def _water_fill(
    bodies: list[str],
    fixed: dict[str, Fraction],
    shares: dict[str, Fraction],
    lower: dict[str, Fraction],
    upper: dict[str, Fraction | None],
    source: dict[str, tuple[str, str]],
    budget: Fraction,
) -> tuple[dict[str, Fraction], dict[str, str]]:
    """``clamp(fixed + lam * share, lower, upper)`` with the ``lam >= 0`` that meets the budget."""

    def amounts(lam: Fraction) -> dict[str, Fraction]:
        return {
            ags: _clamp(fixed[ags] + lam * shares[ags], lower[ags], upper[ags]) for ags in bodies
        }

    def total(lam: Fraction) -> Fraction:
        return sum(amounts(lam).values(), Fraction(0))

    at_zero = total(Fraction(0))
    if at_zero > budget:
        raise AllocationError(
            "bounds_exceed_budget",
            gettext_noop(
                "Floors and change limits (with the flat amounts) need %(need)s, more than the "
                "budget %(budget)s."
            ),
            need=at_zero,
            budget=budget,
        )
    growing = [ags for ags in bodies if shares[ags] > 0]
    if all(upper[ags] is not None for ags in growing):
        most = sum(
            (upper[ags] if shares[ags] > 0 else amounts(Fraction(0))[ags] for ags in bodies),
            Fraction(0),
        )
        if most < budget:
            raise AllocationError(
                "bounds_below_budget",
                gettext_noop(
                    "Caps and change limits allow at most %(most)s, less than the budget "
                    "%(budget)s."
                ),
                most=most,
                budget=budget,
            )
    points = sorted(
        {
            (bound - fixed[ags]) / shares[ags]
            for ags in growing
            for bound in (lower[ags], upper[ags])
            if bound is not None and bound > fixed[ags]
        }
    )
    if at_zero == budget:
        lam = Fraction(0)
    else:
        index = bisect_left(points, True, key=lambda point: total(point) >= budget)
        left = points[index - 1] if index else Fraction(0)
        probe = (left + points[index]) / 2 if index < len(points) else left + 1
        slope = sum(
            (
                shares[ags]
                for ags in growing
                if lower[ags] < fixed[ags] + probe * shares[ags]
                and (upper[ags] is None or fixed[ags] + probe * shares[ags] < upper[ags])
            ),
            Fraction(0),
        )
        lam = left + (budget - total(left)) / slope
    exact = amounts(lam)
    limited = {}
    for ags in bodies:
        free = fixed[ags] + lam * shares[ags]
        if free < lower[ags]:
            limited[ags] = source[ags][0]
        elif upper[ags] is not None and free > upper[ags]:
            limited[ags] = source[ags][1]
    return exact, limited
