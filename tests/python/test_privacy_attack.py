"""Issue 14, acceptance 1: the published output attacked by differencing recovers no suppressed cell.

The attacker (tests/python/privacy_attack.py) works from the published tables and the public
tree, pipeline and units files only. The truth it is judged against comes from the same inputs
run with suppression off. A suppressed cell is disclosed when the attacker's interval for it is
narrower than the protection level and within it of the true value: 10 points on the normalised
scale, 10 persons for a count (per the denominator for a treated value), 10 persons out of n for
a share (the whole [0, 1] when n < 10).

The positive controls run the same attacker on outputs in which the suppressed cells did count in
the aggregates (the old leak, reproduced by hand), and on outputs where they took no part at all
(the attacker claims nothing false), so that these tests can fail and can pass.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import doelenboom as db
from doelenboom.cli import main
from privacy_attack import (
    KEY,
    PROTECTION_LEVEL,
    Public,
    attack_areas,
    attack_derived,
    attack_output,
    attack_scores,
    attack_share_families,
    disclosures,
    exact,
    is_share,
    read_public,
    read_run_files,
    read_table,
)

# ---- shared helpers -------------------------------------------------------------------------------


def scores_table(result: db.PipelineResult) -> pd.DataFrame:
    """A pipeline result as scores.csv publishes it: unit, period, node, score, coverage, treated."""
    long = result.to_pandas()
    treated = result.treated.reset_index().melt(
        id_vars=["unit", "period"], var_name="node", value_name="treated"
    )
    return long.merge(treated, on=["unit", "period", "node"], how="left")


def share_tolerance(n: float) -> float:
    """The protection level of a share of n persons, as a share: 10 persons out of n, but never
    more than the whole range [0, 1] (a share of fewer than 10 persons is disclosed by any interval
    narrower than what everyone knows)."""
    return min(PROTECTION_LEVEL / n, 1.0)


def tolerance_of(cell: str, quantity: str, unit: str, n: float, public: Public) -> float:
    """The protection level in the cell's own unit: points for a normalised score, persons for a
    count, persons out of n for a share, and per the denominator for a treated value."""
    if quantity == "score":
        return PROTECTION_LEVEL
    persons = share_tolerance(n) if is_share(cell, public) else PROTECTION_LEVEL
    treatment = public.treatment.get(cell, {})
    if quantity == "treated" and treatment.get("denominator"):
        population = float(public.units.loc[unit, treatment["denominator"]])
        return persons * float(treatment["denominator_scale"]) / population
    return persons


def indicator_truth(
    hidden: pd.DataFrame, true_data: pd.DataFrame, true_scores: pd.DataFrame, public: Public
) -> pd.DataFrame:
    """Truth rows (KEY, true, tolerance) of suppressed indicator cells (``hidden``: unit, period,
    indicator): the raw value in indicators.csv, score and treated value in scores.csv."""
    cells = hidden.merge(
        true_data[["unit", "period", "indicator", "value", "n"]], on=["unit", "period", "indicator"]
    )
    scored = cells.merge(
        true_scores.rename(columns={"node": "indicator"})[
            ["unit", "period", "indicator", "score", "treated"]
        ],
        on=["unit", "period", "indicator"],
    )
    rows = []
    for c in scored.itertuples():
        for table, quantity, true in (
            ("indicators", "value", c.value),
            ("scores", "score", c.score),
            ("scores", "treated", c.treated),
        ):
            tolerance = tolerance_of(c.indicator, quantity, c.unit, c.n, public)
            rows.append((table, c.unit, c.period, c.indicator, quantity, true, tolerance))
    return pd.DataFrame(rows, columns=[*KEY, "true", "tolerance"])


def table_truth(table: str, published: pd.DataFrame, true_data: pd.DataFrame) -> pd.DataFrame:
    """Truth rows of the suppressed cells of areas.csv or estimates.csv (persons: counts as they
    are, shares out of their true n)."""
    hidden = published.loc[published["suppressed"] == 1, ["unit", "period", "indicator"]]
    cells = hidden.merge(
        true_data[["unit", "period", "indicator", "value", "n"]], on=["unit", "period", "indicator"]
    )
    share = cells["indicator"].map(is_share)
    return pd.DataFrame(
        {
            "table": table,
            "unit": cells["unit"],
            "period": cells["period"],
            "cell": cells["indicator"],
            "quantity": "value",
            "true": cells["value"],
            "tolerance": np.where(share, cells["n"].map(share_tolerance), PROTECTION_LEVEL),
        }
    )


def solvable(
    hidden: set[tuple[str, str, str]], scores: pd.DataFrame, public: Public
) -> set[tuple[str, str, str]]:
    """The hidden cells (unit, period, indicator) one equation gives: those with a parent goal
    (one child, or a weighted mean) whose score is published and of which they are the only
    hidden child in their row. Read off the tree and the table, not the attacker's code."""
    scored = {tuple(r) for r in scores.loc[scores["score"].notna(), ["unit", "period", "node"]].to_numpy()}
    found = set()
    for unit, period, cell in hidden:
        for goal, weights in public.weights.items():
            linear = public.tree_children[goal] == 1 or public.aggregate[goal] in {"arithmetic", "geometric"}
            if (
                cell in weights
                and linear
                and (unit, period, goal) in scored
                and sum((unit, period, c) in hidden for c in weights) == 1
            ):
                found.add((unit, period, cell))
    return found


def recovered_cells(recovered: pd.DataFrame, truth: pd.DataFrame) -> set[tuple[str, str, str]]:
    """The cells of indicators.csv whose raw value the attacker found exactly."""
    hits = exact(recovered[recovered["table"] == "indicators"], truth)
    return {tuple(r) for r in hits[["unit", "period", "cell"]].to_numpy()}


def summary(found: pd.DataFrame) -> str:
    """Counts per table and technique, and a few cells, for a failure message."""
    cell = [*KEY, "seed"] if "seed" in found else KEY
    per_table = found.drop_duplicates(cell).groupby(["table", "quantity"]).size().to_dict()
    counts = found.groupby(["table", "quantity", "technique"]).size().to_string()
    cells = found[[*KEY, "low", "high", "true", "technique"]].head(8).to_string()
    return (
        f"{len(found)} recoveries within the protection level, suppressed cells disclosed per table: "
        f"{per_table}\n{counts}\n{cells}"
    )


# ---- the demo ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``doelenboom demo --out DIR`` run once: the main job's output and its input data."""
    out = tmp_path_factory.mktemp("attack-demo") / "out"
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        assert main(["demo", "--out", str(out)]) == 0, stderr.getvalue()
    return out


@pytest.fixture(scope="module")
def demo_public(demo: Path) -> Public:
    """The attacker's reading of the public tree, pipeline and units files the run names."""
    files = read_run_files(demo / "data" / "koplopers.yaml")
    return read_public(
        db.GoalTree.load(files["tree"]),
        db.Pipeline.load(files["pipeline"]).to_dict(),
        pd.read_csv(files["units"], dtype={"id": str}),
    )


def _unsuppressed_config(data: Path, target: Path) -> Path:
    """A copy of the demo's inputs whose run config suppresses nothing: no threshold on n, no
    small-count rule, no secondary suppression."""
    shutil.copytree(data, target)
    config = target / "koplopers.yaml"
    text = re.sub(
        r"(?m)^suppression_threshold:.*$",
        "suppression_threshold: 0\nsmall_count_threshold: 0\nprotection_level: 0",
        config.read_text(encoding="utf-8"),
    )
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def demo_unsuppressed(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> db.MonitoringRun:
    """The demo's inputs run with suppression off (nothing written)."""
    run = db.run(_unsuppressed_config(demo / "data", tmp_path_factory.mktemp("attack-truth") / "data"))
    assert run.dataset.suppressed_count == 0
    assert run.estimates is not None
    assert run.estimates.suppressed_count == 0
    assert not run.areas["suppressed"].any()
    return run


@pytest.fixture(scope="module")
def demo_truth(demo: Path, demo_public: Public, demo_unsuppressed: db.MonitoringRun) -> pd.DataFrame:
    """Every suppressed cell of the demo's tables with its true value."""
    run = demo_unsuppressed
    indicators = read_table(demo / "indicators.csv")
    hidden = indicators.loc[indicators["suppressed"] == 1, ["unit", "period", "indicator"]]
    areas = run.areas.assign(unit=run.areas["unit"] + "/" + run.areas["area"])
    assert run.estimates is not None
    truth = pd.concat(
        [
            indicator_truth(hidden, run.dataset.to_pandas(), scores_table(run.result), demo_public),
            table_truth("areas", read_table(demo / "areas.csv"), areas),
            table_truth("estimates", read_table(demo / "estimates.csv"), run.estimates.to_pandas()),
        ],
        ignore_index=True,
    )
    # Every suppressed cell has its truth (none lost in the joins).
    published = sum(
        int((read_table(demo / f"{t}.csv")["suppressed"] == 1).sum()) for t in ("areas", "estimates")
    )
    assert len(truth) == 3 * len(hidden) + published
    return truth


def test_demo_output_resists_differencing(demo: Path, demo_public: Public, demo_truth: pd.DataFrame) -> None:
    recovered = attack_output(demo, demo_public)
    found = disclosures(recovered, demo_truth)
    assert found.empty, summary(found)


def test_control_the_old_leak_is_recovered_from_the_scores(
    demo_public: Public, demo_truth: pd.DataFrame, demo_unsuppressed: db.MonitoringRun
) -> None:
    # The unsuppressed run with the suppressed indicator cells blanked by hand: scores.csv as it
    # was when the hidden cells still counted in the goals above them.
    truth = demo_truth[demo_truth["table"] == "indicators"]
    leaky = scores_table(demo_unsuppressed.result)
    hidden = leaky.set_index(["unit", "period", "node"]).index.isin(
        truth.set_index(["unit", "period", "cell"]).index
    )
    leaky.loc[hidden, ["score", "treated"]] = np.nan
    recovered = attack_scores(leaky, demo_public)
    cells = {tuple(r) for r in truth[["unit", "period", "cell"]].to_numpy()}
    expected = solvable(cells, leaky, demo_public)
    got = recovered_cells(recovered, truth)
    # Every cell one equation gives is recovered exactly.
    assert expected
    assert expected <= got, f"{len(got)} of {len(cells)} recovered exactly, not {sorted(expected - got)}"
    assert not disclosures(recovered, demo_truth).empty


def test_control_one_blank_part_of_a_complete_breakdown_is_recovered(demo: Path) -> None:
    areas, indicators = read_table(demo / "areas.csv"), read_table(demo / "indicators.csv")
    parsed = areas["unit"].str.extract(r"^(?P<parent>[^/]+)/(?P<column>[^=]+)=")
    totals = indicators.set_index(["unit", "period", "indicator"])["value"]
    complete = None
    for key, parts in areas.groupby(
        [parsed["parent"], areas["period"], areas["indicator"], parsed["column"]]
    ):
        whole = totals.get(key[:3])
        if parts["value"].notna().all() and whole is not None and parts["value"].sum() == whole:
            complete = parts
            break
    assert complete is not None, "no complete breakdown in areas.csv to blank a part of"
    target = complete["value"].idxmin()
    blanked = areas.copy()
    blanked.loc[target, ["value", "n"]] = np.nan
    recovered = attack_areas(blanked, indicators)
    row = areas.loc[target]
    truth = pd.DataFrame(
        [("areas", row["unit"], row["period"], row["indicator"], "value", row["value"], PROTECTION_LEVEL)],
        columns=[*KEY, "true", "tolerance"],
    )
    assert len(exact(recovered, truth)) == 1


def test_control_one_blank_share_of_a_family_is_recovered(demo: Path) -> None:
    estimates = read_table(demo / "estimates.csv")
    family = estimates["indicator"].str.extract(r"^(zrm\.[^.]+)\.(?:improved|same|worse)$")[0]
    members = estimates[family.notna()].groupby([estimates["unit"], estimates["period"], family])
    full = next(parts for _, parts in members if len(parts) == 3 and parts["value"].notna().all())
    target = full.index[0]
    blanked = estimates.copy()
    blanked.loc[target, ["value", "n"]] = np.nan
    row = estimates.loc[target]
    truth = pd.DataFrame(
        [
            (
                "estimates",
                row["unit"],
                row["period"],
                row["indicator"],
                "value",
                row["value"],
                share_tolerance(row["n"]),
            )
        ],
        columns=[*KEY, "true", "tolerance"],
    )
    assert len(exact(attack_share_families(blanked), truth)) == 1


# ---- random trees and data ---------------------------------------------------------------------


@dataclass
class Case:
    """One random tree with data, the attacker's view of it and its truth."""

    seed: int
    public: Public
    #: scores as published (small cells suppressed), with the old leak (blanked by hand) and as
    #: design14 wants them (the small cells left out of the data altogether).
    published: pd.DataFrame
    leaky: pd.DataFrame
    missing: pd.DataFrame
    truth: pd.DataFrame


def random_tree(rng: np.random.Generator) -> tuple[db.GoalTree, list[str]]:
    """1 to 3 goal levels above the indicators, 1 to 4 children a goal, now and then an indicator
    shared by a second goal (the DAG case)."""
    goal_levels = int(rng.integers(1, 4))
    levels = [f"level{i}" for i in range(goal_levels)] + ["indicator"]
    nodes = [("g0", "g0", "goal", levels[0])]
    edges: list[tuple[str, str, float]] = []
    indicators: list[str] = []
    frontier = ["g0"]
    for depth in range(goal_levels):
        below: list[str] = []
        for parent in frontier:
            for _ in range(int(rng.integers(1, 5))):
                is_goal = depth + 1 < goal_levels and rng.random() < 0.6
                node = f"{'g' if is_goal else 'i'}{len(nodes)}"
                nodes.append(
                    (
                        node,
                        node,
                        "goal" if is_goal else "indicator",
                        levels[depth + 1] if is_goal else "indicator",
                    )
                )
                (below if is_goal else indicators).append(node)
                edges.append((node, parent, float(rng.integers(1, 4))))
        frontier = below
    goals = [n[0] for n in nodes if n[2] == "goal"]
    if len(goals) > 1 and rng.random() < 0.3:
        shared, extra = str(rng.choice(indicators)), str(rng.choice(goals))
        if (shared, extra) not in {(c, p) for c, p, _ in edges}:
            edges.append((shared, extra, 1.0))
    return db.GoalTree(nodes, edges, levels=levels), indicators


def random_data(
    rng: np.random.Generator, indicators: list[str], shares: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """5 to 12 units x 2 or 3 periods: counts (value = n, per 1,000 inhabitants in the pipeline) and
    shares (k of n); about one cell in five has n below 10, but every (indicator, period) keeps
    three large cells so that its min-max scale is never one point."""
    units = pd.DataFrame({"id": [f"GM{i:04d}" for i in range(int(rng.integers(5, 13)))]})
    units["population"] = rng.integers(5_000, 200_000, len(units)).astype(float)
    rows = []
    for indicator in indicators:
        for period in range(2021, 2021 + int(rng.integers(2, 4))):
            for i, unit in enumerate(units["id"]):
                small = i >= 3 and rng.random() < 0.2
                n = int(rng.integers(1, 10) if small else rng.integers(10, 300))
                value = rng.binomial(n, rng.uniform(0.2, 0.9)) / n if indicator in shares else float(n)
                rows.append((unit, str(period), indicator, value, float(n)))
    return pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "n"]), units


def random_case(seed: int) -> Case:
    """A random tree and data, run with and without suppression through the public pipeline."""
    rng = np.random.default_rng(seed)
    tree, indicators = random_tree(rng)
    shares = {i for i in indicators if rng.random() < 0.5}
    data, units = random_data(rng, indicators, shares)
    geometric = rng.random() < 0.3
    pipeline = db.Pipeline(
        normalise={
            "method": "minmax",
            "low": 1 if geometric else 0,
            "high": 100,
            "scope": str(rng.choice(["per_period", "all_periods"])),
        },
        aggregate={"method": "arithmetic", "min_coverage": 0.5},
        weights="equal" if rng.random() < 0.2 else "tree",
        levels={"level0": {"aggregate": {"method": "geometric"}}} if geometric else None,
        nodes={
            i: {"treatment": {"denominator": "population", "denominator_scale": 1000}}
            for i in indicators
            if i not in shares
        },
    )
    registry = db.UnitRegistry(
        db.Unit(u, u, population=p) for u, p in zip(units["id"], units["population"], strict=True)
    )
    suppressed = db.Dataset.from_pandas(data, suppression_threshold=10)
    full = db.Dataset.from_pandas(data, suppression_threshold=0)
    published = scores_table(pipeline.run(tree, suppressed, units=registry))
    true_scores = scores_table(pipeline.run(tree, full, units=registry))
    flags = suppressed.to_pandas()
    hidden = flags.loc[flags["suppressed"], ["unit", "period", "indicator"]]
    public = read_public(tree, pipeline.to_dict(), units)
    public.shares.update({i: i in shares for i in indicators})  # what the indicator definitions would say
    leaky = true_scores.copy()
    blank = leaky.set_index(["unit", "period", "node"]).index.isin(
        hidden.set_index(["unit", "period", "indicator"]).index
    )
    leaky.loc[blank, ["score", "treated"]] = np.nan
    truth = indicator_truth(hidden, data, true_scores, public)
    small = data.set_index(["unit", "period", "indicator"]).index.isin(
        hidden.set_index(["unit", "period", "indicator"]).index
    )
    missing = scores_table(pipeline.run(tree, db.Dataset.from_pandas(data[~small]), units=registry))
    return Case(seed, public, published, leaky, missing, truth)


CASES = 50


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return [random_case(seed) for seed in range(CASES)]


def test_property_random_trees(cases: list[Case]) -> None:
    found = pd.concat(
        [disclosures(attack_scores(c.published, c.public), c.truth).assign(seed=c.seed) for c in cases],
        ignore_index=True,
    )
    hidden = sum(int((c.truth["table"] == "indicators").sum()) for c in cases)
    assert hidden > 0
    assert found.empty, (
        f"{hidden} suppressed cells, in {found['seed'].nunique()} of {CASES} cases " + summary(found)
    )


def test_control_random_trees_with_the_old_leak(cases: list[Case]) -> None:
    # Every suppressed cell one equation gives is recovered exactly from the leaky scores.
    missed, expected, recovered = [], 0, 0
    for c in cases:
        cells = {tuple(r) for r in c.truth[["unit", "period", "cell"]].to_numpy()}
        solvable_cells = solvable(cells, c.leaky, c.public)
        got = recovered_cells(attack_scores(c.leaky, c.public), c.truth)
        missed += [(c.seed, *cell) for cell in solvable_cells - got]
        expected += len(solvable_cells)
        recovered += len(got)
    assert expected > 0
    assert not missed, f"{len(missed)} of {expected} missed (seed, unit, period, cell): {missed[:5]}"
    assert recovered >= expected


def test_control_cells_left_out_leave_nothing_to_recover(cases: list[Case]) -> None:
    # The attacker claims nothing false: where the small cells take no part in any aggregate (what
    # the library is to do with suppressed cells), it recovers none of them.
    found = pd.concat(
        [disclosures(attack_scores(c.missing, c.public), c.truth) for c in cases], ignore_index=True
    )
    assert found.empty, summary(found)


def test_control_a_blanked_score_comes_back_from_koplopers_and_trends(demo: Path) -> None:
    # scores.csv with three goal scores blanked by hand, the other exports as published: the
    # koploper table shows the report period's score and the baseline's (score minus change), and
    # a trend fitted over four periods gives the one scores.csv now leaves blank.
    scores = read_table(demo / "scores.csv")
    koplopers, trends = read_table(demo / "koplopers.csv"), read_table(demo / "trends.csv")
    row = koplopers[koplopers["score"].notna() & koplopers["change_since_baseline"].notna()].iloc[0]
    periods = sorted(scores["period"].unique())
    middle = periods[1]
    assert row["period"] == periods[-1]
    assert row["baseline"] == periods[0]
    targets = {p: (row["unit"], p, row["node"]) for p in (row["period"], row["baseline"], middle)}
    blanked = scores.set_index(["unit", "period", "node"]).sort_index()
    truth = pd.DataFrame(
        [("scores", *key, "score", blanked.loc[key, "score"], 1e-6) for key in targets.values()],
        columns=[*KEY, "true", "tolerance"],
    )
    for technique, key in zip(
        ("koplopers_score", "koplopers_change", "trend_sum"), targets.values(), strict=True
    ):
        one = blanked.copy()
        one.loc[key, "score"] = np.nan
        hits = exact(attack_derived(one.reset_index(), koplopers, trends), truth)
        assert technique in set(hits["technique"])
