"""A DataFrame's column as the compiled readers take it (the estimators' and the data set's), which
check every cell as they check a CSV file.

Only conversion happens here: a column goes over as numbers (a float64 array, for the fields that
hold numbers and have a numeric or bool dtype), as Python objects (an object array, factorised in
the compiled module) or as ``pandas.factorize`` codes and categories (other dtypes; dates as their
ISO text, pandas Periods as theirs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cells_of"]


def cells_of(series: pd.Series, *, numbers: bool = False) -> np.ndarray | tuple[np.ndarray, list[Any]]:
    """A column as the compiled readers take it (see the module docstring)."""
    import pandas as pd

    dtype = series.dtype
    if numbers and (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype)):
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    if dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.storage == "python"):
        return np.asarray(series.to_numpy(dtype=object), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        uniques = uniques.strftime("%Y-%m-%d")  # the date of each time, in its own time zone
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object).tolist()
