"""The results of one monitoring run, as the report, the CLI and notebooks use them.

A :class:`MonitoringRun` brings together everything one run of the main job produced: the tree,
the indicator estimates, the aggregation result, the comparison, trends and forecasts, the
signals, and the texts that belong next to the numbers (residents' stories, the answers to the
duidingsvragen). :func:`doelenboom.run` (``doelenboom run CONFIG.yaml``) fills one from a config
file; the HTML report (:mod:`doelenboom.report`) only reads it.

Long tables use the columns documented with each field. Periods are text (``"2022"``), units are
CBS codes (``"GM0668"``) and nodes are tree ids.

What the stages know and the report shows is a field of its own: the peer groups
(:class:`PeerGroups`) and the interval of every estimate (:func:`estimate_intervals`), both
computed by the compiled core. A run made by hand gets them from its other fields when they are
not given: the groups from the koploper table doelenboom.compare returned, the intervals from the
data set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._core import stats as _stats
from .compare import PeerGroups

if TYPE_CHECKING:
    from .dataset import Dataset
    from .goal_tree import GoalTree
    from .pipeline import PipelineResult
    from .units import UnitRegistry

__all__ = [
    "INTERVAL_COLUMNS",
    "MonitoringRun",
    "PeerGroups",
    "estimate_intervals",
]

#: The columns of :func:`estimate_intervals` (and ``MonitoringRun.estimate_intervals``).
INTERVAL_COLUMNS = ("unit", "period", "indicator", "low", "high", "approximate")


def estimate_intervals(dataset: Dataset, confidence: float) -> pd.DataFrame:
    """The interval of every estimate of ``dataset``, in its row order: unit, period, indicator,
    low, high, approximate.

    The data's own interval (ci_low, ci_high) where it has both ends; else, when the estimate has
    a value and a standard error, the normal interval value ∓ z·se at ``confidence``
    (``approximate`` True, docs/report.md). The compiled core computes them
    (``doelenboom._core.stats.estimate_intervals``); suppressed estimates have none.
    """
    frame = dataset.to_pandas()
    found = _stats.estimate_intervals(dataset.core, float(confidence))
    return pd.DataFrame(
        {
            "unit": frame["unit"],
            "period": frame["period"],
            "indicator": frame["indicator"],
            "low": found.low,
            "high": found.high,
            "approximate": found.approximate,
        }
    )


@dataclass
class MonitoringRun:
    """Everything one monitoring run produced (see the module documentation)."""

    #: Title of the run, shown on the report ("Koplopergemeenten cliëntondersteuning").
    name: str
    tree: GoalTree
    #: The indicator estimates that went into the pipeline (suppressed cells blank).
    dataset: Dataset
    #: The aggregation result (scores, intervals, coverage of every node, unit and period).
    result: PipelineResult
    #: Units with names, provinces, populations and size classes.
    units: UnitRegistry
    #: The nulmeting (baseline) period and the period the comparison reports on.
    baseline: str
    period: str
    #: doelenboom.compare(...) for `period`: one row per (unit, node) (KOPLOPER_COLUMNS).
    koplopers: pd.DataFrame
    #: One row per signal, columns doelenboom.signals.RUN_SIGNAL_COLUMNS: unit, area, period, node, rule,
    #: severity, value, reference, difference, statistic, p_value, n, message_nl, message_en (both
    #: languages; doelenboom.signals(...) instead gives one ``message`` column in the language asked).
    signals: pd.DataFrame
    #: Linear trends: unit, node, slope, slope_low, slope_high, n (periods); NaN rows for too few periods.
    trends: pd.DataFrame
    #: Forecasts per unit, node and future period: Holt's forecast, se, low, high (se, low and high
    #: NaN when Holt's interval is undefined, e.g. with 4 periods; all NaN with fewer than 4) and the
    #: linear trend with its OLS prediction interval: trend_forecast, trend_se, trend_low, trend_high
    #: (docs/compare.md).
    forecasts: pd.DataFrame
    #: Residents' stories (verhalen): unit, period, node (may be empty), title, text.
    stories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["unit", "period", "node", "title", "text"]))
    #: Saved answers to the duidingsvragen and improvement actions: unit, period, question
    #: (herkennen, verklaren, waarderen, verbeteren, or actie), answer, who, what, when.
    duiding: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["unit", "period", "question", "answer", "who", "what", "when"])
    )
    #: The description of the peer groups used in the comparison ("CBS size class"); the groups
    #: themselves are `peer_groups`.
    peers: str = ""
    #: True for the shipped, invented example: every page says the numbers are fictitious.
    fictitious: bool = False
    #: Where the run's data folder is (answers to the duidingsvragen are saved there); None in memory.
    data_dir: Path | None = None
    #: Every estimate of every data source under the estimators' ids (reach.clients, ...), before
    #: they were linked to the tree's indicators; None when not known.
    estimates: Dataset | None = None
    #: Signals are also evaluated per area (kern, wijk) and group found in the registrations; their
    #: rows in `signals` carry the area in the column ``area`` ("kern=Opheusden", empty for the
    #: whole unit). This table holds the reach of every area and group: unit (the gemeente), area,
    #: name, period, indicator, value, n, suppressed (numbers blank when suppressed).
    areas: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["unit", "area", "name", "period", "indicator", "value", "n", "suppressed"]
        )
    )
    #: Tree indicators without any estimate (the pipeline's coverage shows their absence).
    indicators_without_data: list[str] = field(default_factory=list)
    #: The run config the run came from, and the folder its tables were (or will be) written to.
    config: Path | None = None
    output_dir: Path | None = None
    #: Each unit's peers in the comparison, as the compiled core formed them; by default the
    #: ``koplopers.attrs["peer_groups"]`` doelenboom.compare returns (give None with new
    #: `koplopers` in dataclasses.replace), None when not known.
    peer_groups: PeerGroups | None = None
    #: The interval of every estimate in `dataset` at the result's confidence (columns
    #: INTERVAL_COLUMNS, see estimate_intervals); computed from `dataset` when not given (give
    #: None with a new `dataset` in dataclasses.replace).
    estimate_intervals: pd.DataFrame | None = None
    #: The compiled result (doelenboom._core.monitoring.MonitoringResult) when made by doelenboom.run(); it
    #: writes the tables (doelenboom.run.write_tables).
    _core: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Fill the fields a run made by hand leaves out from the ones it gives."""
        if self.peer_groups is None:
            groups = self.koplopers.attrs.get("peer_groups")
            if isinstance(groups, PeerGroups):
                self.peer_groups = groups
        if self.estimate_intervals is None:
            self.estimate_intervals = estimate_intervals(self.dataset, self.result.confidence)
