"""Estimates from client-level data: reach (registrations), survey (questionnaires) and pre/post
(ZRM) per unit and period, computed by the compiled library (docs/estimates.md).

Each function takes a pandas DataFrame whose columns are named as in the C++ ``*Columns`` structs
(rename them with ``columns={"field": "your column"}``), pseudonymises the client or respondent
column with a keyed hash (HMAC-SHA-256, the key of at least 16 bytes stays with you; each distinct
id is hashed once), codes the categorical columns as int32 and returns a :class:`~doelenboom.Dataset`
with n, se, interval, method and suppression of small cells. Bad input raises
:class:`~doelenboom.DataError` naming the row, field, value and what was expected.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._core import DataError
from ._core import data as _data
from ._core import estimate as _estimate
from ._core.estimate import Item, Pseudonymiser
from ._facade import core_or_none
from .dataset import Dataset
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

    from ._typing import Problem

__all__ = [
    "PREPOST_COLUMNS",
    "REACH_COLUMNS",
    "SURVEY_COLUMNS",
    "Item",
    "PrePostResult",
    "Pseudonymiser",
    "estimate_prepost",
    "estimate_reach",
    "estimate_survey",
    "load_items",
    "pseudonymise",
]

PathLike: TypeAlias = str | os.PathLike[str]
Key: TypeAlias = bytes | str | Pseudonymiser
Units: TypeAlias = UnitRegistry | _data.UnitRegistry | None

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

_YES = frozenset({"1", "ja", "yes", "true", "j", "y"})
_NO = frozenset({"0", "nee", "no", "false", "n"})
_MAX_LISTED = 20  # problems of one kind listed in a message


# ---- problems -------------------------------------------------------------------------------


class _Problems:
    """Collects problems and raises one DataError listing them, as the C++ readers do."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []
        self._per_code: dict[str, int] = {}

    def add(self, code: str, what: str, *, row: int | None = None, field: str | None = None) -> None:
        count = self._per_code.get(code, 0) + 1
        self._per_code[code] = count
        if count > _MAX_LISTED:
            return
        where = self.source
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        self.items.append(
            {
                "code": code,
                "file": self.source,
                "line": None,
                "row": row,
                "field": field,
                "ids": [],
                "message": f"{where}: {what}",
            }
        )

    def raise_if_any(self) -> None:
        if not self.items:
            return
        for code, count in sorted(self._per_code.items()):
            if count > _MAX_LISTED:
                more = count - _MAX_LISTED
                self.items.append(
                    {
                        "code": code,
                        "file": self.source,
                        "line": None,
                        "row": None,
                        "field": None,
                        "ids": [],
                        "message": f"{self.source}: ... and {more} more problems of kind '{code}'",
                    }
                )
        if len(self.items) == 1:
            message = self.items[0]["message"]
        else:
            message = f"{len(self.items)} problems:" + "".join(f"\n  {p['message']}" for p in self.items)
        error = DataError(message)
        error.problems = self.items
        raise error


# ---- columns --------------------------------------------------------------------------------


def _frame_columns(
    df: pd.DataFrame,
    fields: Sequence[str],
    required: Sequence[str],
    columns: Mapping[str, str] | None,
    problems: _Problems,
) -> dict[str, str]:
    """field -> DataFrame column for the fields present; unknown and missing columns are problems."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        msg = f"expected a pandas DataFrame, not {type(df).__name__}"
        raise TypeError(msg)
    mapping = dict(columns or {})
    for field in mapping:
        if field not in fields:
            problems.add(
                "bad_option",
                f"columns names an unknown field '{field}' (expected one of: {', '.join(fields)})",
            )
    names = {field: mapping.get(field, field) for field in fields}
    present = {str(c) for c in df.columns}
    known = set(names.values())
    for column in df.columns:
        if str(column) not in known:
            problems.add(
                "unknown_column",
                f"unknown column '{column}' (expected only: {', '.join(names[f] for f in fields)}; "
                "select the columns you mean, or rename them with columns={field: column})",
            )
    for field in required:
        if names[field] not in present:
            problems.add(
                "missing_column",
                f"missing required column '{names[field]}' (columns are: {', '.join(map(str, df.columns))})",
            )
    problems.raise_if_any()
    return {field: name for field, name in names.items() if name in present}


def _text_codes(
    series: pd.Series, field: str, problems: _Problems, *, required: bool
) -> tuple[np.ndarray, list[str]]:
    """int32 codes (-1 = missing) and the distinct texts in order of appearance."""
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int32)
    if isinstance(uniques, np.ndarray) and uniques.dtype.kind in "iu":
        # Whole numbers (the usual client ids) in one go: the same texts as _id_text, never empty.
        names = [str(u) for u in uniques.tolist()]
    else:
        names = [_id_text(u) for u in uniques]
        # An empty text is missing too, as an empty CSV cell is.
        for i, name in enumerate(names):
            if name.strip() == "":
                codes[codes == i] = -1
    if required:
        for row in np.flatnonzero(codes < 0)[: _MAX_LISTED + 1]:
            problems.add(
                "missing_value",
                f"empty {field} (expected a value in every row)",
                row=int(row) + 1,
                field=field,
            )
    return codes, names


def _id_text(value: Any) -> str:
    """An id as the CSV reader sees it: 123 and 123.0 (an int column with gaps) are '123'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _key(key: Key) -> Pseudonymiser:
    return key if isinstance(key, Pseudonymiser) else Pseudonymiser(key)


def pseudonymise(ids: pd.Series | Sequence[Any], key: Key) -> np.ndarray:
    """Pseudonyms (uint64) of ids: each distinct id is hashed once, as text ('123' for 123 or 123.0).
    Equal to ``int.from_bytes(hmac.new(key, str(id).encode(), 'sha256').digest()[:8], 'big')``.
    Missing ids raise DataError."""
    import pandas as pd

    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype=object)
    problems = _Problems("ids")
    out = _pseudonyms(series, _key(key), "id", problems)
    problems.raise_if_any()
    return out


def _pseudonyms(series: pd.Series, key: Pseudonymiser, field: str, problems: _Problems) -> np.ndarray:
    codes, names = _text_codes(series, field, problems, required=True)
    hashed = key.many(names)
    out = np.zeros(len(codes), dtype=np.uint64)
    ok = codes >= 0
    out[ok] = hashed[codes[ok]]
    return out


def _periods(series: pd.Series, problems: _Problems) -> tuple[np.ndarray, list[Any]]:
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int32)
    for row in np.flatnonzero(codes < 0)[: _MAX_LISTED + 1]:
        problems.add(
            "missing_value",
            "empty period (expected 2023, 2023-Q2 or 2023-05)",
            row=int(row) + 1,
            field="period",
        )
    periods: list[Any] = []
    for value in uniques:
        if isinstance(value, pd.Period):
            periods.append(str(value))  # '2023', '2023Q2', '2023-05'
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            periods.append(int(value))
        else:
            periods.append(_id_text(value))
    return codes, periods


def _texts(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped text of every cell and the mask of missing cells (NaN, None, empty text)."""
    text = series.astype("string").str.strip()
    missing = (series.isna() | (text == "")).to_numpy(dtype=bool, na_value=True)
    return text, missing


def _floats(series: pd.Series, field: str, problems: _Problems) -> np.ndarray:
    """float64, NaN for missing; a cell that is not a number is a problem naming its row."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    text, missing = _texts(series)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    out = np.ascontiguousarray(numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    for row in np.flatnonzero(np.isnan(out) & ~missing)[: _MAX_LISTED + 1]:
        value = series.iloc[row]
        hint = "; use '.' as the decimal point" if isinstance(value, str) and "," in value else ""
        problems.add("bad_value", f"'{value}' is not a number{hint}", row=int(row) + 1, field=field)
    return out


_FLAG_WORDS = dict.fromkeys(_YES, 1.0) | dict.fromkeys(_NO, 0.0) | {"1.0": 1.0, "0.0": 0.0}


def _flags(series: pd.Series, field: str, problems: _Problems) -> np.ndarray:
    """int8 1/0, -1 = not recorded; accepts bools, 1/0 and ja/nee, yes/no, true/false."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        x = series.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(x)
        flags = np.where(missing, np.nan, np.where(x == 1.0, 1.0, np.where(x == 0.0, 0.0, np.nan)))
    else:
        text, missing = _texts(series)
        flags = text.str.lower().map(_FLAG_WORDS).to_numpy(dtype=np.float64, na_value=np.nan)
    for row in np.flatnonzero(np.isnan(flags) & ~missing)[: _MAX_LISTED + 1]:
        problems.add(
            "bad_flag",
            f"{series.iloc[row]!r} (expected ja/nee, yes/no, true/false, 1/0 or empty)",
            row=int(row) + 1,
            field=field,
        )
    return np.ascontiguousarray(np.where(np.isnan(flags), -1, flags), dtype=np.int8)


def _days(series: pd.Series, field: str, problems: _Problems) -> np.ndarray:
    """int32 days since 1970-01-01, missing_day for a missing date."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        dates = series
    else:
        dates = pd.to_datetime(series, errors="coerce", format="ISO8601")
        _, blank = _texts(series)
        for row in np.flatnonzero(dates.isna().to_numpy() & ~blank)[: _MAX_LISTED + 1]:
            problems.add(
                "bad_date",
                f"date '{series.iloc[row]}' (expected an ISO date YYYY-MM-DD)",
                row=int(row) + 1,
                field=field,
            )
    missing = dates.isna().to_numpy()
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    out = np.where(missing, _estimate.missing_day, days)
    return np.ascontiguousarray(out, dtype=np.int32)


# ---- reach ----------------------------------------------------------------------------------


def estimate_reach(
    df: pd.DataFrame,
    key: Key,
    units: Units = None,
    *,
    columns: Mapping[str, str] | None = None,
    prefix: str = "reach.",
    phone_channel: str = "telefoon",
    rate_per: float = 1000.0,
    suppression_threshold: float = 10,
    source: str = "DataFrame",
) -> Dataset:
    """Bereik (reach) per unit and period from registrations, one row per contact.

    Columns (see :data:`REACH_COLUMNS`): unit, period, client (required); hours (NaN = not
    recorded), referral and referrer_contact (bool, 1/0, ja/nee; missing = not recorded), channel
    and life_domain (text), start_date and end_date (dates; a missing end = still open; both or
    neither). With ``units`` (a :class:`UnitRegistry` with populations) unknown units are errors and
    ``clients_per_<rate_per>`` is estimated. See docs/estimates.md for every indicator.
    """
    args, kwargs = _reach_columns(df, key, columns, source)
    kwargs.update(_reach_options(prefix, phone_channel, rate_per, units, suppression_threshold))
    return Dataset(_estimate.estimate_reach(*args, source=source, **kwargs))


def _reach_options(
    prefix: str, phone_channel: str, rate_per: float, units: Units, suppression_threshold: float
) -> dict[str, Any]:
    """The options of ``_estimate.estimate_reach`` (and ``_estimate.estimate_reach_partial``), converted."""
    return {
        "prefix": prefix,
        "phone_channel": phone_channel,
        "rate_per": float(rate_per),
        "units": core_or_none(units, UnitRegistry, "units"),
        "suppression_threshold": float(suppression_threshold),
    }


def _reach_columns(
    df: pd.DataFrame, key: Key, columns: Mapping[str, str] | None, source: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of ``_estimate.estimate_reach`` (and ``_estimate.reach_partial``) for a frame: the
    coded, pseudonymised columns; DataError lists every problem."""
    problems = _Problems(source)
    cols = _frame_columns(df, REACH_COLUMNS, ("unit", "period", "client"), columns, problems)
    if ("start_date" in cols) != ("end_date" in cols):
        problems.add(
            "missing_column", "the frame has only one of start_date and end_date (expected both or neither)"
        )
    pseudonymiser = _key(key)
    unit, unit_names = _text_codes(df[cols["unit"]], "unit", problems, required=True)
    period, periods = _periods(df[cols["period"]], problems)
    client = _pseudonyms(df[cols["client"]], pseudonymiser, "client", problems)
    kwargs: dict[str, Any] = {}
    if "hours" in cols:
        kwargs["hours"] = _floats(df[cols["hours"]], "hours", problems)
    for field in ("referral", "referrer_contact"):
        if field in cols:
            kwargs[field] = _flags(df[cols[field]], field, problems)
    if "channel" in cols:
        kwargs["channel"], kwargs["channel_names"] = _text_codes(
            df[cols["channel"]], "channel", problems, required=False
        )
    if "life_domain" in cols:
        kwargs["life_domain"], kwargs["life_domain_names"] = _text_codes(
            df[cols["life_domain"]], "life_domain", problems, required=False
        )
    if "start_date" in cols and "end_date" in cols:
        kwargs["start_day"] = _days(df[cols["start_date"]], "start_date", problems)
        kwargs["end_day"] = _days(df[cols["end_date"]], "end_date", problems)
    problems.raise_if_any()
    kwargs["unit_names"] = unit_names
    kwargs["periods"] = periods
    return (unit, period, client), kwargs


# ---- survey ---------------------------------------------------------------------------------


def load_items(items: PathLike | Sequence[Item | Mapping[str, Any]]) -> list[Item]:
    """Items from an items YAML file (a path, or YAML text when the str holds a line break), or
    from Item objects or dicts with the keys id, label, type, scale, reversed. ParseError or
    DataError list every problem (unknown keys with file and line, duplicate ids, scales)."""
    if isinstance(items, (str, os.PathLike)):
        text = os.fspath(items)
        if isinstance(text, str) and "\n" in text:
            return list(_estimate.parse_items_yaml(text))
        return list(_estimate.load_items_yaml(text))
    out: list[Item] = []
    for position, entry in enumerate(items):
        if isinstance(entry, Item):
            out.append(entry)
            continue
        unknown = set(entry) - {"id", "label", "type", "scale", "reversed"}
        if unknown:
            msg = f"item {position + 1}: unknown keys {sorted(unknown)} (expected id, label, type, scale, reversed)"
            raise DataError(msg)
        out.append(Item(**dict(entry)))
    found = _estimate.check_items(out)
    if found:
        message = (
            found[0]["message"]
            if len(found) == 1
            else f"{len(found)} problems:" + "".join(f"\n  {p['message']}" for p in found)
        )
        error = DataError(message)
        error.problems = found
        raise error
    return out


def _answers(
    series: pd.Series, item_codes: np.ndarray, items: Sequence[Item], problems: _Problems
) -> np.ndarray:
    """float64 answers (NaN = no answer); ja/nee, yes/no, true/false are read for yes_no items only."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    text, missing = _texts(series)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    yes_no_items = np.array([it.type == "yes_no" for it in items] + [False])
    yes_no = yes_no_items[item_codes]  # code -1 picks the appended False
    words = text.str.lower().map(_FLAG_WORDS).to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.where(np.isnan(numbers) & yes_no, words, numbers)
    for row in np.flatnonzero(np.isnan(out) & ~missing)[: _MAX_LISTED + 1]:
        value = series.iloc[row]
        hint = "; use '.' as the decimal point" if isinstance(value, str) and "," in value else ""
        what = "a yes/no answer (ja/nee, yes/no, 1/0)" if yes_no[row] else "a number"
        problems.add("bad_value", f"value {value!r} is not {what}{hint}", row=int(row) + 1, field="value")
    return np.ascontiguousarray(out, dtype=np.float64)


def estimate_survey(
    df: pd.DataFrame,
    items: PathLike | Sequence[Item | Mapping[str, Any]],
    key: Key,
    units: Units = None,
    *,
    columns: Mapping[str, str] | None = None,
    per_instrument: bool = False,
    confidence: float = 0.95,
    suppression_threshold: float = 10,
    source: str = "DataFrame",
) -> Dataset:
    """Tevredenheid / doelrealisatie per unit and period from questionnaire answers, one row per
    (respondent, item).

    Columns (see :data:`SURVEY_COLUMNS`): unit, period, respondent, item, value (required),
    instrument (optional). ``items`` is an items YAML path or a list of :class:`Item` / dicts (see
    :func:`load_items`). Likert items give ``<item>.agree`` (share 4 or 5, Wilson) and
    ``<item>.mean``; yes/no items ``<item>.yes``; grades ``<item>.mean``; scales ``<scale>.alpha``
    and ``<scale>.mean``. A missing value is no answer and is left out (counted in the method).
    """
    item_list = load_items(items)
    args, kwargs = _survey_columns(df, item_list, key, columns, source)
    kwargs.update(_survey_options(per_instrument, confidence, units, suppression_threshold))
    return Dataset(_estimate.estimate_survey(*args, source=source, **kwargs))


def _survey_options(
    per_instrument: bool, confidence: float, units: Units, suppression_threshold: float
) -> dict[str, Any]:
    """The options of ``_estimate.estimate_survey`` (and ``_estimate.estimate_survey_partial``), converted."""
    return {
        "confidence": float(confidence),
        "per_instrument": per_instrument,
        "units": core_or_none(units, UnitRegistry, "units"),
        "suppression_threshold": float(suppression_threshold),
    }


def _survey_columns(
    df: pd.DataFrame, item_list: list[Item], key: Key, columns: Mapping[str, str] | None, source: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of ``_estimate.estimate_survey`` (and ``_estimate.survey_partial``) for a frame."""
    problems = _Problems(source)
    cols = _frame_columns(
        df, SURVEY_COLUMNS, ("unit", "period", "respondent", "item", "value"), columns, problems
    )
    pseudonymiser = _key(key)
    unit, unit_names = _text_codes(df[cols["unit"]], "unit", problems, required=True)
    period, periods = _periods(df[cols["period"]], problems)
    respondent = _pseudonyms(df[cols["respondent"]], pseudonymiser, "respondent", problems)
    raw_items, item_names = _text_codes(df[cols["item"]], "item", problems, required=True)
    index = {it.id: i for i, it in enumerate(item_list)}
    known = ", ".join(it.id for it in item_list[:20]) + (", ..." if len(item_list) > 20 else "")
    lookup = np.array([index.get(name, -1) for name in item_names] + [-1], dtype=np.int32)
    item = np.where(raw_items >= 0, lookup[raw_items], -1).astype(np.int32)
    for row in np.flatnonzero((item < 0) & (raw_items >= 0))[: _MAX_LISTED + 1]:
        name = item_names[raw_items[row]]
        problems.add(
            "unknown_item",
            f"unknown item '{name}' (expected an item id of the items: {known})",
            row=int(row) + 1,
            field="item",
        )
    value = _answers(df[cols["value"]], item, item_list, problems)
    kwargs: dict[str, Any] = {}
    if "instrument" in cols:
        kwargs["instrument"], kwargs["instrument_names"] = _text_codes(
            df[cols["instrument"]], "instrument", problems, required=True
        )
    problems.raise_if_any()
    kwargs["unit_names"] = unit_names
    kwargs["periods"] = periods
    kwargs["items"] = item_list
    return (unit, period, respondent, item, value), kwargs


# ---- pre/post -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrePostResult:
    """The pre/post estimates and the shift tables.

    ``shifts`` has one row per (unit, period, domain, pre level, post level) with the number of
    clients; a table whose n is below the suppression threshold has ``count`` missing and
    ``suppressed`` True.
    """

    estimates: Dataset
    shifts: pd.DataFrame


def estimate_prepost(
    df: pd.DataFrame,
    key: Key,
    units: Units = None,
    *,
    columns: Mapping[str, str] | None = None,
    prefix: str = "zrm.",
    min_score: int = 1,
    max_score: int = 5,
    reliability: float | None = None,
    confidence: float = 0.95,
    suppression_threshold: float = 10,
    source: str = "DataFrame",
) -> PrePostResult:
    """Doelrealisatie from pre/post scores on an ordinal instrument (ZRM: 1..5), one row per
    (client, domain); ``period`` is the period of the post measurement.

    Per domain: shares improved / same / worse; on the client score (mean over the domains scored
    both times): the same shares, mean change, % reliably improved / worse (Reliable Change Index
    with ``reliability``, or when None Cronbach's alpha of the pre scores), Cohen's d_z, d_av and
    the Wilcoxon signed-rank p-value. See docs/estimates.md.
    """
    args, kwargs = _prepost_columns(df, key, columns, source)
    kwargs.update(
        _prepost_options(prefix, min_score, max_score, reliability, confidence, units, suppression_threshold)
    )
    core, tables = _estimate.estimate_prepost(*args, source=source, **kwargs)
    return PrePostResult(Dataset(core), _shift_frame(tables))


def _prepost_options(
    prefix: str,
    min_score: int,
    max_score: int,
    reliability: float | None,
    confidence: float,
    units: Units,
    suppression_threshold: float,
) -> dict[str, Any]:
    """The options of ``_estimate.estimate_prepost`` (and ``_estimate.estimate_prepost_partial``), converted."""
    return {
        "prefix": prefix,
        "min_score": int(min_score),
        "max_score": int(max_score),
        "reliability": None if reliability is None else float(reliability),
        "confidence": float(confidence),
        "units": core_or_none(units, UnitRegistry, "units"),
        "suppression_threshold": float(suppression_threshold),
    }


def _prepost_columns(
    df: pd.DataFrame, key: Key, columns: Mapping[str, str] | None, source: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of ``_estimate.estimate_prepost`` (and ``_estimate.prepost_partial``) for a frame."""
    problems = _Problems(source)
    cols = _frame_columns(df, PREPOST_COLUMNS, PREPOST_COLUMNS, columns, problems)
    pseudonymiser = _key(key)
    unit, unit_names = _text_codes(df[cols["unit"]], "unit", problems, required=True)
    period, periods = _periods(df[cols["period"]], problems)
    client = _pseudonyms(df[cols["client"]], pseudonymiser, "client", problems)
    domain, domain_names = _text_codes(df[cols["domain"]], "domain", problems, required=True)
    pre = _floats(df[cols["pre"]], "pre", problems)
    post = _floats(df[cols["post"]], "post", problems)
    problems.raise_if_any()
    kwargs = {"unit_names": unit_names, "periods": periods, "domain_names": domain_names}
    return (unit, period, client, domain, pre, post), kwargs


def _shift_frame(tables: list[dict[str, Any]]) -> pd.DataFrame:
    """The shift tables (dicts from _estimate) as one long frame."""
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
