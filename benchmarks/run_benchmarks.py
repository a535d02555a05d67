#!/usr/bin/env python3
"""Run the C++ benchmarks and write their results, as ratios to baselines measured in the same
run, into docs/performance.md (between the markers of each section).

Usage: benchmarks/run_benchmarks.py --build build/release --out docs/performance.md [--only NAME]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from perfdoc import write_section
from timing import human

# Each section: the program, a title, and rows (benchmark, baseline or None, what it measures).
SECTIONS = {
    "goal_tree": (
        "bench_goal_tree",
        "Goal graph (issue 2)",
        [
            ("Baseline_ReadFileBytes", None, "read the 10,000-node YAML file into memory (baseline)"),
            ("Baseline_YamlCppParse", "Baseline_ReadFileBytes", "yaml-cpp alone parsing that file (baseline)"),
            ("LoadAndValidate10000", "Baseline_YamlCppParse", "load + validate a 10,000-node DAG file"),
            ("ValidateOnly10000", "Baseline_ReadFileBytes", "validate the 10,000-node definition (no parsing)"),
            ("Baseline_DenseInverse2000", None, "all effective weights as a dense (I - P)^-1, Eigen LU (baseline)"),
            ("AllEffectiveWeights2000", "Baseline_DenseInverse2000", "all effective weights of a 2,000-node DAG"),
            ("EffectiveWeightsOfRoot2000", "Baseline_DenseInverse2000", "effective weights of every node in the root"),
        ],
    ),
    "pipeline": (
        "bench_pipeline",
        "Aggregation pipeline (issue 4)",
        [
            ("Baseline_DenseProduct", None,
             "scores = X E^T: normalised indicators times the dense effective weights (lower bound)"),
            ("RunPipeline", "Baseline_DenseProduct",
             ("run_pipeline: 344 units x 8 periods x 500 indicators, 600-node DAG, min-max + arithmetic, "
              "with standard errors, intervals and gradients")),
        ],
    ),
    "pseudonym": (
        "bench_pseudonym",
        "Pseudonymisation (issue 8)",
        [
            ("Baseline_OpenSslOneShotHmac", None,
             "100,000 client ids through OpenSSL's one-shot HMAC-SHA-256 (the earlier implementation; baseline)"),
            ("PseudonymiseEach", "Baseline_OpenSslOneShotHmac",
             "the same ids, `Pseudonymiser::operator()` per id (keyed SHA-256 states kept)"),
            ("PseudonymiseMany", "Baseline_OpenSslOneShotHmac",
             "the same ids, `Pseudonymiser::many` (one working context for all)"),
        ],
    ),
}


def run(binary: Path) -> dict[str, dict]:
    out = subprocess.run(
        [str(binary), "--benchmark_format=json", "--benchmark_repetitions=3",
         "--benchmark_report_aggregates_only=true"],
        check=True, capture_output=True, text=True,
    ).stdout
    results = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            results[b["run_name"]] = b
    return results


def seconds(b: dict) -> float:
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
    return b["real_time"] * scale


def section_text(key: str, results: dict[str, dict]) -> str:
    _, title, rows = SECTIONS[key]
    lines = [f"### {title}", "", "| what | time (median of 3) | ratio to baseline |", "|---|---|---|"]
    for name, base, what in rows:
        b = results[name]
        ratio = "baseline" if base is None else f"{seconds(b) / seconds(results[base]):.3g} x `{base}`"
        counters = {k: v for k, v in b.items() if k in ("nodes", "edges", "bytes", "rows")}
        extra = (" (" + ", ".join(f"{k} {int(v):,}" for k, v in counters.items()) + ")") if counters else ""
        lines.append(f"| {what}{extra} | {human(seconds(b))} | {ratio} |")
    cpu = platform.processor() or platform.machine()
    lines += ["", f"Measured with `make bench` on {os.cpu_count()} cores ({cpu}), Release build.", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build/release", type=Path)
    ap.add_argument("--out", default="docs/performance.md", type=Path)
    ap.add_argument("--only", action="append", help="section key(s) to run")
    args = ap.parse_args()
    for key, (program, _, _) in SECTIONS.items():
        if args.only and key not in args.only:
            continue
        binary = args.build / "benchmarks" / program
        if not binary.exists():
            print(f"run_benchmarks: {binary} is missing (build the 'benchmarks' target)", file=sys.stderr)
            return 1
        body = section_text(key, run(binary))
        write_section(args.out, key, body)
        print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
