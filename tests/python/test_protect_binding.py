"""The bindings of secondary suppression (doelenboom._core.data.protect_breakdowns and
protect_change_families): they suppress, in place, the parts the library's rule picks."""

from __future__ import annotations

import pandas as pd
import pytest

import doelenboom as db
from doelenboom._core import data as _data


def dataset(rows: list[tuple[str, str, float, float, bool]]) -> _data.Dataset:
    frame = pd.DataFrame(rows, columns=["unit", "indicator", "value", "n", "suppressed"])
    frame.insert(1, "period", "2024")
    return db.Dataset.from_pandas(frame).core


def suppressed(data: _data.Dataset) -> list[str]:
    return sorted(f"{data.units[u]} {data.indicators[i]}"
                  for u, i, s in zip(data.unit_codes, data.indicator_codes, data.suppressed, strict=True) if s)


def test_breakdown_gets_the_smallest_part_that_reaches_the_level() -> None:
    # Kern A (3 clients) is suppressed by n < 10; B (20) is the smallest part that leaves A an
    # interval of 23 persons, so it is blanked too; C stays published.
    parts = dataset([
        ("GM0001/kern=A", "ind_clienten_bereikt", 3, 3, False),
        ("GM0001/kern=B", "ind_clienten_bereikt", 20, 20, False),
        ("GM0001/kern=C", "ind_clienten_bereikt", 30, 30, False),
    ])
    totals = dataset([("GM0001", "ind_clienten_bereikt", 53, 53, False)])
    result = _data.protect_breakdowns(parts, totals, protection_level=10)
    assert (result.relations, result.added, result.short_of_level) == (1, [1], [])
    assert suppressed(parts) == ["GM0001/kern=A ind_clienten_bereikt", "GM0001/kern=B ind_clienten_bereikt"]


def test_change_family_gets_a_second_member_and_level_is_checked() -> None:
    # 2 of 40 clients improved (suppressed at the source); worse (18) is the smallest other member
    # that gives the hidden persons a range of at least 10.
    data = dataset([
        ("GM0001", "zrm.score.improved", 0.05, 40, True),
        ("GM0001", "zrm.score.same", 0.5, 40, False),
        ("GM0001", "zrm.score.worse", 0.45, 40, False),
    ])
    result = _data.protect_change_families(data, protection_level=10)
    assert (result.relations, result.added) == (1, [2])
    assert suppressed(data) == ["GM0001 zrm.score.improved", "GM0001 zrm.score.worse"]
    with pytest.raises(db.DataError, match="protection level -1"):
        _data.protect_change_families(data, protection_level=-1)
