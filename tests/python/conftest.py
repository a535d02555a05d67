"""Shared fixtures: small hand-made trees whose numbers are worked out by hand in the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import doelenboom as db

REPO = Path(__file__).resolve().parents[2]
ASEM = REPO / "tests" / "data" / "asem"
ASEM_TREE = ASEM / "tree.csv"
ASEM_COLUMNS = {"id": "code", "label": "name", "kind": "type"}
# The CSV columns of tests/cpp/pipeline/test_pipeline.cpp: COINr's levels, weights and directions too.
ASEM_TREE_COLUMNS = {
    "id": "code",
    "label": "name",
    "level": "level",
    "parent": "parent",
    "weight": "weight",
    "direction": "direction",
    "kind": "type",
    "indicator_kinds": ["Indicator"],
    "goal_kinds": ["Aggregate"],
}


def load_asem_tree() -> db.GoalTree:
    """The ASEM tree as COINr builds it (tests/data/asem/tree.csv with :data:`ASEM_TREE_COLUMNS`)."""
    return db.GoalTree.load(ASEM_TREE, **ASEM_TREE_COLUMNS)


def asem_long() -> pd.DataFrame:
    """COINr's raw ASEM indicators (tests/data/asem/raw_indicators.csv) as a long table: unit,
    indicator, value (the present cells only) and period 2022."""
    raw = pd.read_csv(ASEM / "raw_indicators.csv")
    return (
        raw.drop(columns="uName")
        .melt(id_vars="uCode", var_name="indicator", value_name="value")
        .dropna(subset=["value"])
        .rename(columns={"uCode": "unit"})
        .assign(period=2022)
    )


@pytest.fixture
def small_tree() -> db.GoalTree:
    """R <- A (w 1), R <- B (w 3); x under A and B, y under B (all weight 1).

    Effective weights in R: A 1/4, B 3/4, x 1/4*1 + 3/4*1/2 = 0.625, y 3/4*1/2 = 0.375.
    """
    return db.GoalTree(
        [
            ("R", "Root", "goal", "top"),
            ("A", "Goal A", "goal", "mid"),
            ("B", "Goal B", "goal", "mid"),
            ("x", "Indicator x", "indicator", "leaf"),
            ("y", "Indicator y", "indicator", "leaf", "", -1),
        ],
        [("A", "R", 1.0), ("B", "R", 3.0), ("x", "A"), ("x", "B"), ("y", "B")],
        name="small",
    )


@pytest.fixture
def asem_tree() -> db.GoalTree:
    """The ASEM hierarchy (tests/data/asem/tree.csv) read as a CSV edge list."""
    return db.GoalTree.load(ASEM_TREE, **ASEM_COLUMNS)


@pytest.fixture
def no_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH on which Graphviz's dot cannot be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
