"""The relations that need no tree: breakdowns against their totals, and share families.

- **Breakdowns**: areas.csv holds a unit's indicator per area or group (unit id
  ``GM0717/kern=Domburg``); the parts of one breakdown column add up to the unit's total in
  indicators.csv (same indicator and period), up to the clients without a value in that column,
  who are not published. The audit takes the equation (the strongest assumption); when the
  published numbers contradict it, the solver relaxes it to ``sum of parts <= total``.
- **Share families** in estimates.csv: ``X.improved + X.same + X.worse = 1`` with one n (the
  pre/post changes of a ZRM domain or of the client score). In persons, ``k_improved + k_same +
  k_worse = n``, each ``k = share * n``; the interval of a suppressed share is given in persons,
  through the n its published siblings show.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from .._core import estimate as _estimate
from .model import CellKey, Relation, System

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SHARE_MEMBERS", "add_breakdowns", "add_share_families", "split_area_id"]

#: The members of a share family, as the pre/post estimator names them (``zrm.financien.improved``).
SHARE_MEMBERS = tuple(suffix.lstrip(".") for suffix in _estimate.change_share_suffixes)


def split_area_id(unit: str) -> tuple[str, str, str] | None:
    """``"GM0717/kern=Domburg"`` -> ``("GM0717", "kern", "Domburg")``; None for a plain unit id
    (the library's own reading of the sub-unit ids it writes, ``breakdown_unit_id``)."""
    return _estimate.split_breakdown_unit_id(unit)


def add_breakdowns(
    system: System, areas: pd.DataFrame, totals: pd.DataFrame, protection_level: float,
    parts_table: str = "areas.csv", totals_table: str = "indicators.csv",
) -> None:
    """One relation per (unit, period, indicator, breakdown column) with a suppressed part or total."""
    total_of = {
        (u, p, i): (v, s)
        for u, p, i, v, s in zip(totals["unit"], totals["period"], totals["indicator"], totals["value"],
                                 totals["suppressed"], strict=True)
    }
    groups: dict[tuple[str, str, str, str], list[tuple[str, float, bool]]] = defaultdict(list)
    for unit, period, indicator, value, suppressed in zip(
        areas["unit"], areas["period"], areas["indicator"], areas["value"], areas["suppressed"], strict=True
    ):
        parts = split_area_id(unit)
        if parts is None:
            system.notes.add(f"{parts_table}: rows whose unit is not '<unit>/<column>=<value>' were left out")
            continue
        groups[(parts[0], period, indicator, parts[1])].append((unit, value, bool(suppressed)))
    for (parent, period, indicator, column), rows in groups.items():
        if not any(s for _, _, s in rows) and not total_of.get((parent, period, indicator), (0, False))[1]:
            continue  # everything published: nothing to hide
        total = total_of.get((parent, period, indicator))
        if total is None:
            system.notes.add(f"breakdowns without a total in {totals_table}: not audited")
            continue
        terms: dict[CellKey, float] = {}
        rhs = 0.0
        for unit, value, suppressed in rows:
            if suppressed:
                key = system.unknown(CellKey(parts_table, unit, period, indicator), "count", "persons", protection_level)
                terms[key] = terms.get(key, 0.0) + 1.0
            elif math.isnan(value):
                system.notes.add(f"{parts_table}: published rows without a value were taken as unknown")
                key = system.unknown(CellKey(parts_table, unit, period, indicator), "count", "persons", protection_level)
                terms[key] = terms.get(key, 0.0) + 1.0
            else:
                rhs -= value
        value, suppressed = total
        if suppressed:
            key = system.unknown(CellKey(totals_table, parent, period, indicator), "count", "persons", protection_level)
            terms[key] = -1.0
        else:
            rhs += value
        name = f"{column} breakdown of {parent} {period} {indicator}"
        system.relate(Relation(terms, rhs, "breakdown", name, relaxable=True))


def add_share_families(
    system: System, estimates: pd.DataFrame, protection_level: float, table: str = "estimates.csv"
) -> None:
    """One relation per (unit, period, family) with a suppressed member (see the module documentation).

    With no member publishing n the family is checked in shares: each suppressed share must keep
    the whole interval [0, 1], since nothing says how many persons a width stands for.
    """
    families: dict[tuple[str, str, str], dict[str, tuple[float, float, bool]]] = defaultdict(dict)
    for unit, period, indicator, value, n, suppressed in zip(
        estimates["unit"], estimates["period"], estimates["indicator"], estimates["value"], estimates["n"],
        estimates["suppressed"], strict=True,
    ):
        prefix, dot, member = indicator.rpartition(".")
        if dot and member in SHARE_MEMBERS:
            families[(unit, period, prefix)][member] = (value, n, bool(suppressed))
    for (unit, period, prefix), members in families.items():
        if not any(s for _, _, s in members.values()):
            continue
        name = f"share family {prefix}.{{{','.join(SHARE_MEMBERS)}}} of {unit} {period}"
        if set(members) != set(SHARE_MEMBERS):
            system.notes.add(f"{table}: share families without all of {', '.join(SHARE_MEMBERS)}: not audited")
            continue
        ns = [n for _, n, s in members.values() if not s and not math.isnan(n)]
        if ns and max(ns) - min(ns) > 1e-9 * max(1.0, *ns):
            system.notes.add(f"{table}: share families whose members give different n: not audited")
            continue
        terms: dict[CellKey, float] = {}
        if ns:  # in persons: k = share * n
            n = ns[0]
            rhs = n
            for member, (value, _, suppressed) in members.items():
                key = CellKey(table, unit, period, f"{prefix}.{member}")
                if suppressed:
                    terms[system.unknown(key, "share", "persons", protection_level, 0.0, n)] = 1.0
                else:
                    rhs -= value * n
        else:
            rhs = 1.0
            for member in members:
                key = CellKey(table, unit, period, f"{prefix}.{member}")
                terms[system.unknown(key, "share", "share", 1.0, 0.0, 1.0)] = 1.0
        system.relate(Relation(terms, rhs, "share family", name))
