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

from ._cells import cells_of
from ._core import data as _data
from ._core import estimate as _estimate
from ._core.estimate import Item, Pseudonymiser
from ._estimate_columns import (
    PREPOST_COLUMNS,
    REACH_COLUMNS,
    SURVEY_COLUMNS,
    Key,
    Units,
    core_options,
    pseudonymiser,
    read_prepost,
    read_reach,
    read_survey,
    shift_frame,
)
from .dataset import Dataset

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

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


def pseudonymise(ids: pd.Series | Sequence[Any], key: Key) -> np.ndarray:
    """Pseudonyms (uint64) of ids: each distinct id is hashed once, as text ('123' for 123 or 123.0).
    Equal to ``int.from_bytes(hmac.new(key, str(id).encode(), 'sha256').digest()[:8], 'big')``.
    Missing ids raise DataError."""
    import pandas as pd

    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype=object)
    return _estimate.pseudonymise_ids(cells_of(series), pseudonymiser(key))


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
    small_count_threshold: float = 5,
    source: str = "DataFrame",
) -> Dataset:
    """Bereik (reach) per unit and period from registrations, one row per contact.

    Columns (see :data:`REACH_COLUMNS`): unit, period, client (required); hours (NaN = not
    recorded), referral and referrer_contact (bool, 1/0, ja/nee; missing = not recorded), channel
    and life_domain (text), start_date and end_date (dates; a missing end = still open; both or
    neither). With ``units`` (a :class:`UnitRegistry` with populations) unknown units are errors and
    ``clients_per_<rate_per>`` is estimated. See docs/estimates.md for every indicator.
    """
    args, kwargs = read_reach(df, key, columns, source)
    options = core_options(
        units,
        prefix=prefix,
        phone_channel=phone_channel,
        rate_per=rate_per,
        suppression_threshold=suppression_threshold,
        small_count_threshold=small_count_threshold,
    )
    return Dataset(_estimate.estimate_reach(*args, **kwargs | options))


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
    return list(_estimate.items_of(list(items)))


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
    small_count_threshold: float = 5,
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
    args, kwargs = read_survey(df, load_items(items), key, columns, source)
    options = core_options(
        units,
        per_instrument=per_instrument,
        confidence=confidence,
        suppression_threshold=suppression_threshold,
        small_count_threshold=small_count_threshold,
    )
    return Dataset(_estimate.estimate_survey(*args, **kwargs | options))


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

    @classmethod
    def of(cls, result: tuple[_data.Dataset, list[dict[str, Any]]]) -> PrePostResult:
        """From what ``_estimate.estimate_prepost`` (or ``_estimate.estimate_prepost_partial``) returns."""
        core, tables = result
        return cls(Dataset(core), shift_frame(tables))


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
    small_count_threshold: float = 5,
    source: str = "DataFrame",
) -> PrePostResult:
    """Doelrealisatie from pre/post scores on an ordinal instrument (ZRM: 1..5), one row per
    (client, domain); ``period`` is the period of the post measurement.

    Per domain: shares improved / same / worse; on the client score (mean over the domains scored
    both times): the same shares, mean change, % reliably improved / worse (Reliable Change Index
    with ``reliability``, or when None Cronbach's alpha of the pre scores), Cohen's d_z, d_av and
    the Wilcoxon signed-rank p-value. See docs/estimates.md.
    """
    options = core_options(
        units,
        prefix=prefix,
        min_score=min_score,
        max_score=max_score,
        reliability=reliability,
        confidence=confidence,
        suppression_threshold=suppression_threshold,
        small_count_threshold=small_count_threshold,
    )
    args, kwargs = read_prepost(df, key, columns, source, options)
    return PrePostResult.of(_estimate.estimate_prepost(*args, **kwargs | options))
