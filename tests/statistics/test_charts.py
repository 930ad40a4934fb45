"""Server-rendered SVG charts: valid, accessible, CSP-safe, escaped, proportional, German."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from wegweiser.statistics.charts import (
    Series,
    bar_chart,
    format_number,
    line_chart,
    nice_ticks,
)

NS = "{http://www.w3.org/2000/svg}"
MONTHS = ["Januar", "Februar", "März", "April"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def shown_text(element: ET.Element) -> str:
    """The visible text of a <text>: its own text or the tail of its leading <title>."""
    title = element.find(f"{NS}title")
    return (element.text or "") + (title.tail or "" if title is not None else "")


def title_of(element: ET.Element) -> str:
    title = element.find(f"{NS}title")
    assert title is not None
    return title.text or ""


def desc_of(root: ET.Element) -> str:
    desc = root.find(f"{NS}desc")
    assert desc is not None
    return desc.text or ""


def bars(root: ET.Element) -> dict[str, float]:
    """Bar heights by their hover title ("Kategorie – Reihe: Wert")."""
    return {
        title_of(rect): float(rect.get("height", "")) for rect in by_class(root, "wg-chart__bar")
    }


def tick_labels(root: ET.Element) -> list[str]:
    return [shown_text(el) for el in by_class(root, "wg-chart__tick")]


def sample_charts() -> list[str]:
    two = [Series("Telefon", [10, 20, None, 1234]), Series("Vor Ort", [5, 0, 7, 300])]
    return [
        bar_chart(title="Beratungen", categories=MONTHS, series=two, unit="Personen", chart_id="a"),
        bar_chart(title="Gestapelt", categories=MONTHS, series=two, stacked=True, chart_id="b"),
        line_chart(title="Verlauf", categories=MONTHS, series=two, chart_id="c"),
        line_chart(
            title="Quote",
            categories=MONTHS,
            series=[Series("Quote", [10, 50.5, None, 100])],
            percent=True,
            chart_id="d",
        ),
        bar_chart(title="Leer", categories=MONTHS, series=[Series("x", [0] * 4)], chart_id="e"),
        line_chart(title="Leer", categories=[], series=[], chart_id="f"),
    ]


@pytest.mark.parametrize("svg", sample_charts())
def test_valid_accessible_svg(svg):
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 640 320"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    referenced = root.get("aria-labelledby", "").split()
    assert len(referenced) == 2
    assert [ids[ref].tag for ref in referenced] == [f"{NS}title", f"{NS}desc"]
    assert all(ids[ref].text for ref in referenced)


@pytest.mark.parametrize("svg", sample_charts())
def test_csp_safe(svg):
    root = parse(svg)
    for element in root.iter():
        assert element.tag.removeprefix(NS) not in {"style", "script", "foreignObject"}
        assert "style" not in element.attrib
        assert not any(name.lower().startswith("on") for name in element.attrib)
        assert not any("javascript:" in value for value in element.attrib.values())
    assert "style" not in svg.replace('class="wg-', "")


def test_ids_derive_from_chart_id():
    root = parse(sample_charts()[0])
    assert root.get("aria-labelledby") == "a-title a-desc"
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart(title="x", categories=["a"], series=[Series("s", [1])], chart_id='x" onload="')


def test_user_text_is_escaped():
    nasty = '<script>alert(1)</script> & "Zitat"'
    svg = bar_chart(
        title=nasty,
        categories=[nasty, "B"],
        series=[Series(nasty, [5, 2]), Series("Zwei", [3, 4])],
        chart_id="esc",
    )
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "&amp;" in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert root.find(f"{NS}title").text == nasty
    hover = [title_of(rect) for rect in by_class(root, "wg-chart__bar")]
    assert f"{nasty} – {nasty}: 5" in hover
    legend = by_class(root, "wg-chart__legend-label")
    assert any(shown_text(el) == nasty for el in legend)
    assert f"({nasty} – {nasty})" in desc_of(root)


def test_xml_invalid_characters_are_dropped():
    svg = line_chart(
        title="Titel\x00\x1f", categories=["a\x07", "b"], series=[Series("s", [1, 2])], chart_id="c"
    )
    assert parse(svg).find(f"{NS}title").text == "Titel"


def test_bar_height_proportional_to_value():
    root = parse(
        bar_chart(
            title="T", categories=["A", "B"], series=[Series("Fälle", [10, 20])], chart_id="p"
        )
    )
    heights = bars(root)
    assert heights["B – Fälle: 20"] / heights["A – Fälle: 10"] == pytest.approx(2, rel=0.01)
    rects = by_class(root, "wg-chart__bar")
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in rects}
    assert len(bottoms) == 1  # all bars stand on the same baseline


def test_grouped_bars_side_by_side_and_legend():
    root = parse(
        bar_chart(
            title="T",
            categories=["A"],
            series=[Series("Telefon", [10]), Series("Vor Ort", [30])],
            chart_id="g",
        )
    )
    first, second = by_class(root, "wg-chart__bar")
    assert float(first.get("x")) + float(first.get("width")) == pytest.approx(
        float(second.get("x"))
    )
    assert first.get("fill") != second.get("fill")
    assert float(second.get("height")) / float(first.get("height")) == pytest.approx(3, rel=0.01)
    labels = [shown_text(el) for el in by_class(root, "wg-chart__legend-label")]
    assert labels == ["Telefon", "Vor Ort"]


def test_no_legend_for_a_single_series():
    root = parse(bar_chart(title="T", categories=["A"], series=[Series("s", [1])], chart_id="x"))
    assert not by_class(root, "wg-chart__legend")


def test_stacked_bars_add_up():
    root = parse(
        bar_chart(
            title="T",
            categories=["A", "B"],
            series=[Series("Telefon", [10, 30]), Series("Vor Ort", [20, 0])],
            stacked=True,
            chart_id="s",
        )
    )
    heights = bars(root)
    stack = heights["A – Telefon: 10"] + heights["A – Vor Ort: 20"]
    assert stack == pytest.approx(heights["B – Telefon: 30"], rel=0.01)
    assert heights["A – Vor Ort: 20"] / heights["A – Telefon: 10"] == pytest.approx(2, rel=0.01)
    a = [r for r in by_class(root, "wg-chart__bar") if title_of(r).startswith("A ")]
    assert {r.get("x") for r in a} == {a[0].get("x")}  # one column
    lower, upper = sorted(a, key=lambda r: -float(r.get("y")))
    assert float(upper.get("y")) + float(upper.get("height")) == pytest.approx(
        float(lower.get("y")), abs=0.02
    )
    assert "Gestapeltes Balkendiagramm" in desc_of(root)
    assert "Höchste Summe: 30" in desc_of(root)


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_nice_ticks_property(maximum):
    ticks = nice_ticks(maximum)
    assert 4 <= len(ticks) <= 6
    assert ticks[0] == 0
    assert float(ticks[-1]) >= maximum
    step = ticks[1]
    mantissa = step.scaleb(-step.adjusted())
    assert mantissa.normalize() in {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (1000, ["0", "200", "400", "600", "800", "1000"]),
        (2.5, ["0", "0.5", "1", "1.5", "2", "2.5"]),
        (1, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (0.3, ["0", "0.1", "0.2", "0.3"]),
        (7, ["0", "2", "4", "6", "8"]),
        (1234, ["0", "250", "500", "750", "1000", "1250"]),
    ],
)
def test_nice_ticks_examples(maximum, expected):
    assert [str(t.normalize()) if t else "0" for t in nice_ticks(maximum)] == [
        str(Decimal(e).normalize()) for e in expected
    ]


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_nice_ticks_rejects_non_positive(bad):
    with pytest.raises(ValueError):
        nice_ticks(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (2.5, "2,5"),
        (1000, "1.000"),
        (1234567.891, "1.234.567,89"),
        (0.125, "0,13"),
        (Decimal("12.50"), "12,5"),
        (-0.001, "0"),
    ],
)
def test_format_number_german(value, expected):
    assert format_number(value) == expected


def test_ticks_formatted_in_german():
    thousands = parse(
        bar_chart(title="T", categories=["A", "B"], series=[Series("s", [900, 1000])], chart_id="t")
    )
    assert "1.000" in tick_labels(thousands)
    decimals = parse(
        bar_chart(title="T", categories=["A", "B"], series=[Series("s", [1, 2.5])], chart_id="u")
    )
    assert tick_labels(decimals) == ["0", "0,5", "1", "1,5", "2", "2,5"]
    percent = parse(
        line_chart(
            title="T",
            categories=["A", "B"],
            series=[Series("Quote", [12.5, 40])],
            percent=True,
            chart_id="v",
        )
    )
    assert tick_labels(percent) == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    points = [title_of(el) for el in by_class(percent, "wg-chart__point")]
    assert points == ["A – Quote: 12,5 %", "B – Quote: 40 %"]


def test_percent_axis_rejects_values_above_100():
    with pytest.raises(ValueError, match="100"):
        line_chart(
            title="T", categories=["A"], series=[Series("s", [101])], percent=True, chart_id="x"
        )


def test_unit_shown_and_in_hover_text():
    root = parse(
        bar_chart(
            title="T",
            categories=["A"],
            series=[Series("s", [1500])],
            unit="Personen",
            chart_id="x",
        )
    )
    assert [shown_text(el) for el in by_class(root, "wg-chart__unit")] == ["Personen"]
    assert list(bars(root)) == ["A – s: 1.500 Personen"]
    assert "Einheit: Personen." in desc_of(root)


def test_desc_summarises_in_words():
    root = parse(sample_charts()[0])
    desc = desc_of(root)
    assert desc.startswith(
        "Balkendiagramm mit 4 Kategorien und 2 Reihen; Werte in der Tabelle neben dem Diagramm."
    )
    assert "Höchster Wert: 1.234 Personen (April – Telefon)." in desc
    single = parse(line_chart(title="T", categories=["A"], series=[Series("s", [3])], chart_id="y"))
    assert desc_of(single).startswith("Liniendiagramm mit 1 Kategorie und 1 Reihe;")


def test_none_leaves_a_gap_in_bars_and_is_described():
    root = parse(
        bar_chart(
            title="T",
            categories=MONTHS,
            series=[Series("Telefon", [10, 20, None, 40])],
            chart_id="n",
        )
    )
    heights = bars(root)
    assert len(heights) == 3
    assert not [t for t in heights if t.startswith("März")]
    gaps = [el for el in by_class(root, "wg-chart__gap") if el.find(f"{NS}title") is not None]
    assert [title_of(el) for el in gaps] == ["März – Telefon: Wert unterdrückt oder unbekannt"]
    assert "Unterdrückt oder unbekannt" in desc_of(root)
    assert "März" in desc_of(root)
    assert "style" not in ET.tostring(root, encoding="unicode")


def test_none_in_stacked_bars_skips_the_segment():
    root = parse(
        bar_chart(
            title="T",
            categories=["A"],
            series=[Series("Telefon", [None]), Series("Vor Ort", [5])],
            stacked=True,
            chart_id="n",
        )
    )
    assert list(bars(root)) == ["A – Vor Ort: 5"]
    assert "A – Telefon" in desc_of(root)


def test_none_breaks_the_line():
    root = parse(
        line_chart(
            title="T",
            categories=["1", "2", "3", "4", "5"],
            series=[Series("Fälle", [10, 20, None, 30, 40])],
            chart_id="l",
        )
    )
    lines = by_class(root, "wg-chart__line")
    assert len(lines) == 2
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert len(by_class(root, "wg-chart__point")) == 4
    assert "3" in desc_of(root).split("(Lücke im Diagramm): ")[1]
    unbroken = parse(
        line_chart(
            title="T", categories=["1", "2", "3"], series=[Series("s", [1, 2, 3])], chart_id="m"
        )
    )
    assert len(by_class(unbroken, "wg-chart__line")) == 1


def test_line_points_at_value_heights():
    root = parse(
        line_chart(title="T", categories=["A", "B"], series=[Series("s", [10, 20])], chart_id="h")
    )
    (line,) = by_class(root, "wg-chart__line")
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in line.get("points").split())
    baseline = float(by_class(root, "wg-chart__axis--x")[0].find(f"{NS}line").get("y1"))
    assert (baseline - y2) / (baseline - y1) == pytest.approx(2, rel=0.01)
    assert x2 > x1


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(
            title="T", categories=MONTHS, series=[Series("s", [0] * 4)], chart_id="z"
        ),
        lambda: bar_chart(
            title="T", categories=MONTHS, series=[Series("s", [0] * 4)], stacked=True, chart_id="z"
        ),
        lambda: line_chart(
            title="T", categories=MONTHS, series=[Series("s", [0] * 4)], chart_id="z"
        ),
        lambda: line_chart(
            title="T", categories=["A"], series=[Series("s", [0])], percent=True, chart_id="z"
        ),
        lambda: bar_chart(title="T", categories=[], series=[], chart_id="z"),
        lambda: bar_chart(title="T", categories=["A"], series=[], chart_id="z"),
        lambda: line_chart(
            title="T", categories=MONTHS, series=[Series("s", [None] * 4)], chart_id="z"
        ),
    ],
)
def test_no_data(chart):
    root = parse(chart())
    texts = [el.text for el in root.iter(f"{NS}text")]
    assert texts == ["Keine Daten"]
    assert "Keine Daten" in desc_of(root)
    assert not by_class(root, "wg-chart__bar")
    assert not by_class(root, "wg-chart__line")


def test_long_category_labels_are_truncated_with_full_title():
    long = "Landkreis Vorpommern-Greifswald mit Außenstelle"
    root = parse(
        bar_chart(
            title="T",
            categories=[long, "B", "C", "D", "E", "F"],
            series=[Series("s", [1, 2, 3, 4, 5, 6])],
            chart_id="w",
        )
    )
    label = by_class(root, "wg-chart__category")[0]
    assert shown_text(label).endswith("…")
    assert len(shown_text(label)) < len(long)
    assert title_of(label) == long
    assert [shown_text(el) for el in by_class(root, "wg-chart__category")][1:] == list("BCDEF")


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ([Series("s", [1, -2])], "Negative"),
        ([Series("s", [1])], "2 categories"),
        ([Series("s", [1, float("nan")])], "not finite"),
        ([Series("s", [1, "2"])], "not a number"),
    ],
)
def test_invalid_values_raise(series, message):
    with pytest.raises(ValueError, match=message):
        bar_chart(title="T", categories=["A", "B"], series=series, chart_id="x")


def test_deterministic():
    first = [str(svg) for svg in sample_charts()]
    second = [str(svg) for svg in sample_charts()]
    assert first == second
    assert len(set(first)) == len(first)
