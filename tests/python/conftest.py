"""Shared fixtures: small hand-made trees whose numbers are worked out by hand in the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import doelenboom as db

REPO = Path(__file__).resolve().parents[2]
ASEM_TREE = REPO / "tests" / "data" / "asem" / "tree.csv"
ASEM_COLUMNS = {"id": "code", "label": "name", "kind": "type"}


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
