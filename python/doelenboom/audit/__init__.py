"""The disclosure audit: for every suppressed cell, the interval an attacker can derive from
everything published (docs/privacy.md).

The attacker has the published tables of a run (scores.csv, indicators.csv, estimates.csv,
areas.csv) and the public tree, pipeline and units files. The audit writes down every linear
relation those tables satisfy and that involves a suppressed cell (blank value), each suppressed
cell an unknown with its natural bounds:

- breakdowns: the areas or groups of a unit add up to its total (:mod:`.relations`);
- share families: improved + same + worse = 1 with a common n (:mod:`.relations`);
- goal equations: a published goal score is the weighted mean of the children the published
  coverage says were used (:mod:`.goals`; needs the tree and the pipeline).

It then bounds every unknown by linear programming (HiGHS through scipy, :mod:`.solve`) and calls
a cell protected when its interval is at least the protection level wide: that many persons for
counts and shares (a share through its family's n), that many percent of the natural range
(points on a 0-100 scale) for normalised scores. It is independent of the code that protects the
tables on purpose: an auditor's re-derivation from the published files.

Counts (and shares in persons) are whole numbers; the audit solves the LP relaxation, over real
numbers, and rounds its bounds inwards to whole numbers. The rounded interval holds every
whole-number solution, and for the breakdowns and share families (coefficients 0 and +-1,
whole-number totals: the LP's vertices are whole numbers) it is exactly the interval a
whole-number attacker derives, so the relaxation misses nothing there. Normalised scores are
real numbers and are not rounded.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._core import graph as _graph
from .._core import pipeline as _pipeline
from .._facade import core_of
from .goals import add_goal_equations
from .model import CellKey, System
from .relations import add_breakdowns, add_share_families, split_area_id
from .result import CELL_COLUMNS, AuditResult
from .solve import solve
from .tables import DATASET_TABLES, dataset_frame, read_dataset_csv, read_scores_csv, scores_frame

if TYPE_CHECKING:
    from .._typing import PathLike
    from ..monitoring import MonitoringRun

__all__ = ["CELL_COLUMNS", "DEFAULT_PROTECTION_LEVEL", "AuditResult", "audit_output", "audit_run", "audit_tables", "split_area_id"]

#: Without a run config: the library's default suppression threshold (doelenboom/dataset.hpp).
DEFAULT_PROTECTION_LEVEL = 10.0


def audit_tables(
    scores: Any = None,
    indicators: Any = None,
    estimates: Any = None,
    areas: Any = None,
    *,
    tree: Any = None,
    pipeline: Any = None,
    protection_level: float = DEFAULT_PROTECTION_LEVEL,
) -> AuditResult:
    """Audit published tables given as objects: the scores as a long DataFrame (unit, period,
    node, score, coverage; scores.csv or ``PipelineResult.to_pandas()``) or a
    :class:`~doelenboom.PipelineResult`; indicators, estimates and areas as DataFrames (unit,
    period, indicator, value, n, suppressed) or :class:`~doelenboom.Dataset`\\ s. Any may be None.

    ``tree`` (a :class:`~doelenboom.GoalTree`) and ``pipeline`` (a :class:`~doelenboom.Pipeline`,
    default: the default settings) give the goal equations; without a tree they are not audited.
    """
    system = System()
    frames = {name: dataset_frame(t, name) if t is not None else None
              for name, t in zip(DATASET_TABLES, (indicators, estimates, areas), strict=True)}
    if frames["areas.csv"] is not None and frames["indicators.csv"] is not None:
        add_breakdowns(system, frames["areas.csv"], frames["indicators.csv"], protection_level)
    if frames["estimates.csv"] is not None:
        add_share_families(system, frames["estimates.csv"], protection_level)
    if scores is None or tree is None:
        system.notes.add("goal equations not audited: " + ("no scores given" if scores is None else "no tree given"))
    else:
        from ..goal_tree import GoalTree
        from ..pipeline import Pipeline

        spec = _pipeline.PipelineSpec() if pipeline is None else core_of(pipeline, Pipeline, "pipeline")
        graph = core_of(tree, GoalTree, "tree")
        add_goal_equations(system, scores_frame(scores), graph, spec, protection_level)
    return _result(system, protection_level)


def _result(system: System, protection_level: float) -> AuditResult:
    """Solve the system and gather one row per cell (a score in linear and log space is one cell)."""
    intervals = solve(system)
    names: dict[CellKey, list[str]] = {}
    for relation in system.relations:
        for key in relation.terms:
            names.setdefault(key, []).append(relation.name)
    merged: dict[CellKey, tuple[float, float]] = {}
    for key, interval in sorted(intervals.items()):
        low, high = (math.exp(interval[0]), math.exp(interval[1])) if key.space == "log" else interval
        cell = replace(key, space="linear")
        if cell in merged:
            system.notes.add("scores in both arithmetic and geometric means: intervals intersected, not solved together")
            low, high = max(low, merged[cell][0]), min(high, merged[cell][1])
        if system.variables[key].scale == "persons":  # whole numbers (see the module documentation)
            low, high = float(np.ceil(low - 1e-6)), float(np.floor(high + 1e-6))
        merged[cell] = (low + 0.0, high + 0.0)  # + 0.0: no -0 in the table
    rows = []
    for cell, (low, high) in merged.items():
        keys = [k for k in (cell, replace(cell, space="log")) if k in system.variables]
        var = system.variables[keys[0]]
        bound_by = [n for k in keys for n in names.get(k, [])]
        relation_text = bound_by[0] + (f" (+{len(bound_by) - 1} more)" if len(bound_by) > 1 else "")
        protected = bool(high - low >= var.needed * (1 - 1e-9) - 1e-9)  # NaN (not verified): not protected
        rows.append((cell.table, cell.unit, cell.period, cell.indicator, var.kind, var.scale, low, high, high - low,
                     var.needed, protected, relation_text))
    if any(r[0] == "scores.csv" for r in rows):
        system.notes.add("score intervals are of normalised scores; they are not mapped back to raw values")
    cells = pd.DataFrame(rows, columns=list(CELL_COLUMNS))
    cells["protected"] = cells["protected"].astype(bool)
    return AuditResult(cells, protection_level, system.notes.lines())


def _run_settings(
    config: PathLike | None, protection_level: float | None
) -> tuple[_graph.GoalTree | None, _pipeline.PipelineSpec | None, float]:
    """The tree, pipeline (None: the default) and protection level of a run config: the level
    given, else the config's ``protection_level``; without a config no tree and the default level."""
    if config is None:
        return None, None, DEFAULT_PROTECTION_LEVEL if protection_level is None else float(protection_level)
    from ..run import load_config

    cfg = load_config(config)
    tree = _graph.GoalTree.load_yaml(os.fspath(cfg.tree))
    spec = _pipeline.PipelineSpec.load_yaml(os.fspath(cfg.pipeline)) if cfg.pipeline.name else None
    return tree, spec, float(cfg.protection_level if protection_level is None else protection_level)


def audit_output(
    output_dir: PathLike, config: PathLike | None = None, *, protection_level: float | None = None
) -> AuditResult:
    """Audit the tables a run wrote into ``output_dir`` (scores.csv, indicators.csv, estimates.csv,
    areas.csv), with the tree and pipeline of the run config ``config``; without a config only the
    breakdowns and share families are audited (the notes say so).

    ``protection_level`` defaults to the config's ``protection_level`` (10 without a config). A missing folder or file, or a malformed table,
    raises :class:`FileNotFoundError` or :class:`~doelenboom.ParseError` naming it.
    """
    folder = Path(os.fspath(output_dir))
    if not folder.is_dir():
        msg = f"{folder}: no such folder (expected the output folder of a run, with scores.csv and " + \
              ", ".join(DATASET_TABLES) + ")"
        raise FileNotFoundError(msg)
    tree, spec, level = _run_settings(config, protection_level)
    tables = [read_dataset_csv(folder / name, name) for name in DATASET_TABLES]
    return audit_tables(read_scores_csv(folder / "scores.csv"), *tables, tree=tree, pipeline=spec, protection_level=level)


def audit_run(run: MonitoringRun, *, protection_level: float | None = None) -> AuditResult:
    """Audit a run made in a notebook (:func:`doelenboom.run`) as its tables would be published;
    the pipeline and protection level come from the run's config (``run.config``)."""
    _, spec, level = _run_settings(run.config, protection_level)
    return audit_tables(run.result, run.dataset, run.estimates, run.areas, tree=run.tree, pipeline=spec,
                        protection_level=level)
