"""Stubs of doelenboom._core.compare (python/src/compare/register_compare.cpp): the koploper table
with its peer groups, linear trends and Holt forecasts."""

from collections.abc import Sequence
from typing import Any

from doelenboom._core import _pybind11_type
from doelenboom._core.data import UnitRegistry
from doelenboom._core.pipeline import PipelineResult

class PeerGroup(metaclass=_pybind11_type):
    """One unit's peer group: who it is compared with (docs/compare.md)."""

    @property
    def unit(self) -> str: ...
    @property
    def members(self) -> list[str]: ...
    @property
    def known(self) -> bool: ...
    @property
    def description(self) -> str: ...

class PeerGroups(metaclass=_pybind11_type):
    """The peer group of every unit, and the attribute they share (None: a list)."""

    @property
    def attribute(self) -> str | None: ...
    @property
    def units(self) -> list[PeerGroup]: ...

def koploper_table(
    result: PipelineResult,
    units: UnitRegistry | None = None,
    nodes: Sequence[str] = ...,
    unit_ids: Sequence[str] = ...,
    period: str | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
    baseline: str | None = None,
    peer_attribute: str = "size_class",
    peer_list: Sequence[str] = ...,
    draws: int = 1000,
    seed: int = 0,
) -> tuple[dict[str, Any], PeerGroups]: ...
def linear_trend(x: Sequence[float], y: Sequence[float], confidence: float = 0.95) -> dict[str, float]: ...
def trend_prediction(
    x: Sequence[float], y: Sequence[float], at: Sequence[float], confidence: float = 0.95
) -> dict[str, Any]: ...
def holt(
    y: Sequence[float],
    horizon: int = 2,
    confidence: float = 0.95,
    alpha: float | None = None,
    beta: float | None = None,
    initial_level: float | None = None,
    initial_trend: float | None = None,
) -> dict[str, Any]: ...
def unit_trend(result: PipelineResult, unit: str, node: str, confidence: float = 0.95) -> dict[str, Any]: ...
def unit_forecast(
    result: PipelineResult,
    unit: str,
    node: str,
    horizon: int = 2,
    confidence: float = 0.95,
    alpha: float | None = None,
    beta: float | None = None,
) -> dict[str, Any]: ...
