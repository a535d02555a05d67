"""The aggregation pipeline: from indicator estimates bottom-up through the goal tree to every goal.

:class:`Pipeline` holds the settings (treatment -> normalisation -> weighting -> aggregation,
globally and per level and node) and runs them with the compiled engine; :class:`PipelineResult`
gives scores, standard errors, intervals, coverage, ranks, contributions and the audit table as
pandas objects. The methods and their formulas are described in ``docs/pipeline.md``.

Rows of every wide table are a MultiIndex (unit, period) — every unit of the data set times every
period, unit-major — and columns are the node ids in tree order (``tree.ids``). Missing is NaN.
"""

from __future__ import annotations

import copy
import html
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._core import data as _data
from ._core import graph as _graph
from ._core import pipeline as _pipeline
from ._facade import UnitPeriodFacade, YamlFileFacade, core_of, core_or_none
from .dataset import Dataset, as_core_dataset
from .goal_tree import GoalTree
from .indicators import IndicatorSet, as_core_indicators
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

    from ._typing import Problem

__all__ = ["REMAINDER", "Pipeline", "PipelineResult"]

PathLike: TypeAlias = str | os.PathLike[str]
#: Either a method name or a dict of that section's settings.
Section: TypeAlias = str | Mapping[str, Any]
WeightsArg: TypeAlias = str | Mapping[str, Mapping[str, float]]

#: The ``part`` of :meth:`PipelineResult.contributions` for paths that bypass the level asked for.
REMAINDER = "(remainder)"
_AUDIT_COLUMNS = ("unit", "period", "indicator", "old", "new", "why")
_PREVIEW_ROWS = 5


def _section(
    value: Section | None, name: str, where: str, *, shorthand: bool = True
) -> dict[str, Any] | None:
    """A settings section as a dict; a string is the method name (normalise, aggregate)."""
    if value is None:
        return None
    if shorthand and isinstance(value, str):
        return {"method": value}
    if isinstance(value, Mapping):
        return dict(value)
    if shorthand:
        expected = f"a method name such as {'minmax' if name == 'normalise' else 'arithmetic'!r} or a dict of settings"
    else:
        expected = "a dict of settings such as {'imputation': 'mean', 'outliers': 'winsorise'}"
    msg = f"{where}{name} must be {expected}, not {type(value).__name__}"
    raise TypeError(msg)


def _overrides(
    value: object, kind: str, weight_overrides: dict[str, dict[str, float]]
) -> dict[str, dict[str, Any]]:
    """Per-level or per-node settings with the shorthands expanded.

    A node's ``weights`` may be a dict {child: weight}: it goes into ``weight_overrides``.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        msg = f"{kind} must be a dict {{{kind[:-1]}: {{setting: value}}}}, not {type(value).__name__}"
        raise TypeError(msg)
    out: dict[str, dict[str, Any]] = {}
    for key, item in value.items():
        settings: object = item
        where = f"{kind[:-1]} {key!r}: "
        if not isinstance(settings, Mapping):
            msg = f"{where}the settings must be a dict such as {{'aggregate': 'geometric'}}, not {type(settings).__name__}"
            raise TypeError(msg)
        section = dict(settings)
        for name in ("normalise", "aggregate"):
            if name in section:
                section[name] = _section(section[name], name, where)
        if "treatment" in section:
            section["treatment"] = _section(section["treatment"], "treatment", where, shorthand=False)
        weights = section.get("weights")
        if isinstance(weights, Mapping):
            if kind != "nodes":
                msg = f"{where}weights must be 'tree' or 'equal' (weights per child are given per node)"
                raise TypeError(msg)
            weight_overrides.setdefault(str(key), {}).update({str(c): w for c, w in weights.items()})
            del section["weights"]
        out[str(key)] = section
    return out


def _span(periods: list[str]) -> str:
    """ "3 (2020 &ndash; 2022)" for the summary table."""
    if not periods:
        return "0"
    first, last = html.escape(periods[0]), html.escape(periods[-1])
    return f"{len(periods)} ({first})" if first == last else f"{len(periods)} ({first} &ndash; {last})"


class Pipeline(YamlFileFacade[_pipeline.PipelineSpec]):
    """Settings of the aggregation: treatment -> normalisation -> weighting -> aggregation.

    Every setting is given globally and may be overridden per level (``levels``, by level name)
    and per node (``nodes``, by node id), field by field: node beats level beats global.

    - ``normalise``: a method name — ``"none"``, ``"minmax"`` (to ``low``..``high``, default
      0..100), ``"zscore"`` (to ``mean``, ``sd``), ``"goalposts"`` (fixed, from the indicator
      definitions), ``"distance_to_target"``, ``"rank"``, ``"percentile_rank"`` — or a dict with
      the method's parameters, e.g. ``{"method": "minmax", "low": 1, "high": 100}``; also
      ``"scope": "all_periods"`` to take min, max, mean and sd over every period at once.
    - ``aggregate``: ``"arithmetic"``, ``"geometric"``, ``"harmonic"``, ``"min"`` (weakest link)
      or ``"median"``, or a dict such as ``{"method": "geometric", "min_coverage": 0.75}``:
      a node is computed when its children with a value carry at least ``min_coverage`` of its
      weight (default 0.5), the weights then renormalised over them.
    - ``weights``: ``"tree"`` (the edge weights), ``"equal"``, or a dict ``{parent: {child:
      weight}}`` replacing the listed children's weights (the others keep the tree's).
    - ``treatment``: a dict of ``denominator`` (a unit attribute such as ``"population"``),
      ``denominator_scale``, ``imputation`` (``"none"``, ``"mean"``, ``"median"``,
      ``"group_mean"`` with ``impute_group``, ``"locf"``), ``outliers`` (``"none"``,
      ``"winsorise"``, ``"log"``), ``skew_threshold``, ``kurtosis_threshold``, ``winsorise_max``.
    - ``levels`` / ``nodes``: ``{name: {"normalise": ..., "aggregate": ..., "treatment": {...},
      "weights": "equal"}}`` with the same shorthands; a node's ``weights`` may also be
      ``{child: weight}``.
    - ``unused_data``: ``"error"`` (default) — data for ids that are not in the tree raise
      :class:`~doelenboom.PipelineError` — or ``"ignore"``: they are left out and listed in
      :attr:`PipelineResult.unused_indicators`.
    - ``confidence``: of the intervals (default 0.95).

    Unknown method names, unknown settings and values of the wrong type raise
    :class:`~doelenboom.PipelineError` listing every problem; whether the settings fit a tree is
    checked by :meth:`check` and by :meth:`run`. A Pipeline is saved as YAML (:meth:`save`,
    :meth:`to_yaml`; the format is in ``docs/pipeline.md``) and compares by value (every setting;
    the file a spec came from does not count).
    """

    __slots__ = ()

    def __init__(
        self,
        normalise: Section = "minmax",
        aggregate: Section = "arithmetic",
        weights: WeightsArg = "tree",
        treatment: Mapping[str, Any] | None = None,
        levels: Mapping[str, Mapping[str, Any]] | None = None,
        nodes: Mapping[str, Mapping[str, Any]] | None = None,
        unused_data: str = "error",
        confidence: float = 0.95,
        weight_overrides: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        """Build the settings (see the class documentation); nothing is checked against a tree yet."""
        overrides: dict[str, dict[str, float]] = {}
        for parent, children in (weight_overrides or {}).items():
            overrides.setdefault(str(parent), {}).update(dict(children))
        source: Any = weights
        if isinstance(weights, Mapping):
            for parent, given in weights.items():
                per_child: object = given
                if not isinstance(per_child, Mapping):
                    msg = f"weights[{parent!r}] must be a dict {{child: weight}}, not {type(per_child).__name__}"
                    raise TypeError(msg)
                overrides.setdefault(str(parent), {}).update(dict(per_child))
            source = "tree"
        level_settings = _overrides(levels, "levels", overrides)
        node_settings = _overrides(nodes, "nodes", overrides)
        self._core = _pipeline.PipelineSpec(
            treatment=_section(treatment, "treatment", "", shorthand=False),
            normalise=_section(normalise, "normalise", ""),
            aggregate=_section(aggregate, "aggregate", ""),
            weights=source,
            levels=level_settings,
            nodes=node_settings,
            weight_overrides=overrides,
            confidence=confidence,
            unused_data=unused_data,
        )

    # ---- as data (load, from_yaml, to_yaml and save: YamlFileFacade) -----------------------

    def to_dict(self) -> dict[str, Any]:
        """Every setting as plain data; ``Pipeline(**p.to_dict()) == p``."""
        return self._core.to_dict()

    # ---- running --------------------------------------------------------------------------

    def check(self, tree: GoalTree | _graph.GoalTree) -> list[Problem]:
        """Every problem of the settings against a tree (unknown levels, nodes and children, bad
        ranges and weights, settings given to the wrong kind of node), as problem dicts."""
        return self._core.check(core_of(tree, GoalTree, "tree"))

    def run(
        self,
        tree: GoalTree | _graph.GoalTree,
        dataset: Dataset | _data.Dataset | pd.DataFrame,
        units: UnitRegistry | _data.UnitRegistry | None = None,
        indicators: IndicatorSet | _data.IndicatorSet | PathLike | None = None,
        *,
        reference_period: str | int | None = None,
    ) -> PipelineResult:
        """Run over every unit and period of the data set, in one call of the compiled engine.

        ``dataset`` is a :class:`~doelenboom.Dataset` (or a DataFrame of estimates, converted with
        :meth:`Dataset.from_pandas` with the ``indicators`` and ``units`` given here). ``units`` (a
        :class:`~doelenboom.UnitRegistry`) is needed for denominators and group imputation;
        ``indicators`` (an :class:`~doelenboom.IndicatorSet` or the path of an indicators file)
        gives goalposts, norms and directions — by default the definitions the tree carries, if
        any. The data are checked against those definitions however they were built (a share of
        73 instead of 0.73 is an error naming the row, field and value, as
        :meth:`Dataset.from_pandas` with ``indicators`` words it). Under ``normalise: {scope:
        reference}`` the scale is that of ``reference_period`` (default the first period of the
        data), so that changes over time are the units' own. The GIL is released during the run.
        Raises :class:`~doelenboom.PipelineError` listing every problem of the settings or the data.
        """
        core_tree = core_of(tree, GoalTree, "tree")
        core_units = core_or_none(units, UnitRegistry, "units")
        core_indicators = as_core_indicators(indicators)
        core_data = as_core_dataset(dataset, core_indicators, core_units)
        # Without indicators, run_pipeline takes the definitions the tree carries (if any).
        result = _pipeline.run_pipeline(
            core_tree,
            core_data,
            self._core,
            indicators=core_indicators,
            units=core_units,
            reference_period=reference_period,
        )
        return PipelineResult(result)

    # ---- comparison and display -----------------------------------------------------------

    def __copy__(self) -> Pipeline:
        """An independent copy."""
        return Pipeline._wrap(copy.copy(self._core))

    def __deepcopy__(self, memo: dict[int, object]) -> Pipeline:
        """An independent copy."""
        return Pipeline._wrap(copy.copy(self._core))

    def __getstate__(self) -> str:
        """Pickled as its YAML text."""
        return self.to_yaml()

    def __setstate__(self, state: str) -> None:
        """Unpickle from the YAML text."""
        self._core = _pipeline.PipelineSpec.from_yaml(state)

    def __repr__(self) -> str:
        """One line: the global methods and the number of overrides."""
        d = self._core.to_dict()
        n, a = d["normalise"], d["aggregate"]
        norm = n["method"]
        if n["method"] in {"minmax", "goalposts", "distance_to_target", "percentile_rank"}:
            norm += f" {n['low']:g}..{n['high']:g}"
        elif n["method"] == "zscore":
            norm += f" (mean {n['mean']:g}, sd {n['sd']:g})"
        parts = [f"normalise={norm}", f"aggregate={a['method']} (min_coverage {a['min_coverage']:g})"]
        parts.append(f"weights={d['weights']}")
        treatment = d["treatment"]
        treated = [
            f"{k}={treatment[k]}"
            for k in ("denominator", "imputation", "outliers")
            if treatment[k] not in ("", "none")
        ]
        if treated:
            parts.append("treatment " + " ".join(treated))
        counts = [(len(d[k]), k[:-1]) for k in ("levels", "nodes", "weight_overrides")]
        counts[2] = (counts[2][0], "weight override")
        extra = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts if n]
        if extra:
            parts.append("overrides for " + ", ".join(extra))
        if d["unused_data"] != "error":
            parts.append(f"unused_data={d['unused_data']}")
        if d["confidence"] != 0.95:
            parts.append(f"confidence={d['confidence']:g}")
        return f"<doelenboom.Pipeline {', '.join(parts)}>"


class PipelineResult(UnitPeriodFacade[_pipeline.PipelineResult]):
    """The result of :meth:`Pipeline.run`.

    Wide tables (:attr:`scores`, :attr:`standard_errors`, :attr:`coverage`, :attr:`ranks`,
    :attr:`treated`) have a row MultiIndex (unit, period) and one column per node, in tree order;
    each access builds a new DataFrame that owns a copy of the numbers (the compiled matrices
    themselves are read-only numpy views in :attr:`core`). Missing is NaN. Suppressed cells of the
    data set are blank in every indicator column; they still count in the aggregates above them.
    """

    __slots__ = ("_columns", "_ids", "_rows")

    def __init__(self, core: _pipeline.PipelineResult) -> None:
        """Wrap a compiled result (as :meth:`Pipeline.run` does)."""
        self._core = core
        self._ids: list[str] = core.tree.ids()
        self._rows: pd.MultiIndex | None = None
        self._columns: pd.Index | None = None

    # ---- shape ----------------------------------------------------------------------------

    @property
    def tree(self) -> GoalTree:
        """The goal tree of the run (a copy)."""
        return GoalTree._wrap(copy.copy(self._core.tree))

    @property
    def nodes(self) -> list[str]:
        """Node ids of the columns, in tree order."""
        return list(self._ids)

    @property
    def confidence(self) -> float:
        """Confidence level of :attr:`intervals`."""
        return self._core.confidence

    @property
    def unused_indicators(self) -> list[str]:
        """Data set indicator ids that are not in the tree, left out under ``unused_data="ignore"``."""
        return self._core.unused_indicators

    @property
    def index(self) -> pd.MultiIndex:
        """The row index of the wide tables: (unit, period), unit-major."""
        import pandas as pd

        if self._rows is None:
            self._rows = pd.MultiIndex.from_product(
                [pd.Index(self.units, dtype=object), pd.Index(self.periods, dtype=object)],
                names=["unit", "period"],
            )
        return self._rows

    @property
    def columns(self) -> pd.Index:
        """The column index of the wide tables: node ids in tree order, named ``node``."""
        import pandas as pd

        if self._columns is None:
            self._columns = pd.Index(self._ids, dtype=object, name="node")
        return self._columns

    def _frame(self, values: np.ndarray, columns: pd.Index | None = None) -> pd.DataFrame:
        """A wide DataFrame owning a copy of a rows x columns matrix."""
        import pandas as pd

        data = np.array(values, dtype=np.float64, order="F", copy=True)
        return pd.DataFrame(
            data, index=self.index, columns=self.columns if columns is None else columns, copy=False
        )

    # ---- wide tables ----------------------------------------------------------------------

    @property
    def scores(self) -> pd.DataFrame:
        """Node scores: normalised values for indicators, aggregates for goals."""
        return self._frame(self._core.scores)

    @property
    def standard_errors(self) -> pd.DataFrame:
        """Standard errors by the delta method (independent indicator errors, docs/pipeline.md)."""
        return self._frame(self._core.standard_errors)

    @property
    def coverage(self) -> pd.DataFrame:
        """Share of each node's weight carried by children with a value (indicators: 1 or 0)."""
        return self._frame(self._core.coverage)

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks per period and node among the units: 1 = best (highest score), ties take the
        lowest rank, missing stays NaN. float64 (so that missing is NaN as elsewhere);
        ``.astype("Int64")`` gives integers with ``<NA>``."""
        return self._frame(self._core.ranks())

    @property
    def treated(self) -> pd.DataFrame:
        """Indicator values after treatment, before normalisation (indicator columns only)."""
        frame = self._frame(self._core.treated)
        return frame[self._core.tree.leaves()]

    @property
    def intervals(self) -> pd.DataFrame:
        """Interval bounds at :attr:`confidence`: score ∓ z·se, with z the normal quantile.

        One row per (unit, period) and a column MultiIndex (node, bound) with bound ``"low"`` and
        ``"high"``, so ``result.intervals["zelfregie"]`` is a two-column table and
        ``result.intervals.xs("low", axis=1, level="bound")`` the lower bounds of every node in
        the layout of :attr:`scores`. :meth:`to_pandas` has the same numbers as a long table.
        """
        import pandas as pd

        lower, upper = self._core.lower, self._core.upper
        data = np.empty((lower.shape[0], 2 * lower.shape[1]), dtype=np.float64, order="F")
        data[:, 0::2] = lower
        data[:, 1::2] = upper
        columns = pd.MultiIndex.from_product([self._ids, ["low", "high"]], names=["node", "bound"])
        return self._frame(data, columns)

    # ---- long tables ----------------------------------------------------------------------

    def _row_labels(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit and period labels (object arrays) of row numbers."""
        periods = len(self.periods)
        units = np.empty(len(self.units), dtype=object)
        units[:] = self.units
        period_names = np.empty(periods, dtype=object)
        period_names[:] = self.periods
        return units[rows // periods], period_names[rows % periods]

    def contributions(self, node: str, level: str | None = None) -> pd.DataFrame:
        """Each descendant's share in a node's score, for every unit and period.

        A long table with the columns unit, period, part and value. With ``level=None`` the parts
        are the node's indicators; with a level name (e.g. ``"activiteit"``) the node's
        descendants at that level, plus a part :data:`REMAINDER` for the paths that reach an
        indicator without passing that level. A part is ``d score / d part · score(part)``
        (docs/pipeline.md), so the parts of a row sum to the node's score: exactly and linearly
        for the arithmetic mean, and by Euler's theorem for the other methods. Rows where the node
        has no score are left out; a suppressed indicator's part is NaN. Parts follow node order,
        rows follow :attr:`scores`.
        """
        import pandas as pd

        parts, values = self._core.contributions(node, level)
        names = [*parts, REMAINDER] if level is not None else list(parts)
        values = values if level is not None else values[:, : len(parts)]
        score = self._core.scores[:, self._ids.index(node)]
        rows = np.flatnonzero(~np.isnan(score))
        unit, period = self._row_labels(rows)
        k = len(names)
        part = np.empty(k, dtype=object)
        part[:] = names
        return pd.DataFrame(
            {
                "unit": np.repeat(unit, k),
                "period": np.repeat(period, k),
                "part": np.tile(part, len(rows)),
                "value": np.ascontiguousarray(values[rows]).ravel(),
            }
        )

    @property
    def audit(self) -> pd.DataFrame:
        """Every value changed by treatment: unit, period, indicator, old (NaN when imputed), new, why."""
        import pandas as pd

        frame = pd.DataFrame(self._core.audit, columns=list(_AUDIT_COLUMNS))
        return frame.astype({"old": np.float64, "new": np.float64})

    def to_pandas(self) -> pd.DataFrame:
        """Everything per (unit, period, node) as one long table: unit, period, node, score, se,
        low, high, coverage, rank — for plotting and filtering (``df.query("node == 'zelfregie'")``)."""
        import pandas as pd

        core = self._core
        rows, n = core.scores.shape
        unit, period = self._row_labels(np.arange(rows))
        node = np.empty(n, dtype=object)
        node[:] = self._ids

        def flat(matrix: np.ndarray) -> np.ndarray:
            """Row by row, the nodes within a row."""
            return np.asarray(matrix).ravel(order="C")

        return pd.DataFrame(
            {
                "unit": np.repeat(unit, n),
                "period": np.repeat(period, n),
                "node": np.tile(node, rows),
                "score": flat(core.scores),
                "se": flat(core.standard_errors),
                "low": flat(core.lower),
                "high": flat(core.upper),
                "coverage": flat(core.coverage),
                "rank": flat(core.ranks()),
            }
        )

    # ---- display --------------------------------------------------------------------------

    def __repr__(self) -> str:
        """One line: units, periods, nodes, confidence, audit entries and unused indicators."""
        core = self._core
        units, periods = len(core.units), len(core.periods)
        unused = len(core.unused_indicators)
        text = (
            f"<doelenboom.PipelineResult: {units} unit{'' if units == 1 else 's'} x {periods} "
            f"period{'' if periods == 1 else 's'}, {len(self._ids)} nodes, confidence {core.confidence:g}, "
            f"{core.audit_count} audit entr{'y' if core.audit_count == 1 else 'ies'}"
        )
        if unused:
            text += f", {unused} unused indicator{'' if unused == 1 else 's'}"
        return text + ">"

    def _repr_html_(self) -> str:
        """A summary and the roots' scores of the first rows."""
        core = self._core
        periods = core.periods
        summary = [
            ("units", str(len(core.units))),
            ("periods", _span(periods)),
            ("nodes", str(len(self._ids))),
            ("confidence", f"{core.confidence:g}"),
            ("audit entries", str(core.audit_count)),
            ("unused indicators", html.escape(", ".join(core.unused_indicators)) or "none"),
        ]
        parts = ['<div class="doelenboom-pipeline-result"><table>']
        parts += [f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>" for k, v in summary]
        parts.append("</table>")
        roots = core.tree.roots()[:5]
        shown = min(core.rows, _PREVIEW_ROWS)
        if roots and shown:
            columns = [self._ids.index(r) for r in roots]
            parts.append("<table><tr><th>unit</th><th>period</th>")
            parts += [f"<th>{html.escape(r)}</th>" for r in roots]
            parts.append("</tr>")
            unit, period = self._row_labels(np.arange(shown))
            for row in range(shown):
                cells = "".join(f"<td>{core.scores[row, c]:.4g}</td>" for c in columns)
                parts.append(
                    f"<tr><td>{html.escape(unit[row])}</td><td>{html.escape(period[row])}</td>{cells}</tr>"
                )
            parts.append("</table>")
            if core.rows > shown:
                parts.append(f"<p>… {core.rows - shown} more rows</p>")
        parts.append("</div>")
        return "".join(parts)
