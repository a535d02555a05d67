"""Stubs of doelenboom._core.signals (python/src/signals/register_signals.cpp): rules and the engine."""

from typing import Any

from doelenboom._core import _pybind11_type
from doelenboom._core.data import Dataset, UnitRegistry
from doelenboom._core.graph import GoalTree
from doelenboom._core.pipeline import PipelineResult, PipelineSpec
from doelenboom._typing import PathLike, Problem

class SignalRules(metaclass=_pybind11_type):
    """Rules of the signal engine (docs/signals.md); SignalRules() holds the defaults."""

    def __init__(self) -> None: ...
    @staticmethod
    def from_yaml(text: str, source: str = "<string>") -> SignalRules: ...
    @staticmethod
    def load_yaml(path: PathLike) -> SignalRules: ...
    @staticmethod
    def from_settings(settings: dict[str, Any]) -> SignalRules: ...
    def check(self, tree: GoalTree) -> list[Problem]: ...
    @property
    def source(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...

def evaluate_signals(
    result: PipelineResult,
    rules: SignalRules,
    data: Dataset | None = None,
    units: UnitRegistry | None = None,
    spec: PipelineSpec | None = None,
) -> dict[str, list[Any]]: ...
