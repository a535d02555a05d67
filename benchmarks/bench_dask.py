#!/usr/bin/env python3
"""Benchmark (issue 8, scale out): reach estimates of 100 million synthetic registration rows with
doelenboom.dask on a dask.distributed LocalCluster, against the single-process path.

The rows are generated inside the workers, partition by partition (``dd.from_map``), never in the
driver. Both paths do the same per-row work from a pandas DataFrame: code the columns, pseudonymise
the clients (HMAC-SHA-256 per distinct id), check every row and estimate:

* single process: ``doelenboom.estimate_reach`` on one DataFrame of ``--single-rows`` rows (100
  million rows do not fit in one process's memory as a DataFrame with the estimator's working
  set on this 24 GiB machine, so the single process is measured on a part and reported in rows/s);
* dask: ``doelenboom.dask`` in three timed phases: a partial per partition (kept on the workers),
  the tree merge (``split_every`` at a time) and the finalisation in the driver.

The results go into docs/performance.md between the markers of the section ``dask``.

Usage: benchmarks/bench_dask.py [--rows 100000000] [--partitions 50] [--workers 2]
       [--single-rows 10000000] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from perfdoc import write_section

UNITS = [f"GM{i:04d}" for i in range(344)]
CHANNELS = ["telefoon", "balie", "email", "huisbezoek", "chat"]
DOMAINS = ["wonen", "zorg", "werk", "inkomen", "onderwijs", "welzijn", "vervoer", "opvoeding"]
KEY = b"benchmark-key-0123456789"
CLIENTS = 2_000_000  # distinct clients over all rows; each in one unit and the period 2024


def registrations(index: int, rows: int) -> pd.DataFrame:
    """Partition ``index``: deterministic synthetic registrations (quarter hours, 10% open)."""
    rng = np.random.default_rng(1000 + index)
    who = rng.integers(0, CLIENTS, rows)
    unit = pd.Categorical.from_codes((who * 2654435761 % len(UNITS)).astype(np.int32), UNITS)
    start = rng.integers(19_358, 19_723, rows)  # 2023-01-01 .. 2024-01-01 in days
    end = (start + rng.integers(0, 200, rows)).astype("float64")
    end[rng.random(rows) < 0.1] = np.nan
    hours = rng.integers(1, 12, rows) * 0.25
    hours[rng.random(rows) < 0.05] = np.nan
    channel = rng.integers(-1, len(CHANNELS), rows).astype(np.int32)
    domain = rng.integers(-1, len(DOMAINS), rows).astype(np.int32)
    return pd.DataFrame(
        {
            "unit": unit,
            "period": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), ["2024"]),
            "client": who,
            "hours": hours,
            "channel": pd.Categorical.from_codes(channel, CHANNELS),
            "life_domain": pd.Categorical.from_codes(domain, DOMAINS),
            "start_date": pd.to_datetime(start, unit="D"),
            "end_date": pd.to_datetime(end, unit="D"),
        }
    )


def available_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--partitions", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single-rows", type=int, default=10_000_000)
    parser.add_argument("--split-every", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("docs/performance.md"))
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed

    import doelenboom as db
    import doelenboom.dask as dbd

    memory = available_gib()
    print(f"available memory {memory:.1f} GiB", file=sys.stderr)

    # Single process on a part: generate (not timed), then estimate.
    single_frame = registrations(10_000, args.single_rows)
    t = time.perf_counter()
    single = db.estimate_reach(single_frame, KEY)
    single_s = time.perf_counter() - t
    del single_frame
    single_rate = args.single_rows / single_s
    print(f"single process: {args.single_rows:,} rows in {single_s:.1f} s", file=sys.stderr)

    per = args.rows // args.partitions
    t = time.perf_counter()
    registrations(1, per)
    generate_s = time.perf_counter() - t  # generating one partition, part of the partial phase below
    with (
        distributed.LocalCluster(
            n_workers=args.workers, processes=True, threads_per_worker=1, dashboard_address=None, memory_limit=0
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        meta = registrations(0, 10).iloc[:0]
        ddf = dd.from_map(registrations, range(args.partitions), rows=per, meta=meta, enforce_metadata=False)
        # Exactness at scale, on the first partition: the dask result equals the single process.
        first = dd.from_map(registrations, [0], rows=per, meta=meta, enforce_metadata=False)
        check_ok = bool(
            dbd.estimate_reach(first, KEY).to_pandas().equals(db.estimate_reach(registrations(0, per), KEY).to_pandas())
        )

        t0 = time.perf_counter()
        partials = client.persist(dbd.reach_partials(ddf, KEY))
        distributed.wait(partials)
        t1 = time.perf_counter()
        merged_future = client.compute(dbd.merge_tree(partials, args.split_every))
        merged = merged_future.result()
        t2 = time.perf_counter()
        result = db.Dataset(db._core.estimate.estimate_reach_partial(merged))
        t3 = time.perf_counter()
        merged_bytes = len(merged.to_bytes())
        del partials, merged_future
    partial_s, merge_s, final_s = t1 - t0, t2 - t1, t3 - t2
    total = partial_s + merge_s + final_s
    rate = args.rows / total
    estimates = len(result.to_pandas())
    print(f"dask: partials {partial_s:.1f} s, merge {merge_s:.1f} s, finalise {final_s:.2f} s", file=sys.stderr)

    body = (
        f"Reach estimates (`estimate_reach`) of {args.rows:,} synthetic registration rows ({len(UNITS)} gemeenten, "
        f"{CLIENTS:,} clients, period 2024; quarter hours, 10% open trajectories), generated inside the workers in "
        f"{args.partitions} partitions of {per:,} rows (`dd.from_map`), on a `LocalCluster` of {args.workers} worker "
        f"processes (1 thread each), against the single-process path. Both start from pandas DataFrames and do the "
        f"same per-row work: coding, pseudonymisation (HMAC-SHA-256 per distinct client), checks, estimation. "
        f"Measured with `benchmarks/bench_dask.py`.\n\n"
        "| what | rows | time | rows/s |\n|---|---:|---:|---:|\n"
        f"| single process `doelenboom.estimate_reach` (a part: 100 million rows with the estimator's working set "
        f"do not fit one process here) | {args.single_rows:,} | {single_s:.1f} s | {single_rate:,.0f} |\n"
        f"| `doelenboom.dask.estimate_reach`, all phases | {args.rows:,} | {total:.1f} s | {rate:,.0f} |\n"
        f"| - partials, one per partition (generating the rows included: {generate_s:.1f} s per partition) | "
        f"| {partial_s:.1f} s | |\n"
        f"| - tree merge, {args.split_every} at a time (shipping the partials included) | | {merge_s:.1f} s | |\n"
        f"| - finalising the merged partial in the driver | | {final_s:.2f} s | |\n\n"
        f"Merge overhead (merge + finalise) is {100 * (merge_s + final_s) / total:.1f}% of the dask time; the merged "
        f"partial holds one record per (unit, period, client) and is {merged_bytes / 2**20:.0f} MiB serialised, "
        f"giving {estimates:,} estimates. The dask result of one partition equalled the single-process result "
        f"exactly: {'yes' if check_ok else 'NO'}. "
        f"Speed-up over the single process: {rate / single_rate:.2f} x with {args.workers} workers "
        f"on {os.cpu_count()} cores shared with other work (x86_64), Python {platform.python_version()}, "
        f"dask {dask.__version__}, pandas {pd.__version__}; {memory:.0f} GiB of memory available at the start; "
        f"load average {os.getloadavg()[0]:.1f} at the end (other processes competed for the 2 cores, so the "
        f"workers' rows/s are a lower bound).\n"
    )
    write_section(args.out, "dask", body)
    print(body)
    del single


if __name__ == "__main__":
    main()
