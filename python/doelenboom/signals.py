"""Signals (signaleren, sturen): which values of a pipeline result want attention, and why.

:func:`signals` runs the rule engine of the compiled core over a :class:`PipelineResult` and
returns one row per signal with the numbers behind it and one plain sentence (Dutch or English).
The rules and their defaults are in docs/signals.md; :class:`SignalRules` reads them from YAML.
No signal is computed from a suppressed value.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from . import _core
from ._typing import Problem
from .dataset import Dataset
from .goal_tree import GoalTree
from .pipeline import Pipeline, PipelineResult
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

PathLike: TypeAlias = "str | os.PathLike[str]"

__all__ = ["SIGNAL_COLUMNS", "SignalRules", "signals"]

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


class SignalRules:
    """The rules of the signal engine: ``SignalRules()`` holds the defaults, :meth:`load` reads a
    rules file (docs/signals.md), :meth:`from_dict` the same settings as a dict."""

    __slots__ = ("_core",)

    def __init__(self) -> None:
        self._core = _core.SignalRules()

    @classmethod
    def _wrap(cls, core: _core.SignalRules) -> SignalRules:
        self = cls.__new__(cls)
        self._core = core
        return self

    @property
    def core(self) -> _core.SignalRules:
        """The compiled rules (``doelenboom._core.SignalRules``)."""
        return self._core

    @classmethod
    def load(cls, path: PathLike) -> SignalRules:
        """Read a rules file; :class:`ParseError` lists every problem with file and line."""
        return cls._wrap(_core.SignalRules.load_yaml(os.fspath(path)))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<string>") -> SignalRules:
        """Read rules from YAML text."""
        return cls._wrap(_core.SignalRules.from_yaml(text, source))

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> SignalRules:
        """Rules from a dict with the keys of the rules file (``{"drop": {"alpha": 0.01}}``)."""
        # JSON is YAML, so the file reader checks the dict with the same messages.
        return cls._wrap(_core.SignalRules.from_yaml(json.dumps(dict(settings)), "<dict>"))

    @property
    def source(self) -> str:
        """The file the rules were read from, or empty."""
        return str(self._core.source)

    def check(self, tree: GoalTree | _core.GoalTree) -> list[Problem]:
        """Problems of the rules against a tree (unknown nodes, a norm on a goal)."""
        return list(self._core.check(tree.core if isinstance(tree, GoalTree) else tree))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SignalRules):
            return NotImplemented
        return bool(self._core == other._core)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        where = f" from {self.source}" if self.source else ""
        return f"<doelenboom.SignalRules{where}>"


def _rules(rules: object) -> _core.SignalRules:
    if rules is None:
        return _core.SignalRules()
    if isinstance(rules, SignalRules):
        return rules.core
    if isinstance(rules, _core.SignalRules):
        return rules
    if isinstance(rules, Mapping):
        return SignalRules.from_dict(rules).core
    if isinstance(rules, (str, os.PathLike)):
        return _core.SignalRules.load_yaml(os.fspath(rules))
    msg = f"rules must be None, a SignalRules, a path or a dict, not {type(rules).__name__}"
    raise TypeError(msg)


def _core_of(value: object, facade: type, core: type, what: str) -> Any:
    """The compiled object of a facade (or a compiled one as it is); None stays None."""
    if value is None or isinstance(value, core):
        return value
    if isinstance(value, facade):
        return value.core  # type: ignore[attr-defined]
    msg = f"{what} must be a doelenboom.{facade.__name__}, not {type(value).__name__}"
    raise TypeError(msg)


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
    result: PipelineResult | _core.PipelineResult,
    dataset: Dataset | _core.Dataset | None = None,
    units: UnitRegistry | _core.UnitRegistry | None = None,
    rules: SignalRules | PathLike | Mapping[str, Any] | None = None,
    language: str = "nl",
    pipeline: Pipeline | _core.PipelineSpec | None = None,
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
    core_result = _core_of(result, PipelineResult, _core.PipelineResult, "result")
    core_data = _core_of(dataset, Dataset, _core.Dataset, "dataset")
    core_units = _core_of(units, UnitRegistry, _core.UnitRegistry, "units")
    core_spec = _core_of(pipeline, Pipeline, _core.PipelineSpec, "pipeline")
    columns = _core.evaluate_signals(core_result, _rules(rules), core_data, core_units, core_spec)
    columns["message"] = columns.pop(f"message_{language}")
    columns.pop("message_en" if language == "nl" else "message_nl")
    return _signal_frame(columns, SIGNAL_COLUMNS)
