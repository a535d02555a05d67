"""Stubs of doelenboom._core.sensitivity (python/src/sensitivity/register_sensitivity.cpp)."""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from doelenboom._core import _pybind11_type
from doelenboom._core.data import Dataset, IndicatorSet, UnitRegistry
from doelenboom._core.graph import GoalTree
from doelenboom._core.pipeline import PipelineSpec, _Matrix

class SensitivityResult(metaclass=_pybind11_type):
    """Result of run_sensitivity: scores and ranks runs x (targets * rows), column = target * rows + row."""

    summary_columns: list[str]
    @property
    def tree(self) -> GoalTree: ...
    @property
    def nominal_spec(self) -> PipelineSpec: ...
    @property
    def units(self) -> list[str]: ...
    @property
    def periods(self) -> list[str]: ...
    @property
    def targets(self) -> list[str]: ...
    @property
    def factors(self) -> list[dict[str, Any]]: ...
    @property
    def varied_edges(self) -> list[tuple[str, str, float, float]]: ...
    @property
    def data_indicators(self) -> list[str]: ...
    @property
    def runs(self) -> int: ...
    @property
    def base_rows(self) -> int: ...
    @property
    def sobol(self) -> bool: ...
    @property
    def distribution_runs(self) -> int: ...
    @property
    def unperturbed_cells(self) -> int: ...
    @property
    def scores(self) -> _Matrix: ...
    @property
    def ranks(self) -> _Matrix: ...
    @property
    def nominal_scores(self) -> _Matrix: ...
    @property
    def nominal_ranks(self) -> _Matrix: ...
    @property
    def rank_shift(self) -> _Matrix: ...
    @property
    def summary(self) -> _Matrix: ...
    @property
    def indices(self) -> dict[str, _Matrix]: ...
    def choices(self, run: int) -> dict[str, Any]: ...
    def parameters(self) -> tuple[npt.NDArray[np.int64], _Matrix, npt.NDArray[np.uint64]]: ...
    def replication_spec(self, run: int) -> PipelineSpec: ...
    def replication_data(self, data: Dataset, run: int) -> Dataset: ...

def run_sensitivity(
    tree: GoalTree,
    data: Dataset,
    spec: PipelineSpec,
    *,
    level_weight_noise: Mapping[str, float] = ...,
    node_weight_noise: Mapping[str, float] = ...,
    weight_sets: Sequence[Mapping[str, Mapping[str, float]]] = ...,
    normalisations: Sequence[PipelineSpec] = ...,
    aggregations: Sequence[str] = ...,
    imputations: Sequence[str] = ...,
    outliers: Sequence[str] = ...,
    leave_out: Sequence[str] = ...,
    sampling: str = "off",
    targets: Sequence[str] = ...,
    replications: int = 1000,
    seed: int = 0,
    threads: int = 0,
    sobol: bool = True,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    indicators: IndicatorSet | None = None,
    units: UnitRegistry | None = None,
) -> SensitivityResult: ...
