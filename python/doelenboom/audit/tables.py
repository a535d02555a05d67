"""The published tables the audit reads: from an output folder (the CSV files of the main job) or
from objects made in a notebook, as plain frames with the columns the relations use.

Data set tables (indicators.csv, estimates.csv, areas.csv) are read by the library's own reader
(:meth:`doelenboom.Dataset.read_csv`, which names file, row and field of every problem);
scores.csv, which has no reader of its own, is read here with the same wording.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._core import ParseError, raise_problems
from .._facade import core_of

if TYPE_CHECKING:
    from .._typing import PathLike, Problem

__all__ = ["DATASET_TABLES", "SCORE_COLUMNS", "dataset_frame", "read_dataset_csv", "read_scores_csv", "scores_frame"]

#: The data set tables an output folder holds, with the relations that read them.
DATASET_TABLES = ("indicators.csv", "estimates.csv", "areas.csv")
#: The columns of scores.csv the goal equations read.
SCORE_COLUMNS = ("unit", "period", "node", "score", "coverage")
_DATASET_COLUMNS = ("unit", "period", "indicator", "value", "n", "suppressed")


def dataset_frame(table: Any, name: str) -> pd.DataFrame:
    """unit, period, indicator (text), value, n (float), suppressed (bool) of a data set table: a
    :class:`~doelenboom.Dataset` or a DataFrame with those columns. A frame with an ``area``
    column (``MonitoringRun.areas``: unit is the gemeente) gets the area's unit id
    ``<unit>/<area>``, as areas.csv writes it. Values of suppressed rows are dropped."""
    if not isinstance(table, pd.DataFrame):
        from ..dataset import Dataset

        table = Dataset(core_of(table, Dataset, name, "a doelenboom.Dataset or a DataFrame")).to_pandas()
    missing = [c for c in _DATASET_COLUMNS if c not in table.columns and c != "n"]  # n is optional
    if missing:
        msg = f"{name}: missing column(s) {', '.join(repr(c) for c in missing)} (expected {', '.join(_DATASET_COLUMNS)})"
        raise ValueError(msg)
    unit = table["unit"].astype(str)
    if "area" in table.columns:
        unit = unit + "/" + table["area"].astype(str)
    suppressed = table["suppressed"].fillna(False).astype(bool).to_numpy()
    value = table["value"].to_numpy(dtype=float, na_value=math.nan).copy()
    value[suppressed] = math.nan
    n = table["n"].to_numpy(dtype=float, na_value=math.nan) if "n" in table.columns else math.nan
    return pd.DataFrame(
        {
            "unit": unit.to_numpy(dtype=object),
            "period": table["period"].astype(str).to_numpy(dtype=object),
            "indicator": table["indicator"].astype(str).to_numpy(dtype=object),
            "value": value,
            "n": n,
            "suppressed": suppressed,
        }
    )


def scores_frame(scores: Any) -> pd.DataFrame:
    """unit, period, node, score, coverage of a long scores table: a DataFrame (scores.csv,
    :meth:`doelenboom.PipelineResult.to_pandas`) or a :class:`~doelenboom.PipelineResult`."""
    if not isinstance(scores, pd.DataFrame):
        scores = scores.to_pandas()
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        msg = f"scores: missing column(s) {', '.join(repr(c) for c in missing)} (expected {', '.join(SCORE_COLUMNS)})"
        raise ValueError(msg)
    frame = scores.loc[:, list(SCORE_COLUMNS)].copy()
    for c in ("unit", "period", "node"):
        frame[c] = frame[c].astype(str).to_numpy(dtype=object)
    for c in ("score", "coverage"):
        frame[c] = frame[c].to_numpy(dtype=float, na_value=math.nan)
    return frame


def read_dataset_csv(path: Path, name: str) -> pd.DataFrame:
    """A data set table of an output folder; ParseError names file, row and field of a problem.

    Read with threshold 0: the audit takes the suppression marks as written, it does not suppress.
    """
    from ..dataset import Dataset

    return dataset_frame(Dataset.read_csv(path, suppression_threshold=0), name)


def _problem(path: PathLike, message: str, row: int | None = None, field: str | None = None) -> Problem:
    where = f"{os.fspath(path)}" + (f", row {row}" if row else "") + (f", field '{field}'" if field else "")
    return {"code": "bad_value" if row else "bad_file", "file": os.fspath(path), "line": row + 1 if row else None,
            "row": row, "field": field, "ids": [], "message": f"{where}: {message}"}


def read_scores_csv(path: Path) -> pd.DataFrame:
    """scores.csv of an output folder: the columns :data:`SCORE_COLUMNS`, numbers or blank.

    Every problem (a missing file or column, a value that is not a number) is raised at once as
    :class:`~doelenboom.ParseError` naming file, row and field.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise_problems(ParseError, [_problem(path, "cannot open file: No such file or directory")])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise_problems(ParseError, [_problem(path, f"not a readable CSV file ({error})")])
    problems = [
        _problem(path, f"missing required column '{c}' (columns are: {', '.join(raw.columns)})")
        for c in SCORE_COLUMNS
        if c not in raw.columns
    ]
    if not problems:
        for field in ("score", "coverage"):
            text = raw[field].str.strip()
            numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
            for row in [int(i) + 1 for i in (numbers.isna() & (text != "")).to_numpy().nonzero()[0]]:
                problems.append(_problem(path, f"'{text.iloc[row - 1]}' is not a number (expected a decimal "
                                               "number with '.' as the decimal point, or nothing)", row, field))
            raw[field] = numbers
    if problems:
        raise_problems(ParseError, problems)
    return scores_frame(raw)
