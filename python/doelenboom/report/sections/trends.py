"""Trends and forecasts of the headline nodes of a gemeente: small multiples of plots.trend_chart
with one legend, a caption naming the prediction band shown, and the slope of each trend."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from markupsafe import Markup

from ... import plots
from ... import report_format as fmt
from ..context import ReportContext, missing
from ..model import TrendSentence, TrendsView, drawing
from ..templating import render as render_template

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["render"]


def _trend_row(ctx: ReportContext, unit: str, node: str) -> dict[str, Any] | None:
    trends = ctx.run.trends
    if not {"unit", "node", "slope"} <= set(trends.columns):
        return None
    rows = trends[(trends["unit"] == unit) & (trends["node"] == node)]
    return None if rows.empty else dict(rows.iloc[0])


def _trend_line(ctx: ReportContext, unit: str, node: str) -> pd.DataFrame | None:
    """The fitted trend over the observed periods, from the slope in run.trends (the OLS line
    passes through the mean period and mean score, which gives the intercept when the table
    has none)."""
    import pandas as pd

    from ..._core.data import Period

    row = _trend_row(ctx, unit, node)
    if row is None or missing(row.get("slope")):
        return None
    periods = list(ctx.result.periods)
    x = np.array([float(Period(p).ordinal()) for p in periods])
    y = np.array([ctx.score_row(unit, p, node)["score"] for p in periods])
    ok = np.isfinite(y)
    if not ok.any():
        return None
    slope = float(row["slope"])
    given: Any = row.get("intercept")
    intercept = float(np.mean(y[ok]) - slope * np.mean(x[ok])) if missing(given) else float(given)
    shown = np.flatnonzero(ok)
    span = slice(int(shown[0]), int(shown[-1]) + 1)
    return pd.DataFrame({"trend": float(intercept) + slope * x[span]}, index=pd.Index(periods[span], name="period"))


def _sentence(ctx: ReportContext, unit: str, node: str) -> TrendSentence | None:
    lang = ctx.lang
    row = _trend_row(ctx, unit, node)
    if row is None:
        return None
    if missing(row.get("slope")):
        return TrendSentence(ctx.label(node), None)
    interval = f"{fmt.signed(row.get('slope_low'), lang, 2)} {fmt.DASH} {fmt.signed(row.get('slope_high'), lang, 2)}"
    n = fmt.number(row.get("n"), 0, lang) if not missing(row.get("n")) else ""
    return TrendSentence(ctx.label(node), fmt.signed(row["slope"], lang, 2), interval, n)


def _view(ctx: ReportContext, unit: str) -> TrendsView:
    from matplotlib.figure import Figure

    nodes = ctx.headline
    columns = 2 if len(nodes) > 1 else 1
    rows = math.ceil(len(nodes) / columns)
    fig = Figure(figsize=(4.2 * columns, 2.7 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    forecasts = ctx.run.forecasts
    sentences = []
    bands: set[str] = set()
    for i, node in enumerate(nodes):
        ax = axes[i // columns][i % columns]
        future = None
        if {"unit", "node"} <= set(forecasts.columns):
            chosen = forecasts[(forecasts["unit"] == unit) & (forecasts["node"] == node)]
            if not chosen.empty:
                future = chosen
        band = plots.forecast_band(future)
        if band is not None:
            bands.add(band)
        trend = _trend_line(ctx, unit, node)
        plots.trend_chart(ctx.result, unit, node, forecast=future, trend=trend, ax=ax, language=ctx.lang, legend=False)
        sentence = _sentence(ctx, unit, node)
        if sentence is not None:
            sentences.append(sentence)
    for j in range(len(nodes), rows * columns):
        axes[j // columns][j % columns].set_axis_off()
    # One legend for all charts, below them; fixed margins (tight_layout is slow).
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncols=len(names), fontsize=8, frameon=False)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.3 / height, bottom=0.75 / height, hspace=0.45, wspace=0.18)
    svg = drawing(fig, f"{ctx.page_ids[unit]}-trend-")
    shown = None if not bands else (next(iter(bands)) if len(bands) == 1 else "mixed")
    return TrendsView(svg=svg, band=shown, level=ctx.level, sentences=sentences)


def render(ctx: ReportContext, unit: str) -> Markup | None:
    if not ctx.headline:
        return None
    return render_template("sections/trends.html.j2", t=ctx.t, v=_view(ctx, unit))
