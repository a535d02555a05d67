"""Data sets from Python: pandas in and out, suppression on every way out, CSV files and one test
per bad input, each asserting the message (row, field, value and what was expected)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from doelenboom import DataError, ParseError
from doelenboom.dataset import COLUMNS, Dataset
from doelenboom.indicators import IndicatorSet
from doelenboom.units import gemeenten

INDICATORS = IndicatorSet.from_yaml(
    """\
doelenboom_indicators: 1
indicators:
  - {id: clienten, label: Cliënten bereikt, pillar: bereik, kind: output, measure: count}
  - {id: p_tevreden, label: Aandeel tevreden, pillar: tevredenheid, kind: outcome, measure: proportion}
  - {id: cijfer, label: Rapportcijfer, pillar: tevredenheid, kind: outcome, measure: mean, scale: rapportcijfer}
"""
)


@pytest.fixture
def frame() -> pd.DataFrame:
    """Fictitious values for real municipalities."""
    return pd.DataFrame(
        {
            "unit": ["GM1740", "GM1740", "GM0301", "GM0301", "GM0088"],
            "period": [2022, 2023, 2022, 2023, 2023],
            "indicator": ["p_tevreden", "p_tevreden", "cijfer", "cijfer", "p_tevreden"],
            "value": [0.75, 0.8, 7.4, 7.65, 0.5],
            "n": [120.0, 9.0, 10.0, np.nan, 40.0],
            "se": [0.0395, 0.13, 0.3, 0.25, 0.079],
            "ci_low": [0.66, 0.49, 6.8, 7.1, 0.35],
            "ci_high": [0.82, 0.94, 8.0, 8.1, 0.65],
            "source": ["CEO 2022", "CEO 2023", "klantreis", "klantreis", None],
            "method": ["wilson 95%", "wilson 95%", "mean, t 95%", "mean, t 95%", "wilson 95%"],
        }
    )


def test_from_pandas_to_pandas_round_trip(frame: pd.DataFrame) -> None:
    ds = Dataset.from_pandas(frame, indicators=INDICATORS, units=gemeenten())
    assert len(ds) == 5
    assert ds.units == ["GM1740", "GM0301", "GM0088"]
    assert ds.periods == ["2022", "2023"]
    assert ds.indicators == ["p_tevreden", "cijfer"]
    out = ds.to_pandas()
    assert list(out.columns) == list(COLUMNS)
    assert out["period"].tolist() == ["2022", "2023", "2022", "2023", "2023"]
    assert out["suppressed"].tolist() == [False, True, False, False, False]
    assert out["suppressed"].dtype == bool
    kept = out["suppressed"].to_numpy() == 0
    for column in ("value", "n", "se", "ci_low", "ci_high"):
        np.testing.assert_array_equal(out[column].to_numpy()[kept], frame[column].to_numpy()[kept])
    assert out["source"].tolist() == ["CEO 2022", "CEO 2023", "klantreis", "klantreis", ""]
    # Back in again: the suppressed row stays suppressed (its numbers are gone).
    again = Dataset.from_pandas(out)
    assert again.to_pandas().equals(out)


def test_suppression_on_the_pandas_path(frame: pd.DataFrame) -> None:
    out = Dataset.from_pandas(frame).to_pandas()
    row = out.iloc[1]  # n = 9
    assert row["suppressed"]
    assert all(math.isnan(row[c]) for c in ("value", "n", "se", "ci_low", "ci_high"))
    assert row["unit"] == "GM1740"
    assert row["period"] == "2023"
    assert not out.iloc[2]["suppressed"]  # n = 10 exactly
    assert out.iloc[2]["value"] == 7.4
    assert not out.iloc[3]["suppressed"]  # n unknown: cannot be judged, so not suppressed
    assert out.iloc[3]["value"] == 7.65
    stricter = Dataset.from_pandas(frame, suppression_threshold=50).to_pandas()
    assert stricter["suppressed"].tolist() == [False, True, True, False, True]


def test_small_count_rule_for_indicators_defined_as_proportions(frame: pd.DataFrame) -> None:
    """docs/privacy.md: a share with fewer than 5 persons with or without the property is hidden."""
    small = frame.assign(value=[0.75, 0.8, 7.4, 7.65, 3 / 40])  # GM0088: 3 of 40 satisfied
    out = Dataset.from_pandas(small, indicators=INDICATORS).to_pandas()
    assert out["suppressed"].tolist() == [False, True, False, False, True]
    assert math.isnan(out.iloc[4]["value"])
    # Without the definitions the row is not known to be a share; with the rule off it shows.
    assert not Dataset.from_pandas(small).to_pandas().iloc[4]["suppressed"]
    shown = Dataset.from_pandas(small, indicators=INDICATORS, small_count_threshold=0)
    assert shown.to_pandas()["suppressed"].tolist() == [False, True, False, False, False]
    assert shown.small_count_threshold == 0
    shown.apply_suppression(10, small_count_threshold=5)
    assert shown.to_pandas()["suppressed"].tolist() == [False, True, False, False, True]


def test_suppression_on_the_csv_path(frame: pd.DataFrame, tmp_path: Path) -> None:
    ds = Dataset.from_pandas(frame)
    path = tmp_path / "data.csv"
    ds.write_csv(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[2] == "GM1740,2023,p_tevreden,,,,,,1,CEO 2023,wilson 95%"
    assert lines[3] == 'GM0301,2022,cijfer,7.4,10,0.3,6.8,8,0,klantreis,"mean, t 95%"'
    back = Dataset.read_csv(path)
    assert back.to_pandas().equals(ds.to_pandas())
    back.apply_suppression(0)  # suppressed at the source: stays suppressed
    assert back.to_pandas()["suppressed"].tolist() == [False, True, False, False, False]


def test_internal_columns_are_views_that_keep_the_numbers(frame: pd.DataFrame) -> None:
    ds = Dataset.from_pandas(frame)
    values = ds.core.values  # noqa: PD011 - the compiled column, not pandas
    assert values.dtype == np.float64
    assert not values.flags.writeable
    assert not values.flags.owndata  # a view on the C++ column, not a copy
    assert values[1] == 0.8  # the suppressed number stays inside for aggregates
    del ds
    assert values[0] == 0.75  # the view keeps the data set alive
    codes = Dataset.from_pandas(frame).core.unit_codes
    assert codes.tolist() == [0, 0, 1, 1, 2]


def test_periods_as_text_quarters_and_categoricals() -> None:
    df = pd.DataFrame(
        {
            "unit": pd.Categorical(["a", "b", "a"]),
            "period": ["2023-Q1", "2023q2", "2023-Q2"],
            "indicator": pd.array(["p", "p", "p"], dtype="string"),
            "value": [1, 2, 3],
        }
    )
    out = Dataset.from_pandas(df).to_pandas()
    assert out["period"].tolist() == ["2023-Q1", "2023-Q2", "2023-Q2"]
    assert out["value"].tolist() == [1.0, 2.0, 3.0]
    assert out["unit"].tolist() == ["a", "b", "a"]
    assert Dataset.from_pandas(df).find("a", "2023-Q2", "p") == 2
    df["period"] = [pd.Period("2023Q1"), pd.Period("2023Q2"), pd.Period("2023Q2")]
    assert Dataset.from_pandas(df).to_pandas()["period"].tolist() == ["2023-Q1", "2023-Q2", "2023-Q2"]
    df["period"] = [2023.0, 2024.0, 2024.0]  # a year column that had gaps once
    assert Dataset.from_pandas(df).periods == ["2023", "2024"]


def test_from_records_find_record_and_concat() -> None:
    a = Dataset.from_records([{"unit": "a", "period": 2023, "indicator": "p", "value": 0.5, "n": 30}])
    b = Dataset.from_records([{"unit": "a", "period": "2024", "indicator": "p", "value": 0.6, "n": 5}])
    c = a.concat(b)
    assert len(c) == 2
    assert c.find("a", 2024, "p") == 1
    assert c.find("a", 2025, "p") is None
    assert c.record(1)["suppressed"]
    assert math.isnan(c.record(1)["value"])
    assert c.record(0)["value"] == 0.5
    with pytest.raises(IndexError):
        c.record(2)
    with pytest.raises(DataError, match="duplicate estimate for unit 'a', period '2024', indicator 'p'"):
        c.concat(b)


def test_len_repr_and_html(frame: pd.DataFrame) -> None:
    ds = Dataset.from_pandas(frame)
    assert len(ds) == 5
    assert repr(ds) == (
        "<doelenboom.Dataset: 5 estimates, 3 units, 2 years, 2 indicators, 1 suppressed (n < 10)>"
    )
    page = ds._repr_html_()
    assert "<td colspan='3'><i>onderdrukt (n &lt; 10)</i></td>" in page
    assert "0.75" in page
    assert "0.8<" not in page  # the suppressed value is not shown
    assert (
        repr(Dataset())
        == "<doelenboom.Dataset: 0 estimates, 0 units, 0 periods, 0 indicators, 0 suppressed (n < 10)>"
    )
    assert "<table>" in Dataset()._repr_html_()
    assert "<td>2 (2022 &ndash; 2023)</td>" in page


# ---- bad input, pandas path ---------------------------------------------------------------


def test_missing_required_column_names_it(frame: pd.DataFrame) -> None:
    with pytest.raises(ParseError) as info:
        Dataset.from_pandas(frame.drop(columns=["value"]))
    assert str(info.value) == (
        "DataFrame: missing required column 'value' "
        "(columns are: unit, period, indicator, n, se, ci_low, ci_high, source, method)"
    )
    assert info.value.problems[0]["code"] == "missing_column"
    assert info.value.problems[0]["field"] == "value"


def test_unknown_column_is_an_error(frame: pd.DataFrame) -> None:
    with pytest.raises(
        ParseError, match="DataFrame: unknown column 'N' \\(expected one of: unit, period, indicator"
    ):
        Dataset.from_pandas(frame.rename(columns={"n": "N"}))


def test_cell_that_is_not_a_number(frame: pd.DataFrame) -> None:
    frame["value"] = frame["value"].astype(object)
    frame.loc[2, "value"] = "7,4"
    with pytest.raises(ParseError) as info:
        Dataset.from_pandas(frame)
    assert str(info.value) == (
        "DataFrame, row 3, field 'value': '7,4' is not a number "
        "(expected a decimal number with '.' as the decimal point; use '.' as the decimal point, not ',')"
    )


def test_bad_period(frame: pd.DataFrame) -> None:
    frame["period"] = ["2022", "2023", "2022", "2023-13", "2023"]
    with pytest.raises(ParseError) as info:
        Dataset.from_pandas(frame)
    assert str(info.value) == (
        "DataFrame, row 4, field 'period': '2023-13' is not a period "
        "(expected a year '2023', a quarter '2023-Q2' or a month '2023-05')"
    )


def test_unknown_unit(frame: pd.DataFrame) -> None:
    frame.loc[1, "unit"] = "GM9999"
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame, units=gemeenten())
    assert str(info.value) == (
        "DataFrame, row 2, field 'unit': unknown unit 'GM9999' (expected a unit id of the unit registry)"
    )
    assert info.value.problems[0]["row"] == 2
    assert info.value.problems[0]["ids"] == ["GM9999"]


def test_unknown_indicator(frame: pd.DataFrame) -> None:
    frame.loc[4, "indicator"] = "tevreden"
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame, indicators=INDICATORS)
    assert str(info.value) == (
        "DataFrame, row 5, field 'indicator': unknown indicator 'tevreden' (expected an indicator id of the indicator set)"
    )


def test_proportion_outside_zero_one(frame: pd.DataFrame) -> None:
    frame.loc[0, "value"] = 1.4
    frame.loc[0, "ci_high"] = 1.5
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame, indicators=INDICATORS)
    value = (
        "  DataFrame, row 1, field 'value': 1.4 is outside [0, 1] for proportion indicator 'p_tevreden' "
        "(expected a share between 0 and 1)"
    )
    interval = (
        "  DataFrame, row 1, field 'ci_high': 1.5 is outside [0, 1] for proportion indicator 'p_tevreden' "
        "(expected an interval inside the indicator's range; Wilson intervals for proportions always are)"
    )
    assert str(info.value).splitlines() == ["2 problems:", value, interval]


def test_mean_outside_its_scale(frame: pd.DataFrame) -> None:
    frame.loc[3, ["value", "ci_low", "ci_high"]] = [76.5, 71.0, 81.0]
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame, indicators=INDICATORS)
    assert (
        "DataFrame, row 4, field 'value': 76.5 is outside [1, 10] for mean indicator 'cijfer' "
        "(expected a mean on the scale 'rapportcijfer', from 1 to 10)"
    ) in str(info.value)


def test_duplicate_key_names_both_rows(frame: pd.DataFrame) -> None:
    frame.loc[4, ["unit", "period"]] = ["GM1740", 2022]
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame)
    assert str(info.value) == (
        "DataFrame, row 5: duplicate estimate for unit 'GM1740', period '2022', indicator 'p_tevreden' "
        "(also on row 1; expected one row per unit, period and indicator)"
    )


def test_negative_n(frame: pd.DataFrame) -> None:
    frame.loc[2, "n"] = -10
    with pytest.raises(DataError) as info:
        Dataset.from_pandas(frame)
    assert str(info.value) == "DataFrame, row 3, field 'n': -10 is negative (expected a base n of 0 or more)"


def test_missing_value_without_the_flag(frame: pd.DataFrame) -> None:
    frame.loc[0, "value"] = np.nan
    with pytest.raises(DataError, match="DataFrame, row 1, field 'value': the value is missing"):
        Dataset.from_pandas(frame)


def test_ids_must_be_text() -> None:
    df = pd.DataFrame(
        {"unit": [301, 1740], "period": [2023, 2023], "indicator": ["p", "p"], "value": [1.0, 2.0]}
    )
    with pytest.raises(ParseError, match=r"DataFrame, row 1, field 'unit': .*301.* is not a text"):
        Dataset.from_pandas(df)


def test_frame_cells_read_as_the_csv_reader_reads_them(frame: pd.DataFrame) -> None:
    # One reader for both: a frame's flags and numbers given as text follow the CSV's rules.
    frame["suppressed"] = ["1", "false", None, True, 0]
    frame["n"] = frame["n"].astype(object)
    frame.loc[0, "n"] = " 120 "
    ds = Dataset.from_pandas(frame)
    assert ds.core.suppressed.tolist() == [True, True, False, True, False]
    assert ds.core.n[0] == 120.0
    frame.loc[2, "suppressed"] = "ja"
    frame.loc[4, "n"] = "40%"
    with pytest.raises(ParseError) as info:
        Dataset.from_pandas(frame)
    flag = (
        "  DataFrame, row 3, field 'suppressed': 'ja' is not a suppression flag "
        "(expected 1 or 0, true or false, or an empty cell)"
    )
    share = (
        "  DataFrame, row 5, field 'n': '40%' is not a number "
        "(expected a base n of 0 or more; write a share as a number between 0 and 1, without '%')"
    )
    assert str(info.value).splitlines() == ["2 problems:", flag, share]


# ---- bad input, CSV path ------------------------------------------------------------------


def test_csv_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("unit,period,indicator,value\nGM1740,2023,cliënten,1\n".encode("latin-1"))
    with pytest.raises(ParseError) as info:
        Dataset.read_csv(path)
    assert str(info.value) == (
        f"{path}:2, row 1: invalid UTF-8 at byte offset 43 (byte 0xEB); "
        "save the file as UTF-8 (not Latin-1, Windows-1252 or UTF-16)"
    )


def test_csv_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"")
    with pytest.raises(ParseError) as info:
        Dataset.read_csv(path)
    assert str(info.value) == f"{path}: the file is empty (expected a header row with the column names)"


def test_csv_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("unit,period,value\nGM1740,2023,1\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        Dataset.read_csv(path)
    assert (
        str(info.value) == f"{path}: missing required column 'indicator' (columns are: unit, period, value)"
    )


def test_csv_proportion_message_names_file_row_field_value(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("unit,period,indicator,value,n\nGM1740,2023,p_tevreden,1.4,40\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        Dataset.read_csv(path, indicators=INDICATORS, units=gemeenten())
    assert str(info.value) == (
        f"{path}, row 1, field 'value': 1.4 is outside [0, 1] for proportion indicator 'p_tevreden' "
        "(expected a share between 0 and 1)"
    )


def test_check_csv_returns_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "unit,period,indicator,value,n\n"
        "GM1740,2023,p_tevreden,1.4,40\n"
        "GM9999,2023,clienten,12,12\n"
        "GM1740,2023,onbekend,1,12\n"
        "GM1740,2023,p_tevreden,0.5,-4\n",
        encoding="utf-8",
    )
    problems = Dataset.check_csv(path, indicators=INDICATORS, units=gemeenten())
    assert list(problems.columns) == ["code", "file", "line", "row", "field", "ids", "message"]
    assert problems["code"].tolist() == [
        "out_of_range",
        "unknown_unit",
        "unknown_indicator",
        "negative",
        "duplicate_key",
    ]
    assert problems["row"].tolist() == [1, 2, 3, 4, 4]
    assert problems["line"].tolist() == [2, 3, 4, 5, 5]
    assert problems["field"].tolist()[:4] == ["value", "unit", "indicator", "n"]
    assert (problems["file"] == str(path)).all()
    assert problems["message"][1] == (
        f"{path}, row 2, field 'unit': unknown unit 'GM9999' (expected a unit id of the unit registry)"
    )
    clean = tmp_path / "ok.csv"
    clean.write_text("unit,period,indicator,value\nGM1740,2023,clienten,12\n", encoding="utf-8")
    assert Dataset.check_csv(clean, indicators=INDICATORS, units=gemeenten()).empty


def test_indicators_may_be_a_path(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "indicators.yaml"
    INDICATORS.save(path)
    ds = Dataset.from_pandas(frame, indicators=path)
    assert len(ds) == 5
