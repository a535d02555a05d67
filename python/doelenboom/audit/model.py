"""The linear system an attacker can set up from published tables: unknown cells and relations.

A suppressed cell is an unknown (:class:`Variable`) with its natural bounds; every published fact
that ties it to other cells is a :class:`Relation` (a linear equation, or an inequality where the
equation is the stronger assumption and may not hold). The relation families build a
:class:`System`; :mod:`doelenboom.audit.solve` bounds every unknown.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["CellKey", "Notes", "Relation", "System", "Variable"]


@dataclass(frozen=True, order=True)
class CellKey:
    """One published cell: the table it is written in, unit, period and indicator (the node id in
    scores.csv). ``space`` is "linear", or "log" for the logarithm of a score in a geometric mean."""

    table: str
    unit: str
    period: str
    indicator: str
    space: str = "linear"

    def label(self) -> str:
        """``areas.csv GM0717/kern=Veere 2021 ind_clienten_bereikt``."""
        return f"{self.table} {self.unit} {self.period} {self.indicator}"


@dataclass
class Variable:
    """A suppressed cell: what it is (count, share or score), the unit its interval is measured in
    (persons, points, share), its natural bounds and the width its interval needs."""

    key: CellKey
    kind: str
    scale: str
    low: float
    high: float
    needed: float


@dataclass
class Relation:
    """``sum(terms[k] * k) == rhs`` (``<=`` when ``equality`` is False).

    ``relaxable``: an equation that may be stated too strongly (sum of a breakdown's parts equals
    its total); if the system is infeasible with it, it becomes ``<=``.
    """

    terms: dict[CellKey, float]
    rhs: float
    family: str
    name: str
    equality: bool = True
    relaxable: bool = False


class Notes:
    """What the audit skipped or assumed, each message once with how often it happened."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, message: str) -> None:
        self._counts[message] += 1

    def lines(self) -> list[str]:
        return [m if n == 1 else f"{m} ({n} times)" for m, n in self._counts.items()]


@dataclass
class System:
    """The unknowns and the relations between them, and the notes made while building them."""

    variables: dict[CellKey, Variable] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)

    def unknown(
        self, key: CellKey, kind: str, scale: str, needed: float, low: float = 0.0, high: float = math.inf
    ) -> CellKey:
        """Register ``key`` as an unknown (once; the first registration's bounds hold) and return it."""
        if key not in self.variables:
            self.variables[key] = Variable(key, kind, scale, low, high, needed)
        return key

    def relate(self, relation: Relation) -> None:
        """Add a relation that has at least one unknown (others tell the attacker nothing new)."""
        if relation.terms:
            self.relations.append(relation)
