"""Accessible, CSP-safe SVG charts rendered on the server for the key-figure dashboards.

Hand-written on purpose: pygal embeds a ``<style>`` element and JavaScript, svg.charts and
pysvgchart style through CSS stylesheets, matplotlib and plotnine are far too heavy, and leather
(presentation attributes only) has no ``<title>``/``<desc>``/ARIA, no per-bar tooltips, no gaps
for suppressed values and no German number format, so its output would need rewriting anyway.
A few hundred lines of standard-library ElementTree code are easier to own and to test.

The output is a single ``<svg>`` element without ``style`` attributes, ``<style>`` or script:
colours and fonts are SVG presentation attributes, hooks for CSS are ``wg-chart…`` classes.
The visible heading is the page's job; the chart title is the accessible name (``<title>``) and
``<desc>`` summarises the data in words, the numbers themselves live in the table beside it.

Decisions: negative, NaN or infinite values raise ``ValueError`` (the charts show counts and
shares); on a percent axis values must lie in 0..100. ``None`` marks a suppressed or unknown
value: no bar / a broken line, a grey cross marker and a note in ``<desc>``. Data that is empty,
all ``None`` or all zero renders "Keine Daten". No database access; no dependence on the active
locale: numbers are always formatted the German way (``1.234,5``), so output is deterministic.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString, mark_safe

__all__ = ["PALETTE", "Series", "bar_chart", "format_number", "line_chart", "nice_ticks"]

SVG_NS = "http://www.w3.org/2000/svg"

#: Okabe–Ito colours ordered by contrast against white: the first five reach at least 3:1
#: (WCAG 1.4.11), orange and sky blue follow only for a sixth and seventh series; yellow is left
#: out. Beyond seven series the colours repeat (line charts still differ by marker shape).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue 5.2:1
    "#D55E00",  # vermillion 3.9:1
    "#009E73",  # bluish green 3.4:1
    "#CC79A7",  # reddish purple 3.1:1
    "#000000",  # black
    "#E69F00",  # orange 2.3:1
    "#56B4E9",  # sky blue 2.3:1
)
TEXT_COLOUR = "#1b1b1b"
MUTED_COLOUR = "#595959"  # 7:1 on white
GRID_COLOUR = "#d4d4d4"
BACKGROUND = "#ffffff"

FONT_SIZE = 12
CHAR_WIDTH = 0.6 * FONT_SIZE  # rough average glyph width, for layout estimates only
LEGEND_ROW = 18
MAX_LEGEND_CHARS = 40
MAX_BAR_WIDTH = 56.0
MAX_GAPS_IN_DESC = 10

NO_DATA = "Keine Daten"
GAP_TEXT = "Wert unterdrückt oder unbekannt"

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters XML 1.0 does not allow (control characters, lone surrogates, non-characters).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Series:
    """One data series: a label (e.g. ``"Telefon"``) and one value per category.

    ``None`` stands for a suppressed (small-number protection) or unknown value.
    """

    label: str
    values: list[float | int | None]


# --- Numbers ----------------------------------------------------------------------------------


def format_number(value: float | int | Decimal, max_decimals: int = 2) -> str:
    """Format a number the German way: ``1.234,5`` (at most ``max_decimals`` decimals, trailing
    zeros dropped), independent of the active locale so that output stays deterministic."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    number = number.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def nice_ticks(maximum: float) -> list[Decimal]:
    """Return 4–6 ticks from 0 in steps of 1, 2, 2.5 or 5 × 10^n whose last tick is ≥ maximum.

    The smallest such step leaving at most 5 intervals is chosen; since neighbouring steps
    differ at most by a factor of 2, that step always leaves at least 3 intervals.
    """
    if not (math.isfinite(maximum) and maximum > 0):
        raise ValueError(f"nice_ticks needs a positive finite maximum, not {maximum!r}.")
    target = Decimal(repr(float(maximum)))
    exponent = math.floor(math.log10(maximum)) - 1
    while True:
        for mantissa in ("1", "2", "2.5", "5"):
            step = Decimal(mantissa).scaleb(exponent)
            intervals = int((target / step).to_integral_value(rounding=ROUND_CEILING))
            if intervals <= 5:
                return [step * i for i in range(max(intervals, 1) + 1)]
        exponent += 1


def _value_text(value: float, unit: str, percent: bool) -> str:
    text = format_number(value)
    if percent:
        return f"{text} %"
    return f"{text} {unit}" if unit else text


def _coord(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (deterministic)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- Validation and text ----------------------------------------------------------------------


def _clean(text: object) -> str:
    """User text as a plain string without characters that XML cannot carry.

    Escaping of ``<``, ``&`` and ``"`` happens when the tree is serialised."""
    return _INVALID_XML.sub("", str(text))


def _truncate(text: str, max_chars: int) -> tuple[str, bool]:
    if len(text) <= max_chars:
        return text, False
    return text[: max(max_chars - 1, 1)].rstrip() + "…", True


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _validated(
    categories: Sequence[str], series: Sequence[Series], percent: bool
) -> list[list[float | None]]:
    """Check lengths and values; return the values as floats (``None`` kept)."""
    rows: list[list[float | None]] = []
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(
                f"Series {item.label!r} has {len(item.values)} values "
                f"for {len(categories)} categories."
            )
        row: list[float | None] = []
        for category, value in zip(categories, item.values, strict=True):
            if value is None:
                row.append(None)
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise ValueError(
                    f"Value {value!r} in series {item.label!r}, category {category!r} "
                    "is not a number."
                )
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(
                    f"Value {value!r} in series {item.label!r}, category {category!r} "
                    "is not finite."
                )
            if number < 0:
                raise ValueError(
                    f"Negative value {value!r} in series {item.label!r}, category "
                    f"{category!r}: charts show counts and shares, which cannot be negative."
                )
            if percent and number > 100:
                raise ValueError(
                    f"Value {value!r} in series {item.label!r}, category {category!r} "
                    "exceeds 100 on a percent axis."
                )
            row.append(number)
        rows.append(row)
    return rows


def _check_frame(chart_id: str, width: int, height: int) -> None:
    if not _CHART_ID.match(chart_id):
        raise ValueError(
            f"chart_id {chart_id!r} must start with a letter and contain only letters, "
            "digits, '-' and '_'."
        )
    if width < 160 or height < 120:
        raise ValueError(f"Chart size {width}×{height} is too small (at least 160×120).")


def _describe(
    *,
    kind: str,
    categories: list[str],
    labels: list[str],
    rows: list[list[float | None]],
    unit: str,
    percent: bool,
    stacked: bool,
) -> str:
    """The ``<desc>`` text: shape of the data, unit, largest value and the gaps, in German."""
    sentences = [
        f"{kind} mit {_count(len(categories), 'Kategorie', 'Kategorien')} und "
        f"{_count(len(labels), 'Reihe', 'Reihen')}; Werte in der Tabelle neben dem Diagramm."
    ]
    if percent:
        sentences.append("Werte in Prozent.")
    elif unit:
        sentences.append(f"Einheit: {unit}.")
    if stacked:
        totals = [sum(row[i] or 0.0 for row in rows) for i in range(len(categories))]
        top = max(range(len(totals)), key=lambda i: totals[i])
        total = _value_text(totals[top], unit, percent)
        sentences.append(f"Höchste Summe: {total} ({categories[top]}).")
    else:
        best: tuple[float, int, int] | None = None
        for s, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and (best is None or value > best[0]):
                    best = (value, s, c)
        if best is not None:
            value, s, c = best
            where = categories[c] if len(labels) == 1 else f"{categories[c]} – {labels[s]}"
            sentences.append(f"Höchster Wert: {_value_text(value, unit, percent)} ({where}).")
    gaps = [
        categories[c] if len(labels) == 1 else f"{categories[c]} – {labels[s]}"
        for s, row in enumerate(rows)
        for c, value in enumerate(row)
        if value is None
    ]
    if gaps:
        listed = "; ".join(gaps[:MAX_GAPS_IN_DESC])
        more = len(gaps) - MAX_GAPS_IN_DESC
        rest = f" und {more} weitere" if more > 0 else ""
        sentences.append(f"Unterdrückt oder unbekannt (Lücke im Diagramm): {listed}{rest}.")
    return " ".join(sentences)


# --- SVG building -----------------------------------------------------------------------------


def _el(
    parent: ET.Element, tag: str, attrs: dict[str, str | float | int], text: str | None = None
) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k: _coord(v) if isinstance(v, float) else str(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _titled(element: ET.Element, title: str) -> ET.Element:
    """Add a ``<title>`` child (hover text) as the element's first child."""
    _el(element, "title", {}, title)
    return element


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    cls: str,
    fill: str = TEXT_COLOUR,
    full: str | None = None,
) -> ET.Element:
    """A text element; with ``full`` the shown text is abbreviated and ``full`` becomes its
    ``<title>`` (first child, shown text as its tail)."""
    element = _el(
        parent,
        "text",
        {"x": float(x), "y": float(y), "fill": fill, "text-anchor": anchor, "class": cls},
    )
    if full is None:
        element.text = text
    else:
        _el(element, "title", {}, full).tail = text
    return element


def _root(chart_id: str, width: int, height: int, title: str, desc: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "wg-chart",
            "font-size": str(FONT_SIZE),
        },
    )
    _el(root, "title", {"id": f"{chart_id}-title"}, title)
    _el(root, "desc", {"id": f"{chart_id}-desc"}, desc)
    return root


def _serialise(root: ET.Element) -> SafeString:
    # Every user text went through ElementTree, which escapes <, > and & in text and
    # additionally " in attributes, so the result is safe to embed in HTML.
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308


def _empty(root: ET.Element, width: int, height: int) -> SafeString:
    _text(
        root,
        width / 2,
        height / 2,
        NO_DATA,
        anchor="middle",
        cls="wg-chart__empty",
        fill=MUTED_COLOUR,
    ).set("font-size", str(FONT_SIZE + 2))
    return _serialise(root)


def _has_data(rows: list[list[float | None]]) -> bool:
    return any(value for row in rows for value in row)


@dataclass(frozen=True)
class _Frame:
    """The plot area in SVG user units and the top of the value axis."""

    left: float
    top: float
    right: float
    bottom: float
    maximum: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def length(self, value: float) -> float:
        """Length of ``value`` along the value axis."""
        return value / self.maximum * self.height

    def y(self, value: float) -> float:
        return self.bottom - self.length(value)

    def band(self, count: int) -> float:
        return self.width / count


@dataclass(frozen=True)
class _LegendItem:
    label: str
    colour: str
    kind: str  # "bar", "line" or "gap"
    marker: str = "circle"


def _legend_layout(items: list[_LegendItem], width: int) -> tuple[list[tuple[float, float]], float]:
    """Flow legend items left to right, wrapping rows; return positions and total height."""
    positions: list[tuple[float, float]] = []
    x, y = 8.0, 8.0
    for item in items:
        shown, _ = _truncate(item.label, MAX_LEGEND_CHARS)
        item_width = 22 + len(shown) * CHAR_WIDTH + 16
        if x > 8 and x + item_width > width - 8:
            x, y = 8.0, y + LEGEND_ROW
        positions.append((x, y))
        x += item_width
    return positions, (y - 8 + LEGEND_ROW if items else 0.0)


def _marker(
    parent: ET.Element, shape: str, x: float, y: float, colour: str, size: float = 4.5
) -> ET.Element:
    """A data-point marker; the shape tells line series apart without relying on colour."""
    common: dict[str, str | float | int] = {
        "fill": colour,
        "stroke": BACKGROUND,
        "stroke-width": 1,
        "class": "wg-chart__point",
    }
    if shape == "circle":
        return _el(parent, "circle", {"cx": x, "cy": y, "r": size, **common})
    if shape == "square":
        side = size * 1.7
        return _el(
            parent,
            "rect",
            {"x": x - side / 2, "y": y - side / 2, "width": side, "height": side, **common},
        )
    if shape == "triangle":
        d = size * 1.2
        points = f"{_coord(x)},{_coord(y - d)} {_coord(x + d)},{_coord(y + d * 0.8)} "
        points += f"{_coord(x - d)},{_coord(y + d * 0.8)}"
        return _el(parent, "polygon", {"points": points, **common})
    d = size * 1.3
    points = f"{_coord(x)},{_coord(y - d)} {_coord(x + d)},{_coord(y)} "
    points += f"{_coord(x)},{_coord(y + d)} {_coord(x - d)},{_coord(y)}"
    return _el(parent, "polygon", {"points": points, **common})


def _gap_marker(parent: ET.Element, x: float, y: float, title: str | None) -> ET.Element:
    """A grey cross where a suppressed or unknown value would be."""
    d = 4.0
    path = (
        f"M{_coord(x - d)} {_coord(y - d)}L{_coord(x + d)} {_coord(y + d)}"
        f"M{_coord(x - d)} {_coord(y + d)}L{_coord(x + d)} {_coord(y - d)}"
    )
    element = _el(
        parent,
        "path",
        {
            "d": path,
            "stroke": MUTED_COLOUR,
            "stroke-width": 2,
            "fill": "none",
            "class": "wg-chart__gap",
        },
    )
    if title is not None:
        _titled(element, title)
    return element


def _draw_legend(
    root: ET.Element, items: list[_LegendItem], positions: list[tuple[float, float]]
) -> None:
    group = _el(root, "g", {"class": "wg-chart__legend"})
    for item, (x, y) in zip(items, positions, strict=True):
        middle = y + 6
        if item.kind == "bar":
            _el(group, "rect", {"x": x, "y": y, "width": 12, "height": 12, "fill": item.colour})
        elif item.kind == "line":
            _el(
                group,
                "line",
                {
                    "x1": x - 2,
                    "y1": middle,
                    "x2": x + 14,
                    "y2": middle,
                    "stroke": item.colour,
                    "stroke-width": 2.5,
                },
            )
            _marker(group, item.marker, x + 6, middle, item.colour, size=3.5)
        else:
            _gap_marker(group, x + 6, middle, None)
        shown, cut = _truncate(item.label, MAX_LEGEND_CHARS)
        _text(
            group,
            x + 20,
            y + 10,
            shown,
            cls="wg-chart__legend-label",
            full=item.label if cut else None,
        )


def _layout(
    *,
    root: ET.Element,
    width: int,
    height: int,
    legend: list[_LegendItem],
    ticks: list[Decimal],
    tick_suffix: str,
    unit_label: str,
) -> tuple[_Frame, list[str]]:
    """Draw the legend and compute the plot area; return it with the tick labels."""
    positions, legend_height = _legend_layout(legend, width)
    if legend:
        _draw_legend(root, legend, positions)
    tick_labels = [format_number(tick, max_decimals=6) + tick_suffix for tick in ticks]
    left = max(len(label) for label in tick_labels) * CHAR_WIDTH + 14
    top = 8 + legend_height + (18 if unit_label else 0) + 8
    bottom = height - 28
    if bottom - top < 40:
        raise ValueError(f"Chart height {height} leaves no room for the plot; make it taller.")
    frame = _Frame(left=left, top=top, right=width - 16, bottom=bottom, maximum=float(ticks[-1]))
    return frame, tick_labels


def _draw_value_axis(
    root: ET.Element, frame: _Frame, ticks: list[Decimal], labels: list[str], unit_label: str
) -> None:
    group = _el(root, "g", {"class": "wg-chart__axis wg-chart__axis--y"})
    for tick, label in zip(ticks, labels, strict=True):
        y = frame.y(float(tick))
        if tick:
            _el(
                group,
                "line",
                {
                    "x1": frame.left,
                    "y1": y,
                    "x2": frame.right,
                    "y2": y,
                    "stroke": GRID_COLOUR,
                    "stroke-width": 1,
                    "class": "wg-chart__grid",
                },
            )
        _text(group, frame.left - 6, y + 4, label, anchor="end", cls="wg-chart__tick")
    if unit_label:
        _text(group, 8, frame.top - 12, unit_label, cls="wg-chart__unit", fill=MUTED_COLOUR)


def _draw_category_axis(root: ET.Element, frame: _Frame, categories: list[str]) -> None:
    """Baseline and category labels, abbreviated with "…" (full label as hover title); when
    the bands are very narrow only every n-th label is shown."""
    group = _el(root, "g", {"class": "wg-chart__axis wg-chart__axis--x"})
    _el(
        group,
        "line",
        {
            "x1": frame.left,
            "y1": frame.bottom,
            "x2": frame.right,
            "y2": frame.bottom,
            "stroke": TEXT_COLOUR,
            "stroke-width": 1,
        },
    )
    band = frame.band(len(categories))
    step = max(1, math.ceil(4 * CHAR_WIDTH / band))
    max_chars = max(2, int(band * step / CHAR_WIDTH) - 1)
    for i, category in enumerate(categories):
        if i % step:
            continue
        shown, cut = _truncate(category, max_chars)
        _text(
            group,
            frame.left + band * (i + 0.5),
            frame.bottom + 18,
            shown,
            anchor="middle",
            cls="wg-chart__category",
            full=category if cut else None,
        )


def _prepare(
    title: str, categories: Sequence[str], series: Sequence[Series], unit: str
) -> tuple[str, list[str], list[str], str]:
    return (
        _clean(title),
        [_clean(c) for c in categories],
        [_clean(s.label) for s in series],
        _clean(unit),
    )


# --- Public charts ----------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    unit: str = "",
    stacked: bool = False,
    width: int = 640,
    height: int = 320,
    chart_id: str,
) -> SafeString:
    """A vertical bar chart, grouped by default or stacked, as one accessible ``<svg>``.

    Every bar carries a ``<title>`` "Kategorie – Reihe: Wert"; ``None`` values leave a gap
    marked with a grey cross. Raises ``ValueError`` for negative values, mismatched lengths,
    an invalid ``chart_id`` or a size too small to draw.
    """
    _check_frame(chart_id, width, height)
    rows = _validated(categories, series, percent=False)
    title, cats, labels, unit = _prepare(title, categories, series, unit)
    kind = "Gestapeltes Balkendiagramm" if stacked else "Balkendiagramm"
    if not cats or not labels or not _has_data(rows):
        root = _root(chart_id, width, height, title, f"{kind}: Keine Daten vorhanden.")
        return _empty(root, width, height)
    desc = _describe(
        kind=kind,
        categories=cats,
        labels=labels,
        rows=rows,
        unit=unit,
        percent=False,
        stacked=stacked,
    )
    root = _root(chart_id, width, height, title, desc)
    has_gaps = any(value is None for row in rows for value in row)
    legend = (
        [_LegendItem(label, PALETTE[s % len(PALETTE)], "bar") for s, label in enumerate(labels)]
        if len(labels) > 1
        else []
    )
    if has_gaps:
        legend.append(_LegendItem(GAP_TEXT, MUTED_COLOUR, "gap"))
    if stacked:
        peak = max(sum(row[c] or 0.0 for row in rows) for c in range(len(cats)))
    else:
        peak = max(value or 0.0 for row in rows for value in row)
    ticks = nice_ticks(peak)
    frame, tick_labels = _layout(
        root=root,
        width=width,
        height=height,
        legend=legend,
        ticks=ticks,
        tick_suffix="",
        unit_label=unit,
    )
    _draw_value_axis(root, frame, ticks, tick_labels, unit)

    bars = _el(root, "g", {"class": "wg-chart__bars"})
    gaps: list[tuple[float, float, str]] = []
    band = frame.band(len(cats))
    group_width = band * 0.72
    for c, category in enumerate(cats):
        centre = frame.left + band * (c + 0.5)
        if stacked:
            bar_width = min(group_width, MAX_BAR_WIDTH)
            x = centre - bar_width / 2
            base = 0.0
            missing: list[str] = []
            for s, label in enumerate(labels):
                value = rows[s][c]
                name = f"{category} – {label}"
                if value is None:
                    missing.append(f"{name}: {GAP_TEXT}")
                    continue
                top_y = frame.y(base + value)
                _titled(
                    _el(
                        bars,
                        "rect",
                        {
                            "x": x,
                            "y": top_y,
                            "width": bar_width,
                            "height": frame.y(base) - top_y,
                            "fill": PALETTE[s % len(PALETTE)],
                            "stroke": BACKGROUND,
                            "stroke-width": 1,
                            "class": "wg-chart__bar",
                        },
                    ),
                    f"{name}: {_value_text(value, unit, False)}",
                )
                base += value
            # Markers for missing segments sit above the stack, one above the other.
            for k, text in enumerate(missing):
                gaps.append((centre, frame.y(base) - 10 - 14 * k, text))
        else:
            bar_width = min(group_width / len(labels), MAX_BAR_WIDTH)
            start = centre - bar_width * len(labels) / 2
            for s, label in enumerate(labels):
                value = rows[s][c]
                x = start + bar_width * s
                name = f"{category} – {label}"
                if value is None:
                    gaps.append((x + bar_width / 2, frame.bottom - 10, f"{name}: {GAP_TEXT}"))
                    continue
                length = frame.length(value)
                _titled(
                    _el(
                        bars,
                        "rect",
                        {
                            "x": x,
                            "y": frame.bottom - length,
                            "width": bar_width,
                            "height": length,
                            "fill": PALETTE[s % len(PALETTE)],
                            "stroke": BACKGROUND,
                            "stroke-width": 1,
                            "class": "wg-chart__bar",
                        },
                    ),
                    f"{name}: {_value_text(value, unit, False)}",
                )
    _draw_category_axis(root, frame, cats)
    if gaps:
        group = _el(root, "g", {"class": "wg-chart__gaps"})
        for x, y, text in gaps:
            _gap_marker(group, x, y, text)
    return _serialise(root)


def line_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    unit: str = "",
    percent: bool = False,
    width: int = 640,
    height: int = 320,
    chart_id: str,
) -> SafeString:
    """A line chart (one polyline per series, with a marker shape per series) as one
    accessible ``<svg>``.

    With ``percent=True`` the axis runs from 0 to 100 with " %" ticks and values above 100 are
    rejected. A ``None`` value breaks the line and is marked with a grey cross on the baseline.
    Raises ``ValueError`` like :func:`bar_chart`.
    """
    _check_frame(chart_id, width, height)
    rows = _validated(categories, series, percent=percent)
    title, cats, labels, unit = _prepare(title, categories, series, unit)
    kind = "Liniendiagramm"
    if not cats or not labels or not _has_data(rows):
        root = _root(chart_id, width, height, title, f"{kind}: Keine Daten vorhanden.")
        return _empty(root, width, height)
    desc = _describe(
        kind=kind,
        categories=cats,
        labels=labels,
        rows=rows,
        unit=unit,
        percent=percent,
        stacked=False,
    )
    root = _root(chart_id, width, height, title, desc)
    has_gaps = any(value is None for row in rows for value in row)
    legend = (
        [
            _LegendItem(label, PALETTE[s % len(PALETTE)], "line", _MARKERS[s % len(_MARKERS)])
            for s, label in enumerate(labels)
        ]
        if len(labels) > 1
        else []
    )
    if has_gaps:
        legend.append(_LegendItem(GAP_TEXT, MUTED_COLOUR, "gap"))
    if percent:
        ticks = [Decimal(25) * i for i in range(5)]
    else:
        ticks = nice_ticks(max(value or 0.0 for row in rows for value in row))
    unit_label = "" if percent else unit
    frame, tick_labels = _layout(
        root=root,
        width=width,
        height=height,
        legend=legend,
        ticks=ticks,
        tick_suffix=" %" if percent else "",
        unit_label=unit_label,
    )
    _draw_value_axis(root, frame, ticks, tick_labels, unit_label)
    _draw_category_axis(root, frame, cats)

    band = frame.band(len(cats))
    lines = _el(root, "g", {"class": "wg-chart__lines"})
    gaps = _el(root, "g", {"class": "wg-chart__gaps"}) if has_gaps else None
    gap_counts = [0] * len(cats)
    for s, label in enumerate(labels):
        colour = PALETTE[s % len(PALETTE)]
        shape = _MARKERS[s % len(_MARKERS)]
        group = _el(lines, "g", {"class": "wg-chart__series"})
        segments: list[list[tuple[float, float]]] = [[]]
        points: list[tuple[float, float, str]] = []
        for c, category in enumerate(cats):
            value = rows[s][c]
            x = frame.left + band * (c + 0.5)
            name = f"{category} – {label}"
            if value is None:
                if segments[-1]:
                    segments.append([])
                assert gaps is not None
                # On the baseline, stacked upwards when several series miss the same category.
                y = frame.bottom - 10 * gap_counts[c]
                gap_counts[c] += 1
                _gap_marker(gaps, x, y, f"{name}: {GAP_TEXT}")
                continue
            y = frame.y(value)
            segments[-1].append((x, y))
            points.append((x, y, f"{name}: {_value_text(value, unit, percent)}"))
        for segment in segments:
            if len(segment) < 2:
                continue
            _el(
                group,
                "polyline",
                {
                    "points": " ".join(f"{_coord(x)},{_coord(y)}" for x, y in segment),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": 2.5,
                    "stroke-linejoin": "round",
                    "stroke-linecap": "round",
                    "class": "wg-chart__line",
                },
            )
        for x, y, text in points:
            _titled(_marker(group, shape, x, y, colour), text)
    return _serialise(root)
