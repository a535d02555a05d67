#!/usr/bin/env python3
"""Benchmark (issue 4), the Python side: 344 gemeenten x 8 periods x 500 indicators on a 600-node
DAG, aggregated to every node twice in the same run:

* (a) pandas + networkx, as an analyst would write it: min-max per indicator and period with a
  ``groupby().transform``, a pivot to one column per indicator, then the nodes in networkx's
  topological order, each a weighted mean of its children over all (unit, period) rows at once
  (vectorised over rows, a loop over the 100 goal nodes), renormalised over present children;
* (b) ``doelenboom.Pipeline().run(tree, dataset)`` (min-max 0..100 + weighted arithmetic mean, the
  defaults), timed alone; building the :class:`doelenboom.Dataset` from the same DataFrame is
  timed and reported separately. (b) also computes standard errors, intervals, coverage and the
  local gradients that (a) does not.

Both must give the same scores for every node and row (to 1e-9), else the script fails. Tree and
data are those of benchmarks/bench_pipeline.cpp, rebuilt here with the same formulas (see that
file's header). The results go into docs/performance.md between the markers
``<!-- bench:pipeline-python:begin -->`` and ``<!-- bench:pipeline-python:end -->``.

Needs networkx (``pip install doelenboom[bench]``). Usage:
benchmarks/bench_pipeline.py [--repeat 5] [--out docs/performance.md] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

import numpy as np
import pandas as pd
from perfdoc import add_output_arguments, publish
from timing import human, timed

import doelenboom as db

UNITS, PERIODS = 344, 8
LEVELS = ("index", "factor", "subdoel", "activiteit", "indicator")
LEVEL_SIZES = (1, 9, 30, 60, 500)
MARKER = "pipeline-python"


# ------------------------------------------------------------------------------------------------
# The input of bench_pipeline.cpp


def bench_tree_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (id, label, kind, level, direction) and edges (child, parent, weight) of the DAG."""
    nodes: list[tuple[str, str, str, str, int]] = []
    edges: list[tuple[str, str, float]] = []
    for level, size in enumerate(LEVEL_SIZES):
        for k in range(size):
            node = f"n{level}_{k}"
            indicator = level == 4
            direction = (-1 if k % 5 == 0 else 1) if indicator else 0
            nodes.append(
                (node, f"Doel {node}", "indicator" if indicator else "goal", LEVELS[level], direction)
            )
            if level == 0:
                continue
            s = LEVEL_SIZES[level - 1]
            parents = [k * s // size]
            p2 = (7 * k + 3) % s
            if k % 2 == 0 and p2 != parents[0]:
                parents.append(p2)
            p3 = (13 * k + 5) % s
            if k % 3 == 0 and p3 != parents[0] and (len(parents) < 2 or p3 != parents[1]):
                parents.append(p3)
            edges += [(node, f"n{level - 1}_{p}", 1.0 + (k + j) % 4) for j, p in enumerate(parents)]
    return (
        pd.DataFrame(nodes, columns=["id", "label", "kind", "level", "direction"]),
        pd.DataFrame(edges, columns=["child", "parent", "weight"]),
    )


def bench_data() -> pd.DataFrame:
    """Every (unit, period, indicator) in the order of bench_pipeline.cpp, with value and se."""
    u, p, i = np.meshgrid(
        np.arange(UNITS, dtype=np.int64),
        np.arange(PERIODS, dtype=np.int64),
        np.arange(LEVEL_SIZES[4], dtype=np.int64),
        indexing="ij",
    )
    u, p, i = u.ravel(), p.ravel(), i.ravel()
    units = np.array([f"GM{k + 1:04d}" for k in range(UNITS)], dtype=object)
    indicators = np.array([f"n4_{k}" for k in range(LEVEL_SIZES[4])], dtype=object)
    return pd.DataFrame(
        {
            "unit": units[u],
            "period": (2015 + p).astype(np.int64),
            "indicator": indicators[i],
            "value": 10.0 + ((7919 * u + 104729 * p + 1299709 * i) % 1000) / 10.0,
            "se": 0.5 + ((u + p + i) % 10) / 10.0,
        }
    )


# ------------------------------------------------------------------------------------------------
# (a) pandas + networkx


def analyst(
    nodes: pd.DataFrame, edges: pd.DataFrame, data: pd.DataFrame, min_coverage: float = 0.5
) -> pd.DataFrame:
    """Scores of every node per (unit, period), the way an analyst would compute them."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(nodes["id"])
    graph.add_weighted_edges_from(edges[["child", "parent", "weight"]].itertuples(index=False))
    direction = nodes.set_index("id")["direction"]

    # Normalise: direction first, then min-max to 0..100 per indicator and period.
    frame = data[["unit", "period", "indicator", "value"]].copy()
    frame["y"] = frame["value"] * frame["indicator"].map(direction)
    by = frame.groupby(["indicator", "period"])["y"]
    low, high = by.transform("min"), by.transform("max")
    frame["score"] = (frame["y"] - low) / (high - low) * 100.0
    wide = frame.pivot(index=["unit", "period"], columns="indicator", values="score")  # noqa: PD010 (unique keys)

    # Aggregate: children first (edges run child -> parent), a weighted mean over the present
    # children with the weights renormalised, missing below the minimum coverage.
    scores = {name: wide[name] for name in wide.columns}
    for node in nx.topological_sort(graph):
        children = list(graph.predecessors(node))
        if not children:
            continue
        weights = pd.Series([graph[c][node]["weight"] for c in children], index=children)
        weights = weights / weights.sum()
        values = pd.concat([scores[c] for c in children], axis=1, keys=children)
        present = values.notna()
        covered = present.mul(weights, axis=1).sum(axis=1)
        total = values.mul(weights, axis=1).sum(axis=1)
        scores[node] = (total / covered).where(covered >= min_coverage * (1 - 1e-12))
    return pd.DataFrame(scores)[list(nodes["id"])]


# ------------------------------------------------------------------------------------------------
# timing


def main() -> int:
    """Time both paths, check they agree, print and write the section."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each path (median reported)")
    add_output_arguments(ap)
    args = ap.parse_args()
    try:
        import networkx  # noqa: F401
    except ImportError:
        print("bench_pipeline.py needs networkx: pip install 'doelenboom[bench]'", file=sys.stderr)
        return 1

    nodes, edges = bench_tree_tables()
    data = bench_data()
    tree = db.GoalTree(
        [
            (n, label, kind, level, "", d or None)
            for n, label, kind, level, d in nodes.itertuples(index=False)
        ],
        edges.itertuples(index=False, name=None),
        levels=list(LEVELS),
        name="benchmark DAG",
    )
    assert len(tree) == 600, len(tree)

    t_dataset, dataset = timed(lambda: db.Dataset.from_pandas(data), args.repeat)
    pipeline = db.Pipeline()  # min-max 0..100 per period, weighted arithmetic mean, tree weights
    t_run, result = timed(lambda: pipeline.run(tree, dataset), args.repeat)
    t_analyst, expected = timed(lambda: analyst(nodes, edges, data), args.repeat)

    got = result.scores
    want = expected.loc[got.index.map(lambda r: (r[0], int(r[1])))].to_numpy()
    diff = np.abs(got.to_numpy() - want)
    worst = float(np.max(diff / np.maximum(1.0, np.abs(want))))
    if not (np.isfinite(got.to_numpy()).all() and worst < 1e-9):
        print(f"bench_pipeline.py: the two implementations differ by {worst:.3g}", file=sys.stderr)
        return 1

    rows = UNITS * PERIODS
    ratio = t_analyst / t_run
    cpu = platform.processor() or platform.machine()
    lines = [
        "### Aggregation pipeline from Python (issue 4)",
        "",
        (
            f"{UNITS} gemeenten x {PERIODS} periods x {LEVEL_SIZES[4]} indicators ({len(data):,} estimates, "
            f"{rows:,} rows) on the {len(tree)}-node DAG of `bench_pipeline.cpp` ({tree.num_edges:,} edges); "
            "min-max 0..100 per period, weighted arithmetic mean."
        ),
        "",
        f"| what | time (median of {args.repeat}) | ratio |",
        "|---|---|---|",
        (
            "| (a) pandas + networkx as an analyst writes it: groupby min-max, pivot, weighted mean per "
            f"node in topological order (scores only) | {human(t_analyst)} | baseline |"
        ),
        (
            "| (b) `doelenboom.Pipeline().run(tree, dataset)` (scores, standard errors, intervals, "
            f"coverage, gradients) | {human(t_run)} | **{ratio:.3g} x faster** than (a) |"
        ),
        f"| building the `Dataset` from the same DataFrame (once, not part of (b)) | {human(t_dataset)} | |",
        "",
        (
            f"Both give the same score for every node and row (largest difference {worst:.1e}, relative to "
            f"max(1, |score|)). Measured with `benchmarks/bench_pipeline.py` on {os.cpu_count()} cores "
            f"({cpu}), Python {platform.python_version()}, pandas {pd.__version__}, networkx "
            f"{networkx_version()}, Release build of the module. Goal of issue 4: at least 20 x faster than (a) "
            f"— {'met' if ratio >= 20 else 'not met'} in this run."
        ),
        "",
    ]
    body = "\n".join(lines)
    publish(body, args, MARKER)
    return 0


def networkx_version() -> str:
    """The installed networkx version."""
    import networkx as nx

    return str(nx.__version__)


if __name__ == "__main__":
    sys.exit(main())
