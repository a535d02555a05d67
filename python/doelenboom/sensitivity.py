"""Uncertainty and sensitivity analysis of the modeller's choices (docs/sensitivity.md).

:func:`sensitivity` runs a Monte Carlo over the weights, the normalisation, aggregation,
imputation and outlier methods, leaving one indicator or node out, and the sampling error of the
estimates, in the compiled engine (both cores, deterministic for the seed). Every run is exactly a
pipeline run with its choices: :meth:`SensitivityResult.spec` and :meth:`SensitivityResult.data`
give it back as a :class:`~doelenboom.Pipeline` and :class:`~doelenboom.Dataset`.
:class:`SensitivityResult` holds the distributions per unit, the runs' scores, ranks and
parameters, and the Sobol indices as DataFrames, and draws the rank intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._core import PipelineError
from ._core import data as _data
from ._core import graph as _graph
from ._core import sensitivity as _sensitivity
from ._facade import Facade, core_of, core_or_none
from .dataset import Dataset, as_core_dataset
from .goal_tree import GoalTree
from .indicators import IndicatorSet, as_core_indicators
from .pipeline import Pipeline, Section
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["VARY_KEYS", "SensitivityResult", "sensitivity"]

#: The keys of ``vary``.
VARY_KEYS = ("weights", "weight_sets", "normalise", "aggregate", "imputation", "outliers", "leave_out", "sampling")
_BLOCKS = ("MC", "A", "B", "AB")
_DEFAULT_N = 1000


def _fail(message: str) -> PipelineError:
    return PipelineError(f"sensitivity: {message}")


def _names(value: object, key: str) -> list[str]:
    """A non-empty list of texts."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = f"vary[{key!r}] must be a list of names, not {type(value).__name__}"
        raise _fail(msg)
    if not value:
        msg = f"vary[{key!r}] is empty; leave the key out to keep the pipeline's setting"
        raise _fail(msg)
    out = []
    for item in value:
        if not isinstance(item, str):
            msg = f"vary[{key!r}] must hold names, found {item!r}"
            raise _fail(msg)
        out.append(item)
    return out


def _normalise_label(settings: Mapping[str, Any]) -> str:
    """ "minmax 0..100", "zscore (mean 0, sd 1)", "rank"; "... all_periods" when so scoped."""
    method = str(settings["method"])
    if method in {"minmax", "goalposts", "distance_to_target", "percentile_rank"}:
        method += f" {settings['low']:g}..{settings['high']:g}"
    elif method == "zscore":
        method += f" (mean {settings['mean']:g}, sd {settings['sd']:g})"
    if settings.get("scope") == "all_periods":
        method += " all_periods"
    return method


def _weights(value: object, tree: _graph.GoalTree) -> tuple[dict[str, float], dict[str, float]]:
    """Level and node noise from a number (every level with goals) or {"levels": ..., "nodes": ...}."""
    if isinstance(value, bool) or not isinstance(value, int | float | Mapping):
        msg = f"vary['weights'] must be a number f or a dict {{'levels': {{level: f}}, 'nodes': {{id: f}}}}, not {value!r}"
        raise _fail(msg)
    if not isinstance(value, Mapping):
        kinds = {n["id"]: n for n in tree.nodes}
        levels = [lv for lv in tree.levels if any(k["level"] == lv and k["kind"] != "indicator" for k in kinds.values())]
        return dict.fromkeys(levels, float(value)), {}
    unknown = set(value) - {"levels", "nodes"}
    if unknown:
        msg = f"vary['weights']: unknown key {min(unknown)!r} (expected levels, nodes)"
        raise _fail(msg)
    levels, nodes = value.get("levels", {}), value.get("nodes", {})
    for name, part in (("levels", levels), ("nodes", nodes)):
        if not isinstance(part, Mapping):
            msg = f"vary['weights'][{name!r}] must be a dict {{name: f}}, not {type(part).__name__}"
            raise _fail(msg)
    return {str(k): float(v) for k, v in levels.items()}, {str(k): float(v) for k, v in nodes.items()}


def sensitivity(
    tree: GoalTree | _graph.GoalTree,
    dataset: Dataset | _data.Dataset | pd.DataFrame,
    pipeline: Pipeline | None = None,
    *,
    vary: Mapping[str, Any],
    n: int | None = None,
    seed: int = 0,
    threads: int | None = None,
    target: str | Sequence[str] | None = None,
    sobol: bool = True,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    units: UnitRegistry | _data.UnitRegistry | None = None,
    indicators: IndicatorSet | _data.IndicatorSet | None = None,
) -> SensitivityResult:
    """Uncertainty and sensitivity analysis of a pipeline's choices (docs/sensitivity.md).

    ``pipeline`` is the nominal choice (default ``Pipeline()``). ``vary`` says what varies:

    - ``"weights"``: a number f (every child weight of every goal times its own U(1 - f, 1 + f)),
      or ``{"levels": {level: f}, "nodes": {id: f}}`` (each entry one factor; a node beats its level);
    - ``"weight_sets"``: a list of ``{parent: {child: weight}}``, one run each (no Sobol indices);
    - ``"normalise"``: alternatives as for :class:`~doelenboom.Pipeline` (``"zscore"``,
      ``{"method": "minmax", "low": 1, "high": 100}``, ...); ``"aggregate"``, ``"imputation"``,
      ``"outliers"``: lists of method names. Each list is one factor drawn uniformly;
    - ``"leave_out"``: ids of indicators or goals; the factor draws among "none" and these;
    - ``"sampling"``: ``True`` or ``"one"`` (value + se·N(0, 1), one factor) or ``"per_indicator"``.

    ``n`` is the number of Monte Carlo runs, or with ``sobol`` the number of base rows of the
    Saltelli design (n·(factors + 2) runs); default 1000 (or one run per weight set).
    ``target``: goal id(s) whose scores are the outputs (default the roots). ``threads`` None uses
    every core. The same seed gives the same result whatever the threads. Ctrl-C interrupts.
    Raises :class:`~doelenboom.PipelineError` naming every problem of the settings, or the first
    run that fails with its choices.
    """
    given: object = vary  # checked at run time for untyped callers
    if not isinstance(given, Mapping):
        msg = f"vary must be a dict such as {{'weights': 0.25}}, not {type(given).__name__}"
        raise TypeError(msg)
    unknown = [k for k in vary if k not in VARY_KEYS]
    if unknown:
        msg = f"vary: unknown key {unknown[0]!r} (expected one of: {', '.join(VARY_KEYS)})"
        raise _fail(msg)
    nominal = core_of(pipeline if pipeline is not None else Pipeline(), Pipeline, "pipeline")
    core_tree = core_of(tree, GoalTree, "tree")
    core_units = core_or_none(units, UnitRegistry, "units")
    core_indicators = as_core_indicators(indicators)
    core_data = as_core_dataset(dataset, core_indicators, core_units)

    args: dict[str, Any] = {}
    labels: dict[str, list[str]] = {}
    if "weights" in vary:
        args["level_weight_noise"], args["node_weight_noise"] = _weights(vary["weights"], core_tree)
    if "weight_sets" in vary:
        sets = vary["weight_sets"]
        if not isinstance(sets, Sequence) or not sets:
            msg = "vary['weight_sets'] must be a non-empty list of {parent: {child: weight}}"
            raise _fail(msg)
        args["weight_sets"] = [{str(p): {str(c): float(w) for c, w in ch.items()} for p, ch in s.items()} for s in sets]
    if "normalise" in vary:
        alternatives = vary["normalise"]
        if isinstance(alternatives, str) or not isinstance(alternatives, Sequence) or not alternatives:
            msg = "vary['normalise'] must be a non-empty list of methods or dicts of settings"
            raise _fail(msg)
        specs = [Pipeline(normalise=_as_section(a)).core for a in alternatives]
        args["normalisations"] = specs
        labels["normalise"] = [_normalise_label(s.to_dict()["normalise"]) for s in specs]
    for key, arg in (("aggregate", "aggregations"), ("imputation", "imputations"), ("outliers", "outliers")):
        if key in vary:
            args[arg] = labels[key] = _names(vary[key], key)
    if "leave_out" in vary:
        args["leave_out"] = _names(vary["leave_out"], "leave_out")
        labels["leave_out"] = args["leave_out"]
    if "sampling" in vary:
        mode = vary["sampling"]
        args["sampling"] = {True: "one", False: "off"}.get(mode, mode) if isinstance(mode, bool) else mode
        if not isinstance(args["sampling"], str):
            msg = f"vary['sampling'] must be True, False, 'one' or 'per_indicator', not {mode!r}"
            raise _fail(msg)
    if n is None:
        n = len(args["weight_sets"]) if "weight_sets" in args else _DEFAULT_N
    targets = [target] if isinstance(target, str) else list(target or [])
    core = _sensitivity.run_sensitivity(
        core_tree,
        core_data,
        nominal,
        **args,
        targets=targets,
        replications=n,
        seed=seed,
        threads=0 if threads is None else threads,
        sobol=sobol,
        bootstrap=bootstrap,
        confidence=confidence,
        indicators=core_indicators,
        units=core_units,
    )
    return SensitivityResult(core, core_data, labels)


def _as_section(value: object) -> Section:
    if isinstance(value, str | Mapping):
        return value
    msg = f"vary['normalise']: an alternative must be a method name or a dict of settings, not {value!r}"
    raise _fail(msg)


class SensitivityResult(Facade[_sensitivity.SensitivityResult]):
    """The result of :func:`sensitivity`: tables per unit, per run and per factor.

    Runs are numbered 0..runs-1; with Sobol indices the first n are the rows of A, the next n
    those of B, then n per factor (AB_i: A with factor i from B). The distributions of
    :attr:`summary` are over the Monte Carlo runs, or over A and B. :attr:`core` is the compiled
    result, its matrices read-only numpy views.
    """

    __slots__ = ("_data", "_labels")

    def __init__(
        self, core: _sensitivity.SensitivityResult, data: _data.Dataset, labels: dict[str, list[str]]
    ) -> None:
        """Wrap a compiled result (as :func:`sensitivity` does)."""
        self._core = core
        self._data = data
        self._labels = labels

    @property
    def runs(self) -> int:
        """The number of model runs."""
        return self._core.runs

    @property
    def targets(self) -> list[str]:
        """The target goals."""
        return self._core.targets

    @property
    def factors(self) -> list[str]:
        """The factors of the design, in the order of :attr:`indices` and the AB blocks."""
        return [f["name"] for f in self._core.factors]

    def _columns(self) -> pd.MultiIndex:
        import pandas as pd

        core = self._core
        return pd.MultiIndex.from_product([core.targets, core.units, core.periods], names=["target", "unit", "period"])

    def _run_index(self) -> pd.RangeIndex:
        import pandas as pd

        return pd.RangeIndex(self._core.runs, name="replication")

    @property
    def scores(self) -> pd.DataFrame:
        """Target scores of every run: one row per run, columns (target, unit, period);
        ``scores["Index"].xs("2022", level="period", axis=1)`` is runs x units."""
        import pandas as pd

        return pd.DataFrame(np.array(self._core.scores), index=self._run_index(), columns=self._columns())

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks of every run per period among units (1 = best, ties the lowest), as :attr:`scores`."""
        import pandas as pd

        return pd.DataFrame(np.array(self._core.ranks), index=self._run_index(), columns=self._columns())

    @property
    def rank_shift(self) -> pd.DataFrame:
        """Per run the mean over units of the absolute rank shift ``|rank - nominal rank|``: columns (target, period)."""
        import pandas as pd

        core = self._core
        columns = pd.MultiIndex.from_product([core.targets, core.periods], names=["target", "period"])
        return pd.DataFrame(np.array(core.rank_shift), index=self._run_index(), columns=columns)

    @property
    def summary(self) -> pd.DataFrame:
        """Per target, unit and period: nominal_score, score_median, score_q05, score_q95,
        nominal_rank, rank_median, rank_q05, rank_q95, mean_abs_rank_shift and missing (runs
        without a score). Quantiles are numpy's linear ones over the distribution runs."""
        import pandas as pd

        core = self._core
        cols = self._columns()
        frame = pd.DataFrame(np.array(core.summary), columns=core.summary_columns)
        frame = frame.astype({"missing": np.int64})
        for level in ("period", "unit", "target"):
            frame.insert(0, level, np.asarray(cols.get_level_values(level), dtype=object))
        return frame

    @property
    def parameters(self) -> pd.DataFrame:
        """One row per run with every choice: block (MC, A, B, AB), base_row, ab_factor (the factor
        AB takes from B), the varied settings (normalise, aggregate, imputation, outliers,
        leave_out: "none" or the id), a column ``weight:<parent>/<child>`` per varied edge (its
        weight before normalisation) and the sampling seeds (``sampling_seed`` or
        ``sampling_seed:<indicator>``), from which :meth:`data` redraws the run's values."""
        import pandas as pd

        core = self._core
        ints, weights, seeds = core.parameters()
        factors = ["", *self.factors]
        frame: dict[str, Any] = {
            "block": np.array(_BLOCKS, dtype=object)[ints[:, 0]],
            "base_row": ints[:, 1],
            "ab_factor": np.array(factors, dtype=object)[ints[:, 2] + 1],
        }
        for col, key in ((3, "normalise"), (4, "aggregate"), (5, "imputation"), (6, "outliers")):
            if key in self._labels:
                frame[key] = np.array(self._labels[key], dtype=object)[ints[:, col]]
        if "leave_out" in self._labels:
            frame["leave_out"] = np.array(["none", *self._labels["leave_out"]], dtype=object)[ints[:, 7] + 1]
        for k, (parent, child, _, _) in enumerate(core.varied_edges):
            frame[f"weight:{parent}/{child}"] = weights[:, k]
        if seeds.shape[1] == 1:
            frame["sampling_seed"] = seeds[:, 0]
        elif seeds.shape[1] > 1:
            for k, indicator in enumerate(core.data_indicators):
                if seeds[:, k].any():
                    frame[f"sampling_seed:{indicator}"] = seeds[:, k]
        return pd.DataFrame(frame, index=self._run_index())

    @property
    def indices(self) -> pd.DataFrame:
        """Sobol indices: factor, output ("score" of a unit, or "mean_abs_rank_shift" over units),
        target, unit (None for the rank shift), period, first, first_low, first_high, total,
        total_low, total_high (Saltelli 2010 first order, Jansen 1999 total, percentile bootstrap
        intervals). Empty without Sobol."""
        import pandas as pd

        core = self._core
        names = ["first", "first_low", "first_high", "total", "total_low", "total_high"]
        keys = ["factor", "output", "target", "unit", "period"]
        if not core.sobol:
            return pd.DataFrame(columns=keys + names)
        values = core.indices
        outputs: list[tuple[str, str, str | None, str]] = [
            ("score", t, u, p) for t, u, p in self._columns()
        ] + [("mean_abs_rank_shift", t, None, p) for t in core.targets for p in core.periods]
        factors = self.factors
        rows = [(f, *o) for o in outputs for f in factors]
        frame = pd.DataFrame(rows, columns=keys)
        for name in names:
            frame[name] = np.asarray(values[name]).ravel(order="C")
        return frame

    def spec(self, run: int) -> Pipeline:
        """The nominal pipeline with the run's choices; ``spec(i).run(tree, data(i))`` repeats run i."""
        return Pipeline._wrap(self._core.replication_spec(run))

    def data(self, run: int) -> Dataset:
        """The run's data set: the analysed one with the run's sampling draws (a copy without sampling).

        A draw outside an indicator's range (a share drawn above 1) makes :meth:`Pipeline.run`
        reject it against the indicator definitions; the analysis itself checks only its input.
        """
        return Dataset(self._core.replication_data(self._data, run))

    def plot_ranks(self, ax: Axes | None = None, target: str | None = None, period: str | None = None) -> Axes:
        """The rank of every unit: the nominal rank (dot), the median (cross) and the 5-95% interval
        of the runs (bar), units ordered by nominal rank (best on top). Returns the Axes."""
        import matplotlib.pyplot as plt

        core = self._core
        target = target if target is not None else core.targets[0]
        if period is None:
            if len(core.periods) != 1:
                msg = f"plot_ranks: the result has {len(core.periods)} periods; name one"
                raise ValueError(msg)
            period = core.periods[0]
        table = self.summary
        table = table[(table["target"] == target) & (table["period"] == period)]
        if table.empty:
            msg = f"plot_ranks: no target {target!r} with period {period!r} (targets: {', '.join(core.targets)})"
            raise ValueError(msg)
        table = table.sort_values("nominal_rank", na_position="last")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, max(3.0, 0.18 * len(table))))
        y = np.arange(len(table))
        ax.hlines(y, table["rank_q05"], table["rank_q95"], color="0.6", linewidth=2, label="5-95% of the runs")
        ax.plot(table["rank_median"], y, "x", color="tab:blue", label="median")
        ax.plot(table["nominal_rank"], y, "o", color="black", markersize=3, label="nominal")
        ax.set_yticks(y, table["unit"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel(f"rank of {target} ({period})")
        ax.set_title(f"Rank intervals over {core.distribution_runs} runs")
        ax.legend(loc="lower right", fontsize="small")
        return ax

    def __repr__(self) -> str:
        """One line: runs, factors and targets."""
        core = self._core
        return (
            f"<doelenboom.SensitivityResult: {core.runs} runs, {len(core.factors)} factors, "
            f"targets {', '.join(core.targets)}, {len(core.units)} units x {len(core.periods)} periods>"
        )
