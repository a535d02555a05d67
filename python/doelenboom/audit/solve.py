"""Bounds for every unknown: min and max of each suppressed cell subject to every relation and
the natural bounds, by linear programming (HiGHS through ``scipy.optimize.linprog``).

The unknowns fall apart into connected components (cells linked by shared relations: one
breakdown, one share family, the goals of one unit and period). Minimising one unknown per
component over all components at once is one LP: the components share no variable, so the
minimum of the sum is the sum of the minima, and the optimal point holds each component's
minimum. So the k-th unknown of every component is minimised (and maximised) in one LP, and the
number of LPs is twice the size of the largest component, not twice the number of unknowns.

Whole numbers are not asked for: the LP relaxation's bounds, rounded inwards for counts by the
caller, hold every whole-number solution (see :mod:`doelenboom.audit`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse

from .model import CellKey, Relation, System

__all__ = ["solve"]


@dataclass
class _Component:
    variables: list[int]
    relations: list[int]


class _Problem:
    """The system as arrays: variable bounds (capped, so that no LP is unbounded) and relation rows."""

    def __init__(self, system: System, relations: list[Relation]) -> None:
        keys = sorted({k for r in relations for k in r.terms})
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        self.relations = relations
        low = np.array([system.variables[k].low for k in keys], dtype=float)
        high = np.array([system.variables[k].high for k in keys], dtype=float)
        finite = [abs(r.rhs) for r in relations] + [abs(x) for x in (*low, *high) if math.isfinite(x)]
        # A cap far beyond every published number stands for "no bound"; a result at the cap is inf.
        self.cap = 1e4 * max([1.0, *finite])
        self.low = np.maximum(low, -self.cap)
        self.high = np.minimum(high, self.cap)
        rows, cols, vals = [], [], []
        for i, r in enumerate(relations):
            for k, a in r.terms.items():
                rows.append(i)
                cols.append(self.index[k])
                vals.append(a)
        self.matrix = scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(len(relations), len(keys)))
        self.rhs = np.array([r.rhs for r in relations], dtype=float)

    def components(self) -> list[_Component]:
        parent = list(range(len(self.keys)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for r in self.relations:
            first, *rest = (self.index[k] for k in r.terms)
            for j in rest:
                parent[find(j)] = find(first)
        groups: dict[int, _Component] = {}
        for v in range(len(self.keys)):
            groups.setdefault(find(v), _Component([], [])).variables.append(v)
        for i, r in enumerate(self.relations):
            groups[find(self.index[next(iter(r.terms))])].relations.append(i)
        return list(groups.values())

    def lp(self, parts: list[_Component], objective: dict[int, float]) -> scipy.optimize.OptimizeResult:
        """Optimise ``objective`` (variable -> coefficient) over the components ``parts``."""
        variables = np.array([v for c in parts for v in c.variables])
        rows = np.array([i for c in parts for i in c.relations])
        position = {v: p for p, v in enumerate(variables)}
        c = np.zeros(len(variables))
        for v, a in objective.items():
            c[position[v]] = a
        sub = self.matrix[rows][:, variables]
        eq = np.array([self.relations[i].equality for i in rows], dtype=bool)
        result = scipy.optimize.linprog(
            c,
            A_ub=sub[~eq] if (~eq).any() else None,
            b_ub=self.rhs[rows][~eq] if (~eq).any() else None,
            A_eq=sub[eq] if eq.any() else None,
            b_eq=self.rhs[rows][eq] if eq.any() else None,
            bounds=np.column_stack([self.low[variables], self.high[variables]]),
            method="highs",
        )
        result.position = position
        return result

    def infeasible(self, parts: list[_Component]) -> list[_Component]:
        """The components without a feasible point, found by halving."""
        if not parts:
            return []
        status = self.lp(parts, {}).status
        if status == 0:
            return []
        if len(parts) == 1:
            return parts
        half = len(parts) // 2
        return self.infeasible(parts[:half]) + self.infeasible(parts[half:])

    def bound(self, parts: list[_Component]) -> tuple[np.ndarray, np.ndarray]:
        """Min and max of every variable of ``parts``; NaN where the solver found none."""
        low = np.full(len(self.keys), np.nan)
        high = np.full(len(self.keys), np.nan)
        for k in range(max((len(c.variables) for c in parts), default=0)):
            batch = [c for c in parts if len(c.variables) > k]
            for sign, out in ((1.0, low), (-1.0, high)):
                targets = [c.variables[k] for c in batch]
                result = self.lp(batch, dict.fromkeys(targets, sign))
                if result.status == 0:
                    for v in targets:
                        out[v] = result.x[result.position[v]]
                    continue
                for c in batch:  # one component at a time: the others keep their answer
                    single = self.lp([c], {c.variables[k]: sign})
                    if single.status == 0:
                        out[c.variables[k]] = single.x[single.position[c.variables[k]]]
        low[low <= -self.cap * (1 - 1e-9)] = -math.inf
        high[high >= self.cap * (1 - 1e-9)] = math.inf
        return low, high


def solve(system: System) -> dict[CellKey, tuple[float, float]]:
    """The interval [min, max] of every unknown that appears in a relation.

    Where the published numbers leave no feasible point, breakdown equations are relaxed to
    ``sum of parts <= total``, then left out; other relations without a feasible point are left
    out and their unknowns get the interval (NaN, NaN): not verified. The notes say what happened.
    """
    relations = list(system.relations)
    unverified: set[CellKey] = set()
    for attempt in range(4):
        problem = _Problem(system, relations)
        parts = problem.components()
        bad = problem.infeasible(parts)
        if not bad:
            break
        rows = {i for c in bad for i in c.relations}
        if attempt == 0:
            system.notes.add("breakdowns whose published parts contradict their total: taken as sum of parts <= total")
            for i in rows:
                relations[i].equality = not relations[i].relaxable
        elif attempt == 1:
            system.notes.add("breakdowns that contradict their total even as an inequality: left out")
            relations = [r for i, r in enumerate(relations) if i not in rows or not r.relaxable]
        else:
            system.notes.add("relations the published numbers contradict: their cells are not verified")
            unverified |= {problem.keys[v] for c in bad for v in c.variables}
            relations = [r for i, r in enumerate(relations) if i not in rows]
    low, high = problem.bound(parts)
    out = {k: (float(low[i]), float(high[i])) for i, k in enumerate(problem.keys)}
    out.update(dict.fromkeys(unverified, (math.nan, math.nan)))
    return out
