"""Data sets of estimates: per (unit, period, indicator) a value with n, se, interval and source.

:class:`Dataset` wraps the compiled ``doelenboom._core.data.Dataset`` and adds pandas in and out and
notebook display. Privacy: an estimate whose n is below the suppression threshold (default 10) is
suppressed; every way out (:meth:`Dataset.to_pandas`, :meth:`Dataset.write_csv`, the notebook
display) blanks its numbers and sets ``suppressed`` to True, so a blank is never a silent NaN.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._cells import cells_of
from ._core import data as _data
from ._facade import UnitPeriodFacade, core_of, core_or_none
from .indicators import IndicatorSet, as_core_indicators
from .units import UnitRegistry

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "Dataset"]

PathLike = str | os.PathLike[str]
Indicators = IndicatorSet | _data.IndicatorSet | PathLike | None
Units = UnitRegistry | _data.UnitRegistry | None

REQUIRED_COLUMNS = ("unit", "period", "indicator", "value")
OPTIONAL_COLUMNS = ("n", "se", "ci_low", "ci_high", "suppressed", "source", "method")
#: Columns of :meth:`Dataset.to_pandas` and of the CSV format, in order.
COLUMNS = (*REQUIRED_COLUMNS, "n", "se", "ci_low", "ci_high", "suppressed", "source", "method")
# Columns whose cells are numbers (or flags): a numeric or bool column goes over as numbers.
_NUMBER_COLUMNS = frozenset({"value", "n", "se", "ci_low", "ci_high", "suppressed"})
_PROBLEM_COLUMNS = ("code", "file", "line", "row", "field", "ids", "message")
_PREVIEW_ROWS = 10


def _checks(
    indicators: Indicators, units: Units, suppression_threshold: float, small_count_threshold: float
) -> dict[str, Any]:
    """The checks and the thresholds every compiled reader of a data set takes, converted."""
    return {
        "indicators": as_core_indicators(indicators),
        "units": core_or_none(units, UnitRegistry, "units"),
        "suppression_threshold": float(suppression_threshold),
        "small_count_threshold": float(small_count_threshold),
    }


def _threshold_text(threshold: float) -> str:
    return f"{threshold:g}"


class Dataset(UnitPeriodFacade[_data.Dataset]):
    """Estimates per (unit, period, indicator) with n, se, interval, source and method.

    Build it with :meth:`from_pandas`, :meth:`from_records` or :meth:`read_csv`; get it out with
    :meth:`to_pandas` or :meth:`write_csv`. Every bad input raises :class:`~doelenboom.ParseError`
    (structure, cells that are not numbers or periods) or :class:`~doelenboom.DataError`
    (values), naming the row, field, value and what was expected.
    """

    __slots__ = ()

    def __init__(self, core: _data.Dataset | None = None) -> None:
        self._core = core if core is not None else _data.Dataset()

    # ---- construction --------------------------------------------------------------------

    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
        indicators: Indicators = None,
        units: Units = None,
        suppression_threshold: float = 10,
        small_count_threshold: float = 5,
        *,
        source: str = "DataFrame",
    ) -> Dataset:
        """From a DataFrame with the columns unit, period, indicator, value and optionally n, se,
        ci_low, ci_high, suppressed, source, method (other columns are an error: a misspelt ``n``
        would otherwise switch suppression off unnoticed).

        ``period`` holds text ("2023", "2023-Q2", "2023-05"), int years or pandas Periods
        of annual, quarterly or monthly frequency. Rows are counted from 1
        in messages, in DataFrame order (not by index label). With ``indicators`` (an
        :class:`IndicatorSet` or the path of an indicators file) and ``units`` (a
        :class:`UnitRegistry`), unknown ids and out-of-range values are errors. Rows with n below
        ``suppression_threshold`` are suppressed, and so are shares (indicators defined as
        proportions) with fewer than ``small_count_threshold`` persons with or without the property
        (docs/privacy.md); 0 turns a rule off.
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            msg = f"from_pandas takes a pandas DataFrame, not {type(df).__name__}"
            raise TypeError(msg)
        # The compiled module reads the columns as it reads a CSV file: names, numbers, flags and
        # periods by the same rules, with the same messages.
        names = [str(c) for c in df.columns]
        cells = [cells_of(df.iloc[:, i], numbers=name in _NUMBER_COLUMNS) for i, name in enumerate(names)]
        core = _data.Dataset.from_frame(
            names,
            cells,
            rows=len(df),
            **_checks(indicators, units, suppression_threshold, small_count_threshold),
            source=source,
        )
        return cls(core)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        indicators: Indicators = None,
        units: Units = None,
        suppression_threshold: float = 10,
        small_count_threshold: float = 5,
    ) -> Dataset:
        """From dicts with the keys of :data:`COLUMNS` (unit, period, indicator, value required)."""
        core = _data.Dataset.from_records(
            [dict(r) for r in records], **_checks(indicators, units, suppression_threshold, small_count_threshold)
        )
        return cls(core)

    @classmethod
    def read_csv(
        cls,
        path: PathLike,
        indicators: Indicators = None,
        units: Units = None,
        suppression_threshold: float = 10,
        small_count_threshold: float = 5,
    ) -> Dataset:
        """Read a data set CSV (UTF-8, header row, the columns of :data:`COLUMNS`)."""
        checks = _checks(indicators, units, suppression_threshold, small_count_threshold)
        core = _data.Dataset.read_csv(os.fspath(path), **checks)
        return cls(core)

    @staticmethod
    def check_csv(
        path: PathLike,
        indicators: Indicators = None,
        units: Units = None,
        suppression_threshold: float = 10,
        small_count_threshold: float = 5,
    ) -> pd.DataFrame:
        """Every problem of a data set CSV at once, as a DataFrame with the columns code, file,
        line, row, field, ids and message (empty when the file is valid)."""
        import pandas as pd

        problems = _data.Dataset.check_csv(
            os.fspath(path), **_checks(indicators, units, suppression_threshold, small_count_threshold)
        )
        frame = pd.DataFrame(problems, columns=list(_PROBLEM_COLUMNS))
        for name in ("line", "row"):
            frame[name] = frame[name].astype("Int64")
        return frame

    # ---- output --------------------------------------------------------------------------

    def to_pandas(self) -> pd.DataFrame:
        """One row per estimate with the columns of :data:`COLUMNS`.

        Suppressed rows have value, n, se, ci_low and ci_high NaN and ``suppressed`` True; the
        other rows have ``suppressed`` False, so a NaN that hides a small cell is always marked.
        ``period`` is text ("2023", "2023-Q2", "2023-05").
        """
        import pandas as pd

        c = self._core.export_columns()

        def decode(codes: str, dictionary: str) -> np.ndarray:
            # Object array of the dictionary, indexed by the codes: one vectorised take per column.
            values = np.empty(len(c[dictionary]), dtype=object)
            values[:] = c[dictionary]
            return np.asarray(values[np.asarray(c[codes], dtype=np.intp)], dtype=object)

        return pd.DataFrame(
            {
                "unit": decode("unit_codes", "units"),
                "period": decode("period_codes", "periods"),
                "indicator": decode("indicator_codes", "indicators"),
                "value": c["value"],
                "n": c["n"],
                "se": c["se"],
                "ci_low": c["ci_low"],
                "ci_high": c["ci_high"],
                "suppressed": c["suppressed"],
                "source": decode("source_codes", "sources"),
                "method": decode("method_codes", "methods"),
            },
            columns=list(COLUMNS),
        )

    def write_csv(self, path: PathLike) -> None:
        """Write the CSV format atomically; suppressed rows have blank numbers and suppressed = 1."""
        self._core.write_csv(os.fspath(path))

    def record(self, row: int) -> dict[str, Any]:
        """One row as a dict, numbers blanked (NaN) when suppressed."""
        return self._core.record(row)

    def find(self, unit: str, period: str | int, indicator: str) -> int | None:
        """The row of (unit, period, indicator), or None."""
        return self._core.find(unit, period, indicator)

    def concat(self, other: Dataset) -> Dataset:
        """Rows of ``other`` appended (DataError for duplicate keys or another frequency)."""
        return Dataset(self._core.concat(other._core))

    # ---- properties ----------------------------------------------------------------------

    @property
    def indicators(self) -> list[str]:
        """Distinct indicator ids in order of first appearance."""
        return self._core.indicators

    @property
    def suppression_threshold(self) -> float:
        """Rows with n below this are suppressed."""
        return self._core.suppression_threshold

    @property
    def suppressed_count(self) -> int:
        """Number of suppressed rows."""
        return self._core.suppressed_count

    @property
    def small_count_threshold(self) -> float:
        """Shares with fewer persons with or without the property are suppressed (docs/privacy.md)."""
        return self._core.small_count_threshold

    def apply_suppression(self, threshold: float, small_count_threshold: float | None = None) -> None:
        """Re-apply the primary rules: n below ``threshold``, shares with fewer than
        ``small_count_threshold`` persons with or without the property (default: unchanged); rows
        suppressed at the source stay suppressed."""
        small = None if small_count_threshold is None else float(small_count_threshold)
        self._core.apply_suppression(float(threshold), small)

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        core = self._core
        frequency = core.frequency
        periods = len(core.periods)
        return (
            f"<doelenboom.Dataset: {len(core)} estimates, {len(core.units)} units, "
            f"{periods} {frequency or 'period'}{'' if periods == 1 else 's'}, {len(core.indicators)} indicators, "
            f"{core.suppressed_count} suppressed (n < {_threshold_text(core.suppression_threshold)})>"
        )

    def _repr_html_(self) -> str:
        """A small summary and the first rows; suppressed cells read "onderdrukt (n < 10)"."""
        core = self._core
        threshold = _threshold_text(core.suppression_threshold)
        periods = core.periods
        first, last = (html.escape(periods[0]), html.escape(periods[-1])) if periods else ("", "")
        span = first if first == last else f"{first} &ndash; {last}"
        summary = [
            ("estimates", f"{len(core)}"),
            ("units", f"{len(core.units)}"),
            ("periods", f"{len(periods)} ({span})" if periods else "0"),
            ("indicators", f"{len(core.indicators)}"),
            ("suppressed", f"{core.suppressed_count} (n &lt; {threshold})"),
        ]
        parts = ['<div class="doelenboom-dataset"><table>']
        parts += [f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>" for k, v in summary]
        parts.append("</table>")
        rows = min(len(core), _PREVIEW_ROWS)
        if rows:
            hidden = f"onderdrukt (n &lt; {threshold})"
            parts.append(
                "<table><tr><th>unit</th><th>period</th><th>indicator</th><th>value</th><th>n</th>"
                "<th>interval</th></tr>"
            )
            for i in range(rows):
                r = core.record(i)
                cells = [html.escape(r["unit"]), html.escape(r["period"]), html.escape(r["indicator"])]
                if r["suppressed"]:
                    cells += [f"<td colspan='3'><i>{hidden}</i></td>"]
                else:
                    interval = (
                        "" if math.isnan(r["ci_low"]) else f"{r['ci_low']:.4g} &ndash; {r['ci_high']:.4g}"
                    )
                    n = "" if math.isnan(r["n"]) else f"{r['n']:g}"
                    cells += [f"<td>{r['value']:.4g}</td>", f"<td>{n}</td>", f"<td>{interval}</td>"]
                parts.append(
                    "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"
                )
            parts.append("</table>")
            if len(core) > rows:
                parts.append(f"<p>… {len(core) - rows} more rows</p>")
        parts.append("</div>")
        return "".join(parts)


def as_core_dataset(dataset: object, indicators: Indicators = None, units: Units = None) -> _data.Dataset:
    """The compiled data set of a Dataset, a compiled one, or a DataFrame of estimates (converted
    with :meth:`Dataset.from_pandas` and the ``indicators`` and ``units`` given)."""
    import pandas as pd

    if isinstance(dataset, pd.DataFrame):
        return Dataset.from_pandas(dataset, indicators, units).core
    return core_of(dataset, Dataset, "dataset", "a doelenboom.Dataset or a DataFrame of estimates")
