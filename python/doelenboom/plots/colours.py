"""The colours of node scores: ColorBrewer's YlGnBu, black or white text on it, the score range."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["CMAP", "CMAP_RANGE", "MISSING_FILL", "MISSING_HATCH", "score_colour", "score_range", "text_colour"]

#: The colour map of node scores and the part of it used (the ends are too pale or too dark).
CMAP = "YlGnBu"
CMAP_RANGE = (0.08, 0.92)
#: Fill and hatch of a node without a score.
MISSING_FILL = "#e6e6e6"
MISSING_HATCH = "#9e9e9e"


def score_colour(score: float, vmin: float = 0.0, vmax: float = 100.0) -> tuple[float, float, float, float]:
    """The fill colour (RGBA) of a score between ``vmin`` and ``vmax`` (clipped to them)."""
    import matplotlib

    cmap = matplotlib.colormaps[CMAP]
    t = 0.5 if vmax <= vmin else min(1.0, max(0.0, (score - vmin) / (vmax - vmin)))
    low, high = CMAP_RANGE
    rgba = cmap(low + t * (high - low))
    return (float(rgba[0]), float(rgba[1]), float(rgba[2]), float(rgba[3]))


def text_colour(rgba: Sequence[float]) -> str:
    """Black on light fills, white on dark ones (relative luminance, WCAG)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgba[0]) + 0.7152 * channel(rgba[1]) + 0.0722 * channel(rgba[2])
    return "#000000" if lum > 0.2 else "#ffffff"


def score_range(values: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float]:
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

