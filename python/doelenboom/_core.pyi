"""Type stubs for doelenboom._core, the compiled part of doelenboom (hand-written; keep in sync
with python/src/register_*.cpp)."""

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from ._typing import EdgeDict as EdgeDict
from ._typing import NodeDict as NodeDict
from ._typing import Problem as Problem

__version__: str
tree_format_version: int

class Error(ValueError):
    """Base of every doelenboom error; ``problems`` lists what was found."""

    problems: Sequence[Problem]

class ParseError(Error):
    """A file or table could not be read."""

class TreeError(Error):
    """The goal graph breaks a structural rule."""

class DataError(Error):
    """Measurement data is wrong."""

class PipelineError(Error):
    """A pipeline specification or run is wrong."""

_PathLike: TypeAlias = str | os.PathLike[str]
_NodeInput: TypeAlias = Mapping[str, Any] | Sequence[Any]
_EdgeInput: TypeAlias = Mapping[str, Any] | Sequence[Any]
_ParentInput: TypeAlias = str | tuple[str, float]

class GoalTree:
    """A validated goal tree; nodes are named by id."""

    def __init__(self) -> None: ...
    @staticmethod
    def build(
        nodes: Iterable[_NodeInput],
        edges: Iterable[_EdgeInput],
        levels: Sequence[str],
        *,
        name: str = "",
        description: str = "",
        source: str = "",
    ) -> GoalTree: ...
    @staticmethod
    def check(
        nodes: Iterable[_NodeInput],
        edges: Iterable[_EdgeInput],
        levels: Sequence[str],
        *,
        name: str = "",
        description: str = "",
        source: str = "",
    ) -> list[Problem]: ...
    @staticmethod
    def load_yaml(path: _PathLike) -> GoalTree: ...
    @staticmethod
    def load_yaml_string(text: str, source: str = "<string>") -> GoalTree: ...
    @staticmethod
    def load_csv(
        path: _PathLike,
        *,
        id: str = "id",
        parent: str = "parent",
        label: str = "label",
        level: str = "level",
        weight: str = "weight",
        direction: str = "direction",
        kind: str = "kind",
        description: str = "",
        indicator_kinds: Sequence[str] = ...,
        goal_kinds: Sequence[str] = ...,
        numeric_levels_ascend_upwards: bool = True,
    ) -> GoalTree: ...
    def to_yaml(self) -> str: ...
    def save_yaml(self, path: _PathLike) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def levels(self) -> list[str]: ...
    @property
    def num_edges(self) -> int: ...
    def __len__(self) -> int: ...
    def __contains__(self, id: str) -> bool: ...
    def ids(self) -> list[str]: ...
    def index_of(self, id: str) -> int: ...
    @property
    def nodes(self) -> list[NodeDict]: ...
    def node(self, id: str) -> NodeDict: ...
    @property
    def edges(self) -> list[EdgeDict]: ...
    @property
    def indicators(self) -> IndicatorSet: ...
    def with_indicators(self, indicators: IndicatorSet) -> GoalTree: ...
    def definition(self) -> dict[str, Any]: ...
    def weight(self, child: str, parent: str) -> float: ...
    def level_rank(self, id: str) -> int: ...
    def roots(self) -> list[str]: ...
    def leaves(self) -> list[str]: ...
    def children(self, id: str) -> list[str]: ...
    def parents(self, id: str) -> list[str]: ...
    def ancestors(self, id: str) -> list[str]: ...
    def descendants(self, id: str) -> list[str]: ...
    def topological_order(self) -> list[str]: ...
    def nodes_at_level(self, level: str) -> list[str]: ...
    def subtree(self, id: str) -> GoalTree: ...
    def effective_weights(self, ancestor: str) -> npt.NDArray[np.float64]: ...
    def effective_weight_matrix(self) -> npt.NDArray[np.float64]: ...
    def add_node(
        self,
        node: _NodeInput,
        parents: Iterable[_ParentInput] = (),
        definition: IndicatorDefinition | None = None,
    ) -> None: ...
    def remove_node(self, id: str) -> None: ...
    def add_edge(self, child: str, parent: str, weight: float = 1.0) -> None: ...
    def remove_edge(self, child: str, parent: str) -> None: ...
    def set_weight(self, child: str, parent: str, weight: float) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __copy__(self) -> GoalTree: ...
    def __deepcopy__(self, memo: dict[int, object]) -> GoalTree: ...
    def __getstate__(self) -> tuple[str]: ...
    def __setstate__(self, state: tuple[str]) -> None: ...

def check_tree_file(path: _PathLike) -> list[Problem]: ...
def is_valid_id(id: str) -> bool: ...
# ---- measurement data (python/src/data/register_data.cpp) -------------------------------------------

class Period:
    """A year ('2023'), quarter ('2023-Q2') or month ('2023-05')."""

    def __init__(self, value: str | int) -> None: ...
    @staticmethod
    def parse(text: str) -> Period | None: ...
    @staticmethod
    def from_ordinal(frequency: str, ordinal: int) -> Period: ...
    @property
    def frequency(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def sub(self) -> int: ...
    def ordinal(self) -> int: ...
    def next(self) -> Period: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __lt__(self, other: Period) -> bool: ...
    def __le__(self, other: Period) -> bool: ...
    def __gt__(self, other: Period) -> bool: ...
    def __ge__(self, other: Period) -> bool: ...

class IndicatorDefinition:
    """What an indicator measures, for which pillar, on which scale, and which way is better."""

    def __init__(
        self,
        id: str,
        label: str,
        pillar: str,
        kind: str,
        measure: str,
        *,
        direction: int = 1,
        rate_per: float = 1000.0,
        scale: str | tuple[str, float, float] | None = None,
        norm: float | None = None,
        goalposts: tuple[float, float] | None = None,
        unit: str = "",
        description: str = "",
    ) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def pillar(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def direction(self) -> int: ...
    @property
    def rate_per(self) -> float: ...
    @property
    def scale(self) -> tuple[str, float, float] | None: ...
    @property
    def norm(self) -> float | None: ...
    @property
    def goalposts(self) -> tuple[float, float] | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    def valid_range(self) -> tuple[float, float]: ...
    def check(self) -> list[Problem]: ...
    def __eq__(self, other: object) -> bool: ...

class IndicatorSet:
    """An ordered set of indicator definitions with lookup by id."""

    def __init__(self, definitions: Sequence[IndicatorDefinition] = ...) -> None: ...
    @staticmethod
    def load_yaml(path: _PathLike) -> IndicatorSet: ...
    @staticmethod
    def parse_yaml(text: str, source: str = "<string>") -> IndicatorSet: ...
    @staticmethod
    def check_yaml_file(path: _PathLike) -> list[Problem]: ...
    def to_yaml(self) -> str: ...
    def save_yaml(self, path: _PathLike) -> None: ...
    def __len__(self) -> int: ...
    @property
    def definitions(self) -> list[IndicatorDefinition]: ...
    def ids(self) -> list[str]: ...
    def find(self, id: str) -> IndicatorDefinition | None: ...
    def at(self, id: str) -> IndicatorDefinition: ...
    def __contains__(self, id: str) -> bool: ...
    def __eq__(self, other: object) -> bool: ...

def cbs_size_class(population: float) -> str: ...
def cbs_size_class_bounds() -> list[float]: ...

class Unit:
    """A gemeente, provider or area that data are about."""

    def __init__(
        self,
        id: str,
        name: str,
        *,
        type: str = "gemeente",
        parent: str = "",
        cbs_code: str = "",
        province: str = "",
        population: float = ...,
        land_area_km2: float = ...,
        labels: Mapping[str, str] = ...,
        baseline: Period | str | int | None = None,
    ) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def parent(self) -> str: ...
    @property
    def cbs_code(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def population(self) -> float: ...
    @property
    def land_area_km2(self) -> float: ...
    @property
    def labels(self) -> dict[str, str]: ...
    @property
    def baseline(self) -> Period | None: ...
    @property
    def size_class(self) -> str: ...
    def attribute(self, key: str) -> str | None: ...
    def numeric_attribute(self, key: str) -> float | None: ...

class UnitRegistry:
    """The units data are about, with lookup by id and name."""

    def __init__(self, units: Sequence[Unit] = ...) -> None: ...
    @staticmethod
    def load_gemeenten_csv(path: _PathLike) -> UnitRegistry: ...
    @staticmethod
    def load_csv(path: _PathLike) -> UnitRegistry: ...
    def save_csv(self, path: _PathLike) -> None: ...
    def __len__(self) -> int: ...
    @property
    def units(self) -> list[Unit]: ...
    def ids(self) -> list[str]: ...
    def find(self, id: str) -> Unit | None: ...
    def at(self, id: str) -> Unit: ...
    def find_by_name(self, name: str) -> Unit | None: ...
    def __contains__(self, id: str) -> bool: ...
    def subset(self, ids: Sequence[str]) -> UnitRegistry: ...
    def set_baseline(self, id: str, period: Period | str | int) -> None: ...
    def to_columns(self) -> dict[str, Any]: ...

_TextColumn: TypeAlias = (
    Sequence[str | None] | npt.NDArray[np.object_] | tuple[npt.NDArray[np.integer[Any]], Sequence[Any]]
)

class Dataset:
    """Estimates per (unit, period, indicator) with n, se, interval and suppression."""

    def __init__(self) -> None: ...
    @staticmethod
    def from_records(
        records: Iterable[Mapping[str, Any]],
        *,
        indicators: IndicatorSet | None = None,
        units: UnitRegistry | None = None,
        suppression_threshold: float = 10.0,
        source: str = "",
    ) -> Dataset: ...
    @staticmethod
    def from_columns(
        unit: _TextColumn,
        period: Sequence[str | int]
        | npt.NDArray[np.object_]
        | tuple[npt.NDArray[np.integer[Any]], Sequence[Any]],
        indicator: _TextColumn,
        value: npt.ArrayLike,
        *,
        n: npt.ArrayLike | None = None,
        se: npt.ArrayLike | None = None,
        ci_low: npt.ArrayLike | None = None,
        ci_high: npt.ArrayLike | None = None,
        suppressed: npt.ArrayLike | None = None,
        source: _TextColumn | None = None,
        method: _TextColumn | None = None,
        indicators: IndicatorSet | None = None,
        units: UnitRegistry | None = None,
        suppression_threshold: float = 10.0,
        source_name: str = "",
    ) -> Dataset: ...
    @staticmethod
    def read_csv(
        path: _PathLike,
        *,
        indicators: IndicatorSet | None = None,
        units: UnitRegistry | None = None,
        suppression_threshold: float = 10.0,
    ) -> Dataset: ...
    @staticmethod
    def check_csv(
        path: _PathLike,
        *,
        indicators: IndicatorSet | None = None,
        units: UnitRegistry | None = None,
        suppression_threshold: float = 10.0,
    ) -> list[Problem]: ...
    def write_csv(self, path: _PathLike) -> None: ...
    def __len__(self) -> int: ...
    @property
    def units(self) -> list[str]: ...
    @property
    def periods(self) -> list[str]: ...
    @property
    def indicators(self) -> list[str]: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def methods(self) -> list[str]: ...
    @property
    def frequency(self) -> str | None: ...
    @property
    def unit_codes(self) -> npt.NDArray[np.int32]: ...
    @property
    def period_codes(self) -> npt.NDArray[np.int32]: ...
    @property
    def indicator_codes(self) -> npt.NDArray[np.int32]: ...
    @property
    def source_codes(self) -> npt.NDArray[np.int32]: ...
    @property
    def method_codes(self) -> npt.NDArray[np.int32]: ...
    @property
    def values(self) -> npt.NDArray[np.float64]: ...
    @property
    def n(self) -> npt.NDArray[np.float64]: ...
    @property
    def se(self) -> npt.NDArray[np.float64]: ...
    @property
    def ci_low(self) -> npt.NDArray[np.float64]: ...
    @property
    def ci_high(self) -> npt.NDArray[np.float64]: ...
    @property
    def suppressed(self) -> npt.NDArray[np.bool_]: ...
    @property
    def suppressed_count(self) -> int: ...
    @property
    def suppression_threshold(self) -> float: ...
    def apply_suppression(self, threshold: float) -> None: ...
    def export_columns(self) -> dict[str, Any]: ...
    def record(self, row: int) -> dict[str, Any]: ...
    def export_records(self) -> list[dict[str, Any]]: ...
    def find(self, unit: str, period: Period | str | int, indicator: str) -> int | None: ...
    def concat(self, other: Dataset) -> Dataset: ...

# ---- estimates (python/src/estimate/register_estimates.cpp) -------------------------------------------

_I32: TypeAlias = npt.NDArray[np.int32]
_PeriodInput: TypeAlias = Period | str | int

missing_day: int

class Pseudonymiser:
    """Keyed pseudonyms: the first 8 bytes of HMAC-SHA-256(key, id), big-endian."""

    min_key_bytes: int
    def __init__(self, key: bytes | str) -> None: ...
    def __call__(self, id: str) -> int: ...
    def hex(self, id: str) -> str: ...
    def many(self, ids: Sequence[str | bytes]) -> npt.NDArray[np.uint64]: ...

# A column of a frame as the frame readers take it: numbers, Python objects, or (codes, categories).
_Cells: TypeAlias = npt.NDArray[Any] | list[Any] | tuple[npt.NDArray[np.int64], list[Any]]
_FieldColumns: TypeAlias = Mapping[str, str] | None

def pseudonymise_ids(
    ids: _Cells, key: Pseudonymiser, *, name: str = "id", source: str = "ids"
) -> npt.NDArray[np.uint64]: ...

class RegistrationColumns:
    unit: str
    period: str
    client: str
    hours: str
    referral: str
    referrer_contact: str
    channel: str
    life_domain: str
    start_date: str
    end_date: str
    def __init__(self) -> None: ...

class ResponseColumns:
    unit: str
    period: str
    instrument: str
    respondent: str
    item: str
    value: str
    def __init__(self) -> None: ...

class PrePostColumns:
    unit: str
    period: str
    client: str
    domain: str
    pre: str
    post: str
    def __init__(self) -> None: ...

class Item:
    """A questionnaire item: id, label, type (likert5, yes_no, grade), scale, reversed."""

    id: str
    label: str
    type: str
    scale: str
    reversed: bool
    def __init__(
        self, id: str, label: str = "", type: str = "likert5", scale: str = "", reversed: bool = False
    ) -> None: ...
    @property
    def min(self) -> float: ...
    @property
    def max(self) -> float: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...

def read_registrations_csv(
    path: _PathLike, key: Pseudonymiser, columns: RegistrationColumns = ..., units: UnitRegistry | None = None
) -> dict[str, Any]: ...
def check_registrations_csv(
    path: _PathLike, columns: RegistrationColumns = ..., units: UnitRegistry | None = None
) -> list[Problem]: ...
def read_registrations_frame(
    names: Sequence[str],
    cells: Sequence[_Cells],
    *,
    rows: int,
    key: Pseudonymiser,
    columns: RegistrationColumns | _FieldColumns = None,
    source: str = "DataFrame",
) -> dict[str, Any]: ...
def estimate_reach(
    unit: _I32,
    period: _I32,
    client: npt.NDArray[np.uint64],
    *,
    hours: npt.NDArray[np.float64] | None = None,
    referral: npt.NDArray[np.int8] | None = None,
    referrer_contact: npt.NDArray[np.int8] | None = None,
    channel: _I32 | None = None,
    life_domain: _I32 | None = None,
    start_day: _I32 | None = None,
    end_day: _I32 | None = None,
    unit_names: Sequence[str],
    periods: Sequence[_PeriodInput],
    channel_names: Sequence[str] = (),
    life_domain_names: Sequence[str] = (),
    source: str = "DataFrame",
    prefix: str = "reach.",
    phone_channel: str = "telefoon",
    rate_per: float = 1000.0,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> Dataset: ...
def load_items_yaml(path: _PathLike) -> list[Item]: ...
def parse_items_yaml(text: str, source: str = "<string>") -> list[Item]: ...
def check_items(items: Sequence[Item]) -> list[Problem]: ...
def items_of(entries: Sequence[Item | Mapping[str, Any]]) -> list[Item]: ...
def read_responses_csv(
    path: _PathLike,
    items: Sequence[Item],
    key: Pseudonymiser,
    columns: ResponseColumns = ...,
    units: UnitRegistry | None = None,
) -> dict[str, Any]: ...
def check_responses_csv(
    path: _PathLike, items: Sequence[Item], columns: ResponseColumns = ..., units: UnitRegistry | None = None
) -> list[Problem]: ...
def read_responses_frame(
    names: Sequence[str],
    cells: Sequence[_Cells],
    *,
    rows: int,
    items: Sequence[Item],
    key: Pseudonymiser,
    columns: ResponseColumns | _FieldColumns = None,
    source: str = "DataFrame",
) -> dict[str, Any]: ...
def check_responses(
    unit: _I32,
    period: _I32,
    respondent: npt.NDArray[np.uint64],
    item: _I32,
    value: npt.NDArray[np.float64],
    *,
    instrument: _I32 | None = None,
    unit_names: Sequence[str],
    periods: Sequence[_PeriodInput],
    instrument_names: Sequence[str] = (),
    items: Sequence[Item],
    source: str = "DataFrame",
) -> list[Problem]: ...
def estimate_survey(
    unit: _I32,
    period: _I32,
    respondent: npt.NDArray[np.uint64],
    item: _I32,
    value: npt.NDArray[np.float64],
    *,
    instrument: _I32 | None = None,
    unit_names: Sequence[str],
    periods: Sequence[_PeriodInput],
    instrument_names: Sequence[str] = (),
    items: Sequence[Item],
    source: str = "DataFrame",
    confidence: float = 0.95,
    per_instrument: bool = False,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> Dataset: ...
def read_prepost_csv(
    path: _PathLike,
    key: Pseudonymiser,
    columns: PrePostColumns = ...,
    min_score: int = 1,
    max_score: int = 5,
    units: UnitRegistry | None = None,
) -> dict[str, Any]: ...
def read_prepost_frame(
    names: Sequence[str],
    cells: Sequence[_Cells],
    *,
    rows: int,
    key: Pseudonymiser,
    columns: PrePostColumns | _FieldColumns = None,
    source: str = "DataFrame",
    min_score: int = 1,
    max_score: int = 5,
    reliability: float | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]: ...
def check_prepost_csv(
    path: _PathLike,
    columns: PrePostColumns = ...,
    min_score: int = 1,
    max_score: int = 5,
    units: UnitRegistry | None = None,
) -> list[Problem]: ...
def check_prepost(
    unit: _I32,
    period: _I32,
    client: npt.NDArray[np.uint64],
    domain: _I32,
    pre: npt.NDArray[np.float64],
    post: npt.NDArray[np.float64],
    *,
    unit_names: Sequence[str],
    periods: Sequence[_PeriodInput],
    domain_names: Sequence[str],
    source: str = "DataFrame",
    min_score: int = 1,
    max_score: int = 5,
    reliability: float | None = None,
    confidence: float = 0.95,
) -> list[Problem]: ...
def estimate_prepost(
    unit: _I32,
    period: _I32,
    client: npt.NDArray[np.uint64],
    domain: _I32,
    pre: npt.NDArray[np.float64],
    post: npt.NDArray[np.float64],
    *,
    unit_names: Sequence[str],
    periods: Sequence[_PeriodInput],
    domain_names: Sequence[str],
    source: str = "DataFrame",
    prefix: str = "zrm.",
    min_score: int = 1,
    max_score: int = 5,
    reliability: float | None = None,
    confidence: float = 0.95,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> tuple[Dataset, list[dict[str, Any]]]: ...

# ---- pipeline (register_pipeline.cpp) ---------------------------------------------------------

class PipelineSpec:
    """Settings of a pipeline run (docs/pipeline.md); compared by value."""

    def __init__(
        self,
        *,
        treatment: Mapping[str, Any] | None = None,
        normalise: Mapping[str, Any] | None = None,
        aggregate: Mapping[str, Any] | None = None,
        weights: str = "tree",
        levels: Mapping[str, Mapping[str, Any]] | None = None,
        nodes: Mapping[str, Mapping[str, Any]] | None = None,
        weight_overrides: Mapping[str, Mapping[str, float]] | None = None,
        confidence: float = 0.95,
        unused_data: str = "error",
    ) -> None: ...
    @staticmethod
    def from_yaml(text: str, source: str = "<string>") -> PipelineSpec: ...
    @staticmethod
    def load_yaml(path: _PathLike) -> PipelineSpec: ...
    def to_yaml(self) -> str: ...
    def save_yaml(self, path: _PathLike) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def check(self, tree: GoalTree) -> list[Problem]: ...
    @property
    def source(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    def __copy__(self) -> PipelineSpec: ...
    def __deepcopy__(self, memo: dict[int, object]) -> PipelineSpec: ...

_Matrix: TypeAlias = npt.NDArray[np.float64]

class PipelineResult:
    """Result of run_pipeline: rows (unit, period) unit-major, columns nodes in tree order."""

    @property
    def tree(self) -> GoalTree: ...
    @property
    def units(self) -> list[str]: ...
    @property
    def periods(self) -> list[str]: ...
    @property
    def rows(self) -> int: ...
    @property
    def confidence(self) -> float: ...
    @property
    def scores(self) -> _Matrix: ...
    @property
    def standard_errors(self) -> _Matrix: ...
    @property
    def lower(self) -> _Matrix: ...
    @property
    def upper(self) -> _Matrix: ...
    @property
    def coverage(self) -> _Matrix: ...
    @property
    def treated(self) -> _Matrix: ...
    def ranks(self) -> _Matrix: ...
    @property
    def audit(self) -> list[dict[str, Any]]: ...
    @property
    def audit_count(self) -> int: ...
    @property
    def unused_indicators(self) -> list[str]: ...
    def local_gradient(self, node: str) -> _Matrix: ...
    def contributions(self, node: str, level: str | None = None) -> tuple[list[str], _Matrix]: ...

def run_pipeline(
    tree: GoalTree,
    data: Dataset,
    spec: PipelineSpec,
    *,
    indicators: IndicatorSet | None = None,
    units: UnitRegistry | None = None,
) -> PipelineResult: ...

# ---- sensitivity analysis (register_sensitivity.cpp) ---------------------------------------------

class SensitivityResult:
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

# ---- comparisons and trends (register_compare.cpp) ----------------------------------------------

def koploper_table(
    result: PipelineResult,
    units: UnitRegistry | None = None,
    nodes: Sequence[str] = ...,
    report_units: Sequence[str] = ...,
    period: str | None = None,
    level: float = 0.95,
    alpha: float = 0.05,
    baseline: str | None = None,
    peer_attribute: str = "size_class",
    peer_list: Sequence[str] = ...,
    draws: int = 1000,
    seed: int = 0,
) -> dict[str, Any]: ...
def linear_trend(x: Sequence[float], y: Sequence[float], confidence: float = 0.95) -> dict[str, float]: ...
def trend_prediction(
    x: Sequence[float], y: Sequence[float], at: Sequence[float], level: float = 0.95
) -> dict[str, Any]: ...
def holt(
    y: Sequence[float],
    horizon: int = 2,
    level: float = 0.95,
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
    level: float = 0.95,
    alpha: float | None = None,
    beta: float | None = None,
) -> dict[str, Any]: ...

# ---- signals (register_signals.cpp) -----------------------------------------------------------

class SignalRules:
    """Rules of the signal engine (docs/signals.md); SignalRules() holds the defaults."""

    def __init__(self) -> None: ...
    @staticmethod
    def from_yaml(text: str, source: str = "<string>") -> SignalRules: ...
    @staticmethod
    def load_yaml(path: _PathLike) -> SignalRules: ...
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

# ---- monitoring (register_monitoring.cpp) ----

class MonitoringConfig:
    """A run config (docs/run-config.md)."""

    @staticmethod
    def load_yaml(path: _PathLike, default_gemeenten: _PathLike = ...) -> MonitoringConfig: ...
    def check(self) -> list[Problem]: ...
    @property
    def name(self) -> str: ...
    @property
    def fictitious(self) -> bool: ...
    @property
    def source(self) -> Path: ...
    @property
    def tree(self) -> Path: ...
    output: Path

class MonitoringResult:
    """The result of run_monitoring; tables leave as columns (dict of lists or arrays)."""

    @property
    def name(self) -> str: ...
    @property
    def fictitious(self) -> bool: ...
    @property
    def tree(self) -> GoalTree: ...
    @property
    def units(self) -> UnitRegistry: ...
    @property
    def estimates(self) -> Dataset: ...
    @property
    def indicator_data(self) -> Dataset: ...
    @property
    def indicators_without_data(self) -> list[str]: ...
    @property
    def result(self) -> PipelineResult: ...
    @property
    def baseline(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def compare_nodes(self) -> list[str]: ...
    @property
    def koplopers(self) -> dict[str, Any]: ...
    @property
    def signals(self) -> dict[str, list[Any]]: ...
    @property
    def trends(self) -> dict[str, list[Any]]: ...
    @property
    def forecasts(self) -> dict[str, list[Any]]: ...
    @property
    def stories(self) -> dict[str, list[str]]: ...
    @property
    def duiding(self) -> dict[str, list[str]]: ...
    @property
    def area_data(self) -> Dataset: ...
    @property
    def area_units(self) -> UnitRegistry: ...
    @property
    def peers(self) -> str: ...
    @property
    def output(self) -> Path: ...
    @property
    def data_dir(self) -> Path: ...
    def write_tables(self, directory: _PathLike) -> list[Path]: ...

def run_monitoring(
    config: MonitoringConfig, progress: Callable[[str, int, int], None] | None = None
) -> MonitoringResult: ...
def monitoring_table_names() -> list[str]: ...

# ---- partial statistics (register_partial.cpp; doelenboom.dask) ----------------------------

partition_position_bits: int

class _Partial:
    def __init__(self) -> None: ...
    def to_bytes(self) -> bytes: ...
    @property
    def rows(self) -> int: ...
    @property
    def source(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]

class ReachPartial(_Partial):
    @staticmethod
    def from_bytes(data: bytes) -> ReachPartial: ...
    @staticmethod
    def merge(a: ReachPartial, b: ReachPartial) -> ReachPartial: ...

class SurveyPartial(_Partial):
    @staticmethod
    def from_bytes(data: bytes) -> SurveyPartial: ...
    @staticmethod
    def merge(a: SurveyPartial, b: SurveyPartial) -> SurveyPartial: ...

class PrePostPartial(_Partial):
    @staticmethod
    def from_bytes(data: bytes) -> PrePostPartial: ...
    @staticmethod
    def merge(a: PrePostPartial, b: PrePostPartial) -> PrePostPartial: ...

def reach_partial(
    unit: _I32, period: _I32, client: npt.NDArray[np.uint64], *, position: int = 0, **columns: Any
) -> ReachPartial: ...
def estimate_reach_partial(
    partial: ReachPartial,
    *,
    prefix: str = "reach.",
    phone_channel: str = "telefoon",
    rate_per: float = 1000.0,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> Dataset: ...
def survey_partial(
    unit: _I32,
    period: _I32,
    respondent: npt.NDArray[np.uint64],
    item: _I32,
    value: npt.NDArray[np.float64],
    *,
    position: int = 0,
    **columns: Any,
) -> SurveyPartial: ...
def estimate_survey_partial(
    partial: SurveyPartial,
    *,
    confidence: float = 0.95,
    per_instrument: bool = False,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> Dataset: ...
def prepost_partial(
    unit: _I32,
    period: _I32,
    client: npt.NDArray[np.uint64],
    domain: _I32,
    pre: npt.NDArray[np.float64],
    post: npt.NDArray[np.float64],
    *,
    min_score: int = 1,
    max_score: int = 5,
    position: int = 0,
    **columns: Any,
) -> PrePostPartial: ...
def estimate_prepost_partial(
    partial: PrePostPartial,
    *,
    prefix: str = "zrm.",
    min_score: int = 1,
    max_score: int = 5,
    reliability: float | None = None,
    confidence: float = 0.95,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
) -> tuple[Dataset, list[dict[str, Any]]]: ...
