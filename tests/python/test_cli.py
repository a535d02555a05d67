"""The doelenboom command: exit codes, output, and no tracebacks for bad input."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import doelenboom as db
from conftest import ASEM_TREE
from doelenboom.cli import main

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

BROKEN_YAML = """\
doelenboom: 1
levels: [top, low]
nodes:
  - id: top
    label: Top
    kind: goal
    level: top
  - id: ind
    label: Indicator
    kind: indicator
    level: low
    parents: [ghost]
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m doelenboom ARGS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "doelenboom", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env=env,
        timeout=120,
    )


@pytest.fixture
def small_file(small_tree: db.GoalTree, tmp_path: Path) -> Path:
    """The small tree saved as YAML."""
    path = tmp_path / "small.yaml"
    small_tree.save(path)
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    """A YAML tree with two problems: an unknown parent (line 12) and so an unreachable node (line 8)."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# validate


def test_validate_valid_tree(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(small_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{small_file}: valid (5 nodes, 5 edges, 3 levels)\n"
    assert err == ""


def test_validate_lists_every_problem(broken_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken_file)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        f"{broken_file}:12: edge 'ind' -> 'ghost' points to unknown parent id 'ghost' (expected the id of a defined node)"
    )
    assert lines[1].startswith(f"{broken_file}:8: node 'ind' at level 'low' has no parent")
    assert err == f"{broken_file}: invalid (2 problems)\n"


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(missing)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"{missing}: ")
    assert len(out.splitlines()) == 1


def test_validate_asem_csv_with_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["validate", str(ASEM_TREE), "--csv-columns", "id=code,label=name", "--csv-columns", "kind=type"]
        )
        == 0
    )
    out, _ = capsys.readouterr()
    assert out == f"{ASEM_TREE}: valid (60 nodes, 59 edges, 4 levels)\n"


def test_validate_csv_without_columns_reports_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ASEM_TREE)]) == 1
    out, err = capsys.readouterr()
    assert "missing required column 'id'" in out
    assert all(line.startswith(str(ASEM_TREE)) for line in out.splitlines())
    assert err.startswith(f"{ASEM_TREE}: invalid (")


def test_validate_example_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "movisie"]) == 0
    out, _ = capsys.readouterr()
    assert out == "movisie: valid (34 nodes, 48 edges, 5 levels)\n"


# ------------------------------------------------------------------------------------------------
# show and svg


def test_show_prints_name_and_outline(
    small_tree: db.GoalTree, small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(small_file)]) == 0
    out, _ = capsys.readouterr()
    assert out == "small\n" + small_tree.outline()
    assert "    Indicator x [x] (indicator) * also under: B\n" in out


def test_show_broken_tree_is_an_error_without_traceback(broken_file: Path) -> None:
    result = run("show", str(broken_file))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("doelenboom: error: 2 problems:")
    assert "'ghost'" in result.stderr
    assert "Traceback" not in result.stderr


@needs_dot
def test_svg_writes_a_drawing(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "small.svg"
    result = run("svg", str(small_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out} (5 nodes, 5 edges, 3 levels)\n"
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg
    assert "Indicator y" in svg


@needs_dot
def test_svg_to_stdout(small_tree: db.GoalTree, small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["svg", str(small_file)]) == 0
    out, _ = capsys.readouterr()
    assert out == small_tree.to_svg()


def test_svg_without_graphviz_explains_how_to_install(small_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    result = run("svg", str(small_file), "-o", str(tmp_path / "x.svg"), env=env)
    assert result.returncode == 1
    assert "apt-get install graphviz" in result.stderr
    assert result.stderr.startswith("doelenboom: error: ")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.svg").exists()


# ------------------------------------------------------------------------------------------------
# usage errors and entry points


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate", "x.yaml"],
        ["validate"],
        ["validate", "tree.csv", "--csv-columns", "code"],
        ["validate", "tree.csv", "--csv-columns", "colour=red"],
        ["validate", "tree.csv", "--csv-columns", "numeric_levels_ascend_upwards=maybe"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert "usage: doelenboom" in err


def test_csv_columns_for_yaml_is_a_usage_error(small_file: Path) -> None:
    result = run("validate", str(small_file), "--csv-columns", "id=code")
    assert result.returncode == 2
    assert "--csv-columns applies to CSV edge lists (.csv) only" in result.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"doelenboom {db.__version__}\n"


def test_module_entry_points(small_file: Path) -> None:
    for module in ("doelenboom", "doelenboom.cli"):
        result = subprocess.run(
            [sys.executable, "-m", module, "validate", str(small_file)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{small_file}: valid (5 nodes, 5 edges, 3 levels)\n"


def test_console_script(broken_file: Path) -> None:
    script = Path(sys.executable).with_name("doelenboom")
    if not script.exists():
        pytest.skip("the doelenboom console script is not installed next to this Python")
    result = subprocess.run(
        [str(script), "validate", str(broken_file)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2


# ------------------------------------------------------------------------------------------------
# demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """``doelenboom demo --out DIR`` run once, in this process (the report too, when it is there)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["demo", "--out", str(out)])
    assert code == 0, stderr.getvalue()
    return out, stdout.getvalue(), stderr.getvalue()


TABLES = [
    "estimates.csv",
    "indicators.csv",
    "scores.csv",
    "koplopers.csv",
    "signals.csv",
    "trends.csv",
    "forecasts.csv",
    "areas.csv",
    "audit.csv",
    "about.txt",
]


def test_demo_prints_the_summary_and_writes_the_tables(demo: tuple[Path, str, str]) -> None:
    out, stdout, stderr = demo
    lines = stdout.splitlines()
    assert lines[0] == "Koplopergemeenten cliëntondersteuning (fictieve gegevens)"
    assert lines[1].startswith("FICTIEVE GEGEVENS")
    assert lines[2].startswith("15 eenheden, 4 perioden (nulmeting 2021, rapportage 2024)")
    assert "Belangrijkste signalen:" in lines
    # The village that fell silent is among the top signals, by name.
    assert any("Opheusden (Neder-Betuwe)" in line and "weggevallen" in line for line in lines)
    assert any(line.startswith("Koplopertabel, zelfregie in 2024") for line in lines)
    assert stderr.startswith(f"[example] {out / 'data'}\n[1/10] check\n")
    assert "[10/10] areas" in stderr
    for name in TABLES:
        assert (out / name).is_file(), name
    assert (out / "data" / "koplopers.yaml").is_file()
    try:
        import doelenboom.report  # noqa: F401
    except ImportError:
        assert "rapport.html" not in {p.name for p in out.iterdir()}
    else:
        assert (out / "rapport.html").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_run_on_the_example_config_reproduces_the_demo(
    demo: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, demo_stdout, _ = demo
    monkeypatch.setitem(sys.modules, "doelenboom.report", None)  # the tables are what is compared
    again = tmp_path / "again"
    assert main(["run", str(out / "data" / "koplopers.yaml"), "--out", str(again), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == "doelenboom: het rapport is overgeslagen (doelenboom.report ontbreekt)"
    for name in TABLES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    # The same summary, but for the files written.
    assert captured.out.splitlines()[:-1] == demo_stdout.splitlines()[:-1]


def test_run_in_english(demo: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "doelenboom.report", None)
    config = demo[0] / "data" / "koplopers.yaml"
    assert main(["run", str(config), "--out", str(tmp_path / "en"), "--language", "en", "--quiet"]) == 0
    stdout = capsys.readouterr().out
    assert "FICTITIOUS DATA" in stdout
    assert any(line.startswith("Signals: ") for line in stdout.splitlines())
    assert "Opheusden (Neder-Betuwe) vanished in 2024" in stdout


def test_run_with_a_bad_config_writes_nothing(demo: tuple[Path, str, str], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(demo[0] / "data", folder)
    config = folder / "koplopers.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("client: client\n", "client: klant\n", 1),
                      encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("[1/10] check\ndoelenboom: error: 2 problems:\n")
    assert f"  {config}:22: 'klant' (column 'client') is not a column of {folder / 'data' / 'registraties.csv'}" in err
    assert f"  {config}:18: column 'client' of {folder / 'data' / 'registraties.csv'} is not one the config names" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_no_output_holds_an_absolute_path(demo: tuple[Path, str, str]) -> None:
    """Outputs name input files relative to the run config (issue 14): not the folder the demo ran
    in, nor any input file by its absolute path."""
    out = demo[0]
    inputs = [p for p in (out / "data").rglob("*") if p.is_file()]
    outputs = [p for p in out.iterdir() if p.is_file()]
    assert {p.name for p in outputs} >= set(TABLES)
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert str(out.parent) not in text, path.name
        assert str(out.resolve().parent) not in text, path.name
        for source in inputs:
            assert str(source) not in text, (path.name, source)
    estimates = (out / "estimates.csv").read_text(encoding="utf-8")
    assert ",data/registraties.csv," in estimates  # relative to the config's folder


def test_a_breakdown_on_the_client_column_is_refused(demo: tuple[Path, str, str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "identifying"
    shutil.copytree(demo[0] / "data", folder)
    config = folder / "koplopers.yaml"
    text = config.read_text(encoding="utf-8")
    assert "groups: [migratieachtergrond]\n" in text
    config.write_text(text.replace("groups: [migratieachtergrond]\n", "groups: [migratieachtergrond, client]\n"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "breakdown column 'client' is the client column: a breakdown on it would publish every client's id" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_run_missing_config_is_an_error_without_traceback(tmp_path: Path) -> None:
    result = run("run", str(tmp_path / "nothing.yaml"))
    assert result.returncode == 1
    assert "nothing.yaml: cannot read the run config" in result.stderr
    assert "Traceback" not in result.stderr
