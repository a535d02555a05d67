"""The aggregation pipeline from Python: COINr's ASEM results through the public API, the shapes of
every result table, contributions that sum to the scores on the Movisie tree, unused data, the
YAML round trip and the method names, each with its message."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import doelenboom as db
from conftest import ASEM, REPO, asem_long, load_asem_tree
from doelenboom import Pipeline, PipelineError, PipelineResult
from doelenboom._facade import core_of
from doelenboom.pipeline import REMAINDER

MOVISIE = REPO / "examples" / "trees" / "movisie.yaml"
NORMALISATIONS = ("none", "minmax", "zscore", "goalposts", "distance_to_target", "rank", "percentile_rank")
AGGREGATIONS = ("arithmetic", "geometric", "harmonic", "min", "median")


# ------------------------------------------------------------------------------------------------
# ASEM: raw -> min-max 0..100 -> weighted arithmetic mean, as COINr 1.1.14 computed it


@pytest.fixture(scope="module")
def asem() -> tuple[db.GoalTree, PipelineResult]:
    tree = load_asem_tree()
    data = db.Dataset.from_pandas(asem_long())
    # COINr renormalises over any present children: a tiny threshold says the same.
    pipeline = Pipeline(
        normalise={"method": "minmax", "low": 0, "high": 100},
        aggregate={"method": "arithmetic", "min_coverage": 1e-9},
    )
    return tree, pipeline.run(tree, data)


def _peer(name: str) -> pd.DataFrame:
    return pd.read_csv(ASEM / name).set_index("uCode")


def test_asem_every_node_and_unit_matches_coinr(asem: tuple[db.GoalTree, PipelineResult]) -> None:
    tree, result = asem
    want = _peer("P1_raw_minmax_amean_aggregated.csv")
    assert want.shape == (51, 60)
    got = result.scores.xs("2022", level="period").loc[want.index, want.columns]
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(dtype=float), rtol=1e-9, atol=0, equal_nan=True)
    assert set(want.columns) == set(tree.ids)


def test_asem_ranks_are_exactly_coinr_s(asem: tuple[db.GoalTree, PipelineResult]) -> None:
    _, result = asem
    want = _peer("P1_raw_minmax_amean_ranks.csv")
    got = result.ranks.xs("2022", level="period").loc[want.index, want.columns]
    assert np.array_equal(got.to_numpy(), want.to_numpy(dtype=float), equal_nan=True)
    assert int(np.isnan(got.to_numpy()).sum()) == 63  # the missing raw values stay missing


def test_scope_reference_keeps_the_scale_of_one_period(small_tree: db.GoalTree) -> None:
    """docs/pipeline.md: min and max of the reference period for every period (default the first)."""
    data = pd.DataFrame(
        {
            "unit": ["u1", "u2", "u1", "u2"] * 2,
            "period": [2021, 2021, 2022, 2022] * 2,
            "indicator": ["x"] * 4 + ["y"] * 4,
            "value": [0.0, 10.0, 5.0, 15.0, 1.0, 2.0, 1.0, 2.0],
        }
    )
    pipeline = Pipeline(normalise={"method": "minmax", "scope": "reference"})
    x = pipeline.run(small_tree, data).scores["x"]
    assert x.loc[("u1", "2022")] == 50.0
    assert x.loc[("u2", "2022")] == 150.0  # above the reference maximum: not clamped
    x = pipeline.run(small_tree, data, reference_period=2022).scores["x"]
    assert x.loc[("u1", "2021")] == -50.0
    with pytest.raises(PipelineError, match=r"reference period 2020 is not a period of the data \(periods: 2021, 2022\)"):
        pipeline.run(small_tree, data, reference_period="2020")


def test_result_tables_have_the_documented_shapes(asem: tuple[db.GoalTree, PipelineResult]) -> None:
    tree, result = asem
    rows, n = 51, 60
    units = result.units
    assert len(units) == rows
    assert result.periods == ["2022"]
    assert result.nodes == tree.ids
    for frame in (result.scores, result.standard_errors, result.coverage, result.ranks):
        assert frame.shape == (rows, n)
        assert frame.index.names == ["unit", "period"]
        assert list(frame.index) == [(u, "2022") for u in units]
        assert frame.columns.name == "node"
        assert list(frame.columns) == tree.ids  # tree order
        assert (frame.dtypes == np.float64).all()
    # Each access is a new DataFrame that owns its numbers (writable, not the engine's memory).
    scores = result.scores
    scores.iloc[0, 0] = -1.0
    assert result.scores.iloc[0, 0] != -1.0
    intervals = result.intervals
    assert intervals.shape == (rows, 2 * n)
    assert intervals.columns.names == ["node", "bound"]
    assert list(intervals.columns[:4]) == [
        (tree.ids[0], "low"),
        (tree.ids[0], "high"),
        (tree.ids[1], "low"),
        (tree.ids[1], "high"),
    ]
    assert list(intervals["Index"].columns) == ["low", "high"]
    # No standard errors in the ASEM data: the intervals are missing, the scores are not.
    assert intervals.isna().all().all()
    assert result.treated.shape == (rows, 49)
    assert list(result.treated.columns) == tree.leaves()
    audit = result.audit
    assert list(audit.columns) == ["unit", "period", "indicator", "old", "new", "why"]
    assert audit.empty
    assert audit["old"].dtype == np.float64
    long = result.to_pandas()
    assert list(long.columns) == ["unit", "period", "node", "score", "se", "low", "high", "coverage", "rank"]
    assert len(long) == rows * n
    row = long[(long["unit"] == "AUT") & (long["node"] == "Index")].iloc[0]
    assert row["score"] == result.scores.loc[("AUT", "2022"), "Index"]
    assert row["rank"] == result.ranks.loc[("AUT", "2022"), "Index"]
    assert result.unused_indicators == []
    assert result.confidence == 0.95


def test_repr_and_html_are_small(asem: tuple[db.GoalTree, PipelineResult]) -> None:
    _, result = asem
    assert repr(result) == (
        "<doelenboom.PipelineResult: 51 units x 1 period, 60 nodes, confidence 0.95, 0 audit entries>"
    )
    page = result._repr_html_()
    assert "<th>Index</th>" in page
    assert "… 46 more rows" in page
    assert len(page) < 3000


# ------------------------------------------------------------------------------------------------
# Hand-computed: the small tree of conftest


def test_hand_computed_scores_coverage_and_ranks(small_tree: db.GoalTree) -> None:
    # R <- A (1), R <- B (3); x under A and B, y (direction -1) under B. normalise none: the
    # direction is applied (y -> -y). u1: x 4, y 2 -> A 4, B (4 - 2)/2 = 1, R = (4 + 3)/4 = 1.75.
    # u2: x 1 only -> A 1, B coverage 1/2 -> 1, R 1. u3 has data in 2023 only: its 2022 row is
    # missing everywhere (every unit has a row for every period).
    data = db.Dataset.from_pandas(
        pd.DataFrame(
            {
                "unit": ["u1", "u1", "u2", "u3"],
                "period": [2022, 2022, 2022, 2023],
                "indicator": ["x", "y", "x", "x"],
                "value": [4.0, 2.0, 1.0, 5.0],
            }
        )
    )
    result = Pipeline(normalise="none").run(small_tree, data)
    scores = result.scores.xs("2022", level="period")
    assert scores.loc["u1", ["x", "y", "A", "B", "R"]].tolist() == [4.0, -2.0, 4.0, 1.0, 1.75]
    assert scores.loc["u2", ["A", "B", "R"]].tolist() == [1.0, 1.0, 1.0]
    assert scores.loc["u3"].isna().all()
    coverage = result.coverage.xs("2022", level="period")
    assert coverage.loc["u2", ["x", "y", "B", "R"]].tolist() == [1.0, 0.0, 0.5, 1.0]
    # Ties take the lowest rank: A of u1 4 -> 1; B of u1 and u2 both 1 -> 1 and 1; u3 NaN.
    ranks = result.ranks.xs("2022", level="period")
    assert ranks.loc[["u1", "u2"], "B"].tolist() == [1.0, 1.0]
    assert ranks.loc["u1", "R"] == 1.0
    assert ranks.loc["u2", "R"] == 2.0
    assert np.isnan(ranks.loc["u3", "R"])
    # A node the coverage rule drops: with min_coverage 1, B of u2 (coverage 1/2) is missing.
    strict = Pipeline(normalise="none", nodes={"B": {"aggregate": {"min_coverage": 1}}}).run(small_tree, data)
    assert np.isnan(strict.scores.loc[("u2", "2022"), "B"])
    # ... and then R has only A, a quarter of its weight: below the global 0.5, so missing too.
    assert np.isnan(strict.scores.loc[("u2", "2022"), "R"])
    assert strict.coverage.loc[("u2", "2022"), "R"] == 0.25


def test_a_dataframe_is_accepted_as_the_data(small_tree: db.GoalTree) -> None:
    frame = pd.DataFrame(
        {"unit": ["u1", "u1"], "period": ["2022", "2022"], "indicator": ["x", "y"], "value": [4.0, 2.0]}
    )
    result = Pipeline(normalise="none").run(small_tree, frame)
    assert result.scores.loc[("u1", "2022"), "R"] == 1.75


# ------------------------------------------------------------------------------------------------
# Movisie: contributions sum to the score for every unit and period


def _scale(tree: db.GoalTree, leaf: str) -> float:
    """Values are drawn as percentages; the tree's proportions take them as shares."""
    definition = tree.indicators.get(leaf)
    return 0.01 if definition is not None and definition.measure == "proportion" else 1.0


def _generated(tree: db.GoalTree, units: int = 12, periods: int = 3, seed: int = 7) -> db.Dataset:
    rng = np.random.default_rng(seed)
    leaves = tree.leaves()
    rows = [
        (f"GM{1000 + u}", 2020 + p, leaf, *(x * _scale(tree, leaf) for x in (rng.uniform(10, 90), rng.uniform(1, 3))))
        for u in range(units)
        for p in range(periods)
        for leaf in leaves
    ]
    frame = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "se"])
    return db.Dataset.from_pandas(frame.sample(frac=0.9, random_state=seed))  # some cells missing


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic", "min", "median"])
def test_contributions_sum_to_the_scores_on_the_movisie_tree(method: str) -> None:
    tree = db.GoalTree.load(MOVISIE)
    data = _generated(tree)
    result = Pipeline(normalise={"method": "minmax", "low": 1, "high": 100}, aggregate=method).run(tree, data)
    scores = result.scores
    for node in [n for n in tree.ids if n not in tree.leaves()]:
        for level in (None, "activiteit"):
            parts = result.contributions(node, level)
            assert list(parts.columns) == ["unit", "period", "part", "value"]
            total = parts.groupby(["unit", "period"], sort=False)["value"].sum()
            present = scores[node].dropna()
            assert len(total) == len(present)
            np.testing.assert_allclose(total.loc[present.index].to_numpy(), present.to_numpy(), rtol=1e-12)


def test_contributions_by_activity_with_the_remainder() -> None:
    tree = db.GoalTree.load(MOVISIE)
    result = Pipeline().run(tree, _generated(tree))
    by_indicator = result.contributions("zelfregie")
    rows = result.scores["zelfregie"].notna().sum()
    indicators = [i for i in tree.leaves() if i in tree.descendants("zelfregie")]
    assert len(by_indicator) == rows * len(indicators)
    assert list(by_indicator["part"].iloc[: len(indicators)]) == [i for i in tree.ids if i in indicators]
    by_activity = result.contributions("zelfregie", level="activiteit")
    activities = tree.nodes_at_level("activiteit")
    assert list(by_activity["part"].iloc[: len(activities) + 1]) == [*activities, REMAINDER]
    first = by_activity.iloc[0]
    assert (first["unit"], first["period"]) == (result.units[0], result.periods[0])
    with pytest.raises(PipelineError, match="contributions: 'nergens' is not a node of the tree"):
        result.contributions("nergens")
    with pytest.raises(PipelineError, match="'wijk' is not a level of the tree"):
        result.contributions("zelfregie", level="wijk")


# ------------------------------------------------------------------------------------------------
# Unused data


def test_unused_data_is_an_error_by_default_and_can_be_ignored(small_tree: db.GoalTree) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["u1"] * 4,
            "period": [2022] * 4,
            "indicator": ["x", "wachttijd", "y", "extra"],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    data = db.Dataset.from_pandas(frame)
    with pytest.raises(PipelineError) as error:
        Pipeline().run(small_tree, data)
    assert str(error.value) == (
        "the data set has 2 indicator ids that are not in the tree: 'wachttijd', 'extra' (remove their rows, "
        "or set unused_data to 'ignore' in the pipeline to leave them out)"
    )
    assert error.value.problems[0]["code"] == "unused_data"
    assert error.value.problems[0]["ids"] == ["wachttijd", "extra"]
    result = Pipeline(normalise="none", unused_data="ignore").run(small_tree, data)
    assert result.unused_indicators == ["wachttijd", "extra"]
    assert "2 unused indicators" in repr(result)
    assert result.scores.loc[("u1", "2022"), "A"] == 1.0
    # Data for a goal is always an error.
    goal = db.Dataset.from_pandas(frame.assign(indicator=["x", "B", "y", "y2"]).iloc[:3])
    with pytest.raises(PipelineError, match=r"^the data set has values for 'B', a goal of the tree"):
        Pipeline(unused_data="ignore").run(small_tree, goal)


# ------------------------------------------------------------------------------------------------
# Settings: YAML, dicts, names


def _full_pipeline() -> Pipeline:
    return Pipeline(
        normalise={"method": "minmax", "low": 1, "high": 100, "scope": "all_periods"},
        aggregate={"method": "arithmetic", "min_coverage": 2 / 3},
        weights={"zelfregie": {"kunnen_kiezen": 2, "willen_kiezen": 1}},
        treatment={"imputation": "mean", "outliers": "winsorise", "winsorise_max": 3},
        levels={"factor": {"aggregate": "geometric"}, "indicator": {"treatment": {"imputation": "locf"}}},
        nodes={
            "ind_doorlooptijd": {"normalise": "goalposts"},
            "zelfregie": {
                "aggregate": {"method": "min", "min_coverage": 1},
                "weights": {"mogen_kiezen": 0.5},
            },
        },
        unused_data="ignore",
        confidence=0.9,
    )


def test_node_settings_are_the_pipeline_s_own_resolution() -> None:
    """Node beats level beats global, field by field; child weights as the pipeline takes them."""
    spec = core_of(_full_pipeline(), Pipeline, "pipeline")
    tree = core_of(db.GoalTree.load(MOVISIE), db.GoalTree, "tree")
    top = spec.node_settings(tree, "zelfregie")
    assert top["aggregate"] == {"method": "min", "min_coverage": 1.0}
    assert top["child_weights"] == {"kunnen_kiezen": 2 / 3.5, "willen_kiezen": 1 / 3.5, "mogen_kiezen": 0.5 / 3.5}
    assert spec.node_settings(tree, "kunnen_kiezen")["aggregate"] == {"method": "geometric", "min_coverage": 2 / 3}
    assert spec.node_settings(tree, "ind_doorlooptijd")["normalise"]["method"] == "goalposts"
    assert spec.node_settings(tree, "ind_uren")["normalise"]["low"] == 1.0
    assert spec.node_settings(tree, "ind_uren")["child_weights"] == {}
    with pytest.raises(PipelineError, match="node_settings: 'nergens' is not a node of the tree"):
        spec.node_settings(tree, "nergens")


def test_yaml_round_trip(tmp_path: Path) -> None:
    pipeline = _full_pipeline()
    assert pipeline.check(db.GoalTree.load(MOVISIE)) == []
    text = pipeline.to_yaml()
    assert "unused_data: ignore" in text
    assert Pipeline.from_yaml(text) == pipeline
    assert Pipeline.from_yaml(text).to_yaml() == text
    path = tmp_path / "pipeline.yaml"
    pipeline.save(path)
    loaded = Pipeline.load(path)
    assert loaded == pipeline
    assert loaded != Pipeline()
    # Plain data, copies and pickles give the same settings.
    settings = pipeline.to_dict()
    assert settings["weight_overrides"] == {
        "zelfregie": {"kunnen_kiezen": 2.0, "willen_kiezen": 1.0, "mogen_kiezen": 0.5}
    }
    assert settings["levels"]["factor"] == {"aggregate": {"method": "geometric"}}
    assert Pipeline(**settings) == pipeline
    assert copy.deepcopy(pipeline) == pipeline
    assert pickle.loads(pickle.dumps(pipeline)) == pipeline
    assert repr(pipeline) == (
        "<doelenboom.Pipeline normalise=minmax 1..100, aggregate=arithmetic (min_coverage 0.666667), weights=tree, "
        "treatment imputation=mean outliers=winsorise, overrides for 2 levels, 2 nodes, 1 weight override, "
        "unused_data=ignore, confidence=0.9>"
    )
    assert repr(Pipeline()) == (
        "<doelenboom.Pipeline normalise=minmax 0..100, aggregate=arithmetic (min_coverage 0.5), weights=tree>"
    )


def test_the_documented_example_loads_and_fits_the_movisie_tree() -> None:
    doc = (REPO / "docs" / "pipeline.md").read_text(encoding="utf-8")
    start = doc.index("```yaml\n") + len("```yaml\n")
    pipeline = Pipeline.from_yaml(doc[start : doc.index("```", start)], "docs/pipeline.md")
    tree = db.GoalTree.load(MOVISIE)
    assert pipeline.check(tree) == []


def test_a_bad_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("doelenboom_pipeline: 1\nunused_data: skip\n", encoding="utf-8")
    with pytest.raises(db.ParseError) as error:
        Pipeline.load(path)
    assert str(error.value) == f"{path}:2: key 'unused_data': 'skip' is not one of: error, ignore"


@pytest.mark.parametrize("name", NORMALISATIONS)
def test_every_normalisation_name_is_accepted(name: str) -> None:
    assert Pipeline(normalise=name).to_dict()["normalise"]["method"] == name
    assert Pipeline(normalise={"method": name}).to_dict()["normalise"]["method"] == name


@pytest.mark.parametrize("name", AGGREGATIONS)
def test_every_aggregation_name_is_accepted_and_runs(name: str, small_tree: db.GoalTree) -> None:
    assert Pipeline(aggregate={"method": name}).to_dict()["aggregate"]["method"] == name
    # x = 4 alone: A has one child, B half of its weight (enough), R both: every method gives 4.
    data = db.Dataset.from_records([{"unit": "u1", "period": 2022, "indicator": "x", "value": 4.0}])
    scores = Pipeline(normalise="none", aggregate=name).run(small_tree, data).scores
    assert scores.loc[("u1", "2022"), ["A", "B", "R"]].tolist() == [4.0, 4.0, 4.0]


def test_bad_names_and_settings_are_rejected_clearly() -> None:
    with pytest.raises(PipelineError) as error:
        Pipeline(normalise="minmx")
    assert str(error.value) == (
        "pipeline: normalise: key 'method': 'minmx' is not one of: none, minmax, zscore, goalposts, "
        "distance_to_target, rank, percentile_rank"
    )
    with pytest.raises(PipelineError) as error:
        Pipeline(aggregate="mean")
    assert (
        str(error.value)
        == "pipeline: aggregate: key 'method': 'mean' is not one of: arithmetic, geometric, harmonic, min, median"
    )
    with pytest.raises(PipelineError) as error:
        Pipeline(
            normalise={"method": "minmax", "lo": 0},
            weights="gelijk",
            unused_data="warn",
            levels={"factor": {"aggregate": {"method": "max"}, "normalize": "zscore"}},
            nodes={"x": {"treatment": {"winsorise_max": 2.5, "imputation": "mode"}}},
        )
    assert str(error.value) == (
        "7 problems:\n"
        "  pipeline: normalise: unknown key 'lo' (expected one of: method, low, high, mean, sd, scope)\n"
        "  pipeline: key 'weights': 'gelijk' is not one of: tree, equal\n"
        "  pipeline: key 'unused_data': 'warn' is not one of: error, ignore\n"
        "  pipeline: level 'factor': unknown key 'normalize' (expected one of: treatment, normalise, "
        "aggregate, weights)\n"
        "  pipeline: level 'factor': aggregate: key 'method': 'max' is not one of: arithmetic, geometric, harmonic, "
        "min, median\n"
        "  pipeline: node 'x': treatment: key 'winsorise_max': '2.5' is not a whole number\n"
        "  pipeline: node 'x': treatment: key 'imputation': 'mode' is not one of: none, mean, median, group_mean, locf"
    )
    assert len(error.value.problems) == 7
    with pytest.raises(
        PipelineError, match=r"^pipeline: aggregate: key 'min_coverage': 'half' is not a finite number$"
    ):
        Pipeline(aggregate={"min_coverage": "half"})
    with pytest.raises(
        TypeError, match=r"^normalise must be a method name such as 'minmax' or a dict of settings, not int$"
    ):
        Pipeline(normalise=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"weights must be 'tree' or 'equal'"):
        Pipeline(levels={"factor": {"weights": {"a": 1}}})


def test_settings_that_do_not_fit_the_tree_are_listed_by_check_and_run(small_tree: db.GoalTree) -> None:
    pipeline = Pipeline(
        normalise={"method": "minmax", "low": 5, "high": 1}, levels={"wijk": {"aggregate": "min"}}
    )
    problems = pipeline.check(small_tree)
    messages = [p["message"] for p in problems]
    assert "pipeline: normalise: minmax needs low < high, found low 5 and high 1" in messages
    assert any(
        m.startswith("pipeline, level 'wijk': level 'wijk' is not a level of the tree") for m in messages
    )
    data = db.Dataset.from_records([{"unit": "u1", "period": 2022, "indicator": "x", "value": 4.0}])
    with pytest.raises(PipelineError, match="minmax needs low < high"):
        pipeline.run(small_tree, data)


def test_the_tree_s_indicator_definitions_are_used_by_default() -> None:
    # movisie.yaml gives ind_kwaliteit_goed the goalposts 0.5 .. 1: 0.75 is halfway, 50 on 0..100.
    tree = db.GoalTree.load(MOVISIE)
    data = db.Dataset.from_records(
        [
            {
                "unit": "u1",
                "period": 2022,
                "indicator": leaf,
                "value": 0.75 if leaf == "ind_kwaliteit_goed" else 0.5,  # in range for every measure
            }
            for leaf in tree.leaves()
        ]
    )
    pipeline = Pipeline(normalise="none", nodes={"ind_kwaliteit_goed": {"normalise": "goalposts"}})
    assert pipeline.run(tree, data).scores.loc[("u1", "2022"), "ind_kwaliteit_goed"] == 50.0
    with pytest.raises(PipelineError, match="goalpost"):
        pipeline.run(tree, data, indicators=db.IndicatorSet([]))


def _two_units(tree: db.GoalTree, share: float) -> tuple[pd.DataFrame, int]:
    """Every leaf of the tree for u1 (0.4) and u2 (0.6), u2's ind_kwaliteit_goed `share`; and its row."""
    leaves = tree.leaves()
    frame = pd.DataFrame(
        {"unit": ["u1"] * len(leaves) + ["u2"] * len(leaves), "period": 2022, "indicator": leaves * 2}
    )
    frame["value"] = [0.4] * len(leaves) + [0.6] * len(leaves)
    row = len(leaves) + leaves.index("ind_kwaliteit_goed")
    frame.loc[row, "value"] = share
    return frame, row


PERCENT = (
    "DataFrame, row {row}, field 'value': 73 is outside [0, 1] for proportion indicator 'ind_kwaliteit_goed' "
    "(expected a share between 0 and 1)"
)


def test_a_share_delivered_as_a_percentage_is_rejected_against_the_tree_s_definitions() -> None:
    # Issue 15: a provider's 73 for 0.73 was accepted by Pipeline.run and distorted every score.
    tree = db.GoalTree.load(MOVISIE)
    frame, row = _two_units(tree, 73.0)
    with pytest.raises(PipelineError) as caught:
        Pipeline().run(tree, frame)
    assert str(caught.value) == PERCENT.format(row=row + 1)
    problem = caught.value.problems[0]
    assert (problem["code"], problem["file"], problem["row"], problem["field"]) == (
        "out_of_range",
        "DataFrame",
        row + 1,
        "value",
    )
    assert problem["ids"] == ["u2", "ind_kwaliteit_goed"]
    # The data set's own check, given the definitions, says the same.
    with pytest.raises(db.DataError) as own:
        db.Dataset.from_pandas(frame, indicators=tree.indicators)
    assert str(own.value) == str(caught.value)
    # The share as a share runs: u2's 0.73 is the maximum of the two, 100 after min-max.
    good, _ = _two_units(tree, 0.73)
    assert Pipeline().run(tree, good).scores.loc[("u2", "2022"), "ind_kwaliteit_goed"] == 100.0


def test_denominators_come_from_the_unit_registry(small_tree: db.GoalTree) -> None:
    registry = db.gemeenten()
    deventer = registry["GM0301"]
    assert deventer.numeric_attribute("population") == deventer.population
    assert deventer.numeric_attribute("province") is None
    data = db.Dataset.from_records([{"unit": "GM0301", "period": 2022, "indicator": "x", "value": 1000.0}])
    result = Pipeline(
        normalise="none", treatment={"denominator": "population", "denominator_scale": 1000}
    ).run(small_tree, data, units=registry)
    assert result.treated.loc[("GM0301", "2022"), "x"] == pytest.approx(1000.0 / deventer.population * 1000)
    audit = result.audit
    assert audit[["unit", "period", "indicator"]].iloc[0].tolist() == ["GM0301", "2022", "x"]
    assert audit["why"].iloc[0].startswith("denominated: / population ")
