"""Signals (signaleren, sturen): which values of a pipeline result want attention, and why.

:func:`signals` runs the rule engine of the compiled core over a :class:`PipelineResult` and
returns one row per signal with the numbers behind it and one plain sentence (Dutch or English).
The rules and their defaults are in docs/signals.md; :class:`SignalRules` reads them from YAML.
No signal is computed from a suppressed value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from ._core import data as _data
from ._core import graph as _graph
from ._core import pipeline as _pipeline
from ._core import signals as _signals
from ._facade import YamlFacade, core_of, core_or_none
from ._typing import Problem
from .dataset import Dataset
from .goal_tree import GoalTree
from .pipeline import Pipeline, PipelineResult
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

PathLike: TypeAlias = "str | os.PathLike[str]"

__all__ = ["RUN_SIGNAL_COLUMNS", "SIGNAL_COLUMNS", "SignalRules", "signals"]

#: The columns of :func:`signals`, in order.
SIGNAL_COLUMNS = (
    "unit",
    "period",
    "node",
    "rule",
    "severity",
    "value",
    "reference",
    "difference",
    "statistic",
    "p_value",
    "n",
    "message",
)
#: The columns of a monitoring run's signals (``MonitoringRun.signals``): those of :func:`signals`
#: with the area after the unit (empty for the whole unit) and the message in both languages.
RUN_SIGNAL_COLUMNS = ("unit", "area", *SIGNAL_COLUMNS[1:-1], "message_nl", "message_en")


class SignalRules(YamlFacade[_signals.SignalRules]):
    """The rules of the signal engine: ``SignalRules()`` holds the defaults, :meth:`load` reads a
    rules file (docs/signals.md), :meth:`from_dict` the same settings as a dict. Compared by value."""

    __slots__ = ()

    def __init__(self) -> None:
        self._core = _signals.SignalRules()

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> SignalRules:
        """Rules from a dict with the keys of the rules file (``{"drop": {"alpha": 0.01}}``), read by
        the file's reader: :class:`ParseError` lists every problem, each message starting with
        "signals: "."""
        return cls._wrap(_signals.SignalRules.from_settings(dict(settings)))

    @property
    def source(self) -> str:
        """The file the rules were read from, or empty."""
        return str(self._core.source)

    def check(self, tree: GoalTree | _graph.GoalTree) -> list[Problem]:
        """Problems of the rules against a tree (unknown nodes, a norm on a goal)."""
        return list(self._core.check(core_of(tree, GoalTree, "tree")))

    def __repr__(self) -> str:
        where = f" from {self.source}" if self.source else ""
        return f"<doelenboom.SignalRules{where}>"


def _rules(rules: object) -> _signals.SignalRules:
    """The compiled rules of None (the defaults), SignalRules, a rules file or a dict of settings."""
    if rules is None:
        return _signals.SignalRules()
    if isinstance(rules, Mapping):
        return SignalRules.from_dict(rules).core
    if isinstance(rules, (str, os.PathLike)):
        return _signals.SignalRules.load_yaml(os.fspath(rules))
    return core_of(rules, SignalRules, "rules", "None, a SignalRules, a path or a dict")


def _signal_frame(columns: Mapping[str, Any], names: tuple[str, ...]) -> pd.DataFrame:
    """The signals table from the compiled module's columns (``evaluate_signals``, and the run's
    ``signals``), with the columns ``names`` in order: the numbers as float64, ``severity`` an
    ordered categorical info < warning < alert."""
    import pandas as pd

    frame = pd.DataFrame(columns, columns=list(names))
    for name in ("value", "reference", "difference", "statistic", "p_value", "n"):
        frame[name] = frame[name].astype("float64")
    frame["severity"] = pd.Categorical(
        frame["severity"], categories=["info", "warning", "alert"], ordered=True
    )
    return frame


def signals(
    result: PipelineResult | _pipeline.PipelineResult,
    dataset: Dataset | _data.Dataset | None = None,
    units: UnitRegistry | _data.UnitRegistry | None = None,
    rules: SignalRules | PathLike | Mapping[str, Any] | None = None,
    language: str = "nl",
    pipeline: Pipeline | _pipeline.PipelineSpec | None = None,
) -> pd.DataFrame:
    """All signals of ``rules`` (default: the defaults) over a pipeline result, one row each.

    ``dataset`` (the data the result was computed from) adds n, skips unmeasured (imputed) cells
    and enables the suppressed-share rule; ``units`` gives names, baselines (nulmeting), peer
    groups and populations; ``pipeline`` (the spec the result was made with) lets the sentences
    say when a value was divided by a denominator ("uren per 1.000 inwoners"). Columns: unit, period, node (empty for a whole unit and period),
    rule, severity (info, warning, alert), value, reference, difference, statistic (z),
    p_value, n, message (in ``language``: "nl" or "en"). Ordered by unit, period, node, rule.
    """
    if language not in ("nl", "en"):
        msg = f"language must be 'nl' or 'en', not {language!r}"
        raise ValueError(msg)
    core_result = core_of(result, PipelineResult, "result")
    core_data = core_or_none(dataset, Dataset, "dataset")
    core_units = core_or_none(units, UnitRegistry, "units")
    core_spec = core_or_none(pipeline, Pipeline, "pipeline")
    columns = _signals.evaluate_signals(core_result, _rules(rules), core_data, core_units, core_spec)
    columns["message"] = columns.pop(f"message_{language}")
    columns.pop("message_en" if language == "nl" else "message_nl")
    return _signal_frame(columns, SIGNAL_COLUMNS)
