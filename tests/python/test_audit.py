"""The disclosure audit (doelenboom.audit, `doelenboom audit`): intervals worked out by hand on
small output folders, the demo's output, and the command's exit codes and messages."""

from __future__ import annotations

import contextlib
import io
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

import doelenboom as db
from doelenboom.audit import AuditResult, audit_output, audit_run, audit_tables, split_area_id
from doelenboom.cli import main

Row = tuple[str, str, str, "float | None", "float | None"]  # unit, period, indicator, value (None: suppressed), n

TREE = """\
doelenboom: 1
name: klein
levels: [doel, indicator]
nodes:
  - id: doel
    label: Doel
    level: doel
  - id: ind_a
    label: A
    kind: indicator
    level: indicator
    parents: [{id: doel, weight: 3}]
  - id: ind_b
    label: B
    kind: indicator
    level: indicator
    parents: [doel]
"""
PIPELINE = """\
doelenboom_pipeline: 1
normalise: {method: minmax, low: 0, high: 100}
aggregate: {method: arithmetic, min_coverage: 0.5}
"""
RUN = """\
doelenboom_run: 1
tree: tree.yaml
pipeline: pipeline.yaml
suppression_threshold: 5
protection_level: 5
data:
  estimates: [schattingen.csv]
"""


def _dataset_csv(path: Path, rows: Sequence[Row]) -> None:
    lines = ["unit,period,indicator,value,n,suppressed"]
    for unit, period, indicator, value, n in rows:
        blank = value is None
        lines.append(f"{unit},{period},{indicator},{'' if blank else value},{'' if blank else n},{int(blank)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_output(
    folder: Path,
    indicators: Sequence[Row] = (),
    estimates: Sequence[Row] = (),
    areas: Sequence[Row] = (),
    scores: Sequence[tuple[str, str, str, float | None, float | None]] = (),
) -> Path:
    """An output folder with the four tables the audit reads (scores: unit, period, node, score, coverage)."""
    folder.mkdir(parents=True, exist_ok=True)
    _dataset_csv(folder / "indicators.csv", indicators)
    _dataset_csv(folder / "estimates.csv", estimates)
    _dataset_csv(folder / "areas.csv", areas)
    text = "".join(
        f"{u},{p},{node},{'' if s is None else s},{'' if c is None else c}\n" for u, p, node, s, c in scores
    )
    (folder / "scores.csv").write_text("unit,period,node,score,coverage\n" + text, encoding="utf-8")
    return folder


def write_run(folder: Path, pipeline: str = PIPELINE) -> Path:
    """The run config, tree and pipeline of the goal tests: doel = (3 ind_a + ind_b) / 4."""
    (folder / "tree.yaml").write_text(TREE, encoding="utf-8")
    (folder / "pipeline.yaml").write_text(pipeline, encoding="utf-8")
    (folder / "run.yaml").write_text(RUN, encoding="utf-8")
    return folder / "run.yaml"


def one_cell(result: AuditResult, unit: str, indicator: str) -> pd.Series:
    rows = result.cells[(result.cells["unit"] == unit) & (result.cells["indicator"] == indicator)]
    assert len(rows) == 1, result.cells
    return rows.iloc[0]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


TOTAL = ("GM0001", "2024", "ind_clienten_bereikt")


@pytest.fixture
def one_kern(tmp_path: Path) -> Path:
    """Total 30, kernen A 12 and B 15 published, C suppressed: C is 3."""
    return write_output(
        tmp_path / "one",
        indicators=[(*TOTAL, 30, 30)],
        areas=[
            ("GM0001/kern=A", "2024", "ind_clienten_bereikt", 12, 12),
            ("GM0001/kern=B", "2024", "ind_clienten_bereikt", 15, 15),
            ("GM0001/kern=C", "2024", "ind_clienten_bereikt", None, None),
        ],
    )


@pytest.fixture
def two_kernen(tmp_path: Path) -> Path:
    """Total 45, kern A 15 published, B and C suppressed: together 30."""
    return write_output(
        tmp_path / "two",
        indicators=[(*TOTAL, 45, 45)],
        areas=[
            ("GM0001/kern=A", "2024", "ind_clienten_bereikt", 15, 15),
            ("GM0001/kern=B", "2024", "ind_clienten_bereikt", None, None),
            ("GM0001/kern=C", "2024", "ind_clienten_bereikt", None, None),
        ],
    )


# ------------------------------------------------------------------------------------------------
# relations worked out by hand


def test_one_suppressed_kern_is_the_total_minus_the_others(one_kern: Path) -> None:
    result = audit_output(one_kern)
    cell = one_cell(result, "GM0001/kern=C", "ind_clienten_bereikt")
    assert (cell["table"], cell["kind"], cell["scale"]) == ("areas.csv", "count", "persons")
    assert cell["low"] == pytest.approx(3, abs=1e-7)
    assert cell["high"] == pytest.approx(3, abs=1e-7)
    assert cell["width"] == pytest.approx(0, abs=1e-7)
    assert cell["needed"] == 10
    assert not cell["protected"]
    assert cell["relation"] == "kern breakdown of GM0001 2024 ind_clienten_bereikt"
    assert not result.ok
    assert list(result.failures["unit"]) == ["GM0001/kern=C"]
    assert "goal equations not audited: no tree given" in result.notes
    assert str(result).splitlines()[2].split()[:2] == ["areas.csv", "GM0001/kern=C"]
    assert "<td>GM0001/kern=C</td>" in result._repr_html_()


def test_two_suppressed_kernen_keep_the_interval_of_their_sum(two_kernen: Path) -> None:
    result = audit_output(two_kernen)
    assert result.ok
    assert len(result.cells) == 2
    for unit in ("GM0001/kern=B", "GM0001/kern=C"):
        cell = one_cell(result, unit, "ind_clienten_bereikt")
        assert (cell["low"], cell["high"], cell["width"]) == pytest.approx((0, 30, 30), abs=1e-7)
        assert cell["protected"]
    # The same cells fail a level above their width.
    strict = audit_output(two_kernen, protection_level=31)
    assert not strict.ok
    assert len(strict.failures) == 2


def test_a_suppressed_total_is_the_sum_of_its_parts(tmp_path: Path) -> None:
    folder = write_output(
        tmp_path / "out",
        indicators=[(*TOTAL, None, None)],
        areas=[
            ("GM0001/wijk=Noord", "2024", "ind_clienten_bereikt", 4, 4),
            ("GM0001/wijk=Zuid", "2024", "ind_clienten_bereikt", 5, 5),
        ],
    )
    cell = one_cell(audit_output(folder), "GM0001", "ind_clienten_bereikt")
    assert cell["table"] == "indicators.csv"
    assert (cell["low"], cell["high"]) == pytest.approx((9, 9), abs=1e-7)


def test_parts_that_contradict_their_total_relax_to_an_inequality(tmp_path: Path) -> None:
    # Published parts 20 + 15 exceed the total 30 (clients in two kernen): with "sum <= total" the
    # suppressed kern has no feasible value either, so the breakdown is left out.
    folder = write_output(
        tmp_path / "out",
        indicators=[(*TOTAL, 30, 30)],
        areas=[
            ("GM0001/kern=A", "2024", "ind_clienten_bereikt", 20, 20),
            ("GM0001/kern=B", "2024", "ind_clienten_bereikt", 15, 15),
            ("GM0001/kern=C", "2024", "ind_clienten_bereikt", None, None),
        ],
    )
    result = audit_output(folder)
    assert result.cells.empty
    assert any("taken as sum of parts <= total" in n for n in result.notes)
    assert any("contradict their total even as an inequality" in n for n in result.notes)


def test_a_share_family_with_one_blank_share_gives_it_back(tmp_path: Path) -> None:
    folder = write_output(
        tmp_path / "out",
        estimates=[
            ("GM0001", "2024", "zrm.financien.improved", 0.25, 40),
            ("GM0001", "2024", "zrm.financien.same", 0.5, 40),
            ("GM0001", "2024", "zrm.financien.worse", None, None),
        ],
    )
    result = audit_output(folder)
    cell = one_cell(result, "GM0001", "zrm.financien.worse")
    # 40 - 10 - 20 = 10 persons, exactly.
    assert (cell["table"], cell["kind"], cell["scale"]) == ("estimates.csv", "share", "persons")
    assert (cell["low"], cell["high"]) == pytest.approx((10, 10), abs=1e-7)
    assert not cell["protected"]


def test_a_share_family_with_two_blank_shares_in_persons(tmp_path: Path) -> None:
    folder = write_output(
        tmp_path / "out",
        estimates=[
            ("GM0001", "2024", "zrm.score.improved", 0.5, 40),
            ("GM0001", "2024", "zrm.score.same", None, None),
            ("GM0001", "2024", "zrm.score.worse", None, None),
        ],
    )
    result = audit_output(folder)
    for member in ("same", "worse"):
        cell = one_cell(result, "GM0001", f"zrm.score.{member}")
        assert (cell["low"], cell["high"]) == pytest.approx((0, 20), abs=1e-7)
        assert cell["protected"]


def test_goal_equation_recovers_a_blank_score_the_coverage_says_was_used(tmp_path: Path) -> None:
    config = write_run(tmp_path)
    # doel = (3 * 40 + b) / 4 = 50, so b = 80.
    folder = write_output(
        tmp_path / "out",
        scores=[("GM0001", "2024", "doel", 50, 1), ("GM0001", "2024", "ind_a", 40, 1), ("GM0001", "2024", "ind_b", None, 1)],
    )
    result = audit_output(folder, config)
    cell = one_cell(result, "GM0001", "ind_b")
    assert (cell["table"], cell["kind"], cell["scale"]) == ("scores.csv", "score", "points")
    assert (cell["low"], cell["high"]) == pytest.approx((80, 80), abs=1e-6)
    assert cell["needed"] == 5  # the config's suppression threshold, in points of the 0..100 scale
    assert cell["relation"] == "arithmetic mean of doel GM0001 2024"
    assert not result.ok
    assert not any("goal equations not audited" in n for n in result.notes)


def test_goal_equation_without_the_blank_child_has_nothing_to_audit(tmp_path: Path) -> None:
    config = write_run(tmp_path)
    # Coverage 3/4: only ind_a (weight 3 of 4) was used; the blank ind_b was not.
    folder = write_output(
        tmp_path / "out",
        scores=[("GM0001", "2024", "doel", 40, 0.75), ("GM0001", "2024", "ind_a", 40, 1), ("GM0001", "2024", "ind_b", None, 0)],
    )
    result = audit_output(folder, config)
    assert result.cells.empty
    assert result.ok
    assert result.summary("nl") == "Openbaarmakingscontrole: geen onderdrukte cellen in een verband met gepubliceerde cijfers"


def test_a_blank_goal_score_over_published_children_is_recovered(tmp_path: Path) -> None:
    config = write_run(tmp_path)
    folder = write_output(
        tmp_path / "out",
        scores=[("GM0001", "2024", "doel", None, 1), ("GM0001", "2024", "ind_a", 40, 1), ("GM0001", "2024", "ind_b", 80, 1)],
    )
    cell = one_cell(audit_output(folder, config), "GM0001", "doel")
    assert (cell["low"], cell["high"]) == pytest.approx((50, 50), abs=1e-6)


def test_geometric_goal_equation_in_logarithms(tmp_path: Path) -> None:
    pipeline = PIPELINE.replace("low: 0", "low: 1").replace("arithmetic", "geometric")
    config = write_run(tmp_path, pipeline)
    score = math.exp(0.75 * math.log(40) + 0.25 * math.log(80))  # 40 * 2 ** 0.25
    folder = write_output(
        tmp_path / "out",
        scores=[("GM0001", "2024", "doel", score, 1), ("GM0001", "2024", "ind_a", 40, 1), ("GM0001", "2024", "ind_b", None, 1)],
    )
    cell = one_cell(audit_output(folder, config), "GM0001", "ind_b")
    assert (cell["low"], cell["high"]) == pytest.approx((80, 80), rel=1e-6)
    assert cell["needed"] == pytest.approx(5 * 99 / 100)


def test_audit_tables_takes_frames_and_areas_by_unit_and_area() -> None:
    indicators = pd.DataFrame(
        {"unit": ["GM0001"], "period": ["2024"], "indicator": ["ind_clienten_bereikt"], "value": [30.0], "n": [30.0],
         "suppressed": [False]}
    )
    areas = pd.DataFrame(  # MonitoringRun.areas: the gemeente in unit, the area apart
        {"unit": ["GM0001"] * 3, "area": ["kern=A", "kern=B", "kern=C"], "period": ["2024"] * 3,
         "indicator": ["ind_clienten_bereikt"] * 3, "value": [12.0, 15.0, 99.0], "n": [12.0, 15.0, 99.0],
         "suppressed": [False, False, True]}
    )
    result = audit_tables(indicators=indicators, areas=areas)
    cell = one_cell(result, "GM0001/kern=C", "ind_clienten_bereikt")
    assert (cell["low"], cell["high"]) == pytest.approx((3, 3), abs=1e-7)  # the suppressed 99 is not used
    assert "goal equations not audited: no scores given" in result.notes


def test_split_area_id() -> None:
    assert split_area_id("GM0717/kern=Domburg") == ("GM0717", "kern", "Domburg")
    assert split_area_id("GM0717/wijk=a=b") == ("GM0717", "wijk", "a=b")
    assert split_area_id("GM0717") is None
    assert split_area_id("GM0717/kern") is None


# ------------------------------------------------------------------------------------------------
# the command


def test_cli_names_the_cell_that_is_not_protected(one_kern: Path) -> None:
    code, out, err = cli("audit", str(one_kern))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Openbaarmakingscontrole: 1 van 1 onderdrukte cel niet beschermd (beschermingsniveau 10)"
    assert lines[1].split() == ["cel", "interval", "breedte", "nodig"]
    assert lines[2].split() == [
        "areas.csv", "GM0001/kern=C", "2024", "ind_clienten_bereikt", "[3;", "3]", "0", "personen", "10", "personen"
    ]
    assert "goal equations not audited" in err


def test_cli_exit_0_when_all_are_protected(two_kernen: Path) -> None:
    code, out, _ = cli("audit", str(two_kernen), "--language", "en")
    assert code == 0
    assert out == "Disclosure audit: 2 suppressed cells checked, all protected (protection level 10)\n"
    code, out, _ = cli("audit", str(two_kernen), "--protection-level", "30.5")
    assert code == 1
    assert out.splitlines()[0] == (
        "Openbaarmakingscontrole: 2 van 2 onderdrukte cellen niet beschermd (beschermingsniveau 30,5)"
    )


def test_cli_goal_equations_with_config(tmp_path: Path) -> None:
    config = write_run(tmp_path)
    folder = write_output(
        tmp_path / "out",
        scores=[("GM0001", "2024", "doel", 50, 1), ("GM0001", "2024", "ind_a", 40, 1), ("GM0001", "2024", "ind_b", None, 1)],
    )
    code, out, _ = cli("audit", str(folder), "--config", str(config), "--language", "en")
    assert code == 1
    assert out.splitlines()[2].split() == ["scores.csv", "GM0001", "2024", "ind_b", "[80,", "80]", "0", "points", "5",
                                           "points"]


def test_cli_bad_input_exits_2_naming_the_file(one_kern: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = cli("audit", str(missing))
    assert (code, out) == (2, "")
    assert err.startswith(f"doelenboom: error: {missing}: no such folder")

    (one_kern / "scores.csv").unlink()
    code, _, err = cli("audit", str(one_kern))
    assert code == 2
    assert f"{one_kern / 'scores.csv'}: cannot open file" in err

    (one_kern / "scores.csv").write_text("unit,period,node,score,coverage\nGM0001,2024,doel,1,1\nGM0001,2024,x,abc,1\n",
                                         encoding="utf-8")
    code, _, err = cli("audit", str(one_kern))
    assert code == 2
    assert f"{one_kern / 'scores.csv'}, row 2, field 'score': 'abc' is not a number" in err

    (one_kern / "scores.csv").write_text("unit,period,node\n", encoding="utf-8")
    code, _, err = cli("audit", str(one_kern))
    assert code == 2
    assert f"{one_kern / 'scores.csv'}: missing required column 'score'" in err

    (one_kern / "indicators.csv").write_text("unit,period,indicator,value\nGM0001,2024,x,veel\n", encoding="utf-8")
    code, _, err = cli("audit", str(one_kern))
    assert code == 2
    assert f"{one_kern / 'indicators.csv'}, row 1, field 'value': 'veel' is not a number" in err

    code, _, err = cli("audit", str(one_kern), "--config", str(tmp_path / "geen.yaml"))
    assert code == 2
    assert str(tmp_path / "geen.yaml") in err


def test_cli_rejects_a_protection_level_that_is_not_positive(one_kern: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("audit", str(one_kern), "--protection-level", "0")
    assert exit_info.value.code == 2


# ------------------------------------------------------------------------------------------------
# the demo: the main job audits its own output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """``doelenboom demo --out DIR --quiet`` run once: folder, exit code, stdout, stderr."""
    out = tmp_path_factory.mktemp("audit-demo") / "out"
    code, stdout, stderr = cli("demo", "--out", str(out), "--quiet")
    return out, code, stdout, stderr


def test_the_demo_output_is_protected(demo: tuple[Path, int, str, str]) -> None:
    out, code, stdout, stderr = demo
    result = audit_output(out, out / "data" / "koplopers.yaml")
    assert result.ok, str(result)
    assert len(result.cells) > 0  # the areas hold suppressed kernen next to their totals
    assert not any("not audited" in note for note in result.notes), result.notes
    assert code == 0, stderr
    summary = [line for line in stdout.splitlines() if line.startswith("Openbaarmakingscontrole: ")]
    expected = (f"Openbaarmakingscontrole: {len(result.cells)} onderdrukte cellen gecontroleerd, alle beschermd "
                "(beschermingsniveau 10)")
    assert summary == [expected]
    try:
        import doelenboom.report  # noqa: F401
    except ImportError:
        return
    assert (out / "rapport.html").is_file()


def test_a_run_whose_output_fails_the_audit_writes_nothing_and_exits_1(
    demo: tuple[Path, int, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit runs before anything is written: a failing run leaves the folder's previous
    output as it was (never new tables next to an old report)."""
    import doelenboom.audit

    leak = pd.DataFrame(
        [("areas.csv", "GM0717/kern=Veere", "2024", "ind_clienten_bereikt", "count", "persons", 8.0, 8.0, 0.0, 10.0,
          False, "kern breakdown of GM0717 2024 ind_clienten_bereikt")],
        columns=list(doelenboom.audit.CELL_COLUMNS),
    )
    seen: list[Path | None] = []

    def failing(run: db.MonitoringRun) -> AuditResult:
        seen.append(run.config)
        return AuditResult(leak, 10.0)

    monkeypatch.setattr(doelenboom.audit, "audit_run", failing)
    config = demo[0] / "data" / "koplopers.yaml"
    target = tmp_path / "uit"
    target.mkdir()
    (target / "rapport.html").write_text("the previous report", encoding="utf-8")
    code, stdout, stderr = cli("run", str(config), "--out", str(target), "--quiet")
    assert code == 1
    assert seen == [config]
    assert "Openbaarmakingscontrole: 1 van 1 onderdrukte cel niet beschermd (beschermingsniveau 10)" in stdout
    assert "areas.csv GM0717/kern=Veere 2024 ind_clienten_bereikt" in stdout
    assert stderr.strip() == (
        f"doelenboom: niets geschreven in {target}: onderdrukte cellen zouden af te leiden zijn uit wat "
        "gepubliceerd wordt (zie de tabel hierboven)"
    )
    assert sorted(p.name for p in target.iterdir()) == ["rapport.html"]
    assert (target / "rapport.html").read_text(encoding="utf-8") == "the previous report"


def test_the_demo_without_secondary_suppression_fails_the_audit(
    demo: tuple[Path, int, str, str], tmp_path: Path
) -> None:
    """The demo's inputs with secondary suppression off (protection_level 0): the totals give back
    single suppressed kernen and groups, 1 minus the others a suppressed change share, and the audit at the usual level names them with their
    interval and exits 1."""
    data = tmp_path / "data"
    shutil.copytree(demo[0] / "data", data)
    config = data / "koplopers.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("suppression_threshold: 10\n", "suppression_threshold: 10\nprotection_level: 0\n"),
                      encoding="utf-8")
    target = tmp_path / "uit"
    code, _, stderr = cli("run", str(config), "--out", str(target), "--quiet")
    assert code == 0, stderr  # at level 0 the run's own audit asks for nothing
    result = audit_output(target, config, protection_level=10)
    failures = result.failures
    assert len(failures) > 0
    # the kernen and groups against their totals, and the change families (improved, same, worse)
    assert set(failures["table"]) == {"areas.csv", "estimates.csv"}
    exact = failures[(failures["width"] == 0) & (failures["table"] == "areas.csv")]
    assert len(exact) > 0  # a kern alone next to its total is given back exactly
    code, stdout, _ = cli("audit", str(target), "--config", str(config), "--protection-level", "10")
    assert code == 1
    first = exact.iloc[0]
    low = f"{first['low']:.0f}"
    named = ["areas.csv", first["unit"], first["period"], first["indicator"], f"[{low};", f"{low}]"]
    assert any(line.split()[:6] == named for line in stdout.splitlines()), stdout
    # The default level protects the same inputs.
    assert audit_output(demo[0], demo[0] / "data" / "koplopers.yaml").ok


def test_audit_run_sees_what_the_written_tables_show(demo: tuple[Path, int, str, str]) -> None:
    out = demo[0]
    config = out / "data" / "koplopers.yaml"
    in_memory = audit_run(db.run(config))
    written = audit_output(out, config)
    assert len(written.cells) > 0
    pd.testing.assert_frame_equal(in_memory.cells, written.cells)
    assert in_memory.notes == written.notes


@pytest.mark.parametrize("method", ["arithmetic", "geometric"])
def test_every_interval_holds_the_true_score(method: str) -> None:
    """Scores of a real pipeline run with random scores blanked but their coverage kept (the old
    leak): every interval the audit derives holds the true score, and some pin it down exactly."""
    import numpy as np

    from doelenboom.examples import example_tree_path

    rng = np.random.default_rng(14)
    tree = db.GoalTree.load(example_tree_path("movisie"))
    indicators = [n["id"] for n in tree.core.nodes if n["kind"] == "indicator"]
    # Drawn as percentages; the tree's proportions take them as shares (the run checks them).
    share = {d.id for d in tree.indicators if d.measure == "proportion"}
    scale = {i: 0.01 if i in share else 1.0 for i in indicators}
    data = pd.DataFrame(
        [(f"GM{u:04d}", "2024", i, float(rng.uniform(1, 50)) * scale[i], 40.0) for u in range(12) for i in indicators],
        columns=["unit", "period", "indicator", "value", "n"],
    )
    pipeline = db.Pipeline(normalise={"method": "minmax", "low": 1, "high": 100}, aggregate=method)
    truth = pipeline.run(tree, db.Dataset.from_pandas(data)).to_pandas()
    blanked = truth.assign(score=truth["score"].where(rng.uniform(size=len(truth)) > 0.25))
    result = audit_tables(blanked, tree=tree, pipeline=pipeline)
    true_score = truth.set_index(["unit", "period", "node"])["score"]
    cells = result.cells
    assert len(cells) > 20
    assert (cells["table"] == "scores.csv").all()
    for cell in cells.itertuples():
        value = true_score[(cell.unit, cell.period, cell.indicator)]
        assert cell.low - 1e-6 * (1 + abs(value)) <= value <= cell.high + 1e-6 * (1 + abs(value)), cell
    assert (cells["width"] < 1e-6).sum() > 5  # recovered exactly
    assert (cells["width"] > 10).any()  # and others left wide
    assert not any("not audited" in note for note in result.notes), result.notes
