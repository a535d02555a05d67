"""Ranks with their intervals: every unit's rank of one node, best first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from .. import report_format as fmt
from ._common import WORDS, new_axes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["rank_intervals"]


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
    words = WORDS[language]
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
        ax = new_axes(6.0, 0.8 + 0.24 * count)
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
