"""The demo's output is byte-identical to the recorded manifest (tools/demo_digest.py).

A refactor must not change any output; a change that is meant to alter it updates the manifest
with ``python tools/demo_digest.py --update`` and says so in its commit.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("demo_digest", ROOT / "tools" / "demo_digest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_digest"] = module
    spec.loader.exec_module(module)
    return module


def test_demo_output_matches_manifest(tmp_path: Path) -> None:
    tool = _tool()
    out = tmp_path / "demo"
    tool.run_demo(out)
    found = tool.digests(out)
    recorded, expected = tool.read_manifest()
    # The report's embedded drawings depend on the matplotlib version the manifest was made with.
    problems = tool.compare(found, expected, tables_only=recorded != tool.versions())
    assert problems == []
    assert {"scores.csv", "signals.csv", "estimates.csv", "koplopers.csv"} <= set(found)


def test_compare_names_a_changed_file() -> None:
    tool = _tool()
    expected = {"a.csv": "1", "rapport.html": "2"}
    assert tool.compare({"a.csv": "1", "rapport.html": "3"}, expected, tables_only=False) == [
        "rapport.html: differs from the manifest"
    ]
    assert tool.compare({"a.csv": "1", "rapport.html": "3"}, expected, tables_only=True) == []
    assert tool.compare({"rapport.html": "2"}, expected, tables_only=False) == ["a.csv: missing from the new output"]
