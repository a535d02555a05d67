"""Signals from Python: the DataFrame of doelenboom.signals (columns, sentences with the numbers in
Dutch and English), nothing from suppressed values, and the rules as None, dict, path or
SignalRules, with file:line errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import doelenboom as db
from doelenboom.signals import SIGNAL_COLUMNS

TREE = (Path(__file__).parents[1] / "data" / "trees" / "signaaltest.yaml").read_text(encoding="utf-8")


def frame(changes: Mapping[tuple[str, int, str], tuple[float, float]] | None = None) -> pd.DataFrame:
    """Eight quiet units over 2022..2025 (reach 100 + u, satisfaction 0.85 + u/100 with n 200)."""
    rows = []
    for u in range(1, 9):
        for year in range(2022, 2026):
            rows.append((f"u{u}", year, "bereik", 100.0 + u, np.nan))
            rows.append((f"u{u}", year, "kwaliteit", 0.85 + u / 100, 200.0))
    data = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "n"])
    for (unit, year, indicator), (value, n) in (changes or {}).items():
        at = (data["unit"] == unit) & (data["period"] == year) & (data["indicator"] == indicator)
        data.loc[at, ["value", "n"]] = [value, n]
    return data


def run(
    changes: Mapping[tuple[str, int, str], tuple[float, float]] | None = None,
) -> tuple[db.PipelineResult, db.Dataset]:
    tree = db.GoalTree.from_yaml(TREE, "signaaltest.yaml")
    data = db.Dataset.from_pandas(frame(changes))
    return db.Pipeline(normalise={"method": "none"}).run(tree, data), data


def test_columns_and_a_norm_signal_in_dutch_and_english() -> None:
    result, data = run({("u3", 2024, "kwaliteit"): (0.75, 150)})
    nl = db.signals(result, data)
    assert tuple(nl.columns) == SIGNAL_COLUMNS
    assert list(nl["severity"].cat.categories) == ["info", "warning", "alert"]
    norm = nl[nl["rule"] == "norm"]
    assert len(norm) == 1
    row = norm.iloc[0]
    assert (row["unit"], row["period"], row["node"], row["severity"]) == (
        "u3",
        "2024",
        "kwaliteit",
        "warning",
    )
    assert row["value"] == pytest.approx(0.75)
    assert row["reference"] == pytest.approx(0.8)
    assert row["n"] == 150
    assert (
        row["message"]
        == "Kwaliteit goed in u3 is in 2024 75%, onder de norm van 80% (verschil -5 procentpunt)."
    )
    en = db.signals(result, data, language="en")
    assert "below the norm of 80%" in en[en["rule"] == "norm"].iloc[0]["message"]
    with pytest.raises(ValueError, match="language"):
        db.signals(result, data, language="de")


def test_drop_names_the_unit_and_the_numbers() -> None:
    changes = {("u2", 2022, "bereik"): (48, np.nan), ("u2", 2025, "bereik"): (12, np.nan)}
    result, data = run(changes)
    units = db.UnitRegistry([db.Unit("u2", "Rheden")])
    out = db.signals(result, data, units)
    drop = out[(out["rule"] == "drop_baseline") & (out["node"] == "bereik")]
    assert len(drop) == 1
    row = drop.iloc[0]
    assert row["statistic"] == pytest.approx((12 - 48) / np.sqrt(60))
    assert row["p_value"] < 0.001
    assert row["severity"] == "alert"
    assert row["message"].startswith(
        "Bereik in Rheden is in 2025 gedaald naar 12 cliënten, tegen 48 cliënten bij de nulmeting (2022)"
    )


def test_no_signal_from_a_suppressed_value() -> None:
    loud = {("u3", 2025, "kwaliteit"): (0.10, 200), ("u4", 2025, "bereik"): (0, 200)}
    result, data = run(loud)
    out = db.signals(result, data)
    assert {"norm", "drop_baseline", "outlier", "reach"} <= set(out["rule"])
    hidden = {("u3", 2025, "kwaliteit"): (0.10, 3), ("u4", 2025, "bereik"): (0, 0)}
    result, data = run(hidden)
    for with_data in (data, None):
        out = db.signals(result, with_data)
        # (the coverage rule may say that a goal lacks the cell: it is missing to the score)
        cells = out[
            (out["period"] == "2025") & out["unit"].isin(["u3", "u4"]) & (out["node"] != "") & (out["rule"] != "coverage")
        ]
        assert cells.empty, cells["message"].tolist()
    # The suppressed-share rule says that cells were hidden, without their values.
    out = db.signals(result, data)
    suppressed = out[out["rule"] == "suppressed"]
    assert set(suppressed["unit"]) == {"u3", "u4"}
    assert "1 van de 2 indicatorwaarden afgeschermd" in suppressed.iloc[0]["message"]


def test_rules_from_a_dict_go_through_the_file_reader() -> None:
    rules = db.SignalRules.from_dict({"drop": {"alpha": np.float64(0.01)}, "nodes": {"kwaliteit": {"norm": 0.7}}})
    assert rules == db.SignalRules.from_yaml("drop: {alpha: 0.01}\nnodes:\n  kwaliteit: {norm: 0.7}\n")
    assert rules.source == ""
    with pytest.raises(db.ParseError) as info:
        db.SignalRules.from_dict({"drop": {"alpha": 2}})
    assert str(info.value) == "signals: drop: 'alpha' is 2, expected a number in (0, 1)"
    assert info.value.problems[0]["line"] is None


def test_rules_as_dict_path_and_object(tmp_path: Path) -> None:
    result, data = run({("u3", 2024, "kwaliteit"): (0.75, 150)})
    assert not db.signals(result, data, rules={"norm": {"enabled": False}})["rule"].eq("norm").any()
    path = tmp_path / "signalen.yaml"
    path.write_text("doelenboom_signals: 1\nnodes:\n  kwaliteit: {norm: 0.7}\n", encoding="utf-8")
    assert not db.signals(result, data, rules=path)["rule"].eq("norm").any()
    rules = db.SignalRules.load(path)
    assert rules.source == str(path)
    assert rules == db.SignalRules.from_yaml("nodes:\n  kwaliteit: {norm: 0.7}\n")
    assert rules != db.SignalRules()
    assert db.signals(result, data, rules=rules).equals(db.signals(result, data, rules=path))


def test_rule_errors_carry_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "signalen.yaml"
    path.write_text("doelenboom_signals: 1\ndrop:\n  alpah: 0.01\n", encoding="utf-8")
    with pytest.raises(db.ParseError, match=r"signalen\.yaml:3: drop: unknown key 'alpah'"):
        db.SignalRules.load(path)
    path.write_text("nodes:\n  kwaliteit: {}\n  onbekend: {disabled: [drop]}\n", encoding="utf-8")
    rules = db.SignalRules.load(path)
    result, data = run()
    assert [p["line"] for p in rules.check(result.tree)] == [3]
    with pytest.raises(
        db.ParseError, match=r"signalen\.yaml:3: node 'onbekend': there is no node 'onbekend'"
    ):
        db.signals(result, data, rules=rules)
    with pytest.raises(db.ParseError, match=r"^signals: drop: .*'alpha' is 2"):
        db.signals(result, data, rules={"drop": {"alpha": 2}})
    with pytest.raises(TypeError, match="rules must be"):
        db.signals(result, data, rules=3)  # type: ignore[arg-type]
