"""The plotting helpers: SVG for HTML pages, the tree heat map, rank intervals and trend charts.

The drawn numbers are read back from the matplotlib artists and compared with the numbers of the
run, formatted by hand (decimal comma) or computed with pandas.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from conftest import needs_dot
from doelenboom import plots
from doelenboom import report_format as fmt
from monitoring_fixture import HEADLINE, PERIOD, SUPPRESSED, build_run


def nl(x: float, digits: int = 1) -> str:
    """A number as the Dutch report writes it, formatted independently of report_format."""
    text = f"{x:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.replace("-", "\u2212")


def node_texts(ax: object) -> list[str]:
    return [t.get_text() for t in ax.texts]  # type: ignore[attr-defined]


def node_patches(ax: object) -> dict[str, FancyBboxPatch]:
    out = {}
    for artist in ax.get_children():  # type: ignore[attr-defined]
        gid = artist.get_gid() if hasattr(artist, "get_gid") else None
        if isinstance(artist, FancyBboxPatch) and gid and gid.startswith("node-"):
            out[gid[5:]] = artist
    return out


# ---- report_format -----------------------------------------------------------------------


def test_numbers_in_dutch_and_english() -> None:
    assert fmt.number(1234.56, 1, "nl") == "1.234,6"
    assert fmt.number(1234.56, 1, "en") == "1,234.6"
    assert fmt.number(-0.04, 1, "nl") == "0,0"  # no "-0,0"
    assert fmt.number(-2.5, 1, "nl") == "\u22122,5"
    assert fmt.percent(0.8253, "nl") == "82,5%"
    assert fmt.signed(2.0, "en") == "+2.0"
    assert fmt.signed(-2.0, "en") == "\u22122.0"
    assert fmt.value(120.0, "count", "nl") == "120"
    assert fmt.value(7.25, "mean", "nl") == "7,25"
    assert fmt.value(float("nan"), "count") == ""
    assert fmt.interval(1.0, 2.0, "score", "nl") == "1,0 \u2013 2,0"
    with pytest.raises(ValueError, match="'nl', 'en'"):
        fmt.check_language("de")


# ---- figure_to_svg -------------------------------------------------------------------------


def test_svg_for_a_page_has_no_header_and_unique_ids() -> None:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_title("Zelfregie & co")
    first = plots.figure_to_svg(fig)
    second = plots.figure_to_svg(fig)
    for svg in (first, second):
        assert svg.startswith("<svg ")
        assert "<?xml" not in svg
        assert "DOCTYPE" not in svg
        assert "<metadata" not in svg
        assert "max-width:100%" in svg
        ET.fromstring(svg)  # well-formed
        assert "Zelfregie &amp; co" in svg  # text stays text
        # every reference points at an id of the same drawing
        ids = set(re.findall(r'\bid="([^"]+)"', svg))
        refs = set(re.findall(r'url\(#([^)]+)\)', svg)) | set(re.findall(r'href="#([^"]+)"', svg))
        assert refs <= ids
    ids_first = set(re.findall(r'\bid="([^"]+)"', first))
    ids_second = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_first
    assert not ids_first & ids_second
    paths = plots.figure_to_svg(fig, id_prefix="x-", text_as="path")
    assert "<text" not in paths
    assert all(i.startswith("x-") for i in re.findall(r'\bid="([^"]+)"', paths))
    with pytest.raises(ValueError, match="text_as"):
        plots.figure_to_svg(fig, text_as="png")


# ---- tree heat map ---------------------------------------------------------------------------


def _check_heatmap(ax: object, unit: str) -> None:
    run = build_run()
    scores = run.result.scores.loc[(unit, PERIOD)]
    intervals = run.result.intervals.loc[(unit, PERIOD)]
    coverage = run.result.coverage.loc[(unit, PERIOD)]
    patches = node_patches(ax)
    texts = node_texts(ax)
    assert set(patches) == set(run.tree.ids)
    suppressed = {i for u, p, i in SUPPRESSED if u == unit and p == PERIOD}
    for node in run.tree.ids:
        label_start = run.tree.node(node)["label"].split()[0]
        matching = [t for t in texts if t.startswith(label_start) and run.tree.node(node)["label"].replace(" ", "") in t.replace("\n", "").replace(" ", "")]
        assert matching, node
        text = matching[0]
        if node in suppressed:
            assert "onderdrukt" in text
            assert patches[node].get_hatch() == "////"
            assert patches[node].get_facecolor() == to_rgba(plots.MISSING_FILL)
            continue
        score = scores[node]
        low, high = intervals[(node, "low")], intervals[(node, "high")]
        assert f"{nl(score)} [{nl(low)} \u2013 {nl(high)}]" in text
        if node not in run.tree.leaves():
            assert f"dekking {nl(100 * coverage[node], 0)}%" in text
        assert patches[node].get_hatch() is None


@needs_dot
def test_tree_heatmap_shows_every_node_with_score_interval_and_coverage() -> None:
    run = build_run()
    ax = plots.tree_heatmap(run.result, "GM0765", PERIOD, dataset=run.dataset)
    _check_heatmap(ax, "GM0765")
    # darker (lower luminance) fill for a higher score
    scores = run.result.scores.loc[("GM0765", PERIOD)]
    patches = node_patches(ax)
    goals = [n for n in run.tree.ids if n not in run.tree.leaves()]
    ordered = sorted(goals, key=lambda n: scores[n])

    def luminance(node: str) -> float:
        r, g, b, _ = patches[node].get_facecolor()
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luminance(ordered[0]) > luminance(ordered[-1])
    # n of the indicators from the data set
    data = run.dataset.to_pandas()
    row = data[(data["unit"] == "GM0765") & (data["period"] == PERIOD) & (data["indicator"] == "ind_kwaliteit_goed")]
    assert any(f"n = {int(row['n'].iloc[0])}" in t for t in node_texts(ax))
    svg = plots.figure_to_svg(ax.figure, id_prefix="t-")
    assert len(re.findall(r'id="t-node-', svg)) == len(run.tree)


def test_tree_heatmap_without_graphviz(no_graphviz: None) -> None:
    run = build_run()
    ax = plots.tree_heatmap(run.result, "GM0765", PERIOD, dataset=run.dataset)
    _check_heatmap(ax, "GM0765")


@needs_dot
def test_tree_heatmap_in_english_on_a_given_axes_and_errors() -> None:
    run = build_run()
    fig = Figure(figsize=(8, 8))
    ax = fig.add_subplot()
    assert plots.tree_heatmap(run.result, "GM0765", PERIOD, dataset=run.dataset, ax=ax, language="en", colorbar=False) is ax
    texts = node_texts(ax)
    assert any("suppressed" in t for t in texts)
    assert any("coverage 100%" in t for t in texts)
    with pytest.raises(KeyError, match="GM9999"):
        plots.tree_heatmap(run.result, "GM9999", PERIOD)
    with pytest.raises(KeyError, match="1999"):
        plots.tree_heatmap(run.result, "GM0765", "1999")
    with pytest.raises(ValueError, match="rankdir"):
        plots.tree_heatmap(run.result, "GM0765", PERIOD, rankdir="XY")


# ---- rank intervals --------------------------------------------------------------------------


def test_rank_intervals_draw_each_units_interval_best_first() -> None:
    run = build_run()
    ax = plots.rank_intervals(run.koplopers, "zelfregie", highlight="GM0765")
    table = run.koplopers.xs("zelfregie", level="node")
    # Independently: ranks follow the scores (1 = highest).
    by_score = table["score"].sort_values(ascending=False).index.tolist()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    positions = list(ax.get_yticks())
    shown = [labels[i] for i in np.argsort(positions)[::-1]]  # top to bottom
    assert shown == by_score
    segments = [line for line in ax.lines if len(line.get_xdata()) == 2]
    assert len(segments) == len(table)
    for line in segments:
        y = line.get_ydata()[0]
        unit = labels[positions.index(y)]
        assert list(line.get_xdata()) == [table.loc[unit, "rank_low"], table.loc[unit, "rank_high"]]
        colour = "#c2185b" if unit == "GM0765" else "#225ea8"
        assert line.get_color() == colour
    with pytest.raises(KeyError, match="no ranked unit"):
        plots.rank_intervals(run.koplopers, "nope")


# ---- trend chart -----------------------------------------------------------------------------


def test_trend_chart_draws_scores_intervals_and_the_forecast_band() -> None:
    run = build_run()
    unit, node = "GM0344", HEADLINE[0]
    ax = plots.trend_chart(run.result, unit, node, forecast=run.forecasts, trend=True)
    observed = run.result.scores.xs(unit, level="unit")[node]
    lines = {line.get_label(): line for line in ax.lines}
    measured = lines["gemeten, met interval"]
    assert np.allclose(measured.get_ydata(), observed.to_numpy())
    future = run.forecasts[(run.forecasts["unit"] == unit) & (run.forecasts["node"] == node)]
    dashed = lines["voorspelling (Holt), met band"]
    assert np.allclose(dashed.get_ydata()[1:], future["forecast"].to_numpy())
    assert dashed.get_ydata()[0] == pytest.approx(observed.iloc[-1])
    band = next(c for c in ax.collections if isinstance(c, PolyCollection))
    vertices = band.get_paths()[0].vertices[:, 1]
    for value in (*future["low"], *future["high"]):
        assert np.isclose(vertices, value).any()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [*run.result.periods, *future["period"]]
    # the trend line: OLS through the scores, computed with numpy
    slope, _ = np.polyfit(np.arange(len(observed)), observed.to_numpy(), 1)
    trend = lines["lineaire trend"].get_ydata()
    assert np.allclose(np.diff(trend), slope)
    assert ax.get_title(loc="left") == run.tree.node(node)["label"]


def test_trend_chart_in_english_without_legend() -> None:
    run = build_run()
    ax = plots.trend_chart(run.result, "GM0344", "zelfregie", language="en", legend=False, title="T")
    assert ax.get_legend() is None
    assert ax.get_title(loc="left") == "T"
    assert {line.get_label() for line in ax.lines} >= {"measured, with interval"}
    with pytest.raises(KeyError, match="nope"):
        plots.trend_chart(run.result, "GM0344", "nope")


def test_trend_chart_draws_the_linear_trend_band_when_holt_has_none() -> None:
    # With 4 periods Holt's interval is undefined (NaN); the chart then draws the OLS prediction
    # band of the linear trend and says so in the legend.
    run = build_run()
    unit, node = "GM0344", HEADLINE[0]
    observed = run.result.scores.xs(unit, level="unit")[node]
    future = run.forecasts[(run.forecasts["unit"] == unit) & (run.forecasts["node"] == node)].copy()
    future[["se", "low", "high"]] = np.nan
    x = np.array([float(p) for p in observed.index])
    at = np.array([float(p) for p in future["period"]])
    # the OLS prediction interval by hand: mean -/+ t_{n-2} s sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx)
    from scipy import stats

    n = len(x)
    slope, intercept = np.polyfit(x, observed.to_numpy(), 1)
    s = np.sqrt(np.sum((observed.to_numpy() - (intercept + slope * x)) ** 2) / (n - 2))
    half = stats.t.ppf(0.975, n - 2) * s * np.sqrt(1 + 1 / n + (at - x.mean()) ** 2 / np.sum((x - x.mean()) ** 2))
    future["trend_forecast"] = intercept + slope * at
    future["trend_low"] = future["trend_forecast"] - half
    future["trend_high"] = future["trend_forecast"] + half
    assert plots.forecast_band(future) == "trend"
    assert plots.forecast_band(run.forecasts) == "holt"
    assert plots.forecast_band(future.drop(columns=["trend_low", "trend_high"])) is None
    ax = plots.trend_chart(run.result, unit, node, forecast=future, trend=True)
    lines = {line.get_label(): line for line in ax.lines}
    assert "voorspelling (Holt)" in lines
    assert "voorspelling (Holt), met band" not in lines
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert [b.get_label() for b in bands] == ["voorspelband van de lineaire trend"]
    vertices = bands[0].get_paths()[0].vertices[:, 1]
    for value in (*future["trend_low"], *future["trend_high"]):
        assert np.isclose(vertices, value).any()
    # the band starts at the fitted trend's last point
    assert np.isclose(vertices, intercept + slope * x[-1]).any()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "voorspelband van de lineaire trend" in legend
    ax_en = plots.trend_chart(run.result, unit, node, forecast=future, trend=True, language="en")
    assert "prediction band of the linear trend" in [t.get_text() for t in ax_en.get_legend().get_texts()]
