"""doelenboom: monitoring the effect of cliëntondersteuning with goal trees and indicators.

The goal tree (:class:`GoalTree`) is a directed acyclic graph of goals and indicators; it is read
from YAML tree files or CSV edge lists, converted to and from pandas, drawn with Graphviz and
checked by the ``doelenboom`` command; :class:`Pipeline` aggregates a :class:`Dataset` of
indicator estimates up the tree into a :class:`PipelineResult`. Errors are :class:`Error` (a
ValueError) and its children :class:`ParseError`, :class:`TreeError`, :class:`DataError` and
:class:`PipelineError`; each carries ``problems``, a list of dicts (code, file, line, row, field,
ids, message).
"""

from __future__ import annotations

from ._core import DataError, Error, ParseError, PipelineError, TreeError, __version__
from ._core.data import Period
from .compare import compare, forecast, trend
from .dataset import Dataset
from .estimates import Pseudonymiser, estimate_prepost, estimate_reach, estimate_survey
from .examples import example_tree_path, example_trees
from .goal_tree import GoalTree, check_tree_file
from .indicators import IndicatorDefinition, IndicatorSet
from .monitoring import MonitoringRun
from .pipeline import Pipeline, PipelineResult
from .run import run, write_tables
from .sensitivity import SensitivityResult, sensitivity
from .signals import SignalRules, signals
from .units import Unit, UnitRegistry, cbs_size_class, gemeenten

# Show the errors as doelenboom.TreeError rather than doelenboom._core.TreeError in tracebacks.
for _error in (Error, ParseError, TreeError, DataError, PipelineError):
    _error.__module__ = __name__
del _error

__all__ = [
    "DataError",
    "Dataset",
    "Error",
    "GoalTree",
    "IndicatorDefinition",
    "IndicatorSet",
    "MonitoringRun",
    "ParseError",
    "Period",
    "Pipeline",
    "PipelineError",
    "PipelineResult",
    "Pseudonymiser",
    "SensitivityResult",
    "SignalRules",
    "TreeError",
    "Unit",
    "UnitRegistry",
    "__version__",
    "cbs_size_class",
    "check_tree_file",
    "compare",
    "estimate_prepost",
    "estimate_reach",
    "estimate_survey",
    "example_tree_path",
    "example_trees",
    "forecast",
    "gemeenten",
    "run",
    "sensitivity",
    "signals",
    "trend",
    "write_tables",
]
