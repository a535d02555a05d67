"""Goal equations: a published goal score is a mean of its children's scores.

For a goal with arithmetic aggregation, ``score = sum(w_j * y_j) / sum(w_j)`` over the children
that had a score when the pipeline ran (docs/pipeline.md). The weights are public (tree edge
weights or equal weights, the pipeline's overrides; normalised per parent), and the published
coverage is the weight share of the children used. A child whose score is blank in scores.csv
but whose weight the coverage counts was used: its normalised score is an unknown of the
equation (the leak of a pipeline that aggregates suppressed cells). A blank goal score that the
coverage says was computed is an unknown as well. Geometric means are the same equation in
logarithms. Other methods (harmonic, min, median) are not audited; the notes say so.

The unknowns are normalised scores, bounded by their natural range (a min-max score lies in
[low, high] of its normalisation, a goal between its children's bounds); they are not mapped
back to raw values (that map is linear and public for min-max, so a narrow score interval is a
narrow raw interval too).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .model import CellKey, Relation, System

if TYPE_CHECKING:
    import pandas as pd

    from .._core import graph as _graph
    from .._core import pipeline as _pipeline

__all__ = ["add_goal_equations"]

_TABLE = "scores.csv"
_TOL = 1e-9  # coverage and weight shares are written with 17 digits
_MAX_SUBSET = 12  # blank children tried as subsets when the coverage must tell which were used
_AUDITED = ("arithmetic", "geometric")


class _Settings:
    """The pipeline's settings per node, as the pipeline itself resolves them (node beats level
    beats global; PipelineSpec.node_settings), read once per node."""

    def __init__(self, spec: _pipeline.PipelineSpec, tree: _graph.GoalTree) -> None:
        self._of = {node: spec.node_settings(tree, node) for node in tree.ids()}

    def section(self, node: str, name: str) -> Any:
        return self._of[node][name]

    def weights(self, node: str) -> dict[str, float]:
        """The children's weights normalised to sum 1 (children of weight 0 left out)."""
        return {c: float(w) for c, w in self._of[node]["child_weights"].items() if w > 0}


def _bounds(settings: _Settings, tree: _graph.GoalTree) -> dict[str, tuple[float, float]]:
    """The natural range of every node's score: a min-max or percentile-rank score lies in
    [low, high], a rank in [1, inf), other normalisations are unbounded; a goal's score (any mean,
    min or median) lies between its children's bounds."""
    bounds: dict[str, tuple[float, float]] = {}
    for node in tree.topological_order():
        if tree.node(node)["kind"] == "indicator":
            norm = settings.section(node, "normalise")
            if norm["method"] in ("minmax", "percentile_rank"):
                bounds[node] = (float(norm["low"]), float(norm["high"]))
            elif norm["method"] == "rank":
                bounds[node] = (1.0, math.inf)
            else:
                bounds[node] = (-math.inf, math.inf)
        else:
            inner = [bounds[c] for c in settings.weights(node)]
            bounds[node] = (min(b[0] for b in inner), max(b[1] for b in inner)) if inner else (0.0, 0.0)
    return bounds


def _matrices(scores: pd.DataFrame, ids: list[str], notes: Any) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """Scores and coverage as (unit, period) x node matrices (NaN where blank)."""
    import pandas as pd

    column = {n: j for j, n in enumerate(ids)}
    known = scores["node"].isin(column)
    if not known.all():
        notes.add(f"{_TABLE}: rows of nodes that are not in the tree were left out")
        scores = scores[known]
    codes, rows = pd.factorize(pd.MultiIndex.from_arrays([scores["unit"], scores["period"]]))
    score = np.full((len(rows), len(ids)), np.nan)
    coverage = np.full_like(score, np.nan)
    cols = scores["node"].map(column).to_numpy()
    score[codes, cols] = scores["score"].to_numpy(dtype=float)
    coverage[codes, cols] = scores["coverage"].to_numpy(dtype=float)
    return [(str(u), str(p)) for u, p in rows], score, coverage


def _used_blank(
    blank: list[int], hint: list[bool | None], weights: np.ndarray, target: float
) -> list[int] | None:
    """The blank children whose weights make up ``target`` (the coverage not explained by the
    published children): those their own coverage marks as present when they fit, else the one
    subset that fits; None when none or several fit."""
    hinted = [j for j, h in zip(blank, hint, strict=True) if h]
    if abs(sum(weights[j] for j in hinted) - target) <= _TOL:
        return hinted
    if len(blank) > _MAX_SUBSET:
        return None
    fits = [
        list(subset)
        for size in range(1, len(blank) + 1)
        for subset in itertools.combinations(blank, size)
        if abs(sum(weights[j] for j in subset) - target) <= _TOL
    ]
    return fits[0] if len(fits) == 1 else None


def add_goal_equations(
    system: System, scores: pd.DataFrame, tree: _graph.GoalTree, spec: _pipeline.PipelineSpec, protection_level: float
) -> None:
    """One relation per (unit, period, goal) whose published numbers involve a suppressed score."""
    settings = _Settings(spec, tree)
    bounds = _bounds(settings, tree)
    ids = tree.ids()
    rows, score, coverage = _matrices(scores, ids, system.notes)
    col = {n: j for j, n in enumerate(ids)}
    kinds = {n: tree.node(n)["kind"] for n in ids}
    mins = {n: float(settings.section(n, "aggregate")["min_coverage"]) for n in ids if kinds[n] != "indicator"}

    def needed(node: str) -> float:
        low, high = bounds[node]
        return protection_level * (high - low) / 100 if math.isfinite(high - low) else protection_level

    def present(node: str, cov: float) -> bool | None:
        if math.isnan(cov):
            return None
        return cov >= 1 - _TOL if kinds[node] == "indicator" else cov >= mins[node] - _TOL

    for goal in tree.topological_order():
        if kinds[goal] == "indicator":
            continue
        weights_of = settings.weights(goal)
        children = list(weights_of)
        if not children:
            continue
        method = settings.section(goal, "aggregate")["method"]
        w = np.array([weights_of[c] for c in children])
        child_scores = score[:, [col[c] for c in children]]
        g = col[goal]
        candidates = np.flatnonzero(np.isnan(child_scores).any(axis=1) | np.isnan(score[:, g]))
        for r in candidates:
            s_goal, c_goal = score[r, g], coverage[r, g]
            if math.isnan(s_goal) and not c_goal >= mins[goal] - _TOL:
                continue  # not computed (or nothing says it was): no equation
            blank = [j for j in range(len(children)) if math.isnan(child_scores[r, j])]
            hint = [present(children[j], coverage[r, col[children[j]]]) for j in blank]
            published = [j for j in range(len(children)) if j not in blank]
            if math.isnan(c_goal):  # a published score without its coverage: the children's own tell
                if any(h is None for h in hint):
                    system.notes.add("goal scores without a coverage and with blank children: not audited")
                    continue
                used: list[int] | None = [j for j, h in zip(blank, hint, strict=True) if h]
            else:
                target = c_goal - float(w[published].sum())
                used = [] if abs(target) <= _TOL else _used_blank(blank, hint, w, target)
            if used is None:
                system.notes.add("goal rows whose coverage does not tell which blank children were used: not audited")
                continue
            if (not used and not math.isnan(s_goal)) or not (published or used):
                continue  # nothing unknown, or nothing to compute the goal from
            if method not in _AUDITED:
                system.notes.add(f"goal {goal}: aggregation '{method}' is not audited (only {', '.join(_AUDITED)})")
                continue
            terms = [(children[j], float(w[j]), float(child_scores[r, j])) for j in published + used]
            _equation(system, rows[r], goal, float(s_goal), terms, method, bounds, needed)


def _equation(
    system: System, row: tuple[str, str], goal: str, s_goal: float, children: list[tuple[str, float, float]],
    method: str, bounds: dict[str, tuple[float, float]], needed: Callable[[str], float],
) -> None:
    """``sum(w_j / W * f(y_j)) - f(score) = 0`` over the used children (node, weight, score or NaN),
    f the identity (arithmetic) or ln (geometric)."""
    unit, period = row
    log = method == "geometric"
    total = sum(weight for _, weight, _ in children)
    terms: dict[CellKey, float] = {}
    rhs = 0.0
    for node, coefficient, value in [*((n, wt / total, v) for n, wt, v in children), (goal, -1.0, s_goal)]:
        if not math.isnan(value):
            if log and value <= 0:
                system.notes.add(f"goal {goal}: geometric mean over a score <= 0: not audited")
                return
            rhs -= coefficient * (math.log(value) if log else value)
            continue
        low, high = bounds[node]
        if log:
            if low <= 0:
                system.notes.add(f"goal {goal}: geometric mean over scores that may be <= 0: not audited")
                return
            low, high = math.log(low), math.log(high)
        key = CellKey(_TABLE, unit, period, node, "log" if log else "linear")
        system.unknown(key, "score", "points", needed(node), low, high)
        terms[key] = terms.get(key, 0.0) + coefficient
    system.relate(Relation(terms, rhs, "goal", f"{method} mean of {goal} {unit} {period}"))
