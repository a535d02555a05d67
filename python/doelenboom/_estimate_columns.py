"""What :mod:`doelenboom.estimates` and :mod:`doelenboom.dask` share: a DataFrame's columns handed
to the compiled readers, which check every cell as they check a CSV file (flag words, dates,
numbers, ids, periods, items, scores; the rows and column names of the frame in messages), the
arguments and options of the compiled estimators, and the shift tables as a frame.

Only conversion happens here: each column goes over as :func:`doelenboom._cells.cells_of` gives it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from ._cells import cells_of
from ._core import data as _data
from ._core import estimate as _estimate
from ._core.estimate import Item, Pseudonymiser
from ._facade import core_or_none
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PREPOST_COLUMNS",
    "REACH_COLUMNS",
    "SURVEY_COLUMNS",
    "Key",
    "PrePostOptions",
    "ReachOptions",
    "SurveyOptions",
    "Units",
    "core_options",
    "pseudonymiser",
    "read_prepost",
    "read_reach",
    "read_survey",
    "shift_frame",
    "with_defaults",
]

Key: TypeAlias = bytes | str | Pseudonymiser
Units: TypeAlias = UnitRegistry | _data.UnitRegistry | None
Arguments: TypeAlias = tuple[tuple[Any, ...], dict[str, Any]]

#: Fields of a registrations frame (RegistrationColumns); unit, period and client are required.
REACH_COLUMNS = (
    "unit",
    "period",
    "client",
    "hours",
    "referral",
    "referrer_contact",
    "channel",
    "life_domain",
    "start_date",
    "end_date",
)
#: Fields of an answers frame (ResponseColumns); all but instrument are required.
SURVEY_COLUMNS = ("unit", "period", "instrument", "respondent", "item", "value")
#: Fields of a pre/post frame (PrePostColumns); all are required.
PREPOST_COLUMNS = ("unit", "period", "client", "domain", "pre", "post")
# Fields whose cells are numbers (or yes/no flags): a numeric column goes over as numbers.
_NUMBER_FIELDS = frozenset({"hours", "referral", "referrer_contact", "value", "pre", "post"})
# The options of the pre/post estimator that its reader checks too.
_PREPOST_CHECKED = ("min_score", "max_score", "reliability", "confidence")


class _FrameOptions(TypedDict, total=False):
    columns: Mapping[str, str] | None
    source: str
    suppression_threshold: float
    small_count_threshold: float


class ReachOptions(_FrameOptions, total=False):
    """The keyword options of :func:`doelenboom.estimate_reach` (its defaults apply)."""

    prefix: str
    phone_channel: str
    rate_per: float


class SurveyOptions(_FrameOptions, total=False):
    """The keyword options of :func:`doelenboom.estimate_survey` (its defaults apply)."""

    per_instrument: bool
    confidence: float


class PrePostOptions(_FrameOptions, total=False):
    """The keyword options of :func:`doelenboom.estimate_prepost` (its defaults apply)."""

    prefix: str
    min_score: int
    max_score: int
    reliability: float | None
    confidence: float


def pseudonymiser(key: Key) -> Pseudonymiser:
    return key if isinstance(key, Pseudonymiser) else Pseudonymiser(key)


def _frame(df: pd.DataFrame, fields: Sequence[str], columns: Mapping[str, str] | None) -> dict[str, Any]:
    """The names, cells and row count of a frame, and the field -> column mapping, for a reader."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        msg = f"expected a pandas DataFrame, not {type(df).__name__}"
        raise TypeError(msg)
    mapping = {str(field): str(column) for field, column in (columns or {}).items()}
    field_of = {mapping.get(field, field): field for field in fields}
    names = [str(c) for c in df.columns]
    cells = [
        cells_of(df.iloc[:, i], numbers=field_of.get(name) in _NUMBER_FIELDS) for i, name in enumerate(names)
    ]
    return {"names": names, "cells": cells, "rows": len(df), "columns": mapping}


def _split(table: dict[str, Any], positional: Sequence[str]) -> Arguments:
    """A table read by the compiled module as the arguments of its estimators and partials."""
    return tuple(table.pop(name) for name in positional), table


def read_reach(df: pd.DataFrame, key: Key, columns: Mapping[str, str] | None, source: str) -> Arguments:
    """The arguments of ``_estimate.estimate_reach`` (and ``_estimate.reach_partial``) for a frame: its
    columns coded and pseudonymised; DataError lists every problem."""
    frame = _frame(df, REACH_COLUMNS, columns)
    table = _estimate.read_registrations_frame(**frame, key=pseudonymiser(key), source=source)
    return _split(table, ("unit", "period", "client"))


def read_survey(
    df: pd.DataFrame, items: list[Item], key: Key, columns: Mapping[str, str] | None, source: str
) -> Arguments:
    """The arguments of ``_estimate.estimate_survey`` (and ``_estimate.survey_partial``) for a frame."""
    frame = _frame(df, SURVEY_COLUMNS, columns)
    table = _estimate.read_responses_frame(**frame, items=items, key=pseudonymiser(key), source=source)
    return _split(table, ("unit", "period", "respondent", "item", "value"))


def read_prepost(
    df: pd.DataFrame,
    key: Key,
    columns: Mapping[str, str] | None,
    source: str,
    options: Mapping[str, Any],
) -> Arguments:
    """The arguments of ``_estimate.estimate_prepost`` (and ``_estimate.prepost_partial``) for a frame. The
    reader checks the scores on the scale and the options it knows of ``options`` (min_score,
    max_score, reliability, confidence), as the CSV reader does."""
    frame = _frame(df, PREPOST_COLUMNS, columns)
    checked = {name: options[name] for name in _PREPOST_CHECKED if name in options}
    table = _estimate.read_prepost_frame(**frame, key=pseudonymiser(key), source=source, **checked)
    return _split(table, ("unit", "period", "client", "domain", "pre", "post"))


def core_options(units: Units, **options: Any) -> dict[str, Any]:
    """The options of a compiled estimator: as given, with the unit registry compiled (and the
    score bounds as int, as the compiled module takes them)."""
    out = dict(options, units=core_or_none(units, UnitRegistry, "units"))
    for name in ("min_score", "max_score"):
        if name in out:
            out[name] = int(out[name])
    return out


def with_defaults(
    estimator: Callable[..., Any], names: type[Any], options: Mapping[str, Any]
) -> dict[str, Any]:
    """``options`` (keys of the TypedDict ``names``) completed with the defaults of ``estimator``'s
    keyword parameters, so that the dask estimators take the options of the single-process ones,
    defaults included, from one place; TypeError for an option that is not one of them."""
    wanted = tuple(names.__annotations__)
    unknown = sorted(set(options) - set(wanted))
    if unknown:
        msg = f"{estimator.__name__}() got unexpected keyword arguments: {', '.join(unknown)}"
        raise TypeError(msg)
    parameters = inspect.signature(estimator).parameters
    return {name: options.get(name, parameters[name].default) for name in wanted}


def shift_frame(tables: list[dict[str, Any]]) -> pd.DataFrame:
    """The shift tables (dicts from _core) as one long frame."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for t in tables:
        levels = range(t["min"], t["max"] + 1)
        for i, pre_level in enumerate(levels):
            for j, post_level in enumerate(levels):
                count = None if t["suppressed"] else int(t["counts"][i, j])
                rows.append(
                    {
                        "unit": t["unit"],
                        "period": t["period"],
                        "domain": t["domain"],
                        "pre": pre_level,
                        "post": post_level,
                        "count": count,
                        "suppressed": t["suppressed"],
                    }
                )
    shifts = pd.DataFrame(rows, columns=["unit", "period", "domain", "pre", "post", "count", "suppressed"])
    shifts["count"] = shifts["count"].astype("Int64")
    return shifts
