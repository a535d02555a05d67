"""The tutorial notebook docs/tutorial.ipynb runs from top to bottom and its assertions pass (issue 7,
acceptance 3).

Its cells compare every number of doelenboom with a computation of their own in pandas and numpy
(distinct clients, Wilson intervals, Cronbach's alpha, min-max scores and weighted means, delta-method
standard errors, ranks, peer means, the OLS slope, Holt's recursion), so a failing assertion fails
this test. The kernel is the Python running pytest (a kernel spec written into a temporary
directory), so it imports the doelenboom installed there; the notebook writes its raw files into a
temporary directory named by DOELENBOOM_TUTORIAL_DIR, never into the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "tutorial.ipynb"
KERNEL = "doelenboom-tutorial-test"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec that starts an IPython kernel with this very interpreter."""
    # jupyter_core warns (a DeprecationWarning, an error under filterwarnings=error) unless told to
    # use the platform's standard directories, which is what it will do by default anyway.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "doelenboom test", "language": "python"}), encoding="utf-8"
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def test_the_tutorial_runs_and_its_assertions_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    import nbformat
    from nbclient import NotebookClient

    data = tmp_path / "data"
    monkeypatch.setenv("DOELENBOOM_TUTORIAL_DIR", str(data))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert sum(cell.cell_type == "code" for cell in nb.cells) >= 10
    client = NotebookClient(
        nb, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError with the failing cell and its traceback

    # The notebook wrote its raw files where it was told to.
    assert sorted(p.name for p in data.iterdir()) == [
        "antwoorden.csv",
        "items.yaml",
        "registraties.csv",
        "tutorial-tree.yaml",
        "zrm.csv",
    ]
    # The first cell shows the version of the doelenboom the kernel imported.
    import doelenboom

    first = next(c for c in nb.cells if c.cell_type == "code")
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in first.outputs)
    assert shown == repr(doelenboom.__version__)
    # No cell printed warnings or errors (a DeprecationWarning shows up on stderr).
    stderr = [
        (i, o.get("text", ""))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert stderr == []
