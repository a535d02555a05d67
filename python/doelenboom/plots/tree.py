"""The tree heat map: the goal tree with every node coloured by its score for one unit and period."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from .. import report_format as fmt
from ._common import new_axes, rows_of, unit_words
from .colours import CMAP, CMAP_RANGE, MISSING_FILL, MISSING_HATCH, score_colour, score_range, text_colour
from .tree_layout import FONT, FONT_SIZE, Box, dot_layout, level_layout, node_lines

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..dataset import Dataset
    from ..goal_tree import GoalTree
    from ..pipeline import PipelineResult

__all__ = ["tree_heatmap"]

#: Room (points) around the tree drawing.
_PAD = 6.0


def _indicator_facts(
    dataset: Dataset | None, tree: GoalTree, unit: str, period: str
) -> tuple[set[str], dict[str, float]]:
    """The indicators suppressed in ``dataset`` for the unit and period, and n of the others."""
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
    return suppressed, counts


def _node_texts(
    result: PipelineResult,
    tree: GoalTree,
    row: int,
    dataset: Dataset | None,
    facts: tuple[set[str], dict[str, float]],
    words: Mapping[str, str],
    language: str,
    wrap: int,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each node's lines (label, score and interval, coverage or n) and its state: ``score``,
    ``suppressed`` or ``missing``."""
    core = result.core
    scores = np.asarray(core.scores[row], dtype=np.float64)
    lower = np.asarray(core.lower[row], dtype=np.float64)
    upper = np.asarray(core.upper[row], dtype=np.float64)
    coverage = np.asarray(core.coverage[row], dtype=np.float64)
    suppressed, counts = facts
    leaves = set(tree.leaves())
    texts: dict[str, list[str]] = {}
    state: dict[str, str] = {}
    for i, node_id in enumerate(result.nodes):
        node = tree.node(node_id)
        numbers: list[str] = []
        if math.isnan(scores[i]):
            hidden = node_id in suppressed or (node_id in leaves and coverage[i] >= 1.0 and dataset is None)
            state[node_id] = "suppressed" if hidden else "missing"
            numbers.append(words["suppressed"] if hidden else words["no_score"])
        else:
            state[node_id] = "score"
            # A missing bound is an unknown standard error: said so, never left out (issue 15).
            band = fmt.interval(lower[i], upper[i], "score", language) or words["unknown"]
            numbers.append(f"{fmt.score(scores[i], language)} [{band}]")
        if node_id not in leaves:
            numbers.append(f"{words['coverage']} {fmt.percent(coverage[i], language, 0)}")
        elif node_id in counts:
            numbers.append(f"n = {fmt.number(counts[node_id], 0, language)}")
        texts[node_id] = node_lines(node["label"], numbers, wrap)
    return texts, state


def _draw_edges(ax: Axes, splines: list[list[tuple[float, float]]]) -> None:
    """The edges child -> parent: dot's Bézier splines (straight lines otherwise) with an arrow."""
    from matplotlib.patches import FancyArrowPatch, PathPatch
    from matplotlib.path import Path as MplPath

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


def _draw_nodes(
    ax: Axes,
    result: PipelineResult,
    row: int,
    leaves: set[str],
    boxes: dict[str, Box],
    state: dict[str, str],
    score_limits: tuple[float, float],
) -> None:
    """A box per node, filled by its score (grey and hatched without one), with its text."""
    from matplotlib.patches import FancyBboxPatch

    scores = np.asarray(result.core.scores[row], dtype=np.float64)
    lo, hi = score_limits
    for i, node_id in enumerate(result.nodes):
        box = boxes[node_id]
        x0, y0 = box.x - box.width / 2.0, box.y - box.height / 2.0
        rounded = "round,pad=0,rounding_size=6" if node_id not in leaves else "square,pad=0"
        if state[node_id] == "score":
            fill = score_colour(scores[i], lo, hi)
            patch = FancyBboxPatch((x0, y0), box.width, box.height, boxstyle=rounded, facecolor=fill, edgecolor="#333333", linewidth=0.8)
            colour = text_colour(fill)
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
            box.x, box.y, "\n".join(box.lines), ha="center", va="center", fontsize=FONT_SIZE, family=FONT, color=colour, linespacing=1.15
        )
        if state[node_id] != "score":
            text.set_bbox({"facecolor": MISSING_FILL, "edgecolor": "none", "pad": 1.0})


def _colorbar(fig: Figure, score_limits: tuple[float, float], words: Mapping[str, str]) -> None:
    """The colour scale below the tree, and what grey hatching means."""
    import matplotlib
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    low, high = CMAP_RANGE
    base = matplotlib.colormaps[CMAP]
    cmap = LinearSegmentedColormap.from_list("doelenboom", [base(v) for v in np.linspace(low, high, 64)])
    fig_w = fig.get_figwidth()
    bar_w = min(3.0, fig_w * 0.5) / fig_w
    cax = fig.add_axes((0.1 / fig_w, 0.22 / fig.get_figheight(), bar_w, 0.12 / fig.get_figheight()))
    bar = fig.colorbar(ScalarMappable(norm=Normalize(*score_limits), cmap=cmap), cax=cax, orientation="horizontal")
    bar.set_label(words["score"], fontsize=8, labelpad=1)
    bar.ax.tick_params(labelsize=7)
    fig.text((0.1 + bar_w * fig_w + 0.25) / fig_w, 0.28 / fig.get_figheight(), words["missing_note"], fontsize=7.5, va="center")


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
    words = unit_words(result, unit, language)
    if period not in result.periods:
        msg = f"period {period!r} is not in the result (periods: {', '.join(result.periods)})"
        raise KeyError(msg)
    if rankdir not in {"RL", "LR", "BT", "TB"}:
        msg = f"rankdir must be RL, LR, BT or TB, not {rankdir!r}"
        raise ValueError(msg)
    tree = result.tree
    row = rows_of(result, unit)[period]
    limits = score_range(np.asarray(result.core.scores, dtype=np.float64), vmin, vmax)
    facts = _indicator_facts(dataset, tree, unit, period)
    texts, state = _node_texts(result, tree, row, dataset, facts, words, language, wrap)
    layout = dot_layout(tree, texts, rankdir)
    if layout is None:
        layout = level_layout(tree, texts)
    boxes, splines, (width, height) = layout

    bar_height = 0.55 if colorbar else 0.0
    if ax is None:
        w_in, h_in = (width + 2 * _PAD) / 72.0, (height + 2 * _PAD) / 72.0
        ax = new_axes(w_in, h_in + bar_height)
        ax.set_position((0.0, bar_height / (h_in + bar_height), 1.0, h_in / (h_in + bar_height)))
    fig = cast("Figure", ax.figure)
    # add_artist rather than add_patch: the limits are set here, and updating them per patch is slow.
    ax.set_xlim(-_PAD, width + _PAD)
    ax.set_ylim(-_PAD, height + _PAD)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _draw_edges(ax, splines)
    _draw_nodes(ax, result, row, set(tree.leaves()), boxes, state, limits)
    if colorbar:
        _colorbar(fig, limits, words)
    return ax
