"""GoalTree: building, structure, effective weights, pandas, files, edits and display."""

from __future__ import annotations

import copy
import csv
import math
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import doelenboom as db
from conftest import ASEM_COLUMNS, ASEM_TREE

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

# ------------------------------------------------------------------------------------------------
# Structure


def test_small_tree_structure(small_tree: db.GoalTree) -> None:
    assert len(small_tree) == 5
    assert small_tree.num_edges == 5
    assert small_tree.levels == ["top", "mid", "leaf"]
    assert small_tree.ids == ["R", "A", "B", "x", "y"]
    assert list(small_tree) == ["R", "A", "B", "x", "y"]
    assert small_tree.roots() == ["R"]
    assert small_tree.leaves() == ["x", "y"]
    assert small_tree.children("R") == ["A", "B"]
    assert small_tree.children("B") == ["x", "y"]
    assert small_tree.parents("x") == ["A", "B"]
    assert small_tree.ancestors("x") == ["R", "A", "B"]
    assert small_tree.ancestors("R") == []
    assert small_tree.descendants("R") == ["A", "B", "x", "y"]
    assert small_tree.descendants("A") == ["x"]
    assert small_tree.nodes_at_level("mid") == ["A", "B"]
    assert "x" in small_tree
    assert "nope" not in small_tree
    assert small_tree.weight("B", "R") == 3.0
    assert small_tree.node("y") == {
        "id": "y",
        "label": "Indicator y",
        "kind": "indicator",
        "level": "leaf",
        "description": "",
        "direction": -1,
    }
    # Indicators without a direction get +1, goals 0.
    assert small_tree.node("x")["direction"] == 1
    assert small_tree.node("A")["direction"] == 0


def test_topological_order_puts_children_first(small_tree: db.GoalTree) -> None:
    order = small_tree.topological_order()
    assert sorted(order) == sorted(small_tree.ids)
    position = {node: i for i, node in enumerate(order)}
    for edge in small_tree.edges:
        assert position[edge["child"]] < position[edge["parent"]]
    assert order[-1] == "R"


def test_edges_are_grouped_by_child_in_node_order(small_tree: db.GoalTree) -> None:
    assert [(e["child"], e["parent"], e["weight"]) for e in small_tree.edges] == [
        ("A", "R", 1.0),
        ("B", "R", 3.0),
        ("x", "A", 1.0),
        ("x", "B", 1.0),
        ("y", "B", 1.0),
    ]


def test_nodes_and_edges_accept_dicts_and_default_levels() -> None:
    tree = db.GoalTree(
        nodes=[
            {"id": "top", "label": "Top", "kind": "goal", "level": "doel"},
            {"id": "i", "label": "Indicator", "kind": "indicator", "level": "indicator", "direction": -1},
        ],
        edges=[{"child": "i", "parent": "top"}],
    )
    # Levels in the order the nodes first use them.
    assert tree.levels == ["doel", "indicator"]
    assert tree.weight("i", "top") == 1.0
    assert tree.node("i")["direction"] == -1


def test_empty_tree() -> None:
    tree = db.GoalTree()
    assert len(tree) == 0
    assert tree.roots() == []
    assert repr(tree) == "<GoalTree (empty)>"
    assert tree.outline() == ""


def test_subtree(small_tree: db.GoalTree) -> None:
    sub = small_tree.subtree("B")
    assert sub.ids == ["B", "x", "y"]
    assert sub.roots() == ["B"]
    assert sub.levels == ["mid", "leaf"]
    assert sub.num_edges == 2
    assert sub.effective_weights("B").to_dict() == {"x": 0.5, "y": 0.5}


def test_check_lists_every_problem_without_raising() -> None:
    problems = db.GoalTree.check(
        [("a", "A", "goal", "top"), ("b", "B", "goal", "top"), ("b", "B again", "goal", "top")],
        [("a", "b"), ("b", "a")],
    )
    codes = sorted(p["code"] for p in problems)
    assert "duplicate_id" in codes
    assert "cycle" in codes
    assert db.GoalTree.check([("a", "A", "goal", "top")]) == []


# ------------------------------------------------------------------------------------------------
# Effective weights


def test_effective_weights_by_hand(small_tree: db.GoalTree) -> None:
    w = small_tree.effective_weights("R")
    assert w.name == "effective_weight"
    assert w.index.name == "id"
    assert list(w.index) == ["A", "B", "x", "y"]  # descendants only, in node order
    assert w["A"] == pytest.approx(0.25)
    assert w["B"] == pytest.approx(0.75)
    # x: 1/4 via A (A's only child) + 3/4 * 1/2 via B
    assert w["x"] == pytest.approx(0.25 * 1.0 + 0.75 * 0.5)
    assert w["x"] == pytest.approx(0.625)
    assert w["y"] == pytest.approx(0.375)
    assert w[small_tree.leaves()].sum() == pytest.approx(1.0)
    assert small_tree.effective_weights("B").to_dict() == {"x": 0.5, "y": 0.5}
    assert small_tree.effective_weights("A").to_dict() == {"x": 1.0}


def test_effective_weights_unequal_weights_on_two_levels() -> None:
    # R: A (w 2), B (w 1), C (w 1) -> 1/2, 1/4, 1/4
    # A: x (w 1), y (w 3) -> 1/4, 3/4;  B: y, z (w 1 each) -> 1/2, 1/2;  C: z (w 4), x (w 1) -> 4/5, 1/5
    tree = db.GoalTree(
        [
            ("R", "R", "goal", "top"),
            ("A", "A", "goal", "mid"),
            ("B", "B", "goal", "mid"),
            ("C", "C", "goal", "mid"),
            ("x", "x", "indicator", "leaf"),
            ("y", "y", "indicator", "leaf"),
            ("z", "z", "indicator", "leaf"),
        ],
        [
            ("A", "R", 2),
            ("B", "R", 1),
            ("C", "R", 1),
            ("x", "A", 1),
            ("y", "A", 3),
            ("y", "B", 1),
            ("z", "B", 1),
            ("z", "C", 4),
            ("x", "C", 1),
        ],
    )
    w = tree.effective_weights("R")
    assert w["x"] == pytest.approx(1 / 2 * 1 / 4 + 1 / 4 * 1 / 5)  # 0.175
    assert w["y"] == pytest.approx(1 / 2 * 3 / 4 + 1 / 4 * 1 / 2)  # 0.5
    assert w["z"] == pytest.approx(1 / 4 * 1 / 2 + 1 / 4 * 4 / 5)  # 0.325
    assert w[["x", "y", "z"]].sum() == pytest.approx(1.0)


def test_effective_weights_paths_of_different_length() -> None:
    # x hangs directly under R and also under A (which hangs under R): 1/2 + 1/2 * 1 = 1.
    tree = db.GoalTree(
        [("R", "R", "goal", "top"), ("A", "A", "goal", "mid"), ("x", "x", "indicator", "leaf")],
        [("A", "R"), ("x", "R"), ("x", "A")],
    )
    assert tree.effective_weights("R").to_dict() == pytest.approx({"A": 0.5, "x": 1.0})


def test_effective_weights_of_a_leaf_is_empty(small_tree: db.GoalTree) -> None:
    w = small_tree.effective_weights("x")
    assert len(w) == 0
    assert w.dtype == np.float64


def test_effective_weight_matrix_and_array(small_tree: db.GoalTree) -> None:
    m = small_tree.effective_weight_matrix()
    assert list(m.index) == small_tree.ids
    assert list(m.columns) == small_tree.ids
    np.testing.assert_allclose(np.diag(m.to_numpy()), 1.0)
    np.testing.assert_allclose(m.loc["R"].to_numpy(), [1.0, 0.25, 0.75, 0.625, 0.375])
    np.testing.assert_allclose(m.loc["B"].to_numpy(), [0.0, 0.0, 1.0, 0.5, 0.5])
    array = small_tree.effective_weight_array("R")
    assert array.dtype == np.float64
    np.testing.assert_allclose(array, m.loc["R"].to_numpy())


def test_unknown_id_raises_tree_error_naming_it(small_tree: db.GoalTree) -> None:
    with pytest.raises(db.TreeError, match="'nope'"):
        small_tree.effective_weights("nope")
    with pytest.raises(db.TreeError, match="'nope'"):
        small_tree.children("nope")


# ------------------------------------------------------------------------------------------------
# ASEM


def _asem_rows() -> list[dict[str, str]]:
    with ASEM_TREE.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_asem_csv(asem_tree: db.GoalTree) -> None:
    assert len(asem_tree) == 60
    assert len(asem_tree.leaves()) == 49
    assert asem_tree.roots() == ["Index"]
    assert asem_tree.levels == ["4", "3", "2", "1"]  # numeric levels, larger = higher up
    assert asem_tree.children("Index") == ["Conn", "Sust"]
    assert len(asem_tree.nodes_at_level("2")) == 8
    assert sum(1 for n in asem_tree.nodes if n["direction"] == -1) == 14
    assert {n["kind"] for n in asem_tree.nodes if n["id"] in asem_tree.leaves()} == {"indicator"}
    assert asem_tree.node("Index")["label"] == "Sustainable Connectivity"


def test_asem_effective_weights_match_the_csv(asem_tree: db.GoalTree) -> None:
    rows = _asem_rows()
    children: dict[str, list[str]] = {}
    for row in rows:
        if row["parent"]:
            children.setdefault(row["parent"], []).append(row["code"])
    # All weights are 1: LPI counts 1/2 (Conn in Index) * 1/5 (Physical in Conn) * 1/n (in Physical).
    expected = 1 / len(children["Index"]) * 1 / len(children["Conn"]) * 1 / len(children["Physical"])
    w = asem_tree.effective_weights("Index")
    assert w["LPI"] == pytest.approx(expected)
    assert w[asem_tree.leaves()].sum() == pytest.approx(1.0)


def test_load_csv_with_format_override(tmp_path: Path) -> None:
    copy_path = tmp_path / "asem.txt"
    copy_path.write_bytes(ASEM_TREE.read_bytes())
    tree = db.GoalTree.load(copy_path, format="csv", **ASEM_COLUMNS)
    assert len(tree) == 60


# ------------------------------------------------------------------------------------------------
# pandas


def test_to_pandas_columns_and_types(small_tree: db.GoalTree) -> None:
    nodes, edges = small_tree.to_pandas()
    assert list(nodes.columns) == ["id", "label", "kind", "level", "direction", "description"]
    assert list(edges.columns) == ["child", "parent", "weight"]
    assert nodes["id"].tolist() == ["R", "A", "B", "x", "y"]
    assert nodes["kind"].tolist() == ["goal", "goal", "goal", "indicator", "indicator"]
    assert nodes["direction"].dtype == "Int64"
    assert nodes["direction"].isna().tolist() == [True, True, True, False, False]
    assert nodes["direction"].iloc[3:].tolist() == [1, -1]
    assert isinstance(nodes["level"].dtype, pd.CategoricalDtype)
    assert nodes["level"].cat.ordered
    assert nodes["level"].cat.categories.tolist() == ["top", "mid", "leaf"]
    assert nodes["description"].isna().all()
    assert edges["weight"].dtype == np.float64
    assert edges["weight"].tolist() == [1.0, 3.0, 1.0, 1.0, 1.0]
    assert nodes.attrs["name"] == "small"


@pytest.mark.parametrize("name", ["movisie", "neder-betuwe"])
def test_pandas_round_trip_shipped_trees(name: str) -> None:
    tree = db.GoalTree.load(db.example_tree_path(name))
    nodes, edges = tree.to_pandas()
    assert db.GoalTree.from_pandas(nodes, edges) == tree


def test_pandas_round_trip_small_and_asem(small_tree: db.GoalTree, asem_tree: db.GoalTree) -> None:
    for tree in (small_tree, asem_tree):
        assert db.GoalTree.from_pandas(*tree.to_pandas()) == tree


def test_from_pandas_plain_tables_defaults() -> None:
    nodes = pd.DataFrame(
        {
            "id": ["top", "g", "i1", "i2"],
            "label": ["Top", "Goal", "Ind 1", "Ind 2"],
            "kind": ["goal", "goal", "indicator", "indicator"],
            "level": ["resultaat", "doel", "indicator", "indicator"],
            "direction": [np.nan, np.nan, -1.0, np.nan],
            "description": ["Over alles", None, np.nan, "Twee"],
            "owner": ["a", "b", "c", "d"],  # other columns are ignored ("unit" is a definition column)
        }
    )
    edges = pd.DataFrame({"child": ["g", "i1", "i2"], "parent": ["top", "g", "g"]})  # no weight column
    tree = db.GoalTree.from_pandas(nodes, edges)
    assert tree.levels == ["resultaat", "doel", "indicator"]  # order of first appearance
    assert [e["weight"] for e in tree.edges] == [1.0, 1.0, 1.0]
    assert tree.node("i1")["direction"] == -1
    assert tree.node("i2")["direction"] == 1  # missing direction: +1 for an indicator
    assert tree.node("g")["direction"] == 0
    assert tree.node("top")["description"] == "Over alles"
    assert tree.node("g")["description"] == ""
    assert tree.name == ""


def test_from_pandas_explicit_levels_and_name() -> None:
    nodes = pd.DataFrame(
        {"id": ["i", "top"], "label": ["I", "T"], "kind": ["indicator", "goal"], "level": ["low", "high"]}
    )
    edges = pd.DataFrame({"child": ["i"], "parent": ["top"], "weight": [np.nan]})
    # First appearance would put "low" on top; say otherwise.
    tree = db.GoalTree.from_pandas(nodes, edges, levels=["high", "low"], name="Boom")
    assert tree.levels == ["high", "low"]
    assert tree.weight("i", "top") == 1.0  # NaN weight means 1
    assert tree.name == "Boom"
    with pytest.raises(
        db.TreeError, match="node 'i' at level 'low' is above its parent 'top' at level 'high'"
    ):
        db.GoalTree.from_pandas(nodes, edges)


def test_from_pandas_missing_column_names_it() -> None:
    nodes = pd.DataFrame({"id": ["a"], "label": ["A"], "level": ["top"]})
    with pytest.raises(db.ParseError, match="missing required column 'kind'") as info:
        db.GoalTree.from_pandas(nodes)
    assert info.value.problems[0]["field"] == "kind"
    assert info.value.problems[0]["code"] == "missing_column"
    good = pd.DataFrame({"id": ["a"], "label": ["A"], "kind": ["goal"], "level": ["top"]})
    with pytest.raises(db.ParseError, match="edges table: missing required column 'parent'"):
        db.GoalTree.from_pandas(good, pd.DataFrame({"child": ["a"]}))


def test_from_pandas_bad_cells_name_row_and_column() -> None:
    nodes = pd.DataFrame(
        {"id": ["a", None], "label": ["A", "B"], "kind": ["goal", "goal"], "level": ["top", "top"]}
    )
    with pytest.raises(db.ParseError, match=r"nodes, row 2, field 'id': the value is missing"):
        db.GoalTree.from_pandas(nodes)
    nodes = pd.DataFrame(
        {"id": ["a"], "label": ["A"], "kind": ["indicator"], "level": ["top"], "direction": [0.5]}
    )
    with pytest.raises(db.ParseError, match=r"nodes, row 1, field 'direction'"):
        db.GoalTree.from_pandas(nodes)
    nodes = pd.DataFrame(
        {"id": ["a", "b"], "label": ["A", "B"], "kind": ["goal", "goal"], "level": ["t", "u"]}
    )
    edges = pd.DataFrame({"child": ["b"], "parent": ["a"], "weight": ["heavy"]})
    with pytest.raises(
        db.ParseError, match=r"edges, row 1, field 'weight': the value 'heavy' is not a number"
    ):
        db.GoalTree.from_pandas(nodes, edges)
    with pytest.raises(TypeError, match="DataFrame"):
        db.GoalTree.from_pandas({"id": ["a"]})


def test_from_pandas_structural_problems_are_located_by_row() -> None:
    nodes = pd.DataFrame(
        {
            "id": ["a", "b", "a"],
            "label": ["A", "B", "A2"],
            "kind": ["goal", "indicator", "goal"],
            "level": ["top", "low", "top"],
        }
    )
    edges = pd.DataFrame({"child": ["b", "b"], "parent": ["a", "ghost"]})
    with pytest.raises(db.TreeError) as info:
        db.GoalTree.from_pandas(nodes, edges)
    message = str(info.value)
    assert message.startswith("2 problems:")
    assert "nodes, row 3: duplicate node id 'a' (first defined at nodes, row 1" in message
    assert "edges, row 2: edge 'b' -> 'ghost' points to unknown parent id 'ghost'" in message
    rows = {(p["file"], p["row"], p["code"]) for p in info.value.problems}
    assert rows == {("nodes", 3, "duplicate_id"), ("edges", 2, "unknown_id")}


def test_from_pandas_integer_ids_become_text() -> None:
    nodes = pd.DataFrame(
        {"id": [1, 2], "label": ["Een", "Twee"], "kind": ["goal", "indicator"], "level": [2, 1]}
    )
    edges = pd.DataFrame({"child": [2], "parent": [1]})
    tree = db.GoalTree.from_pandas(nodes, edges)
    assert tree.ids == ["1", "2"]
    assert tree.levels == ["2", "1"]


# ------------------------------------------------------------------------------------------------
# Files


def test_yaml_round_trip(small_tree: db.GoalTree, tmp_path: Path) -> None:
    text = small_tree.to_yaml()
    assert "doelenboom: 1" in text
    assert db.GoalTree.from_yaml(text) == small_tree
    path = tmp_path / "small.yaml"
    small_tree.save(path)
    loaded = db.GoalTree.load(path)
    assert loaded == small_tree
    assert loaded.source == str(path)
    assert db.GoalTree.load(str(path)) == small_tree


def test_save_and_load_reject_unknown_suffixes(small_tree: db.GoalTree, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"expected the suffix \.yaml or \.yml"):
        small_tree.save(tmp_path / "tree.json")
    with pytest.raises(db.ParseError, match=r"unknown tree file type '\.json'"):
        db.GoalTree.load(tmp_path / "tree.json")
    with pytest.raises(TypeError, match="CSV files only"):
        db.GoalTree.load(tmp_path / "tree.yaml", id="code")
    with pytest.raises(TypeError, match="unknown CSV column option"):
        db.GoalTree.load(ASEM_TREE, identifier="code")


def test_example_trees() -> None:
    assert db.example_trees() == ["movisie", "neder-betuwe"]
    path = db.example_tree_path("movisie")
    assert path.name == "movisie.yaml"
    assert path.is_file()
    assert db.example_tree_path("neder-betuwe.yaml") == db.example_tree_path("neder-betuwe")
    with pytest.raises(ValueError, match="movisie, neder-betuwe"):
        db.example_tree_path("utrecht")


def test_movisie_tree() -> None:
    tree = db.GoalTree.load(db.example_tree_path("movisie"))
    assert tree.name == "Doelenboom cliëntondersteuning (Movisie)"
    assert tree.levels == ["maatschappelijk resultaat", "factor", "subdoel", "activiteit", "indicator"]
    assert (len(tree), tree.num_edges, len(tree.leaves())) == (34, 48, 15)
    assert tree.roots() == ["zelfregie"]
    assert tree.children("zelfregie") == ["kunnen_kiezen", "willen_kiezen", "mogen_kiezen"]
    assert tree.node("zelfregie")["label"] == "Zelfregie"
    # Every leaf is an indicator, and activities serve several subdoelen (a DAG, not a tree).
    assert {tree.node(i)["kind"] for i in tree.leaves()} == {"indicator"}
    assert any(len(tree.parents(i)) > 1 for i in tree.nodes_at_level("activiteit"))
    assert tree.effective_weights("zelfregie")[tree.leaves()].sum() == pytest.approx(1.0)


def test_neder_betuwe_tree() -> None:
    tree = db.GoalTree.load(db.example_tree_path("neder-betuwe"))
    assert tree.levels == ["ambitie", "maatschappelijk resultaat", "subresultaat", "indicator"]
    assert (len(tree), tree.num_edges, len(tree.leaves())) == (20, 21, 8)
    assert tree.roots() == ["ambitie"]
    assert tree.children("ambitie") == [
        "vergroten_bereik",
        "informele_oco",
        "verbeteren_samenwerking",
        "inzicht_outcome",
    ]
    assert tree.effective_weights("ambitie")[tree.leaves()].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# Edits, equality, copies


def test_edits_change_structure_and_weights(small_tree: db.GoalTree) -> None:
    tree = small_tree.copy()
    tree.set_weight("B", "R", 1.0)
    assert tree.effective_weights("R")["x"] == pytest.approx(0.5 + 0.5 * 0.5)
    tree.add_node("z", "Indicator z", level="leaf", kind="indicator", parents={"A": 3.0})
    assert tree.children("A") == ["x", "z"]
    assert tree.node("z")["direction"] == 1
    assert tree.effective_weights("A").to_dict() == pytest.approx({"x": 0.25, "z": 0.75})
    tree.add_edge("y", "A", 2.0)
    assert tree.parents("y") == ["B", "A"]
    tree.remove_edge("x", "B")
    assert tree.parents("x") == ["A"]
    tree.remove_node("z")
    assert "z" not in tree
    assert tree.num_edges == 5
    assert small_tree.weight("B", "R") == 3.0  # the original is untouched


def test_failed_edit_leaves_tree_unchanged(small_tree: db.GoalTree) -> None:
    before = small_tree.copy()
    with pytest.raises(db.TreeError, match="cycle"):
        small_tree.add_edge("R", "A")
    with pytest.raises(db.TreeError, match="weight -1"):
        small_tree.set_weight("x", "A", -1.0)
    with pytest.raises(db.TreeError, match="'ghost'"):
        small_tree.add_node("g", "G", level="mid", parents=["ghost"])
    assert small_tree == before
    assert small_tree.weight("x", "A") == 1.0


def test_equality(small_tree: db.GoalTree) -> None:
    same = db.GoalTree.from_yaml(small_tree.to_yaml())
    assert same == small_tree
    other = small_tree.copy()
    other.set_weight("B", "R", 2.0)
    assert other != small_tree
    assert small_tree != "small"
    with pytest.raises(TypeError):
        hash(small_tree)


def test_copy_and_pickle(small_tree: db.GoalTree) -> None:
    assert copy.copy(small_tree) == small_tree
    assert copy.deepcopy(small_tree) == small_tree
    restored = pickle.loads(pickle.dumps(small_tree))
    assert restored == small_tree
    assert restored.effective_weights("R")["x"] == pytest.approx(0.625)


# ------------------------------------------------------------------------------------------------
# Display


def test_repr(small_tree: db.GoalTree, asem_tree: db.GoalTree) -> None:
    assert repr(small_tree) == "<GoalTree 'small' 5 nodes, 5 edges, 3 levels, root R>"
    assert repr(asem_tree) == "<GoalTree 60 nodes, 59 edges, 4 levels, root Index>"
    two_roots = db.GoalTree([("a", "A", "goal", "top"), ("b", "B", "goal", "top")])
    assert repr(two_roots) == "<GoalTree 2 nodes, 0 edges, 1 level, roots a, b>"
    movisie = db.GoalTree.load(db.example_tree_path("movisie"))
    assert repr(movisie) == (
        "<GoalTree 'Doelenboom cliëntondersteuning (Movisie)' 34 nodes, 48 edges, 5 levels, root zelfregie>"
    )


def test_outline(small_tree: db.GoalTree) -> None:
    assert small_tree.outline() == (
        "Root [R]\n"
        "  Goal A [A]\n"
        "    Indicator x [x] (indicator) * also under: B\n"
        "  Goal B [B] (weight 3)\n"
        "    Indicator x [x] (indicator) * also under: A\n"
        "    Indicator y [y] (indicator, lower is better)\n"
    )


def test_outline_expands_a_shared_goal_once() -> None:
    tree = db.GoalTree(
        [
            ("R", "R", "goal", "top"),
            ("A", "A", "goal", "mid"),
            ("B", "B", "goal", "mid"),
            ("S", "Shared", "goal", "low"),
            ("i", "I", "indicator", "ind"),
        ],
        [("A", "R"), ("B", "R"), ("S", "A"), ("S", "B"), ("i", "S")],
    )
    assert tree.outline().splitlines() == [
        "R [R]",
        "  A [A]",
        "    Shared [S] * also under: B",
        "      I [i] (indicator)",
        "  B [B]",
        "    Shared [S] * also under: A (see above)",
    ]


def test_to_dot(small_tree: db.GoalTree) -> None:
    dot = small_tree.to_dot()
    assert dot.startswith("digraph doelenboom {")
    assert "rankdir=BT" in dot
    assert 'label="small"' in dot
    assert re.search(r'"x" \[label="Indicator x", tooltip="x", shape=box', dot)
    assert '"R" [label="Root", tooltip="R"];' in dot  # goals keep the default ellipse
    assert '"B" -> "R" [label="3"];' in dot
    assert '"A" -> "R";' in dot  # weight 1: no label
    assert '{ rank=same; "A"; "B"; }' in dot
    assert dot.count("->") == 5


def test_to_dot_escapes_labels() -> None:
    tree = db.GoalTree(
        [
            ("top", 'Cliëntondersteuning "goed"', "goal", "top"),
            ("i", "pad C:\\temp\nnieuwe regel", "indicator", "low"),
        ],
        [("i", "top", 0.5)],
        name='Boom "1"',
    )
    dot = tree.to_dot(wrap=None)
    assert 'label="Cliëntondersteuning \\"goed\\""' in dot
    assert 'label="pad C:\\\\temp\\nnieuwe regel"' in dot
    assert 'label="Boom \\"1\\""' in dot
    assert '"i" -> "top" [label="0.5"];' in dot
    wrapped = db.GoalTree([("a", "een twee drie vier vijf zes zeven", "goal", "top")]).to_dot(wrap=10)
    assert 'label="een twee\\ndrie vier\\nvijf zes\\nzeven"' in wrapped


@needs_dot
def test_svg_with_graphviz(small_tree: db.GoalTree) -> None:
    svg = small_tree.to_svg()
    assert "<svg" in svg
    assert "Indicator x" in svg
    assert svg.count('<g id="node') == 5
    assert small_tree._repr_svg_() == svg
    escaped = db.GoalTree([("a", 'Cliëntondersteuning "goed" & <snel>', "goal", "top")]).to_svg()
    assert ">Cliëntondersteuning</text>" in escaped  # wrapped onto two lines at 24 characters
    assert ">&quot;goed&quot; &amp; &lt;snel&gt;</text>" in escaped


@pytest.mark.usefixtures("no_graphviz")
def test_svg_without_graphviz(small_tree: db.GoalTree) -> None:
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        small_tree.to_svg()
    assert small_tree._repr_svg_() is None
    assert "digraph" in small_tree.to_dot()  # DOT text needs no Graphviz


# ------------------------------------------------------------------------------------------------
# Properties on random layered DAGs


@st.composite
def layered_trees(draw: st.DrawFn) -> db.GoalTree:
    """A random valid tree: one root, 1-3 further levels, every node with 1-3 parents one level up."""
    depth = draw(st.integers(min_value=1, max_value=3))
    levels = [["n0"]]
    nodes = [("n0", "root", "goal", "L0")]
    edges = []
    counter = 1
    for level in range(1, depth + 1):
        width = draw(st.integers(min_value=1, max_value=4))
        current = []
        for _ in range(width):
            node_id = f"n{counter}"
            counter += 1
            kind = "indicator" if level == depth else "goal"
            nodes.append((node_id, node_id, kind, f"L{level}"))
            parents = draw(st.lists(st.sampled_from(levels[-1]), min_size=1, max_size=3, unique=True))
            for parent in parents:
                weight = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
                edges.append((node_id, parent, weight))
            current.append(node_id)
        levels.append(current)
    return db.GoalTree(nodes, edges)


def _reference_effective_weights(tree: db.GoalTree, ancestor: str) -> dict[str, float]:
    """Sum over all paths of the products of parent-normalised weights, by plain recursion."""
    totals = {p: sum(tree.weight(c, p) for c in tree.children(p)) for p in tree.ids if tree.children(p)}
    result: dict[str, float] = {}

    def walk(node: str, share: float) -> None:
        for child in tree.children(node):
            part = share * tree.weight(child, node) / totals[node]
            result[child] = result.get(child, 0.0) + part
            walk(child, part)

    walk(ancestor, 1.0)
    return result


@settings(max_examples=60, deadline=None)
@given(layered_trees())
def test_effective_weights_match_path_sums(tree: db.GoalTree) -> None:
    root = tree.roots()[0]
    w = tree.effective_weights(root)
    reference = _reference_effective_weights(tree, root)
    assert set(w.index) == set(reference)
    for node, value in reference.items():
        assert math.isclose(w[node], value, rel_tol=1e-12, abs_tol=1e-15)
    assert w[tree.leaves()].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        tree.effective_weight_matrix().loc[root].to_numpy(), tree.effective_weight_array(root)
    )


@settings(max_examples=40, deadline=None)
@given(layered_trees())
def test_round_trips_on_random_trees(tree: db.GoalTree) -> None:
    assert db.GoalTree.from_pandas(*tree.to_pandas()) == tree
    assert db.GoalTree.from_yaml(tree.to_yaml()) == tree


# ------------------------------------------------------------------------------------------------
# Indicator definitions in the tree and from a separate indicators file

TREE_WITH_DEFINITIONS = """\
doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Zelfregie
    level: doel
  - id: clienten
    label: Aantal cliënten
    kind: indicator
    level: indicator
    pillar: bereik
    result: output
    measure: count
    unit: cliënten
    parents: [top]
  - id: cijfer
    label: Rapportcijfer
    kind: indicator
    level: indicator
    parents: [top]
"""

INDICATORS_FOR_CIJFER = """\
doelenboom_indicators: 1
indicators:
  - id: cijfer
    label: Rapportcijfer
    pillar: tevredenheid
    result: outcome
    measure: mean
    scale: rapportcijfer
    norm: 7
"""


def test_shipped_trees_define_every_indicator() -> None:
    tree = db.GoalTree.load(db.example_tree_path("movisie"))
    indicators = tree.indicators
    assert isinstance(indicators, db.IndicatorSet)
    assert indicators.ids() == tree.nodes_at_level("indicator")
    assert len(indicators) == 15
    quality = indicators["ind_kwaliteit_goed"]
    assert (quality.pillar, quality.kind, quality.measure) == ("satisfaction", "outcome", "proportion")
    assert quality.norm == 0.8
    assert quality.goalposts == (0.5, 1.0)
    assert quality.unit == "aandeel cliënten"
    assert quality.label == tree.node("ind_kwaliteit_goed")["label"]
    lead_time = indicators["ind_doorlooptijd"]
    assert (lead_time.direction, lead_time.norm, lead_time.unit) == (-1, 28.0, "dagen")
    assert indicators["ind_zrm_verbeterd"].scale == ("zrm", 1.0, 5.0)
    table = indicators.to_pandas()
    assert table.loc[table["pillar"] == "reach", "kind"].unique().tolist() == ["output"]
    assert sorted(table["pillar"].unique()) == ["goal_attainment", "reach", "satisfaction"]
    neder_betuwe = db.GoalTree.load(db.example_tree_path("neder-betuwe"))
    assert len(neder_betuwe.indicators) == 8
    assert neder_betuwe.indicators["ind_bekendheid"].norm == 0.5


def test_tree_without_definitions_has_an_empty_indicator_set(small_tree: db.GoalTree) -> None:
    assert len(small_tree.indicators) == 0
    assert small_tree.indicators.ids() == []
    assert small_tree.core.definition()["indicators"] == []


def test_with_indicators_attaches_a_separate_file(tmp_path: Path) -> None:
    tree = db.GoalTree.from_yaml(TREE_WITH_DEFINITIONS, "tree.yaml")
    assert tree.indicators.ids() == ["clienten"]
    assert tree.indicators["clienten"].pillar == "reach"
    path = tmp_path / "indicators.yaml"
    path.write_text(INDICATORS_FOR_CIJFER, encoding="utf-8")
    for source in (path, db.IndicatorSet.load(path)):
        both = tree.with_indicators(source)
        assert both.indicators.ids() == ["clienten", "cijfer"]
        cijfer = both.indicators["cijfer"]
        assert (cijfer.measure, cijfer.scale, cijfer.norm) == ("mean", ("rapportcijfer", 1.0, 10.0), 7.0)
        assert (cijfer.file, cijfer.line) == (str(path), 3)
    assert tree.indicators.ids() == ["clienten"]  # unchanged
    # Saved, the tree file holds both definitions; loading, pickling and copying keep them.
    text = both.to_yaml()
    assert (
        "  - id: cijfer\n    label: Rapportcijfer\n    kind: indicator\n    level: indicator\n    direction: 1\n"
        "    pillar: satisfaction\n    result: outcome\n    measure: mean\n    scale: rapportcijfer\n"
        "    norm: 7\n    parents: [top]\n"
    ) in text
    assert db.GoalTree.from_yaml(text) == both
    assert pickle.loads(pickle.dumps(both)) == both
    assert both != tree


def test_with_indicators_errors_name_both_files_and_lines(tmp_path: Path) -> None:
    tree_path = tmp_path / "tree.yaml"
    tree_path.write_text(TREE_WITH_DEFINITIONS, encoding="utf-8")
    tree = db.GoalTree.load(tree_path)
    path = tmp_path / "indicators.yaml"
    path.write_text(
        "doelenboom_indicators: 1\n"
        "indicators:\n"
        "  - {id: clienten, label: Aantal cliënten, pillar: reach, result: output, measure: count}\n"
        "  - {id: cijfer, label: Cijfer, pillar: satisfaction, result: outcome, measure: mean, scale: rapportcijfer,"
        " direction: -1}\n"
        "  - {id: top, label: Zelfregie, pillar: reach, result: output, measure: count}\n",
        encoding="utf-8",
    )
    with pytest.raises(db.TreeError) as info:
        tree.with_indicators(path)
    assert [p["message"] for p in info.value.problems] == [
        (
            f"{path}:3: indicator 'clienten' is defined twice: at {tree_path}:7 and at {path}:3 (expected one "
            "definition per indicator: in the tree file or in a separate indicators file, not both)"
        ),
        (
            f"{path}:4: indicator 'cijfer': the definition has direction -1, but node 'cijfer' ({tree_path}:16) "
            "has direction 1 (expected the same direction in both)"
        ),
        (
            f"{path}:4: indicator 'cijfer': the definition has label 'Cijfer', but node 'cijfer' ({tree_path}:16) "
            "has label 'Rapportcijfer' (expected the same label in both)"
        ),
        (
            f"{path}:5: indicator definition 'top' is for goal 'top' (expected the id of an indicator node; goals "
            "have no definitions)"
        ),
    ]
    assert [p["code"] for p in info.value.problems] == [
        "duplicate_indicator",
        "indicator_mismatch",
        "indicator_mismatch",
        "not_an_indicator",
    ]
    assert info.value.problems[0]["ids"] == ["clienten"]
    with pytest.raises(TypeError, match="not None"):
        tree.with_indicators(None)  # type: ignore[arg-type]


def test_definition_keys_on_a_goal_in_yaml() -> None:
    text = TREE_WITH_DEFINITIONS.replace("    level: doel\n", "    level: doel\n    measure: count\n", 1)
    with pytest.raises(db.ParseError) as info:
        db.GoalTree.from_yaml(text, "tree.yaml")
    assert str(info.value) == (
        "tree.yaml:7: node 'top': only indicators have an indicator definition: remove 'measure' (or add "
        "'kind: indicator')"
    )


def test_pandas_carries_definitions() -> None:
    tree = db.GoalTree.load(db.example_tree_path("movisie"))
    nodes, edges = tree.to_pandas()
    assert list(nodes.columns) == [
        "id",
        "label",
        "kind",
        "level",
        "direction",
        "description",
        "pillar",
        "result",
        "measure",
        "rate_per",
        "scale",
        "scale_min",
        "scale_max",
        "norm",
        "goalpost_min",
        "goalpost_max",
        "unit",
    ]
    row = nodes.set_index("id").loc["ind_kwaliteit_goed"]
    assert (row["pillar"], row["result"], row["measure"], row["unit"]) == (
        "satisfaction",
        "outcome",
        "proportion",
        "aandeel cliënten",
    )
    assert (row["norm"], row["goalpost_min"], row["goalpost_max"]) == (0.8, 0.5, 1.0)
    zrm = nodes.set_index("id").loc["ind_zrm_verbeterd"]
    assert (zrm["scale"], zrm["scale_min"], zrm["scale_max"]) == ("zrm", 1.0, 5.0)
    goal = nodes.set_index("id").loc["zelfregie"]
    assert goal[["pillar", "result", "measure", "scale", "unit"]].isna().all()
    assert goal[["rate_per", "norm", "goalpost_min"]].isna().all()
    assert nodes["norm"].dtype == np.float64
    back = db.GoalTree.from_pandas(nodes, edges)
    assert back == tree
    assert back.indicators == tree.indicators


def test_from_pandas_definition_columns() -> None:
    nodes = pd.DataFrame(
        {
            "id": ["top", "p", "m"],
            "label": ["Top", "Aandeel", "Gemiddelde"],
            "kind": ["goal", "indicator", "indicator"],
            "level": ["doel", "indicator", "indicator"],
            "pillar": [None, "doelrealisatie", "tevredenheid"],
            "result": [None, "outcome", "outcome"],
            "measure": [None, "proportion", "mean"],
            "scale": [None, None, "eigen"],
            "scale_min": [np.nan, np.nan, 0.0],
            "scale_max": [np.nan, np.nan, 100.0],
            "norm": [np.nan, 0.6, np.nan],
        }
    )
    edges = pd.DataFrame({"child": ["p", "m"], "parent": ["top", "top"]})
    tree = db.GoalTree.from_pandas(nodes, edges)
    assert tree.indicators.ids() == ["p", "m"]
    assert tree.indicators["p"].pillar == "goal_attainment"
    assert tree.indicators["p"].norm == 0.6
    assert tree.indicators["m"].scale == ("eigen", 0.0, 100.0)
    assert tree.indicators["m"].label == "Gemiddelde"


def test_from_pandas_definition_errors() -> None:
    base = {
        "id": ["top", "i"],
        "label": ["Top", "I"],
        "kind": ["goal", "indicator"],
        "level": ["doel", "indicator"],
    }
    edges = pd.DataFrame({"child": ["i"], "parent": ["top"]})

    def error(extra: dict[str, list[object]]) -> db.Error:
        with pytest.raises(db.Error) as info:
            db.GoalTree.from_pandas(pd.DataFrame({**base, **extra}), edges)
        return info.value

    goal = error({"pillar": ["bereik", "bereik"], "result": [None, "output"], "measure": [None, "count"]})
    assert isinstance(goal, db.ParseError)
    assert str(goal) == (
        "nodes, row 1, field 'pillar': goal 'top' has indicator definition values (pillar; expected them on "
        "indicators only)"
    )
    missing = error({"pillar": [None, "bereik"], "result": [None, "output"]})
    assert str(missing) == (
        "nodes, row 2, field 'measure': indicator 'i' has a definition but no measure (expected one of: count, rate, "
        "proportion, mean, ordinal_change)"
    )
    assert missing.problems[0]["field"] == "measure"
    assert missing.problems[0]["row"] == 2
    bad = error({"pillar": [None, "bereikt"], "result": [None, "output"], "measure": [None, "count"]})
    assert str(bad) == (
        "nodes, row 2, field 'pillar': pillar 'bereikt' is not one of: reach, satisfaction, goal_attainment (or "
        "bereik, tevredenheid, doelrealisatie)"
    )
    norm = error(
        {
            "pillar": [None, "reach"],
            "result": [None, "output"],
            "measure": [None, "proportion"],
            "norm": [None, 80],
        }
    )
    assert isinstance(norm, db.TreeError)
    assert (
        str(norm)
        == "nodes, row 2: indicator 'i': norm 80 is outside [0, 1], the range of a proportion indicator"
    )


def test_from_pandas_reads_the_classification_as_the_files_do() -> None:
    # One rule for the tree file, the indicators file and a nodes table: spaces and case do not matter.
    nodes = pd.DataFrame(
        {
            "id": ["top", "i"],
            "label": ["Top", "I"],
            "kind": ["goal", "indicator"],
            "level": ["doel", "indicator"],
            "pillar": [None, " Bereik"],
            "result": [None, "Output "],
            "measure": [None, "COUNT"],
        }
    )
    tree = db.GoalTree.from_pandas(nodes, pd.DataFrame({"child": ["i"], "parent": ["top"]}))
    d = tree.indicators["i"]
    assert (d.pillar, d.kind, d.measure) == ("reach", "output", "count")


def test_edits_keep_definitions(small_tree: db.GoalTree) -> None:
    tree = small_tree.copy()
    definition = db.IndicatorDefinition("", "", "bereik", "output", "count", unit="uren")
    tree.add_node("z", "Uren", level="leaf", kind="indicator", parents=["A"], definition=definition)
    assert tree.indicators.ids() == ["z"]
    assert tree.indicators["z"].label == "Uren"
    assert tree.indicators["z"].unit == "uren"
    before = tree.copy()
    wrong = db.IndicatorDefinition("", "", "bereik", "output", "count", direction=-1)
    with pytest.raises(db.TreeError) as info:
        tree.add_node("w", "W", level="leaf", kind="indicator", parents=["A"], definition=wrong)
    assert str(info.value) == (
        "indicator 'w': the definition has direction -1, but node 'w' has direction 1 (expected the same direction "
        "in both)"
    )
    assert tree == before
    tree.remove_node("z")
    assert len(tree.indicators) == 0
    assert small_tree.indicators.ids() == []
