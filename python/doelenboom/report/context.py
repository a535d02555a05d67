"""The run as the report reads it: its fields indexed once for lookups by unit, period and node.

Nothing here is computed anew: scores come from the result's matrices by its row labels
(``result.index``), intervals of the estimates from ``run.estimate_intervals``, the peers of a
unit from ``run.peer_groups``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import report_format as fmt
from .._core.stats import normal_critical_value
from .text import PILLARS, Texts

if TYPE_CHECKING:
    import pandas as pd

    from ..monitoring import MonitoringRun

__all__ = ["SEVERITY_ORDER", "ReportContext", "missing", "period_key", "text_of"]

#: How many nodes (the top goals and their children) get a trend chart and a column on the koplopers page.
HEADLINE_NODES = 4
SEVERITY_ORDER = {"alert": 0, "warning": 1, "info": 2}


def missing(x: object) -> bool:
    """True for None, NaN and pandas' NA; texts and numbers are not missing."""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, (int, str)):
        return False
    import pandas as pd

    return bool(pd.api.types.is_scalar(x) and pd.isna(x))


def text_of(value: object) -> str:
    """A value from the data as the page writes it (escaped by the templates); None is empty."""
    return "" if value is None else str(value)


def period_key(period: object) -> float:
    """A sortable number for a period (its ordinal), for newest-first lists."""
    from .._core.data import Period

    try:
        return float(Period(str(period)).ordinal())
    except (ValueError, TypeError):
        return 0.0


def _slug(text: str, taken: set[str]) -> str:
    """An HTML id for a page, unique within the report."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "page"
    slug, i = base, 2
    while slug in taken:
        slug, i = f"{base}-{i}", i + 1
    taken.add(slug)
    return slug


class ReportContext:
    """One run in one language, with the lookups every section of the report uses."""

    def __init__(self, run: MonitoringRun, language: str) -> None:
        self.run = run
        self.lang = fmt.check_language(language)
        self.t = Texts(language)
        self.tree = run.tree
        self.result = run.result
        self.ids = list(self.result.nodes)
        self.leaves = set(self.tree.leaves())
        self.level = round(100 * float(self.result.confidence))
        #: z of the approximate intervals of the estimates (value ∓ z·se), named on the page.
        self.z = normal_critical_value(self.result.confidence)
        core = self.result.core
        self._matrices = {
            "score": np.asarray(core.scores),
            "low": np.asarray(core.lower),
            "high": np.asarray(core.upper),
            "coverage": np.asarray(core.coverage),
            "rank": np.asarray(core.ranks()),
        }
        self._row = {(str(u), str(p)): i for i, (u, p) in enumerate(self.result.index)}
        self._column = {n: i for i, n in enumerate(self.ids)}
        estimates = run.dataset.to_pandas()
        self._estimates = {(r["unit"], r["period"], r["indicator"]): r for r in estimates.to_dict("records")}
        self._intervals: dict[tuple[str, str, str], dict[str, Any]] = {}
        if run.estimate_intervals is not None:
            self._intervals = {
                (r["unit"], r["period"], r["indicator"]): r for r in run.estimate_intervals.to_dict("records")
            }
        self.definitions = {d.id: d for d in self.tree.indicators}
        koplopers = run.koplopers
        self.koplopers = koplopers if "unit" in koplopers.columns else koplopers.reset_index()
        self._koploper_rows = {(r["unit"], r["node"]): r for r in self.koplopers.to_dict("records")}
        headline: list[str] = []
        for root in self.tree.roots():
            headline.append(root)
            headline += [c for c in self.tree.children(root) if c not in self.leaves]
        self.headline = list(dict.fromkeys(headline))[:HEADLINE_NODES]
        self.units = list(self.result.units)
        self._signal_anchors: dict[str, list[tuple[dict[str, Any], str]]] = {}
        taken: set[str] = {"koplopers"}
        self.page_ids = {unit: _slug(unit, taken) for unit in self.units}
        #: What a suppressed cell shows instead of its numbers: "onderdrukt (kleine aantallen)". The
        #: same for every rule (small n, small count, secondary): the reader must not learn which
        #: cells are small (docs/privacy.md).
        self.suppressed_text = self.t.get("suppressed_n", "")

    # ---- lookups ---------------------------------------------------------------------------

    def name(self, unit: str) -> str:
        found = self.run.units.get(unit)
        return found.name if found is not None else unit

    def label(self, node: str) -> str:
        return str(self.tree.node(node)["label"]) if node in self.tree else node

    def score_row(self, unit: str, period: str, node: str) -> dict[str, float]:
        """score, low, high, coverage, rank of one cell (NaN when missing)."""
        try:
            row = self._row[(unit, period)]
            column = self._column[node]
        except KeyError:
            return dict.fromkeys(self._matrices, math.nan)
        return {k: float(m[row, column]) for k, m in self._matrices.items()}

    def estimate(self, unit: str, period: str, indicator: str) -> dict[str, Any] | None:
        return self._estimates.get((unit, period, indicator))

    def interval(self, unit: str, period: str, indicator: str) -> dict[str, Any] | None:
        """low, high and approximate of an estimate (``run.estimate_intervals``)."""
        return self._intervals.get((unit, period, indicator))

    def koploper(self, unit: str, node: str) -> dict[str, Any] | None:
        return self._koploper_rows.get((unit, node))

    def baseline_of(self, unit: str) -> str:
        for node in self.headline:
            row = self.koploper(unit, node)
            if row is not None and isinstance(row.get("baseline"), str) and row["baseline"]:
                return str(row["baseline"])
        return self.run.baseline

    def peers_of(self, unit: str) -> list[str] | None:
        """The peers of a unit (``run.peer_groups``); None when the run does not know them."""
        groups = self.run.peer_groups
        if groups is None or unit not in groups.members:
            return None
        return list(groups.members[unit])

    def measure(self, indicator: str) -> str:
        definition = self.definitions.get(indicator)
        return definition.measure if definition is not None else ""

    def shown_unit(self, indicator: str) -> str:
        """The unit an indicator's values are written with ("cliënten"); none for proportions."""
        definition = self.definitions.get(indicator)
        if definition is None or not definition.unit or definition.measure == "proportion":
            return ""
        return str(definition.unit)

    def pillar_of(self, indicator: str) -> str:
        definition = self.definitions.get(indicator)
        return definition.pillar if definition is not None and definition.pillar in PILLARS else "other"

    def signal_anchors(self, unit: str) -> list[tuple[dict[str, Any], str]]:
        """The signals of a unit, newest first and alerts first, each with the HTML id of its item
        (``<page>-signal-<i>``), so other sections can link to it."""
        if unit not in self._signal_anchors:
            signals: pd.DataFrame = self.run.signals
            rows = signals[signals["unit"] == unit] if "unit" in signals.columns else signals.iloc[0:0]
            records = rows.to_dict("records")
            records.sort(key=lambda r: (-period_key(r["period"]), SEVERITY_ORDER.get(str(r["severity"]), 3), str(r["node"])))
            page = self.page_ids[unit]
            self._signal_anchors[unit] = [(r, f"{page}-signal-{i}") for i, r in enumerate(records, start=1)]
        return self._signal_anchors[unit]
