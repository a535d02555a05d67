#!/usr/bin/env python3
"""Benchmark (issue 5, acceptance 5, the comparison part): the koploper table for 344 gemeenten x 8
periods on the Movisie tree (examples/trees/movisie.yaml), with generated, fictitious data for the
real gemeente codes (so peers by CBS size class are real groups). Times ``doelenboom.compare`` for
all nodes (rank intervals with 1000 draws, peers, change since baseline) and ``trend`` / ``forecast``
for every gemeente on the top node, and writes the result into docs/performance.md between the
markers ``<!-- bench:compare:begin -->`` and ``<!-- bench:compare:end -->`` (the signals benchmark
writes its own section).

Usage: benchmarks/bench_compare.py [--repeat 5] [--out docs/performance.md] [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from perfdoc import add_output_arguments, publish
from timing import timed

import doelenboom as db

REPO = Path(__file__).resolve().parents[1]
PERIODS = 8
MARKER = "compare"


def generated(tree: db.GoalTree, units: list[str], seed: int = 5) -> pd.DataFrame:
    """Every (unit, period, indicator) with a value in 10..90 drifting over time, and an se."""
    rng = np.random.default_rng(seed)
    leaves = tree.leaves()
    u, p, i = np.meshgrid(np.arange(len(units)), np.arange(PERIODS), np.arange(len(leaves)), indexing="ij")
    u, p, i = u.ravel(), p.ravel(), i.ravel()
    level = rng.uniform(30, 70, (len(units), len(leaves)))
    drift = rng.normal(0, 1.5, (len(units), len(leaves)))
    value = np.clip(level[u, i] + drift[u, i] * p + rng.normal(0, 3, u.size), 1, 99)
    return pd.DataFrame(
        {
            "unit": np.asarray(units, dtype=object)[u],
            "period": 2016 + p,
            "indicator": np.asarray(leaves, dtype=object)[i],
            "value": value,
            "se": rng.uniform(1, 4, u.size),
        }
    )


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    add_output_arguments(parser)
    args = parser.parse_args()

    tree = db.GoalTree.load(REPO / "examples" / "trees" / "movisie.yaml")
    registry = db.gemeenten()
    units = registry.ids()
    result = db.Pipeline().run(tree, generated(tree, units), units=registry)
    nodes = result.nodes
    top = nodes[0]

    table = db.compare(result, units=registry)
    assert len(table) == len(units) * len(nodes)
    t_table, _ = timed(lambda: db.compare(result, units=registry), args.repeat)
    t_top, _ = timed(lambda: db.compare(result, nodes=top, units=registry), args.repeat)

    def all_forecasts() -> None:
        for u in units:
            db.trend(result, u, top)
            db.forecast(result, u, top)

    t_trend, _ = timed(all_forecasts, max(1, args.repeat // 2))

    body = (
        "### Koploper table, trends and forecasts (issue 5)\n\n"
        f"{len(units)} gemeenten x {PERIODS} periods on the Movisie tree ({len(nodes)} nodes), generated "
        "fictitious data; peers by CBS size class, 1000 rank-interval draws per period and node.\n\n"
        f"| what | time (median of {args.repeat}) |\n|---|---|\n"
        f"| `doelenboom.compare(result)`: koploper table, all {len(nodes)} nodes ({len(table):,} rows) | {fmt(t_table)} |\n"
        f"| `doelenboom.compare(result, nodes=top)`: one node ({len(units)} rows) | {fmt(t_top)} |\n"
        f"| `trend` + `forecast` (Holt, estimated) for every gemeente on the top node ({len(units)} x 2) | {fmt(t_trend)} |\n\n"
        f"Measured with `benchmarks/bench_compare.py` on {platform.machine()}, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, Release build of the module.\n"
    )
    publish(body, args, MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
