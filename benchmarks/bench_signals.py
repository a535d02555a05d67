#!/usr/bin/env python3
"""Benchmark (issue 5, acceptance 5), the signals part: every signal rule for 344 gemeenten x 8
periods on the Movisie tree (examples/trees/movisie.yaml) with generated, fictitious data.

The data: for each real gemeente (the shipped list, with its population) and each year 2018-2025,
every indicator of the tree is drawn at random: reach counts as Poisson draws around a rate per
inhabitant (n = the count for the client count, so small gemeenten get suppressed cells),
lead time as a Gamma draw, shares as binomial draws from a survey whose size follows the
population. A few events are planted so that every rule has work: reach that vanishes, a
satisfaction share that collapses, an outlier. Every third gemeente gets 2019 as its nulmeting.

Timed in the same run (median of --repeat): the pipeline run that produces the result (the
baseline), and ``doelenboom.signals(result, dataset, units)`` with the default rules. The results
go into docs/performance.md between ``<!-- bench:signals:begin -->`` and
``<!-- bench:signals:end -->``.

Usage: benchmarks/bench_signals.py [--repeat 5] [--out docs/performance.md] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from perfdoc import add_output_arguments, publish
from timing import human, timed

import doelenboom as db

YEARS = tuple(range(2018, 2026))
MARKER = "signals"
REPO = Path(__file__).resolve().parent.parent
# Counts per inhabitant per year, fictitious.
RATES = {
    "ind_clienten_bereikt": 0.004,
    "ind_telefonische_vragen": 0.006,
    "ind_uren": 0.04,
    "ind_netwerk_in_kaart": 0.001,
    "ind_persoonlijke_plannen": 0.0012,
    "ind_doorverwijzingen": 0.002,
    "ind_klachtprocedures": 0.0003,
}


def generate(tree: db.GoalTree, units: db.UnitRegistry, seed: int = 5) -> pd.DataFrame:
    """Fictitious estimates for every gemeente, year and indicator of the tree."""
    rng = np.random.default_rng(seed)
    core_units = units.core.units
    defs = {d.id: d for d in tree.indicators}
    rows: list[tuple[str, int, str, float, float, float]] = []
    nan = float("nan")
    for k, unit in enumerate(core_units):
        pop = unit.population
        level = rng.lognormal(0.0, 0.25)  # a gemeente's own level of reach
        quality = rng.normal(0.84, 0.04)
        respondents = max(5, min(400, round(pop * 0.002)))
        for t, year in enumerate(YEARS):
            for ind, d in defs.items():
                measure = str(d.measure)
                if ind in RATES:
                    lam = RATES[ind] * pop * level * (1 + 0.02 * t)
                    if ind == "ind_clienten_bereikt" and k % 97 == 3 and year == YEARS[-1]:
                        lam = 0.0  # reach vanished
                    value = float(rng.poisson(lam))
                    n = value if ind == "ind_clienten_bereikt" else nan
                    rows.append((unit.id, year, ind, value, n, nan))
                elif ind == "ind_doorlooptijd":
                    rows.append((unit.id, year, ind, float(rng.gamma(9.0, 2.4)), float(respondents), nan))
                elif measure in ("proportion", "ordinal_change"):
                    p = quality if measure == "proportion" else 0.45
                    if ind == "ind_kwaliteit_goed" and k % 53 == 7 and year >= YEARS[-2]:
                        p = 0.55  # satisfaction collapsed
                    p = float(np.clip(p + rng.normal(0, 0.02), 0.01, 0.99))
                    share = rng.binomial(respondents, p) / respondents
                    se = float(np.sqrt(max(share * (1 - share), 1e-4) / respondents))
                    rows.append((unit.id, year, ind, float(share), float(respondents), se))
    return pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "n", "se"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    add_output_arguments(parser)
    args = parser.parse_args()

    tree = db.GoalTree.load(REPO / "examples" / "trees" / "movisie.yaml")
    units = db.gemeenten()
    for k, unit in enumerate(units.core.units):
        if k % 3 == 0:
            units.set_baseline(unit.id, 2019)
    frame = generate(tree, units)
    dataset = db.Dataset.from_pandas(frame)
    pipeline = db.Pipeline()
    t_pipeline, result = timed(lambda: pipeline.run(tree, dataset, units=units), args.repeat)
    t_signals, signals = timed(lambda: db.signals(result, dataset, units), args.repeat)

    n_units, n_periods = len(result.units), len(result.periods)
    if n_units != 344 or n_periods != len(YEARS):
        print(f"expected 344 gemeenten x {len(YEARS)} periods, got {n_units} x {n_periods}", file=sys.stderr)
        return 1
    counts = pd.crosstab(signals["rule"], signals["severity"])
    missing = {"norm", "drop_baseline", "drop_previous", "reach", "outlier", "suppressed"} - set(counts.index)
    if missing:
        print(f"no signals of rule(s) {sorted(missing)}: the planted events did not fire", file=sys.stderr)
        return 1
    table = ["| rule | " + " | ".join(counts.columns) + " |", "|---|" + "---:|" * len(counts.columns)]
    table += [f"| {rule} | " + " | ".join(str(v) for v in row) + " |" for rule, row in counts.iterrows()]
    cpu = platform.processor() or platform.machine()
    ratio = t_signals / t_pipeline
    lines = [
        "### Signals (issue 5)",
        "",
        (
            f"All signal rules (defaults, docs/signals.md) for {n_units} gemeenten x {n_periods} periods on the "
            f"Movisie tree ({len(tree)} nodes), {len(frame):,} fictitious estimates "
            f"({int(dataset.core.suppressed_count)} suppressed), generated by `benchmarks/bench_signals.py`."
        ),
        "",
        f"| what | time (median of {args.repeat}) | ratio |",
        "|---|---:|---:|",
        f"| (a) `Pipeline().run(tree, dataset, units=...)`, the run the signals read | {human(t_pipeline)} | baseline |",
        (
            f"| (b) `doelenboom.signals(result, dataset, units)`: {len(signals):,} signals | {human(t_signals)} | "
            f"{ratio:.3g} x (a) |"
        ),
        "",
        "Signals by rule and severity in this run:",
        "",
        *table,
        "",
        f"Measured on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, pandas {pd.__version__}.",
        "",
    ]
    body = "\n".join(lines)
    publish(body, args, MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
