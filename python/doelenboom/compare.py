"""Comparing koplopers: rank intervals, peers, change since the baseline; trends and forecasts.

:func:`compare` builds the koploper table (units x chosen nodes) from a :class:`PipelineResult`;
:func:`trend` gives a unit's linear trend of a node score and :func:`forecast` Holt's
additive-trend forecast with prediction intervals. Every formula and assumption is in
``docs/compare.md``.

A rank says where a unit stands, not why: a low satisfaction score can mean complex clients (case
mix) rather than a bad provider. Read ranks with their interval and never rank providers naively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._core import compare as _compare
from ._core import data as _data
from ._core import pipeline as _pipeline
from ._facade import core_of, core_or_none
from .pipeline import PipelineResult
from .units import UnitRegistry, gemeenten

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KOPLOPER_COLUMNS",
    "PeerGroups",
    "compare",
    "forecast",
    "holt",
    "linear_trend",
    "trend",
    "trend_prediction",
]

#: The columns of :func:`compare`, in order.
KOPLOPER_COLUMNS = (
    "period",
    "score",
    "low",
    "high",
    "rank",
    "rank_low",
    "rank_high",
    "rank_median",
    "baseline",
    "change_since_baseline",
    "change_low",
    "change_high",
    "change_p_value",
    "change_beyond_noise",
    "change_comparable",
    "peer_mean",
    "peer_median",
    "peer_count",
    "difference_from_peers",
    "national",
    "peers",
    "uncertainty_note",
)

CASE_MIX_WARNING = (
    "Ranks show where a unit stands, not why: a low (satisfaction) score can reflect complex "
    "clients rather than poor support. Read each rank with its interval and the context."
)


@dataclass(frozen=True)
class PeerGroups:
    """Who each unit is compared with in the koploper table, as the compiled core formed them.

    ``members[unit]`` are the unit's peers in the order of the result's units (never the unit
    itself; empty when it has none); a unit without an entry has no known group (not in the
    registry, or no registry). ``attribute`` is the unit attribute the peers share
    (``"size_class"``: each unit with the units of its own size class), None when the peers were
    given as a list of units. A value: copies are the object itself, so that pandas, which copies
    a frame's ``attrs`` in every operation, does not copy the groups.
    """

    attribute: str | None
    members: Mapping[str, tuple[str, ...]]

    @classmethod
    def _from_core(cls, core: _compare.PeerGroups) -> PeerGroups:
        """The groups of the compiled result (``koploper_table``, ``MonitoringResult.peer_groups``)."""
        return cls(core.attribute, {group.unit: tuple(group.members) for group in core.units if group.known})

    def __copy__(self) -> PeerGroups:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> PeerGroups:
        return self


def _registry(units: object, core: _pipeline.PipelineResult) -> _data.UnitRegistry | None:
    """The given registry, or the shipped gemeenten list when the result is about gemeenten."""
    if units is None and any(u.startswith("GM") for u in core.units):
        return gemeenten().core
    if isinstance(units, (str, Sequence)):
        msg = "units is the UnitRegistry with the units' attributes; give the ids of the units to report as unit_ids"
        raise TypeError(msg)
    return core_or_none(units, UnitRegistry, "units")


def _names(values: str | Sequence[str] | None, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    out: list[object] = list(values)
    for v in out:
        if not isinstance(v, str):
            msg = f"{what} must be ids (str), got {v!r}"
            raise TypeError(msg)
    return [str(v) for v in out]


def _period_text(period: object) -> str | None:
    return None if period is None else str(period)


def _koploper_frame(cols: dict[str, Any]) -> pd.DataFrame:
    """The koploper table from the compiled module's columns (``koploper_table``, and the run's
    ``koplopers``): indexed by (unit, node), the columns of :data:`KOPLOPER_COLUMNS`, no attrs."""
    import pandas as pd

    index = pd.MultiIndex.from_arrays(
        [pd.Index(cols["unit"], dtype=object), pd.Index(cols["node"], dtype=object)], names=["unit", "node"]
    )
    data: dict[str, Any] = {}
    for name in KOPLOPER_COLUMNS:
        values = cols[name]
        if name in ("change_beyond_noise", "change_comparable"):
            arr = np.asarray(values, dtype=np.float64)
            data[name] = pd.array([pd.NA if np.isnan(v) else bool(v) for v in arr], dtype="boolean")
        elif name in ("period", "baseline", "peers", "uncertainty_note"):
            data[name] = pd.array(values, dtype=object)
        else:
            data[name] = np.asarray(values, dtype=np.float64)
    return pd.DataFrame(data, index=index)


def compare(
    result: PipelineResult | _pipeline.PipelineResult,
    nodes: str | Sequence[str] | None = None,
    peers: str | Sequence[str] = "size_class",
    units: UnitRegistry | _data.UnitRegistry | None = None,
    baseline: object = None,
    confidence: float = 0.95,
    seed: int = 0,
    *,
    unit_ids: str | Sequence[str] | None = None,
    period: object = None,
    alpha: float = 0.05,
    draws: int = 1000,
) -> pd.DataFrame:
    """The koploper table: one row per (unit, node) for one period (default the last).

    ``nodes``: node ids (default all nodes). ``peers``: a unit attribute shared by the peers
    (``"size_class"`` — the CBS gemeentegrootteklasse —, ``"province"`` or any label) or an
    explicit list of unit ids. ``units``: the :class:`UnitRegistry` with the units' attributes
    (default: the shipped gemeenten list when the units are gemeente codes). ``baseline``: the
    nulmeting period of every unit (default: each unit's ``baseline`` in the registry, else the
    first period). ``confidence``: of the score, rank and change intervals; ``seed``: of the rank
    simulation. ``unit_ids``: the ids of the units to report (default all; ranks, peers and the
    national figure always use every unit of the result).

    Columns: ``KOPLOPER_COLUMNS``; ``change_beyond_noise`` is a nullable boolean (``<NA>`` when
    a standard error is unknown). A unit whose standard error is unknown has NaN ``low``, ``high``,
    ``rank_low``, ``rank_high`` and ``rank_median`` (unknown, never zero width), and the others'
    rank intervals allow for it anywhere; ``uncertainty_note`` says why an interval is unknown
    ("" when none is; docs/compare.md, "Unknown standard errors"). ``change_comparable`` is false
    where the score rests on other indicators than at the baseline, so that no change is given
    (docs/compare.md, "Like for like"). ``attrs`` hold the settings (the confidence as ``level``), the
    case-mix warning and, as ``peer_groups``, the :class:`PeerGroups` the peer columns were
    computed from (every unit of the result, not only those reported).
    """
    core = core_of(result, PipelineResult, "result")
    reg = _registry(units, core)
    if isinstance(peers, str):
        peer_attribute, peer_list = peers, []
    else:
        peer_attribute, peer_list = "size_class", _names(peers, "peers")
        if not peer_list:
            msg = "peers: an explicit list of peers must not be empty"
            raise ValueError(msg)
    cols, groups = _compare.koploper_table(
        core,
        reg,
        nodes=_names(nodes, "nodes"),
        unit_ids=_names(unit_ids, "unit_ids"),
        period=_period_text(period),
        confidence=float(confidence),
        alpha=float(alpha),
        baseline=_period_text(baseline),
        peer_attribute=peer_attribute,
        peer_list=peer_list,
        draws=int(draws),
        seed=int(seed),
    )
    frame = _koploper_frame(cols)
    frame.attrs.update(
        {
            "level": float(confidence),
            "alpha": float(alpha),
            "seed": int(seed),
            "draws": int(draws),
            "peers": peers if isinstance(peers, str) else list(peers),
            "peer_groups": PeerGroups._from_core(groups),
            "warning": CASE_MIX_WARNING,
        }
    )
    return frame


def linear_trend(x: Sequence[float], y: Sequence[float], confidence: float = 0.95) -> dict[str, float]:
    """OLS ``y = intercept + slope * x`` with a t interval of the slope (equals ``np.polyfit(x, y, 1)``).

    Keys n, slope, intercept, se_slope, low, high, sigma, confidence, and x_mean and sxx (the mean
    of x and the sum of squares about it, for :func:`trend_prediction`)."""
    return dict(_compare.linear_trend([float(v) for v in x], [float(v) for v in y], confidence))


def trend_prediction(
    x: Sequence[float], y: Sequence[float], at: Sequence[float], confidence: float = 0.95
) -> pd.DataFrame:
    """The OLS linear trend of ``(x, y)`` at new ``at`` values with its prediction interval for a
    new observation (docs/compare.md): ``mean = intercept + slope * at`` and
    ``mean -/+ t_{n-2} * sigma * sqrt(1 + 1/n + (at - mean x)^2 / Sxx)`` at ``confidence``, as
    statsmodels ``OLS(...).get_prediction(...).summary_frame(obs=True)`` (``obs_ci_lower/upper``).
    Columns x, mean, se, low, high (``attrs["level"]`` the confidence); at least 3 points. This is
    the band of the trend charts when Holt's interval is undefined (4 periods)."""
    import pandas as pd

    points = [float(v) for v in at]
    d = _compare.trend_prediction([float(v) for v in x], [float(v) for v in y], points, confidence)
    frame = pd.DataFrame(
        {
            "x": np.asarray(points, dtype=np.float64),
            "mean": np.asarray(d["mean"]),
            "se": np.asarray(d["se"]),
            "low": np.asarray(d["low"]),
            "high": np.asarray(d["high"]),
        }
    )
    frame.attrs["level"] = float(d["level"])
    return frame


def holt(
    y: Sequence[float],
    horizon: int = 2,
    confidence: float = 0.95,
    smoothing_level: float | None = None,
    smoothing_trend: float | None = None,
    initial_level: float | None = None,
    initial_trend: float | None = None,
) -> dict[str, Any]:
    """Holt's additive-trend method on a plain series (docs/compare.md): fitted values, states
    (``level``, ``trend``), the parameters and ``horizon`` forecasts with analytic ETS(A,A,N)
    intervals at ``confidence`` (``level_of_intervals``)."""
    return dict(
        _compare.holt(
            [float(v) for v in y],
            horizon=int(horizon),
            confidence=float(confidence),
            alpha=smoothing_level,
            beta=smoothing_trend,
            initial_level=initial_level,
            initial_trend=initial_trend,
        )
    )


def trend(
    result: PipelineResult | _pipeline.PipelineResult,
    unit: str,
    node: str,
    horizon: int = 2,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The OLS linear trend of one unit's node score (x = the period's ordinal).

    One row per observed period and per future period (``horizon`` of them), indexed by period:
    ``score`` (NaN in the future) and ``trend`` (intercept + slope * x). ``attrs`` hold ``slope``,
    ``intercept``, ``se_slope``, ``slope_low``, ``slope_high`` (t interval at ``confidence``),
    ``sigma`` and ``n``. Fewer than 3 periods with a score raise DataError naming unit and node.
    """
    import pandas as pd

    d = _compare.unit_trend(core_of(result, PipelineResult, "result"), unit, node, confidence)
    periods = list(d["periods"])
    x = list(np.asarray(d["x"], dtype=np.float64))
    last = _data.Period(periods[-1])
    future = []
    p = last
    for _ in range(int(horizon)):
        p = p.next()
        future.append(p)
    periods += [str(f) for f in future]
    x += [float(f.ordinal()) for f in future]
    xs = np.asarray(x, dtype=np.float64)
    score = np.concatenate([np.asarray(d["values"], dtype=np.float64), np.full(len(future), np.nan)])
    frame = pd.DataFrame(
        {"score": score, "trend": d["intercept"] + d["slope"] * xs},
        index=pd.Index(periods, dtype=object, name="period"),
    )
    frame.attrs.update(
        {
            "unit": unit,
            "node": node,
            "slope": d["slope"],
            "intercept": d["intercept"],
            "se_slope": d["se_slope"],
            "slope_low": d["low"],
            "slope_high": d["high"],
            "sigma": d["sigma"],
            "n": d["n"],
            "confidence": confidence,
        }
    )
    return frame


def forecast(
    result: PipelineResult | _pipeline.PipelineResult,
    unit: str,
    node: str,
    horizon: int = 2,
    confidence: float = 0.95,
    smoothing_level: float | None = None,
    smoothing_trend: float | None = None,
) -> pd.DataFrame:
    """Holt's additive-trend forecast of one unit's node score for the next ``horizon`` periods.

    Indexed by period: the observed periods (``score``, one-step-ahead ``fitted``) then the
    forecast periods (``forecast``, ``se``, ``low``, ``high`` at ``confidence``). Smoothing
    parameters are estimated by least squares (as statsmodels ``Holt(y,
    initialization_method="estimated")``) unless given. ``attrs`` hold alpha, beta, the initial
    states, SSE, sigma2 and the confidence (as ``level``). Fewer than 4 periods with a score raise
    DataError naming unit and node.
    """
    import pandas as pd

    d = _compare.unit_forecast(
        core_of(result, PipelineResult, "result"),
        unit,
        node,
        int(horizon),
        float(confidence),
        smoothing_level,
        smoothing_trend,
    )
    observed = list(d["periods"])
    future = list(d["forecast_periods"])
    n, h = len(observed), len(future)
    nan_n, nan_h = np.full(n, np.nan), np.full(h, np.nan)
    frame = pd.DataFrame(
        {
            "score": np.concatenate([np.asarray(d["values"]), nan_h]),
            "fitted": np.concatenate([np.asarray(d["fitted"]), nan_h]),
            "forecast": np.concatenate([nan_n, np.asarray(d["forecast"])]),
            "se": np.concatenate([nan_n, np.asarray(d["forecast_se"])]),
            "low": np.concatenate([nan_n, np.asarray(d["forecast_low"])]),
            "high": np.concatenate([nan_n, np.asarray(d["forecast_high"])]),
        },
        index=pd.Index(observed + future, dtype=object, name="period"),
    )
    frame.attrs.update(
        {
            "unit": unit,
            "node": node,
            "smoothing_level": d["alpha"],
            "smoothing_trend": d["beta"],
            "initial_level": d["initial_level"],
            "initial_trend": d["initial_trend"],
            "sse": d["sse"],
            "sigma2": d["sigma2"],
            "level": float(confidence),
        }
    )
    return frame
