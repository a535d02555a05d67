"""Stubs of doelenboom._core.estimate (python/src/estimate/register_estimates.cpp and
register_partial.cpp): pseudonyms, the reach, survey and pre/post estimators and their partials."""

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from doelenboom._core import _pybind11_type
from doelenboom._core.data import Dataset, Period, UnitRegistry
from doelenboom._typing import PathLike, Problem

_I32: TypeAlias = npt.NDArray[np.int32]
_PeriodInput: TypeAlias = Period | str | int

missing_day: int

class Pseudonymiser(metaclass=_pybind11_type):
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

class RegistrationColumns(metaclass=_pybind11_type):
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

class ResponseColumns(metaclass=_pybind11_type):
    unit: str
    period: str
    instrument: str
    respondent: str
    item: str
    value: str
    def __init__(self) -> None: ...

class PrePostColumns(metaclass=_pybind11_type):
    unit: str
    period: str
    client: str
    domain: str
    pre: str
    post: str
    def __init__(self) -> None: ...

class Item(metaclass=_pybind11_type):
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
    path: PathLike, key: Pseudonymiser, columns: RegistrationColumns = ..., units: UnitRegistry | None = None
) -> dict[str, Any]: ...
def check_registrations_csv(
    path: PathLike, columns: RegistrationColumns = ..., units: UnitRegistry | None = None
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
    small_count_threshold: float = 5.0,
) -> Dataset: ...
def load_items_yaml(path: PathLike) -> list[Item]: ...
def parse_items_yaml(text: str, source: str = "<string>") -> list[Item]: ...
def check_items(items: Sequence[Item]) -> list[Problem]: ...
def items_of(entries: Sequence[Item | Mapping[str, Any]]) -> list[Item]: ...
def read_responses_csv(
    path: PathLike,
    items: Sequence[Item],
    key: Pseudonymiser,
    columns: ResponseColumns = ...,
    units: UnitRegistry | None = None,
) -> dict[str, Any]: ...
def check_responses_csv(
    path: PathLike, items: Sequence[Item], columns: ResponseColumns = ..., units: UnitRegistry | None = None
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
    small_count_threshold: float = 5.0,
) -> Dataset: ...
def read_prepost_csv(
    path: PathLike,
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
    path: PathLike,
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
    small_count_threshold: float = 5.0,
) -> tuple[Dataset, list[dict[str, Any]]]: ...

# ---- partial statistics (python/src/estimate/register_partial.cpp; doelenboom.dask) ----------

partition_position_bits: int

class _Partial(metaclass=_pybind11_type):
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
    position: int = 0,
) -> ReachPartial: ...
def estimate_reach_partial(
    partial: ReachPartial,
    *,
    prefix: str = "reach.",
    phone_channel: str = "telefoon",
    rate_per: float = 1000.0,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
    small_count_threshold: float = 5.0,
) -> Dataset: ...
def survey_partial(
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
    position: int = 0,
) -> SurveyPartial: ...
def estimate_survey_partial(
    partial: SurveyPartial,
    *,
    confidence: float = 0.95,
    per_instrument: bool = False,
    units: UnitRegistry | None = None,
    suppression_threshold: float = 10.0,
    small_count_threshold: float = 5.0,
) -> Dataset: ...
def prepost_partial(
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
    position: int = 0,
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
    small_count_threshold: float = 5.0,
) -> tuple[Dataset, list[dict[str, Any]]]: ...

change_share_suffixes: tuple[str, str, str]

def split_breakdown_unit_id(id: str) -> tuple[str, str, str] | None: ...
