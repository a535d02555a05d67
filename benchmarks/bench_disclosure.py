#!/usr/bin/env python3
"""Benchmark (issue 14, acceptance 2, 3 and 5): disclosure control on a national-size run.

The main job (``doelenboom.run`` and ``write_tables``, no report) on generated, client-level,
fictitious data for all 344 gemeenten x 8 periods (2017-2024) on the Movisie tree with kernen and
migratieachtergrond (``benchmarks/national_data.py``), three times: as configured (the default
protection level), with ``protection_level: 0``, and raw (``small_count_threshold: 0`` as well,
so that nothing but n < threshold is suppressed).

Timed in the same process (median of --repeat where repeated):

(a) the pipeline alone, ``Pipeline.run`` on the run's indicator data (the baseline; it must give
    the run's scores);
(b) secondary suppression: the library's own functions (``protect_change_families`` on the
    estimates, ``protect_breakdowns`` on the areas and groups) on the run's data with the primary
    rules only; they must blank exactly the cells the run blanked;
(c) the disclosure audit, ``doelenboom.audit.audit_output``, on the written tables: it must pass;
    on the tables written with ``protection_level: 0`` it must fail (audited at the default level).

A protection level of 0 switches secondary suppression off; the information lost (acceptance 3)
compares the run as published with the raw run with the
primary rules re-applied: indicator cells, goal scores (cells of non-indicator nodes: unit x period
x goal) and area and group cells blanked by the primary rules and additionally by secondary
suppression, for the shipped demo, the national data and a sparse national variant
(--sparse-scale, a ninth of the reach: most gemeenten then have 5-40 clients a year).

The timing and loss tables go into docs/performance.md between ``<!-- bench:disclosure:begin -->``
and its end marker; the loss table with its explanation into --loss-out (docs/privacy.md) between
``<!-- bench:disclosure-loss:begin -->`` and its end marker.

Usage: benchmarks/bench_disclosure.py [--repeat 5] [--scale 1] [--sparse-scale 0.11]
       [--loss-out docs/privacy.md] [--out docs/performance.md] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy
from national_data import DEFAULT_SCALE, generate
from perfdoc import PERFORMANCE_MD, add_output_arguments, publish, write_section
from timing import human, timed

import doelenboom as db
from doelenboom import example_data
from doelenboom._core import data as _data
from doelenboom.audit import AuditResult, audit_output
from doelenboom.monitoring import MonitoringRun
from doelenboom.run import load_config, run, write_tables

MARKER, LOSS_MARKER = "disclosure", "disclosure-loss"
_ABOUT = re.compile(
    r"\(estimates\): (\d+) \+ (\d+) \S+ \(secondary\) \S+ \(of\) (\d+); "
    r".*?\(areas and groups\): (\d+) \+ (\d+) \S+ \(secondary\) \S+ \(of\) (\d+)"
)


def variant(config: Path, suffix: str, **keys: float) -> Path:
    """A copy of a run config next to it (its relative paths still hold) with top-level keys added."""
    text = config.read_text(encoding="utf-8")
    for key in keys:
        if re.search(rf"^{key}:", text, flags=re.MULTILINE):
            msg = f"{config}: already sets {key} (expected the config to leave it to its default)"
            raise ValueError(msg)
    path = config.with_name(f"{config.stem}-{suffix}{config.suffix}")
    path.write_text(text.rstrip("\n") + "\n" + "".join(f"{k}: {v:g}\n" for k, v in keys.items()), encoding="utf-8")
    return path


@dataclass
class Job:
    """One run of the main job, its tables and what about.txt says disclosure control did."""

    run: MonitoringRun
    out: Path
    steps: dict[str, float]
    seconds: float
    write_seconds: float
    counts: dict[str, int]


def run_job(config: Path, out: Path) -> Job:
    """``run(config)`` with the time of each step (the progress callback), then ``write_tables``."""
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    result = run(config, progress=lambda step, number, steps: marks.append((step, time.perf_counter())))
    end = time.perf_counter()
    ends = [t for _, t in marks[1:]] + [end]
    steps = {step: stop - begin for (step, begin), stop in zip(marks, ends, strict=True)}
    write_tables(result, out)
    written = time.perf_counter()
    about = (out / "about.txt").read_text(encoding="utf-8")
    match = _ABOUT.search(about)
    if match is None:
        msg = f"{out / 'about.txt'}: no line with the suppression counts (estimates ... areas and groups ...)"
        raise ValueError(msg)
    keys = ("estimates_primary", "estimates_secondary", "estimates", "areas_primary", "areas_secondary", "areas")
    counts = dict(zip(keys, (int(g) for g in match.groups()), strict=True))
    return Job(result, out, steps, end - start, written - end, counts)


def suppressed_keys(data: _data.Dataset) -> set[tuple[str, str, str]]:
    """(unit, period, indicator) of every suppressed row."""
    units, periods, indicators = (np.asarray(d, dtype=object) for d in (data.units, data.periods, data.indicators))
    rows = np.flatnonzero(data.suppressed)
    return set(zip(units[data.unit_codes[rows]], periods[data.period_codes[rows]],
                   indicators[data.indicator_codes[rows]], strict=True))


def primary_only(data: _data.Dataset, threshold: float, small_count: float) -> _data.Dataset:
    """A copy of a data set in which nothing is suppressed at the source, with the primary rules
    applied (shares keep their flag through concat)."""
    copy = data.concat(_data.Dataset())
    copy.apply_suppression(threshold, small_count)
    return copy


def primary_areas(job: Job, threshold: float) -> _data.Dataset:
    """The run's area and group cells (counts of clients) with the primary rule only: rebuilt from
    their internal numbers, as the run had them before secondary suppression."""
    core = job.run._core.area_data
    frame = pd.DataFrame({
        "unit": np.asarray(core.units, dtype=object)[core.unit_codes],
        "period": np.asarray(core.periods, dtype=object)[core.period_codes],
        "indicator": np.asarray(core.indicators, dtype=object)[core.indicator_codes],
        "value": np.array(core.values),
        "n": np.array(core.n),
    })
    return db.Dataset.from_pandas(frame, suppression_threshold=threshold).core


def median_call(f: Any, inputs: list[Any]) -> tuple[float, Any]:
    """Median time of ``f(x)`` over fresh inputs (made beforehand: the calls change them)."""
    times, out = [], None
    for x in inputs:
        start = time.perf_counter()
        out = f(x)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


@dataclass
class Secondary:
    """The timing of secondary suppression and what it added."""

    families: float
    breakdowns: float
    family_relations: int
    family_added: int
    breakdown_relations: int
    breakdown_added: int
    short_of_level: int


def time_secondary(job: Job, raw: Job, config: Any, repeat: int) -> Secondary:
    """(b): the library's secondary suppression on the run's data with the primary rules only; it
    must blank exactly what the run blanked (else the measurement is of something else)."""
    threshold, small, level = config.suppression_threshold, config.small_count_threshold, config.protection_level
    estimates = [primary_only(raw.run.estimates.core, threshold, small) for _ in range(repeat)]
    areas = [primary_areas(job, threshold) for _ in range(repeat)]
    if estimates[0].suppressed_count != job.counts["estimates_primary"] or (
        areas[0].suppressed_count != job.counts["areas_primary"]
    ):
        msg = "the primary rules re-applied do not give the run's primary suppression counts (about.txt)"
        raise RuntimeError(msg)
    totals = job.run.dataset.core
    t_families, families = median_call(
        lambda d: _data.protect_change_families(d, protection_level=level), estimates)
    t_breakdowns, breakdowns = median_call(
        lambda d: _data.protect_breakdowns(d, totals, protection_level=level), areas)
    if suppressed_keys(estimates[-1]) != suppressed_keys(job.run.estimates.core) or (
        suppressed_keys(areas[-1]) != suppressed_keys(job.run._core.area_data)
    ):
        msg = "secondary suppression outside the run blanked other cells than the run did"
        raise RuntimeError(msg)
    return Secondary(t_families, t_breakdowns, families.relations, len(families.added), breakdowns.relations,
                     len(breakdowns.added), len(families.short_of_level) + len(breakdowns.short_of_level))


@dataclass
class Loss:
    """Cells blanked by the primary rules and additionally by secondary suppression: (primary,
    secondary, total) per kind of cell."""

    name: str
    indicators: tuple[int, int, int]
    goals: tuple[int, int, int]
    goals_vs_level0: int
    areas: tuple[int, int, int]
    estimates: tuple[int, int, int]
    level0_secondary: int
    audit: tuple[int, int] = (0, 0)  # cells not protected, cells audited


def goal_blanks(result: db.PipelineResult, goals: list[str], index: pd.Index) -> np.ndarray:
    """Blank goal scores (unit x period x goal), rows in the order of ``index``."""
    return result.scores.reindex(index)[goals].isna().to_numpy()


def information_loss(name: str, jobs: dict[str, Job], config: Any) -> Loss:
    """What secondary suppression blanked beyond the primary rules, by comparing the published run
    with the raw run with the primary rules re-applied."""
    default, level0, raw = jobs["default"], jobs["level0"], jobs["raw"]
    tree = default.run.tree
    primary = primary_only(raw.run.dataset.core, config.suppression_threshold, config.small_count_threshold)
    published = default.run.dataset.core
    primary_keys, published_keys = suppressed_keys(primary), suppressed_keys(published)
    if not primary_keys <= published_keys:
        msg = f"{name}: cells suppressed by the primary rules are published in the run"
        raise RuntimeError(msg)
    pipeline = db.Pipeline.load(config.pipeline) if config.pipeline.name else db.Pipeline()
    primary_result = pipeline.run(tree, db.Dataset(primary), units=default.run.units)
    goals = [n["id"] for n in tree.nodes if n["kind"] != "indicator"]
    index = default.run.result.scores.index
    blank = goal_blanks(default.run.result, goals, index)
    blank_primary = goal_blanks(primary_result, goals, index)
    blank_level0 = goal_blanks(level0.run.result, goals, index)
    if (blank_primary & ~blank).any():
        msg = f"{name}: a goal score blank with the primary rules only is published"
        raise RuntimeError(msg)
    c = default.counts
    return Loss(
        name,
        (len(primary_keys), len(published_keys) - len(primary_keys), len(published)),
        (int(blank_primary.sum()), int((blank & ~blank_primary).sum()), blank.size),
        int((blank & ~blank_level0).sum()),
        (c["areas_primary"], c["areas_secondary"], c["areas"]),
        (c["estimates_primary"], c["estimates_secondary"], c["estimates"]),
        level0.counts["estimates_secondary"] + level0.counts["areas_secondary"],
    )


@dataclass
class Study:
    """The three runs of one data set, the audits of the default and level-0 tables, the loss."""

    jobs: dict[str, Job]
    audit: AuditResult
    audit_seconds: float
    audit_level0: AuditResult
    loss: Loss
    problems: list[str]


def study(name: str, config: Path, work: Path, repeat_audit: int) -> Study:
    """Run the data set three ways, audit the default and the level-0 tables, measure the loss."""
    cfg = load_config(config)
    variants = {
        "default": config,
        "level0": variant(config, "niveau0", protection_level=0),
        "raw": variant(config, "ruw", small_count_threshold=0, protection_level=0),
    }
    jobs = {key: run_job(path, work / f"{name}-{key}") for key, path in variants.items()}
    t_audit, audit = timed(lambda: audit_output(jobs["default"].out, config), repeat_audit)
    audit_level0 = audit_output(jobs["level0"].out, variants["level0"], protection_level=cfg.protection_level)
    problems = []
    if not audit.ok:
        problems.append(f"{name}: the audit fails on the tables of the run as configured:\n{audit}")
    if audit_level0.ok:
        problems.append(f"{name}: the audit passes on the tables written with protection_level 0")
    loss = replace(information_loss(name, jobs, cfg), audit=(len(audit.failures), len(audit.cells)))
    return Study(jobs, audit, t_audit, audit_level0, loss, problems)


# ------------------------------------------------------------------------------------------------
# The tables


def share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}% ({part:,} of {total:,})" if total else "-"


def loss_table(losses: list[Loss]) -> list[str]:
    """The information lost, one column per data set."""
    rows: list[tuple[str, Any]] = [
        ("indicator cells suppressed by the primary rules", lambda x: share(x.indicators[0], x.indicators[2])),
        ("indicator cells additionally blanked by secondary suppression",
         lambda x: share(x.indicators[1], x.indicators[2])),
        ("goal scores blank with the primary rules only", lambda x: share(x.goals[0], x.goals[2])),
        ("goal scores blank as published", lambda x: share(x.goals[0] + x.goals[1], x.goals[2])),
        ("**goal scores additionally blanked by secondary suppression**", lambda x: share(x.goals[1], x.goals[2])),
        ("area and group cells suppressed by the primary rules", lambda x: share(x.areas[0], x.areas[2])),
        ("**area and group cells additionally blanked by secondary suppression**",
         lambda x: share(x.areas[1], x.areas[2])),
        ("estimates (estimates.csv) suppressed by the primary rules", lambda x: share(x.estimates[0], x.estimates[2])),
        ("estimates additionally blanked by secondary suppression", lambda x: share(x.estimates[1], x.estimates[2])),
        ("disclosure audit of the tables (`doelenboom audit`)", lambda x: (
            f"all {x.audit[1]:,} cells protected" if not x.audit[0] else
            f"**{x.audit[0]:,} of {x.audit[1]:,} cells not protected**")),
    ]
    lines = ["| | " + " | ".join(x.name for x in losses) + " |", "|---|" + "---:|" * len(losses)]
    lines += [f"| {what} | " + " | ".join(f(x) for x in losses) + " |" for what, f in rows]
    return lines


def loss_section(losses: list[Loss], descriptions: list[str]) -> str:
    """The section for docs/privacy.md: what secondary suppression costs."""
    for x in losses:
        if x.level0_secondary != 0:
            msg = f"{x.name}: protection_level 0 still suppressed {x.level0_secondary} cells secondarily"
            raise RuntimeError(msg)
    return "\n".join([
        "### Information lost",
        "",
        ("Share of cells left blank by the primary rules (n below the suppression threshold 10, a share "
         "with fewer than 5 persons with or without the property) and, on top of them, by secondary "
         "suppression (protection level 10), in the tables as published. Goal scores are the cells of "
         "the tree's non-indicator nodes (unit x period x goal) in scores.csv; the primary-only scores "
         "come from the same pipeline on the indicator cells with the primary rules only (a goal is "
         "blank when less than half of its weight has data, `min_coverage` 0.5 of the demo's pipeline). "
         "Areas and groups are the kernen and migratieachtergrond breakdowns of areas.csv."),
        "",
        *loss_table(losses),
        "",
        *[f"- {d}" for d in descriptions],
        "",
        ("Secondary suppression blanks goal scores only through the estimates they rest on (the ZRM "
         "change families feed `ind_zrm_verbeterd`); a breakdown's extra blanks stay in areas.csv. "
         "With `protection_level: 0` secondary suppression is off (checked: no cell is added). "
         "Measured by `benchmarks/bench_disclosure.py` (`make bench`)."),
        "",
    ])


def timing_section(args: argparse.Namespace, national: Study, secondary: Secondary, t_pipeline: float,
                   description: str) -> str:
    """The section for docs/performance.md: (a), (b), (c) and the run around them."""
    job = national.jobs["default"]
    t_secondary = secondary.families + secondary.breakdowns
    audit, fails = national.audit, national.audit_level0.failures
    example = " ".join(national.audit_level0.failure_lines("en")[1].split()) if len(fails) else ""
    verdict = "all protected" if audit.ok else (
        f"**{len(audit.failures):,} not protected**: " + "; ".join(
            f"`{' '.join(line.split())}`" for line in audit.failure_lines("en")[1:4]))
    cpu = platform.processor() or platform.machine()
    return "\n".join([
        "### Disclosure control (issue 14)",
        "",
        description + " Timed in the same process; the repeated steps are the median of "
        f"{args.repeat} calls.",
        "",
        "| what | time | ratio |",
        "|---|---:|---:|",
        (f"| (a) the pipeline alone: `Pipeline.run(tree, run.dataset, units=run.units)`, "
         f"{len(job.run.result.units)} units x {len(job.run.result.periods)} periods (same scores as the run) "
         f"| {human(t_pipeline)} | baseline |"),
        (f"| (b) secondary suppression, all of it ({secondary.short_of_level:,} relations stay below the level "
         f"with every part suppressed) | {human(t_secondary)} | {t_secondary / t_pipeline:.3g} x (a) |"),
        (f"| - change families of the estimates: {secondary.family_relations:,} relations with a suppressed "
         f"part, {secondary.family_added:,} cells added | {human(secondary.families)} | "
         f"{secondary.families / t_pipeline:.3g} x (a) |"),
        (f"| - breakdowns of areas.csv against their totals: {secondary.breakdown_relations:,} relations, "
         f"{secondary.breakdown_added:,} cells added | {human(secondary.breakdowns)} | "
         f"{secondary.breakdowns / t_pipeline:.3g} x (a) |"),
        (f"| (c) the audit, `audit_output(OUTPUT, config)` (HiGHS via scipy): {len(audit.cells):,} suppressed "
         f"cells in a relation, {verdict} | {human(national.audit_seconds)} | "
         f"{national.audit_seconds / t_pipeline:.3g} x (a) |"),
        (f"| the whole job, `doelenboom.run` (no report): {', '.join(f'{k} {human(v)}' for k, v in job.steps.items())} "
         f"| {human(job.seconds)} | |"),
        f"| `write_tables` | {human(job.write_seconds)} | |",
        "",
        ("(b) calls the library's own functions (`doelenboom._core.data.protect_change_families`, "
         "`protect_breakdowns`, what the run calls) on the run's estimates and area cells with the primary "
         "rules only; they blank exactly the cells the run blanked (checked). Aims of issue 14: (b) within a "
         "few times (a), (c) under 30 s."),
        "",
        (f"The same tables written with `protection_level: 0` (secondary suppression off): the audit at level {audit.protection_level:g} finds {len(fails):,} of "
         f"{len(national.audit_level0.cells):,} cells not protected, e.g. `{example}`."),
        "",
        "Information lost (docs/privacy.md):",
        "",
        *loss_table([national.loss]),
        "",
        (f"Measured on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, pandas {pd.__version__}, "
         f"scipy {scipy.__version__}, Release build of the module."),
        "",
    ])


def describe(data_rows: dict[str, int], kern_units: int, zrm_units: int, scale: float) -> str:
    return (
        f"All 344 gemeenten x 8 periods (2017-2024) of generated, fictitious client-level data "
        f"(`benchmarks/national_data.py`, reach {scale:g} x the demo's): {sum(data_rows.values()):,} rows "
        f"({', '.join(f'{Path(k).name} {v:,}' for k, v in data_rows.items())}); kernen in {kern_units} "
        f"gemeenten, migratieachtergrond for all, ZRM in {zrm_units}; the Movisie tree and the demo's pipeline."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="reach relative to the demo's (national data)")
    parser.add_argument("--sparse-scale", type=float, default=DEFAULT_SCALE, help="the sparse variant; 0: none")
    parser.add_argument("--loss-out", type=Path, default=PERFORMANCE_MD.parent / "privacy.md",
                        help="the file for the information-lost section (must exist)")
    add_output_arguments(parser)
    args = parser.parse_args()
    if not args.no_write and not args.loss_out.exists():
        print(f"bench_disclosure: {args.loss_out} is missing (give --loss-out FILE or --no-write)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-disclosure-") as tmp:
        work = Path(tmp)
        demo = study("demo", example_data.generate(work / "demo-data"), work, 1)
        data = generate(work / "national-data", scale=args.scale)
        national = study("national", data.config, work, args.repeat)
        description = describe(data.rows, data.kern_units, data.zrm_units, args.scale)
        job = national.jobs["default"]
        cfg = load_config(data.config)
        pipeline = db.Pipeline.load(cfg.pipeline)
        t_pipeline, result = timed(lambda: pipeline.run(job.run.tree, job.run.dataset, units=job.run.units),
                                   args.repeat)
        if not np.allclose(result.scores.to_numpy(), job.run.result.scores.to_numpy(), equal_nan=True):
            print("bench_disclosure: the pipeline alone does not give the run's scores", file=sys.stderr)
            return 1
        secondary = time_secondary(job, national.jobs["raw"], cfg, args.repeat)
        losses = [demo.loss, national.loss]
        descriptions = [
            "demo: the shipped example (15 gemeenten x 4 periods, docs/example.md).",
            "national: " + description,
        ]
        if args.sparse_scale > 0:
            sparse_data = generate(work / "sparse-data", scale=args.sparse_scale)
            sparse = study("national, sparse", sparse_data.config, work, 1)
            losses.append(sparse.loss)
            descriptions.append(
                f"national, sparse: the same generator at {args.sparse_scale:g} x the demo's reach "
                f"({sparse_data.total_rows:,} rows): most gemeenten have 5-40 clients a year."
            )
        body = timing_section(args, national, secondary, t_pipeline, description)
        loss = loss_section(losses, descriptions)
        problems = [p for s in (demo, national, *([sparse] if args.sparse_scale > 0 else [])) for p in s.problems]
    publish(body, args, MARKER)
    print(loss)
    if not args.no_write:
        write_section(args.loss_out, LOSS_MARKER, loss)
    for problem in problems:
        print(f"bench_disclosure: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
