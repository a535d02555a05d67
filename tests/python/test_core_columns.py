"""The binding layer's shared column converters (python/src/core/columns.hpp, tables.hpp) through the
_core.estimate functions that take coded columns: the estimators, the checks and the mergeable
partials all merge period names that denote one period (rewriting the codes), agree with pandas on
the merged data, and report a column that is not 1-D or a name that is not a period with source,
field and value."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import doelenboom as db
from doelenboom._core import estimate
from doelenboom._core.data import Dataset as CoreDataset

UNIT_NAMES = ["GM0001", "GM0002"]
# Codes 0 and 1 name the same quarter; code 2 the next one.
MERGED_PERIODS = ["2023-Q1", "2023Q1", "2023-Q2"]
CANONICAL = {0: "2023-Q1", 1: "2023-Q1", 2: "2023-Q2"}
SOURCE = "frame X"
N = 400


def frame_of(dataset: CoreDataset) -> pd.DataFrame:
    return db.Dataset(dataset).to_pandas().set_index(["unit", "period", "indicator"])


def rows() -> pd.DataFrame:
    """Coded rows: unit and period codes, one client per row in 150, a likert answer, pre and post."""
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "unit": rng.integers(0, 2, N).astype(np.int32),
            "period": rng.integers(0, 3, N).astype(np.int32),
            "client": rng.integers(1, 150, N).astype(np.uint64),
            "value": rng.integers(1, 6, N).astype(np.float64),
            "pre": rng.integers(1, 6, N).astype(np.float64),
            "post": rng.integers(1, 6, N).astype(np.float64),
        }
    )


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = rows()
    d["unit_name"] = [UNIT_NAMES[u] for u in d["unit"]]
    d["period_name"] = [CANONICAL[p] for p in d["period"]]
    return d


def reach_args(d: pd.DataFrame) -> tuple[tuple[Any, ...], dict[str, Any]]:
    columns = (d["unit"].to_numpy(), d["period"].to_numpy(), d["client"].to_numpy())
    return columns, {"unit_names": UNIT_NAMES, "periods": MERGED_PERIODS, "source": SOURCE}


def survey_args(d: pd.DataFrame) -> tuple[tuple[Any, ...], dict[str, Any]]:
    columns = (
        d["unit"].to_numpy(),
        d["period"].to_numpy(),
        np.arange(len(d), dtype=np.uint64),
        np.zeros(len(d), dtype=np.int32),
        d["value"].to_numpy(),
    )
    items = [estimate.Item("q", "Question", "likert5")]
    return columns, {"unit_names": UNIT_NAMES, "periods": MERGED_PERIODS, "items": items, "source": SOURCE}


def prepost_args(d: pd.DataFrame) -> tuple[tuple[Any, ...], dict[str, Any]]:
    columns = (
        d["unit"].to_numpy(),
        d["period"].to_numpy(),
        np.arange(len(d), dtype=np.uint64),
        np.zeros(len(d), dtype=np.int32),
        d["pre"].to_numpy(),
        d["post"].to_numpy(),
    )
    return columns, {
        "unit_names": UNIT_NAMES,
        "periods": MERGED_PERIODS,
        "domain_names": ["wonen"],
        "source": SOURCE,
    }


def test_reach_merges_period_names_in_estimator_and_partial(data: pd.DataFrame) -> None:
    expected = data.groupby(["unit_name", "period_name"])["client"].nunique()
    assert len(expected) == 4
    columns, kwargs = reach_args(data)
    direct = frame_of(estimate.estimate_reach(*columns, **kwargs, suppression_threshold=0))
    partial = estimate.reach_partial(*columns, **kwargs)
    merged = frame_of(estimate.estimate_reach_partial(partial, suppression_threshold=0))
    for got in (direct, merged):
        assert set(got.index.get_level_values("period")) == {"2023-Q1", "2023-Q2"}
        for (unit, period), clients in expected.items():
            assert got.loc[(unit, period, "reach.clients")]["value"] == clients


def test_survey_merges_period_names_in_estimator_check_and_partial(data: pd.DataFrame) -> None:
    expected = data.groupby(["unit_name", "period_name"])["value"].mean()
    columns, kwargs = survey_args(data)
    assert estimate.check_responses(*columns, **kwargs) == []
    direct = frame_of(estimate.estimate_survey(*columns, **kwargs, suppression_threshold=0))
    partial = estimate.survey_partial(*columns, **kwargs)
    merged = frame_of(estimate.estimate_survey_partial(partial, suppression_threshold=0))
    for got in (direct, merged):
        for (unit, period), mean in expected.items():
            assert math.isclose(got.loc[(unit, period, "q.mean")]["value"], mean, rel_tol=1e-12)


def test_prepost_merges_period_names_and_shift_tables_equal_a_crosstab(data: pd.DataFrame) -> None:
    columns, kwargs = prepost_args(data)
    assert estimate.check_prepost(*columns, **kwargs) == []
    _, direct = estimate.estimate_prepost(*columns, **kwargs, reliability=0.8, suppression_threshold=0)
    partial = estimate.prepost_partial(*columns, **kwargs)
    _, merged = estimate.estimate_prepost_partial(partial, reliability=0.8, suppression_threshold=0)
    for shifts in (direct, merged):
        assert len(shifts) == 4
        for table in shifts:
            group = data[(data["unit_name"] == table["unit"]) & (data["period_name"] == table["period"])]
            counts = pd.crosstab(group["pre"], group["post"]).reindex(
                index=range(1, 6), columns=range(1, 6), fill_value=0
            )
            assert table["domain"] == "wonen"
            assert (table["min"], table["max"], table["suppressed"]) == (1, 5, False)
            assert table["n"] == len(group)
            assert table["improved"] == int((group["post"] > group["pre"]).sum())
            assert table["same"] == int((group["post"] == group["pre"]).sum())
            assert table["worse"] == int((group["post"] < group["pre"]).sum())
            assert table["counts"].dtype == np.int64
            np.testing.assert_array_equal(table["counts"], counts.to_numpy())


Args = Callable[[pd.DataFrame], tuple[tuple[Any, ...], dict[str, Any]]]
# Each function that takes coded columns, how to build its arguments and its third column (the pseudonyms).
CALLS: list[tuple[Callable[..., Any], Args, str]] = [
    (estimate.estimate_reach, reach_args, "client"),
    (estimate.reach_partial, reach_args, "client"),
    (estimate.check_responses, survey_args, "respondent"),
    (estimate.estimate_survey, survey_args, "respondent"),
    (estimate.survey_partial, survey_args, "respondent"),
    (estimate.check_prepost, prepost_args, "client"),
    (estimate.estimate_prepost, prepost_args, "client"),
    (estimate.prepost_partial, prepost_args, "client"),
]
IDS = [call.__name__ for call, _, _ in CALLS]


@pytest.mark.parametrize(("call", "args", "field"), CALLS, ids=IDS)
def test_a_column_that_is_not_1d_names_source_and_field(
    data: pd.DataFrame, call: Callable[..., Any], args: Args, field: str
) -> None:
    columns, kwargs = args(data)
    columns = (*columns[:2], columns[2].reshape(-1, 2), *columns[3:])
    with pytest.raises(db.DataError) as info:
        call(*columns, **kwargs)
    assert str(info.value) == f"frame X, field '{field}': the column has 2 dimensions (expected a 1-D array)"
    assert [(p["code"], p["file"], p["field"]) for p in info.value.problems] == [("bad_shape", SOURCE, field)]


@pytest.mark.parametrize(("call", "args", "field"), CALLS, ids=IDS)
def test_a_name_that_is_not_a_period_names_its_position_and_value(
    data: pd.DataFrame, call: Callable[..., Any], args: Args, field: str
) -> None:
    columns, kwargs = args(data)
    kwargs["periods"] = ["2023-Q1", True, "2023-Q2"]
    with pytest.raises(db.DataError) as info:
        call(*columns, **kwargs)
    assert str(info.value) == (
        "frame X, field 'period': period 1 True is not a period "
        "(expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')"
    )
    assert [(p["code"], p["field"]) for p in info.value.problems] == [("bad_period", "period")]
