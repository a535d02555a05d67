"""Stubs of doelenboom._core.compare (python/src/compare/register_compare.cpp): the koploper table,
linear trends and Holt forecasts."""

from collections.abc import Sequence
from typing import Any

from doelenboom._core.data import UnitRegistry
from doelenboom._core.pipeline import PipelineResult

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
) -> dict[str, Any]: ...
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
