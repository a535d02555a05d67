"""The Python surface: the compiled module's submodules and their stubs, and the facades' one way
to the compiled object (doelenboom._facade)."""

from __future__ import annotations

import importlib
import importlib.util
import pickle
import sys
import types
from pathlib import Path

import pytest

import doelenboom as db
from conftest import REPO
from doelenboom import _core
from doelenboom._facade import core_of, core_or_none

STAGES = ("compare", "data", "estimate", "graph", "monitoring", "pipeline", "sensitivity", "signals", "stats")


def test_every_submodule_is_importable_and_has_a_stub() -> None:
    found = sorted(name for name, value in vars(_core).items() if isinstance(value, types.ModuleType))
    assert found == sorted(STAGES)
    for name in found:
        module = importlib.import_module(f"doelenboom._core.{name}")
        assert module is getattr(_core, name)
        assert module.__name__ == f"doelenboom._core.{name}"
    stubs = Path(db.__file__).with_name("_core")
    assert sorted(p.stem for p in stubs.glob("*.pyi")) == sorted(["__init__", *STAGES])


def test_the_stubs_have_the_parameters_of_the_module() -> None:
    spec = importlib.util.spec_from_file_location("check_stub_signatures", REPO / "tools" / "check_stub_signatures.py")
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules["check_stub_signatures"] = tool  # dataclasses look their module up
    spec.loader.exec_module(tool)
    assert tool.check(REPO / "python" / "doelenboom" / "_core") == []


def test_the_stub_folder_does_not_shadow_the_extension_module() -> None:
    # A folder without __init__.py next to the extension is only a namespace candidate.
    assert Path(_core.__file__).suffix in {".so", ".pyd"}


def test_compiled_classes_name_their_submodule_and_pickle() -> None:
    assert _core.graph.GoalTree.__module__ == "doelenboom._core.graph"
    partial = _core.estimate.ReachPartial()
    assert pickle.loads(pickle.dumps(partial)) == partial


def test_core_of_takes_the_facade_or_the_compiled_object() -> None:
    tree = db.GoalTree([("a", "A", "goal", "top")])
    assert core_of(tree, db.GoalTree, "tree") is tree.core
    assert core_of(tree.core, db.GoalTree, "tree") is tree.core
    assert core_or_none(None, db.GoalTree, "tree") is None
    with pytest.raises(TypeError, match=r"^tree must be a doelenboom\.GoalTree, not str$"):
        core_of("a", db.GoalTree, "tree")
    with pytest.raises(TypeError, match=r"^units must be a doelenboom\.UnitRegistry \(e\.g\. "):
        core_or_none([], db.UnitRegistry, "units")


def test_wrap_shares_the_compiled_object() -> None:
    registry = db.UnitRegistry([db.Unit("GM0001", "Een")])
    again = db.UnitRegistry._wrap(registry.core)
    assert again.core is registry.core
    assert again.ids() == ["GM0001"]

