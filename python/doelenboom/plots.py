"""Plotting helpers: the tree heat map, ranks with their intervals, trends with the forecast band.

Each function draws with matplotlib into ``ax`` (when None, a new :class:`matplotlib.figure.Figure`
that pyplot does not manage, so no display or GUI backend is needed and nothing piles up) and
returns the Axes; :func:`figure_to_svg` turns a figure into SVG text that can be put
inline in an HTML page (several on one page: every id gets a unique prefix). Labels are Dutch by
default, English with ``language="en"``; numbers follow :mod:`doelenboom.report_format`.

The tree heat map takes its layout from Graphviz's ``dot`` when it is installed (the same program
that draws :meth:`GoalTree.to_svg`); without it the nodes are placed level by level (a simpler
drawing, straight edges). Colours come from ColorBrewer's YlGnBu, a sequential palette that reads
for the common kinds of colour blindness and in grey print; nodes without a score are grey and
hatched, with the reason written in them.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import shutil
import subprocess
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import report_format as fmt
from ._render import dot_quote, same_rank_lines

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .dataset import Dataset
    from .goal_tree import GoalTree
    from .pipeline import PipelineResult

__all__ = ["figure_to_svg", "forecast_band", "rank_intervals", "score_colour", "tree_heatmap", "trend_chart"]

#: The colour map of node scores and the part of it used (the ends are too pale or too dark).
CMAP = "YlGnBu"
_CMAP_RANGE = (0.08, 0.92)
#: Fill and hatch of a node without a score.
MISSING_FILL = "#e6e6e6"
MISSING_HATCH = "#9e9e9e"
_FONT_SIZE = 9.0
_FONT = "DejaVu Sans"
#: Room (points) around the tree drawing.
_PAD = 6.0

_WORDS = {
    "nl": {
        "score": "score",
        "coverage": "dekking",
        "suppressed": "onderdrukt",
        "no_score": "geen score",
        "missing_note": "grijs gearceerd: geen score (onderdrukt of te weinig gegevens)",
        "rank": "rang (1 = hoogste score), met interval",
        "period": "periode",
        "observed": "gemeten, met interval",
        "forecast": "voorspelling (Holt), met band",
        "forecast_no_band": "voorspelling (Holt)",
        "trend": "lineaire trend",
        "trend_band": "voorspelband van de lineaire trend",
        "rank_point": "rang",
    },
    "en": {
        "score": "score",
        "coverage": "coverage",
        "suppressed": "suppressed",
        "no_score": "no score",
        "missing_note": "grey hatched: no score (suppressed or too little data)",
        "rank": "rank (1 = highest score), with interval",
        "period": "period",
        "observed": "measured, with interval",
        "forecast": "forecast (Holt), with band",
        "forecast_no_band": "forecast (Holt)",
        "trend": "linear trend",
        "trend_band": "prediction band of the linear trend",
        "rank_point": "rank",
    },
}

_svg_counter = itertools.count(1)


def _new_axes(width: float, height: float) -> Axes:
    """A new figure (not managed by pyplot, so nothing piles up) with one Axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig.add_subplot()


# ------------------------------------------------------------------------------------------------
# SVG output


_ID = re.compile(r'\bid="([^"]+)"')


def figure_to_svg(fig: Figure, *, id_prefix: str | None = None, text_as: str = "text") -> str:
    """The figure as SVG text for an HTML page: no XML header, DOCTYPE or metadata, every id
    (and every reference to it) prefixed so that several drawings can share a page, and a size
    that shrinks with the page (``max-width: 100%``).

    ``text_as="text"`` keeps text as text (small, searchable, selectable; drawn in the browser's
    DejaVu Sans or its sans-serif fallback); ``"path"`` draws glyphs as outlines, which look the
    same everywhere. ``id_prefix`` defaults to a new ``dbsvgN-`` for every call.
    """
    if text_as not in {"text", "path"}:
        msg = f"text_as must be 'text' or 'path', not {text_as!r}"
        raise ValueError(msg)
    import matplotlib

    prefix = id_prefix if id_prefix is not None else f"dbsvg{next(_svg_counter)}-"
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none" if text_as == "text" else "path", "svg.hashsalt": "doelenboom"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    ids = set(_ID.findall(svg))
    if ids:
        svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
        pattern = re.compile(r"(url\(#|href=\"#)(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")([)\"])")
        svg = pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}", svg)
    svg = svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    return svg.strip() + "\n"


# ------------------------------------------------------------------------------------------------
# Colours


def score_colour(score: float, vmin: float = 0.0, vmax: float = 100.0) -> tuple[float, float, float, float]:
    """The fill colour (RGBA) of a score between ``vmin`` and ``vmax`` (clipped to them)."""
    import matplotlib

    cmap = matplotlib.colormaps[CMAP]
    t = 0.5 if vmax <= vmin else min(1.0, max(0.0, (score - vmin) / (vmax - vmin)))
    low, high = _CMAP_RANGE
    rgba = cmap(low + t * (high - low))
    return (float(rgba[0]), float(rgba[1]), float(rgba[2]), float(rgba[3]))


def _text_colour(rgba: Sequence[float]) -> str:
    """Black on light fills, white on dark ones (relative luminance, WCAG)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgba[0]) + 0.7152 * channel(rgba[1]) + 0.0722 * channel(rgba[2])
    return "#000000" if lum > 0.2 else "#ffffff"


def _score_range(values: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float]:
    """``vmin``/``vmax`` as given; by default 0..100 when every score lies there (the usual
    min-max normalisation), else the smallest and largest score."""
    finite = values[np.isfinite(values)]
    if vmin is not None and vmax is not None:
        return float(vmin), float(vmax)
    if finite.size == 0 or (finite.min() >= 0.0 and finite.max() <= 100.0):
        lo, hi = 0.0, 100.0
    else:
        lo, hi = float(finite.min()), float(finite.max())
    return (float(vmin) if vmin is not None else lo, float(vmax) if vmax is not None else hi)


# ------------------------------------------------------------------------------------------------
# Tree heat map


@dataclass
class _Box:
    """A node's place in the drawing (points, centre and size) and its text."""

    x: float
    y: float
    width: float
    height: float
    lines: list[str]


def _check_unit(result: PipelineResult, unit: str) -> None:
    """KeyError naming the result's units when ``unit`` is not one of them."""
    if unit not in result.units:
        msg = f"unit {unit!r} is not in the result (units: {', '.join(result.units)})"
        raise KeyError(msg)


def _node_lines(label: str, numbers: list[str], wrap: int) -> list[str]:
    lines = textwrap.wrap(label, width=wrap, break_long_words=False, break_on_hyphens=False) or [label]
    return lines + numbers


def _dot_layout(
    tree: GoalTree, texts: Mapping[str, list[str]], rankdir: str
) -> tuple[dict[str, _Box], list[list[tuple[float, float]]], tuple[float, float]] | None:
    """Node boxes, edge splines (child -> parent, last point is the arrow tip) and the drawing's
    size in points, laid out by ``dot``; None when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    ids = tree.ids
    name = {node_id: f"n{i}" for i, node_id in enumerate(ids)}
    out = [
        "digraph doelenboom {",
        f'  graph [rankdir={rankdir}, newrank=true, nodesep=0.12, ranksep=0.45, charset="UTF-8"];',
        f'  node [shape=box, fontname="{_FONT}", fontsize={_FONT_SIZE:g}, margin="0.08,0.05"];',
    ]
    for node_id in ids:
        out.append(f"  {name[node_id]} [label={dot_quote(chr(10).join(texts[node_id]))}];")
    out += same_rank_lines(tree.core, name.__getitem__)
    for edge in tree.edges:
        out.append(f"  {name[edge['child']]} -> {name[edge['parent']]};")
    out.append("}")
    run = subprocess.run(
        [dot, "-Tjson0"], input="\n".join(out).encode("utf-8"), capture_output=True, check=False, timeout=120
    )
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", errors="replace").strip()
        msg = f"Graphviz's dot failed to lay out the tree (exit code {run.returncode}): {message}"
        raise RuntimeError(msg)
    graph = json.loads(run.stdout.decode("utf-8"))
    bb = [float(v) for v in graph["bb"].split(",")]
    by_name = {f"n{i}": node_id for i, node_id in enumerate(ids)}
    boxes: dict[str, _Box] = {}
    for obj in graph["objects"]:
        found = by_name.get(obj.get("name", ""))
        if found is None:
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        boxes[found] = _Box(x, y, 72.0 * float(obj["width"]), 72.0 * float(obj["height"]), texts[found])
    splines: list[list[tuple[float, float]]] = []
    for edge in graph.get("edges", []):
        points: list[tuple[float, float]] = []
        tip: tuple[float, float] | None = None
        for token in edge["pos"].split():
            parts = token.split(",")
            if parts[0] == "e":
                tip = (float(parts[1]), float(parts[2]))
            elif parts[0] != "s":
                points.append((float(parts[0]), float(parts[1])))
        if tip is not None:
            points.append(tip)
        splines.append(points)
    return boxes, splines, (bb[2] - bb[0], bb[3] - bb[1])


def _text_width(line: str) -> float:
    """A rough width in points of a line of DejaVu Sans at the drawing's font size."""
    return 0.6 * _FONT_SIZE * len(line)


def _level_layout(
    tree: GoalTree, texts: Mapping[str, list[str]]
) -> tuple[dict[str, _Box], list[list[tuple[float, float]]], tuple[float, float]]:
    """A layout without Graphviz: one column per level (top level left), nodes ordered by the
    mean position of their parents (barycentre), straight edges."""
    line_height = 1.2 * _FONT_SIZE
    gap_y, gap_x = 8.0, 40.0
    sizes = {
        node_id: (max(_text_width(t) for t in texts[node_id]) + 12.0, line_height * len(texts[node_id]) + 8.0)
        for node_id in tree.ids
    }
    boxes: dict[str, _Box] = {}
    x = 0.0
    columns: list[list[str]] = []
    for level in tree.levels:
        members = tree.nodes_at_level(level)
        if not members:
            continue
        if columns:
            placed = {m: i for i, m in enumerate(columns[-1])}

            def centre(node_id: str, placed: dict[str, int] = placed) -> float:
                spots = [placed[p] for p in tree.parents(node_id) if p in placed]
                return float(np.mean(spots)) if spots else math.inf

            members = sorted(members, key=centre)
        columns.append(members)
    height = max(sum(sizes[m][1] + gap_y for m in col) for col in columns)
    for col in columns:
        width = max(sizes[m][0] for m in col)
        used = sum(sizes[m][1] + gap_y for m in col)
        y = height - (height - used) / 2.0
        for m in col:
            w, h = sizes[m]
            boxes[m] = _Box(x + width / 2.0, y - h / 2.0, w, h, texts[m])
            y -= h + gap_y
        x += width + gap_x
    splines = []
    for edge in tree.edges:
        child, parent = boxes[edge["child"]], boxes[edge["parent"]]
        splines.append([(child.x - child.width / 2.0, child.y), (parent.x + parent.width / 2.0, parent.y)])
    return boxes, splines, (x - gap_x, height)


def tree_heatmap(
    result: PipelineResult,
    unit: str,
    period: str,
    *,
    dataset: Dataset | None = None,
    ax: Axes | None = None,
    language: str = "nl",
    vmin: float | None = None,
    vmax: float | None = None,
    wrap: int = 22,
    rankdir: str = "RL",
    colorbar: bool = True,
) -> Axes:
    """The goal tree of ``result`` with every node coloured by its score for one unit and period.

    A node shows its label, score and interval, and for goals the coverage (the share of its
    weight with data); indicators show n when ``dataset`` is given. A node without a score is
    grey and hatched and says "onderdrukt" (a suppressed indicator: blank with coverage 1, or
    suppressed in ``dataset``) or "geen score". Colours run from ``vmin`` to ``vmax`` (default:
    0..100 when every score of the result lies there, else the result's smallest and largest
    score, so that units are coloured alike). ``rankdir`` is Graphviz's: ``"RL"`` puts the top
    goal on the left and the indicators on the right, ``"BT"`` the top goal on top. Node
    patches have the gid ``node-<id>`` (an id in the SVG). Returns the Axes.
    """
    fmt.check_language(language)
    words = _WORDS[language]
    _check_unit(result, unit)
    if period not in result.periods:
        msg = f"period {period!r} is not in the result (periods: {', '.join(result.periods)})"
        raise KeyError(msg)
    if rankdir not in {"RL", "LR", "BT", "TB"}:
        msg = f"rankdir must be RL, LR, BT or TB, not {rankdir!r}"
        raise ValueError(msg)
    core = result.core
    tree = result.tree
    row = result.units.index(unit) * len(result.periods) + result.periods.index(period)
    ids = result.nodes
    scores = np.asarray(core.scores[row], dtype=np.float64)
    lower = np.asarray(core.lower[row], dtype=np.float64)
    upper = np.asarray(core.upper[row], dtype=np.float64)
    coverage = np.asarray(core.coverage[row], dtype=np.float64)
    lo, hi = _score_range(np.asarray(core.scores, dtype=np.float64), vmin, vmax)
    suppressed: set[str] = set()
    counts: dict[str, float] = {}
    if dataset is not None:
        for indicator in tree.leaves():
            found = dataset.find(unit, period, indicator)
            if found is not None:
                record = dataset.record(found)
                if record["suppressed"]:
                    suppressed.add(indicator)
                elif not math.isnan(record["n"]):
                    counts[indicator] = record["n"]
    leaves = set(tree.leaves())

    texts: dict[str, list[str]] = {}
    state: dict[str, str] = {}
    for i, node_id in enumerate(ids):
        node = tree.node(node_id)
        numbers: list[str] = []
        if math.isnan(scores[i]):
            hidden = node_id in suppressed or (node_id in leaves and coverage[i] >= 1.0 and dataset is None)
            state[node_id] = "suppressed" if hidden else "missing"
            numbers.append(words["suppressed"] if hidden else words["no_score"])
        else:
            state[node_id] = "score"
            band = fmt.interval(lower[i], upper[i], "score", language)
            numbers.append(fmt.score(scores[i], language) + (f" [{band}]" if band else ""))
        if node_id not in leaves:
            numbers.append(f"{words['coverage']} {fmt.percent(coverage[i], language, 0)}")
        elif node_id in counts:
            numbers.append(f"n = {fmt.number(counts[node_id], 0, language)}")
        texts[node_id] = _node_lines(node["label"], numbers, wrap)

    layout = _dot_layout(tree, texts, rankdir)
    if layout is None:
        layout = _level_layout(tree, texts)
    boxes, splines, (width, height) = layout

    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch
    from matplotlib.path import Path as MplPath

    bar_height = 0.55 if colorbar else 0.0
    if ax is None:
        w_in, h_in = (width + 2 * _PAD) / 72.0, (height + 2 * _PAD) / 72.0
        ax = _new_axes(w_in, h_in + bar_height)
        fig = cast("Figure", ax.figure)
        ax.set_position((0.0, bar_height / (h_in + bar_height), 1.0, h_in / (h_in + bar_height)))
    else:
        fig = cast("Figure", ax.figure)
    # add_artist rather than add_patch: the limits are set here, and updating them per patch is slow.
    ax.set_xlim(-_PAD, width + _PAD)
    ax.set_ylim(-_PAD, height + _PAD)
    ax.set_aspect("equal")
    ax.set_axis_off()

    for points in splines:
        if len(points) < 2:
            continue
        body, tip = points[:-1], points[-1]
        if len(body) >= 4 and (len(body) - 1) % 3 == 0:
            codes = [MplPath.MOVETO] + [MplPath.CURVE4] * (len(body) - 1)
            ax.add_artist(PathPatch(MplPath(body, codes), facecolor="none", edgecolor="#6b6b6b", linewidth=0.7))
            start = body[-1]
        else:
            start = body[0]
        ax.add_artist(
            FancyArrowPatch(start, tip, arrowstyle="-|>", mutation_scale=7, color="#6b6b6b", linewidth=0.7, shrinkA=0, shrinkB=0)
        )

    for i, node_id in enumerate(ids):
        box = boxes[node_id]
        x0, y0 = box.x - box.width / 2.0, box.y - box.height / 2.0
        rounded = "round,pad=0,rounding_size=6" if node_id not in leaves else "square,pad=0"
        if state[node_id] == "score":
            fill = score_colour(scores[i], lo, hi)
            patch = FancyBboxPatch((x0, y0), box.width, box.height, boxstyle=rounded, facecolor=fill, edgecolor="#333333", linewidth=0.8)
            colour = _text_colour(fill)
        else:
            patch = FancyBboxPatch(
                (x0, y0), box.width, box.height, boxstyle=rounded, facecolor=MISSING_FILL, edgecolor=MISSING_HATCH, hatch="////", linewidth=0.0
            )
            ax.add_artist(
                FancyBboxPatch((x0, y0), box.width, box.height, boxstyle=rounded, facecolor="none", edgecolor="#333333", linewidth=0.8, linestyle="--")
            )
            colour = "#000000"
        patch.set_gid(f"node-{node_id}")
        ax.add_artist(patch)
        text = ax.text(
            box.x, box.y, "\n".join(box.lines), ha="center", va="center", fontsize=_FONT_SIZE, family=_FONT, color=colour, linespacing=1.15
        )
        if state[node_id] != "score":
            text.set_bbox({"facecolor": MISSING_FILL, "edgecolor": "none", "pad": 1.0})

    if colorbar:
        import matplotlib
        from matplotlib.colors import LinearSegmentedColormap, Normalize

        low, high = _CMAP_RANGE
        base = matplotlib.colormaps[CMAP]
        cmap = LinearSegmentedColormap.from_list("doelenboom", [base(v) for v in np.linspace(low, high, 64)])
        fig_w = fig.get_figwidth()
        bar_w = min(3.0, fig_w * 0.5) / fig_w
        cax = fig.add_axes((0.1 / fig_w, 0.22 / fig.get_figheight(), bar_w, 0.12 / fig.get_figheight())) if bar_height else None
        if cax is not None:
            from matplotlib.cm import ScalarMappable

            bar = fig.colorbar(ScalarMappable(norm=Normalize(lo, hi), cmap=cmap), cax=cax, orientation="horizontal")
            bar.set_label(words["score"], fontsize=8, labelpad=1)
            bar.ax.tick_params(labelsize=7)
            fig.text(
                (0.1 + bar_w * fig_w + 0.25) / fig_w, 0.28 / fig.get_figheight(), words["missing_note"], fontsize=7.5, va="center"
            )
    return ax


# ------------------------------------------------------------------------------------------------
# Ranks with intervals


def rank_intervals(
    koplopers: pd.DataFrame,
    node: str,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    highlight: str | Sequence[str] | None = None,
    language: str = "nl",
) -> Axes:
    """The rank of every unit for one node with its interval (``rank_low`` .. ``rank_high``), best first.

    ``koplopers`` is :func:`doelenboom.compare`'s table (index (unit, node)) or the same with
    ``unit`` and ``node`` as columns. ``labels`` maps unit ids to names for the axis;
    ``highlight`` marks one or more units. Units without a rank are left out. Returns the Axes.
    """
    fmt.check_language(language)
    words = _WORDS[language]
    frame = koplopers.reset_index() if "unit" not in koplopers.columns else koplopers
    for column in ("unit", "node", "rank", "rank_low", "rank_high"):
        if column not in frame.columns:
            msg = f"koplopers: missing column {column!r} (expected the table of doelenboom.compare)"
            raise KeyError(msg)
    rows = frame[(frame["node"] == node) & frame["rank"].notna()]
    if rows.empty:
        msg = f"koplopers: no ranked unit for node {node!r}"
        raise KeyError(msg)
    rows = rows.sort_values(["rank", "rank_low", "unit"], kind="stable")
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    names = [labels.get(u, u) if labels else u for u in rows["unit"]]
    count = len(rows)
    if ax is None:
        ax = _new_axes(6.0, 0.8 + 0.24 * count)
    y = np.arange(count)[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        colour = "#c2185b" if r["unit"] in marked else "#225ea8"
        ax.plot([r["rank_low"], r["rank_high"]], [yi, yi], color=colour, linewidth=3.0, alpha=0.55, solid_capstyle="butt")
        ax.plot([r["rank"]], [yi], marker="o", color=colour, markersize=5)
    ax.set_yticks(y, names, fontsize=8)
    for tick, unit in zip(ax.get_yticklabels(), rows["unit"], strict=True):
        if unit in marked:
            tick.set_fontweight("bold")
    total = int(np.nanmax(frame.loc[frame["node"] == node, "rank_high"].to_numpy(dtype=float)))
    ax.set_xlim(0.5, max(total, count) + 0.5)
    ax.set_xlabel(words["rank"], fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_ylim(-0.7, count - 0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    cast("Figure", ax.figure).tight_layout()
    return ax


# ------------------------------------------------------------------------------------------------
# Trends with forecasts


def _by_period(frame: pd.DataFrame, unit: str, node: str) -> pd.DataFrame:
    """A forecast or trend table indexed by period: as doelenboom.forecast returns it, or a long
    table (unit, node, period, ...) such as MonitoringRun.forecasts, filtered to unit and node."""
    if "period" in frame.columns:
        rows = frame
        if "unit" in rows.columns:
            rows = rows[rows["unit"] == unit]
        if "node" in rows.columns:
            rows = rows[rows["node"] == node]
        return rows.set_index("period")
    return frame


def forecast_band(table: pd.DataFrame | None) -> str | None:
    """Which prediction band :func:`trend_chart` draws for a forecast table: ``"holt"`` when
    Holt's interval is there (low and high finite), else ``"trend"`` when the linear trend's
    prediction interval is (trend_low and trend_high, as in ``MonitoringRun.forecasts``; Holt's
    interval is undefined with 4 periods), else None."""
    if table is None or table.empty:
        return None
    for source, low, high in (("holt", "low", "high"), ("trend", "trend_low", "trend_high")):
        if {low, high} <= set(table.columns):
            lo = table[low].to_numpy(dtype=float)
            hi = table[high].to_numpy(dtype=float)
            if (np.isfinite(lo) & np.isfinite(hi)).any():
                return source
    return None


def trend_chart(
    result: PipelineResult,
    unit: str,
    node: str,
    *,
    forecast: pd.DataFrame | bool | None = None,
    trend: pd.DataFrame | bool | None = None,
    ax: Axes | None = None,
    language: str = "nl",
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """One unit's score of one node over the periods, with its interval per period.

    ``forecast``: a table of :func:`doelenboom.forecast` (or a long table with unit, node,
    period, forecast, low, high such as ``MonitoringRun.forecasts``), or True to compute it; the
    forecast is drawn dashed with Holt's prediction band. When Holt's band is undefined (4
    periods) and the table has the linear trend's prediction (trend_forecast, trend_low,
    trend_high), the trend is drawn on (dotted) with that band instead, and the legend says which
    band is shown (:func:`forecast_band`). ``trend``: a table of
    :func:`doelenboom.trend` or True; drawn as a dotted line. ``title`` defaults to the node's
    label; ``legend=False`` leaves the legend out (for small multiples). Returns the Axes.
    """
    fmt.check_language(language)
    words = _WORDS[language]
    _check_unit(result, unit)
    if node not in result.nodes:
        msg = f"node {node!r} is not in the result's tree"
        raise KeyError(msg)
    from .compare import forecast as compute_forecast
    from .compare import trend as compute_trend

    periods = list(result.periods)
    core = result.core
    column = result.nodes.index(node)
    first = result.units.index(unit) * len(periods)
    rows = slice(first, first + len(periods))
    score = np.asarray(core.scores[rows, column], dtype=np.float64)
    low = np.asarray(core.lower[rows, column], dtype=np.float64)
    high = np.asarray(core.upper[rows, column], dtype=np.float64)

    future: pd.DataFrame | None = None
    if forecast is True:
        future = compute_forecast(result, unit, node)
    elif forecast is not None and forecast is not False:
        future = _by_period(forecast, unit, node)
    line: pd.DataFrame | None = None
    if trend is True:
        line = compute_trend(result, unit, node)
    elif trend is not None and trend is not False:
        line = _by_period(trend, unit, node)

    labels = list(periods)
    for table in (future, line):
        if table is not None:
            labels += [str(p) for p in table.index if str(p) not in labels]
    position = {p: i for i, p in enumerate(labels)}
    if ax is None:
        ax = _new_axes(4.2, 2.6)
    x = np.arange(len(periods), dtype=float)
    ok = np.isfinite(score)
    has_band = ok & np.isfinite(low) & np.isfinite(high)
    if has_band.any():
        ax.errorbar(
            x[has_band], score[has_band],
            yerr=[score[has_band] - low[has_band], high[has_band] - score[has_band]],
            fmt="none", ecolor="#225ea8", elinewidth=1.0, capsize=3,
        )
    ax.plot(x[ok], score[ok], marker="o", color="#225ea8", linewidth=1.6, markersize=4, label=words["observed"])
    if line is not None and "trend" in line.columns:
        trend_x = [position[str(p)] for p in line.index]
        ax.plot(trend_x, line["trend"].to_numpy(dtype=float), linestyle=":", color="#555555", linewidth=1.2, label=words["trend"])
    band = forecast_band(future)
    last = np.flatnonzero(ok)
    if future is not None and "forecast" in future.columns:
        ahead = future[future["forecast"].notna()]
        if not ahead.empty:
            xs = np.array([position[str(p)] for p in ahead.index], dtype=float)
            ys = ahead["forecast"].to_numpy(dtype=float)
            if last.size:
                xs = np.concatenate([[x[last[-1]]], xs])
                ys = np.concatenate([[score[last[-1]]], ys])
            label = words["forecast"] if band == "holt" else words["forecast_no_band"]
            ax.plot(xs, ys, linestyle="--", color="#c2185b", linewidth=1.4, marker="s", markersize=3.5, label=label)
            if band == "holt":
                start = (float(x[last[-1]]), float(score[last[-1]])) if last.size else None
                _band(ax, ahead, "low", "high", position, start, "#c2185b", None)
    if future is not None and band == "trend":
        ahead = future[future["trend_forecast"].notna()] if "trend_forecast" in future.columns else future.iloc[:0]
        if not ahead.empty:
            xs = np.array([position[str(p)] for p in ahead.index], dtype=float)
            ys = ahead["trend_forecast"].to_numpy(dtype=float)
            start = None
            observed_last = str(periods[last[-1]]) if last.size else None
            if line is not None and "trend" in line.columns and observed_last in {str(p) for p in line.index}:
                # on from the fitted trend at the last observed period
                at = [str(p) for p in line.index].index(observed_last)
                start = (float(position[observed_last]), float(line["trend"].iloc[at]))
                xs = np.concatenate([[start[0]], xs])
                ys = np.concatenate([[start[1]], ys])
            ax.plot(xs, ys, linestyle=":", color="#555555", linewidth=1.2)
            _band(ax, ahead, "trend_low", "trend_high", position, start, "#555555", words["trend_band"])
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylabel(words["score"], fontsize=8)
    ax.set_xlim(-0.4, len(labels) - 0.6)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if language == "nl":
        ax.yaxis.set_major_formatter(_comma_formatter())
    ax.set_title(result.tree.node(node)["label"] if title is None else title, fontsize=9, loc="left")
    if legend:
        ax.legend(fontsize=7, frameon=False, loc="lower left")
    return ax


def _band(
    ax: Axes,
    ahead: pd.DataFrame,
    low: str,
    high: str,
    position: dict[str, int],
    start: tuple[float, float] | None,
    color: str,
    label: str | None,
) -> None:
    """The prediction band of the future periods, from the point ``start`` (x, y) on."""
    band_x = np.array([position[str(p)] for p in ahead.index], dtype=float)
    lo_v, hi_v = ahead[low].to_numpy(dtype=float), ahead[high].to_numpy(dtype=float)
    good = np.isfinite(lo_v) & np.isfinite(hi_v)
    if not good.any():
        return
    band_x, lo_v, hi_v = band_x[good], lo_v[good], hi_v[good]
    if start is not None:
        band_x = np.concatenate([[start[0]], band_x])
        lo_v = np.concatenate([[start[1]], lo_v])
        hi_v = np.concatenate([[start[1]], hi_v])
    ax.fill_between(band_x, lo_v, hi_v, color=color, alpha=0.15, linewidth=0, label=label)


def _comma_formatter() -> Any:
    """Tick labels with a decimal comma."""
    from matplotlib.ticker import FuncFormatter

    def comma(value: float, pos: int | None) -> str:
        return f"{value:g}".replace(".", ",").replace("-", "\u2212")

    return FuncFormatter(comma)
