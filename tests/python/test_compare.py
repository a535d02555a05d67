"""The koploper table (doelenboom.compare) on generated data for real gemeenten (fictitious
scores): its shape and columns, ranks and rank intervals, change since the baseline against hand
computation from the result's scores, and peers by CBS size class, province and an explicit list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import doelenboom as db
from conftest import REPO
from doelenboom.compare import CASE_MIX_WARNING, KOPLOPER_COLUMNS, PeerGroups

MOVISIE = REPO / "examples" / "trees" / "movisie.yaml"


@pytest.fixture(scope="module")
def registry() -> db.UnitRegistry:
    return db.gemeenten()


@pytest.fixture(scope="module")
def result(registry: db.UnitRegistry) -> db.PipelineResult:
    tree = db.GoalTree.load(MOVISIE)
    ids = registry.ids()[:40]
    rng = np.random.default_rng(11)
    # Drawn as percentages; the tree's proportions take them as shares.
    share = {d.id for d in tree.indicators if d.measure == "proportion"}
    scale = {leaf: 0.01 if leaf in share else 1.0 for leaf in tree.leaves()}
    rows = [
        (u, 2020 + p, leaf, *(x * scale[leaf] for x in (rng.uniform(10, 90), rng.uniform(1, 3))))
        for u in ids
        for p in range(4)
        for leaf in tree.leaves()
    ]
    frame = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "se"])
    return db.Pipeline().run(tree, frame, units=registry)


def test_koploper_table_shape_and_columns(result: db.PipelineResult) -> None:
    nodes = [result.nodes[0], result.nodes[1]]
    table = db.compare(result, nodes=nodes)
    assert tuple(table.columns) == KOPLOPER_COLUMNS
    assert table.index.names == ["unit", "node"]
    assert len(table) == len(result.units) * 2
    assert list(table.index.get_level_values("node")[:2]) == nodes
    assert (table["period"] == "2023").all()
    assert str(table["change_beyond_noise"].dtype) == "boolean"
    assert table.attrs["warning"] == CASE_MIX_WARNING
    # Score and interval are the result's.
    last = result.scores.xs("2023", level="period")
    se = result.standard_errors.xs("2023", level="period")
    unit = result.units[3]
    row = table.loc[(unit, nodes[0])]
    assert row["score"] == pytest.approx(last.loc[unit, nodes[0]])
    z = stats.norm.ppf(0.975)
    assert row["high"] == pytest.approx(last.loc[unit, nodes[0]] + z * se.loc[unit, nodes[0]])


def test_ranks_and_rank_intervals(result: db.PipelineResult) -> None:
    node = result.nodes[0]
    table = db.compare(result, nodes=node, seed=3)
    ranks = result.ranks.xs("2023", level="period")[node]
    ours = table.xs(node, level="node")
    np.testing.assert_array_equal(ours["rank"].to_numpy(), ranks.loc[ours.index].to_numpy())
    assert (ours["rank_low"] <= ours["rank_median"]).all()
    assert (ours["rank_median"] <= ours["rank_high"]).all()
    assert (ours["rank_low"] >= 1).all()
    assert (ours["rank_high"] <= len(result.units)).all()
    again = db.compare(result, nodes=node, seed=3)
    pd.testing.assert_frame_equal(table, again)


def test_change_since_baseline_by_hand(result: db.PipelineResult) -> None:
    node = result.nodes[0]
    table = db.compare(result, nodes=node, baseline="2021", confidence=0.9, alpha=0.1)
    s = result.scores[node]
    se = result.standard_errors[node]
    for unit in result.units[:5]:
        d = s[(unit, "2023")] - s[(unit, "2021")]
        e = np.hypot(se[(unit, "2023")], se[(unit, "2021")])
        row = table.loc[(unit, node)]
        assert row["baseline"] == "2021"
        assert row["change_since_baseline"] == pytest.approx(d)
        assert row["change_low"] == pytest.approx(d - stats.norm.ppf(0.95) * e)
        p = 2 * stats.norm.sf(abs(d) / e)
        assert row["change_p_value"] == pytest.approx(p, rel=1e-9)
        assert bool(row["change_beyond_noise"]) == (p < 0.1)
    default = db.compare(result, nodes=node)
    assert (default["baseline"] == "2020").all()  # the first period


def test_peers_by_size_class_exclude_the_unit(result: db.PipelineResult, registry: db.UnitRegistry) -> None:
    node = result.nodes[0]
    table = db.compare(result, nodes=node, units=registry)
    classes = {u: db.cbs_size_class(registry[u].population) for u in result.units}
    last = result.scores.xs("2023", level="period")[node]
    for unit in result.units[:8]:
        peers = [u for u in result.units if u != unit and classes[u] == classes[unit]]
        row = table.loc[(unit, node)]
        assert row["peers"] == f"size_class = {classes[unit]} ({len(peers)} {'peer' if len(peers) == 1 else 'peers'})"
        if peers:
            assert row["peer_mean"] == pytest.approx(last[peers].mean())
            assert row["peer_median"] == pytest.approx(last[peers].median())
            assert row["difference_from_peers"] == pytest.approx(last[unit] - last[peers].mean())
        else:
            assert np.isnan(row["peer_mean"])
    assert table["national"].iloc[0] == pytest.approx(last.mean())


def test_peers_by_province_and_by_list_and_unit_subset(result: db.PipelineResult) -> None:
    node = result.nodes[0]
    chosen = list(result.units[:3])
    table = db.compare(result, nodes=node, peers=chosen, unit_ids=chosen[:2])
    assert list(table.index.get_level_values("unit")) == chosen[:2]
    assert table["peers"].iloc[0] == "list of 3 units (2 peers)"
    last = result.scores.xs("2023", level="period")[node]
    assert table["peer_mean"].iloc[0] == pytest.approx(last[chosen[1:]].mean())
    by_province = db.compare(result, nodes=node, peers="province")
    assert by_province["peers"].str.startswith("province = ").all()
    with pytest.raises(db.DataError, match="unknown node 'nope'"):
        db.compare(result, nodes="nope")


def test_the_table_returns_the_peer_groups_of_every_unit(result: db.PipelineResult, registry: db.UnitRegistry) -> None:
    import copy

    node = result.nodes[0]
    table = db.compare(result, nodes=node, units=registry, unit_ids=result.units[:2])
    groups = table.attrs["peer_groups"]
    assert isinstance(groups, PeerGroups)
    assert groups.attribute == "size_class"
    classes = {u: db.cbs_size_class(registry[u].population) for u in result.units}
    # every unit of the result, also those not reported, in the order of the result's units
    assert list(groups.members) == list(result.units)
    for unit in result.units:
        assert groups.members[unit] == tuple(u for u in result.units if u != unit and classes[u] == classes[unit])
    assert copy.deepcopy(table).attrs["peer_groups"] is groups  # a value: pandas' copies keep it
    first, second, third = result.units[:3]
    listed = db.compare(result, nodes=node, peers=[third, first]).attrs["peer_groups"]
    assert listed.attribute is None
    assert listed.members[first] == (third,)
    assert listed.members[second] == (first, third)


def test_units_is_the_registry_and_unit_ids_the_rows(result: db.PipelineResult) -> None:
    with pytest.raises(TypeError, match="give the ids of the units to report as unit_ids"):
        db.compare(result, units=result.units[:2])  # type: ignore[arg-type]


def test_an_unknown_standard_error_gives_unknown_intervals_never_zero_width(registry: db.UnitRegistry) -> None:
    """Issue 15, "missing se": one indicator without a standard error (present, not suppressed)
    makes the intervals of that unit's score, rank and change unknown in every ancestor, not
    zero-width; a unit whose baseline se is unknown loses its change interval; the other units'
    rank intervals allow for the unknown one and say so."""
    tree = db.GoalTree.load(MOVISIE)
    ids = registry.ids()[:8]
    rng = np.random.default_rng(5)
    # Drawn as percentages; the tree's proportions take them as shares.
    share = {d.id for d in tree.indicators if d.measure == "proportion"}
    scale = {leaf: 0.01 if leaf in share else 1.0 for leaf in tree.leaves()}
    rows = [
        (u, 2022 + p, leaf, rng.uniform(10, 90) * scale[leaf], rng.uniform(1, 3) * scale[leaf])
        for u in ids
        for p in range(2)
        for leaf in tree.leaves()
    ]
    known = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "se"])
    leaf = tree.leaves()[0]
    affected = {leaf, *tree.ancestors(leaf)}
    a, b = ids[2], ids[5]
    frame = known.copy()
    frame.loc[(frame["unit"] == a) & (frame["period"] == 2023) & (frame["indicator"] == leaf), "se"] = np.nan
    frame.loc[(frame["unit"] == b) & (frame["period"] == 2022) & (frame["indicator"] == leaf), "se"] = np.nan
    result = db.Pipeline().run(tree, frame, units=registry)
    se = result.standard_errors.loc[(a, "2023")]
    assert set(se[se.isna()].index) == affected
    assert result.intervals.loc[(a, "2023")].xs("low", level="bound")[sorted(affected)].isna().all()
    assert result.scores.loc[(a, "2023")][sorted(affected)].notna().all()

    table = db.compare(result, seed=3)
    plain = db.compare(db.Pipeline().run(tree, known, units=registry), seed=3)
    for node in tree.ids:
        mine = table.loc[(a, node)]
        if node not in affected:
            assert (table.xs(node, level="node")["uncertainty_note"] == "").all()
            continue
        # The unit itself: a score and an observed rank, every interval unknown, and why.
        assert not np.isnan(mine["score"])
        assert not np.isnan(mine["rank"])
        assert np.isnan(mine[["low", "high", "rank_low", "rank_high", "rank_median"]].to_numpy(dtype=float)).all()
        assert not np.isnan(mine["change_since_baseline"])
        assert np.isnan(mine[["change_low", "change_high", "change_p_value"]].to_numpy(dtype=float)).all()
        assert mine["change_beyond_noise"] is pd.NA
        assert mine["uncertainty_note"] == "standard error unknown: no score, rank or change interval"
        # Its baseline se unknown: b keeps its score and rank intervals, loses its change interval.
        theirs = table.loc[(b, node)]
        assert theirs["high"] > theirs["low"]
        assert np.isnan(theirs["change_low"])
        assert theirs["change_beyond_noise"] is pd.NA
        others = "the rank interval allows for 1 other unit with an unknown standard error anywhere"
        assert theirs["uncertainty_note"] == f"standard error at the baseline (2022) unknown: no change interval; {others}"
        # Everyone else: the same draws, with a anywhere: never narrower than with a's se known.
        for unit in ids:
            if unit in (a, b):
                continue
            row, before = table.loc[(unit, node)], plain.loc[(unit, node)]
            assert row["uncertainty_note"] == others
            assert row["rank_low"] <= before["rank_low"]
            assert row["rank_high"] >= before["rank_high"]
            assert row["rank_high"] >= row["rank_low"] + 1  # a may be ahead or behind
    # Nodes above the leaf but not affected keep the intervals they had with every se known.
    for node in set(tree.ids) - affected:
        pd.testing.assert_frame_equal(
            table.xs(node, level="node")[["rank_low", "rank_high", "rank_median", "change_low"]],
            plain.xs(node, level="node")[["rank_low", "rank_high", "rank_median", "change_low"]],
        )
