"""Trends with forecasts: one unit's score of one node over the periods, with the linear trend and
the forecast with its prediction band."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import new_axes, rows_of, unit_words

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ..pipeline import PipelineResult

__all__ = ["forecast_band", "trend_chart"]


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
    words = unit_words(result, unit, language)
    if node not in result.nodes:
        msg = f"node {node!r} is not in the result's tree"
        raise KeyError(msg)
    from ..compare import forecast as compute_forecast
    from ..compare import trend as compute_trend

    periods = list(result.periods)
    core = result.core
    column = result.nodes.index(node)
    row = rows_of(result, unit)
    rows = [row[p] for p in periods]
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
        ax = new_axes(4.2, 2.6)
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
