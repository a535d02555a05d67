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

from .colours import CMAP, MISSING_FILL, MISSING_HATCH, score_colour
from .ranks import rank_intervals
from .svg import figure_to_svg
from .tree import tree_heatmap
from .trends import forecast_band, trend_chart

__all__ = [
    "CMAP",
    "MISSING_FILL",
    "MISSING_HATCH",
    "figure_to_svg",
    "forecast_band",
    "rank_intervals",
    "score_colour",
    "tree_heatmap",
    "trend_chart",
]
