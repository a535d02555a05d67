"""The error classes: hierarchy, messages naming what and where, and the `problems` attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

import doelenboom as db
from doelenboom import _core

PROBLEM_KEYS = {"code", "file", "line", "row", "field", "ids", "message"}

VALID_YAML = """\
doelenboom: 1
name: Klein
levels: [top, low]
nodes:
  - id: top
    label: Bovenaan
    kind: goal
    level: top
  - id: ind
    label: Een indicator
    kind: indicator
    level: low
    parents: [top]
"""


@pytest.mark.parametrize("cls", [db.Error, db.ParseError, db.TreeError, db.DataError, db.PipelineError])
def test_every_error_is_a_value_error(cls: type[db.Error]) -> None:
    assert issubclass(cls, ValueError)
    assert issubclass(cls, db.Error)
    assert cls.__module__ == "doelenboom"
    assert cls is getattr(_core, cls.__name__)
    error = cls("what went wrong")
    assert str(error) == "what went wrong"
    assert tuple(error.problems) == ()  # raised from Python: no problems attached


def test_children_are_distinct() -> None:
    children = [db.ParseError, db.TreeError, db.DataError, db.PipelineError]
    for a in children:
        for b in children:
            assert issubclass(a, b) == (a is b)


def test_yaml_syntax_error_names_the_line() -> None:
    text = VALID_YAML.replace("levels: [top, low]", "levels: [top, low")
    with pytest.raises(db.ParseError) as info:
        db.GoalTree.from_yaml(text, source="boom.yaml")
    message = str(info.value)
    assert message.startswith("boom.yaml:")
    assert "YAML syntax error" in message
    (problem,) = info.value.problems
    assert set(problem) == PROBLEM_KEYS
    assert problem["file"] == "boom.yaml"
    assert isinstance(problem["line"], int)
    assert problem["line"] >= 3
    assert problem["message"] == message


def test_unknown_key_names_key_and_line() -> None:
    text = VALID_YAML.replace("    kind: goal\n", "    kind: goal\n    colour: red\n")
    with pytest.raises(db.ParseError, match=r"<string>:8: .*unknown key 'colour'") as info:
        db.GoalTree.from_yaml(text)
    (problem,) = info.value.problems
    assert problem["code"] == "unknown_key"
    assert problem["line"] == 8
    assert problem["row"] is None


def test_tree_error_from_file_lists_every_problem_with_lines(tmp_path: Path) -> None:
    text = VALID_YAML.replace("parents: [top]", "parents: [ghost]") + (
        "  - id: top\n    label: Nog eens\n    kind: goal\n    level: top\n"
    )
    path = tmp_path / "boom.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(db.TreeError) as info:
        db.GoalTree.load(path)
    message = str(info.value)
    assert message.startswith("3 problems:")
    problems = info.value.problems
    by_code = {p["code"]: p for p in problems}
    assert set(by_code) == {"duplicate_id", "unknown_id", "unreachable"}
    assert by_code["unknown_id"]["ids"] == ["ind", "ghost"]
    assert by_code["unknown_id"]["line"] == 13
    assert by_code["unknown_id"]["message"].startswith(f"{path}:13: ")
    assert "'ghost'" in by_code["unknown_id"]["message"]
    assert by_code["duplicate_id"]["ids"] == ["top"]
    assert by_code["duplicate_id"]["line"] == 14
    for problem in problems:
        assert set(problem) == PROBLEM_KEYS
        assert problem["file"] == str(path)
        assert problem["message"] in message
    # The same problems without raising.
    assert db.check_tree_file(path) == problems


def test_check_tree_file_reports_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    (problem,) = db.check_tree_file(missing)
    assert problem["file"] == str(missing)
    assert problem["message"].startswith(str(missing))
    assert db.check_tree_file(_write(tmp_path / "ok.yaml", VALID_YAML)) == []


def test_csv_errors_name_file_row_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "tree.csv",
        "id,parent,label,level,kind,weight,direction\ntop,,Top,2,goal,,\nind,ghost,Indicator,1,indicator,,\n",
    )
    with pytest.raises(db.TreeError) as info:
        db.GoalTree.load(path)
    problem = next(p for p in info.value.problems if p["code"] == "unknown_id")
    assert problem["file"] == str(path)
    assert problem["row"] == 2
    assert "'ghost'" in problem["message"]

    no_kind = _write(tmp_path / "nokind.csv", "code,parent,label,level\ntop,,Top,1\n")
    with pytest.raises(db.ParseError, match="missing required column 'id'") as parse_info:
        db.GoalTree.load(no_kind)
    assert all(p["code"] == "missing_column" for p in parse_info.value.problems)


def test_value_error_handlers_catch_doelenboom_errors(small_tree: db.GoalTree) -> None:
    with pytest.raises(ValueError, match="unknown node id 'nope'"):
        small_tree.parents("nope")
    with pytest.raises(ValueError, match="3 problems") as info:
        small_tree.add_edge("R", "x")
    assert isinstance(info.value, db.TreeError)
    assert {p["code"] for p in info.value.problems} == {"indicator_with_children", "level_order", "cycle"}


def test_bad_definition_items_are_parse_errors() -> None:
    with pytest.raises(db.ParseError, match=r"node 1, field 'kind': node 'a' has kind 'doel'"):
        db.GoalTree([("a", "A", "doel", "top")])
    with pytest.raises(db.ParseError, match=r"node 1, field 'lable': unknown key 'lable'"):
        db.GoalTree([{"id": "a", "lable": "A", "kind": "goal", "level": "top"}])
    with pytest.raises(db.ParseError, match=r"node 2, field 'label': the key 'label' is missing"):
        db.GoalTree([("a", "A", "goal", "top"), {"id": "b", "kind": "goal", "level": "top"}])
    with pytest.raises(
        db.ParseError, match=r"edge 1, field 'weight': weight is 'zwaar' \(expected a number\)"
    ):
        db.GoalTree([("a", "A", "goal", "top"), ("b", "B", "goal", "top")], [("b", "a", "zwaar")])
    with pytest.raises(db.ParseError, match=r"edge 1: has 1 items"):
        db.GoalTree([("a", "A", "goal", "top")], [("a",)])


def test_problems_survive_pickling_the_message() -> None:
    # The message stays complete even where only str(error) is kept (logs, multiprocessing).
    with pytest.raises(db.TreeError) as info:
        db.GoalTree([("a", "A", "goal", "top")], [("a", "b"), ("a", "c")])
    text = str(info.value)
    assert text.startswith("2 problems:")
    assert "'b'" in text
    assert "'c'" in text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
