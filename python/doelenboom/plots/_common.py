"""What the plots share: their words in both languages, a new Axes, and the checks and row
lookups of a unit in a result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import report_format as fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..pipeline import PipelineResult

__all__ = ["WORDS", "new_axes", "rows_of", "unit_words"]

WORDS = {
    "nl": {
        "score": "score",
        "coverage": "dekking",
        "suppressed": "onderdrukt",
        "no_score": "geen score",
        "unknown": "onbekend",
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
        "unknown": "unknown",
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



def new_axes(width: float, height: float) -> Axes:
    """A new figure (not managed by pyplot, so nothing piles up) with one Axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig.add_subplot()


def unit_words(result: PipelineResult, unit: str, language: str) -> dict[str, str]:
    """The words of ``language`` for a plot of one unit of ``result``: ValueError for an unknown
    language, KeyError naming the result's units when ``unit`` is not one of them."""
    fmt.check_language(language)
    words = WORDS[language]
    if unit not in result.units:
        msg = f"unit {unit!r} is not in the result (units: {', '.join(result.units)})"
        raise KeyError(msg)
    return words


def rows_of(result: PipelineResult, unit: str) -> dict[str, int]:
    """The row of each period of ``unit`` in the result's matrices, found by their row labels
    (``result.index``)."""
    return {str(p): i for i, (u, p) in enumerate(result.index) if u == unit}
