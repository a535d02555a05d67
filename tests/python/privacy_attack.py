"""The attacker of issue 14: what can be worked out about suppressed cells from what is published.

Written as an outsider would, from the published tables of a run (scores.csv, indicators.csv,
estimates.csv, areas.csv, koplopers.csv, trends.csv, audit.csv) and the public tree, pipeline and units
files, with numpy and pandas only: nothing here calls the library's computations. The library is
used only by the caller, to read the tree's structure and the pipeline's settings (:func:`read_public`).

Techniques (the ``technique`` column of every recovery):

- ``single_child``: a goal with one child copies the child's normalised score;
- ``one_unknown``: a goal's score is the weighted mean of the children the published coverage
  says took part; with one of them blank it is one linear equation in one unknown, iterated over
  the tree until nothing new is learned; with several blank, each gets the range the normalised
  scale leaves (``one_unknown_range``);
- ``+minmax_map``: a recovered normalised score mapped back to the treated value by the affine map
  fitted on the visible (treated, score) pairs, and to the raw value by undoing the denominator;
- ``areas_total``: a breakdown (``GM0717/kern=Domburg`` in areas.csv) against its total in
  indicators.csv; one blank part is the total minus the rest, several share what is left
  (``areas_total_range``);
- ``share_family``: zrm.<x>.improved + same + worse = 1 (``share_family_range`` for two blanks);
- ``koplopers_score``, ``koplopers_change``, ``trend_sum``: koplopers.csv and trends.csv checked
  against scores.csv (a score there that is blank in scores.csv, a baseline from score minus
  change, a trend fitted over one more period than scores.csv shows);
- ``+linked``: a recovered cell of indicators.csv is also the estimates.csv row with the same column;
- ``audit``: audit.csv's old (raw) and new (treated) value of a cell, as they stand.

Every recovery is a row of :data:`RECOVERY_COLUMNS`: the published cell (table, unit, period, cell,
quantity: ``score`` or ``treated`` in scores.csv, ``value`` elsewhere), the value found, and the
interval [low, high] the attacker knows it lies in (low == high == value for a point).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: The protection level of the issue: persons for counts, points on the normalised scale.
PROTECTION_LEVEL = 10.0
KEY = ["table", "unit", "period", "cell", "quantity"]
RECOVERY_COLUMNS = [*KEY, "value", "low", "high", "technique"]
#: Relative tolerance of coverage sums and affine fits (the tables hold round-trip decimals).
TOL = 1e-9
_AREA = re.compile(r"^(?P<parent>[^/]+)/(?P<column>[^=]+)=(?P<part>.*)$")
_FAMILY = re.compile(r"^(?P<family>zrm\.[^.]+)\.(?P<member>improved|same|worse)$")
_SHARE = re.compile(r"\.(agree|yes|improved|same|worse|reliably_improved|reliably_worse)$|share_")


@dataclass(frozen=True)
class Public:
    """What the public tree, pipeline and units files say, in the attacker's terms."""

    #: goal -> {child: weight normalised per parent} (children of weight 0 left out).
    weights: dict[str, dict[str, float]]
    #: goal -> number of children in the tree.
    tree_children: dict[str, int]
    #: goal -> aggregation method, and the coverage below which it has no score.
    aggregate: dict[str, str]
    min_coverage: dict[str, float]
    #: indicator -> the normalise and treatment sections that apply to it.
    normalise: dict[str, dict[str, Any]]
    treatment: dict[str, dict[str, Any]]
    #: The units file, indexed by id (populations and other denominators).
    units: pd.DataFrame
    #: indicator -> True for a proportion (a share in [0, 1] of n persons).
    shares: dict[str, bool]

    def bounds(self) -> tuple[float, float] | None:
        """The normalised scale when every indicator is min-max to one range (then every score
        lies in it, goals' arithmetic means too); None otherwise."""
        ranges = {(s["low"], s["high"]) for s in self.normalise.values() if s["method"] == "minmax"}
        if len(ranges) != 1 or any(s["method"] != "minmax" for s in self.normalise.values()):
            return None
        low, high = ranges.pop()
        return float(low), float(high)


def _merged(pipeline: Mapping[str, Any], key: str, node: str, level: str) -> dict[str, Any]:
    """A section as docs/pipeline.md resolves it: node beats level beats global, field by field."""
    merged: dict[str, Any] = {}
    for source in (
        pipeline,
        pipeline.get("levels", {}).get(level, {}),
        pipeline.get("nodes", {}).get(node, {}),
    ):
        part = source.get(key)
        if isinstance(part, str):
            part = {"method": part}
        merged.update(part or {})
    return merged


def read_public(tree: Any, pipeline: Mapping[str, Any], units: pd.DataFrame) -> Public:
    """The attacker's model from a GoalTree (read for its structure only), a pipeline's settings
    (``Pipeline.to_dict()``, the pipeline file as data) and the units file as a DataFrame."""
    weights: dict[str, dict[str, float]] = {}
    tree_children: dict[str, int] = {}
    aggregate: dict[str, str] = {}
    min_coverage: dict[str, float] = {}
    normalise: dict[str, dict[str, Any]] = {}
    treatment: dict[str, dict[str, Any]] = {}
    shares: dict[str, bool] = {}
    definitions = tree.indicators
    for node_id in tree.ids:
        node = tree.node(node_id)
        level = node["level"]
        if node["kind"] == "indicator":
            normalise[node_id] = _merged(pipeline, "normalise", node_id, level)
            treatment[node_id] = _merged(pipeline, "treatment", node_id, level)
            definition = definitions.get(node_id)
            shares[node_id] = definition is not None and definition.measure == "proportion"
            continue
        children = tree.children(node_id)
        source = (
            pipeline.get("nodes", {}).get(node_id, {}).get("weights")
            or pipeline.get("levels", {}).get(level, {}).get("weights")
            or pipeline.get("weights", "tree")
        )
        raw = {c: 1.0 if source == "equal" else float(tree.weight(c, node_id)) for c in children}
        raw.update(pipeline.get("weight_overrides", {}).get(node_id, {}))
        total = sum(raw.values())
        weights[node_id] = {c: w / total for c, w in raw.items() if w > 0}
        tree_children[node_id] = len(children)
        section = _merged(pipeline, "aggregate", node_id, level)
        aggregate[node_id] = section["method"]
        min_coverage[node_id] = float(section["min_coverage"])
    return Public(
        weights, tree_children, aggregate, min_coverage, normalise, treatment, units.set_index("id"), shares
    )


def read_run_files(config: Path) -> dict[str, Path]:
    """The tree, pipeline and units files a run config names (its top-level ``key: value`` lines)."""
    found: dict[str, Path] = {}
    for line in config.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(tree|pipeline|units):\s*(\S+)", line)
        if match:
            found[match.group(1)] = config.parent / match.group(2)
    return found


def read_table(path: Path) -> pd.DataFrame:
    """A published CSV with unit and period as text."""
    return pd.read_csv(path, dtype={"unit": str, "period": str, "baseline": str})


def _recovery(
    table: str, unit: str, period: str, cell: str, quantity: str, low: float, high: float, technique: str
) -> dict[str, Any]:
    value = low if low == high else (low + high) / 2
    return dict(
        zip(RECOVERY_COLUMNS, [table, unit, period, cell, quantity, value, low, high, technique], strict=True)
    )


def _frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=RECOVERY_COLUMNS)


# ---- techniques a and b: single children and one-unknown equations over the tree -----------------


def _transform(method: str) -> tuple[Callable[[float], float], Callable[[float], float]] | None:
    """The scale on which a goal is a weighted mean of its children: as is, or in logs."""
    if method == "arithmetic":
        return (lambda v: v), (lambda v: v)
    if method == "geometric":
        return math.log, math.exp
    return None


def _used_blank(
    weights: dict[str, float],
    known: dict[str, float],
    coverage: dict[str, float],
    goal: str,
    min_coverage: dict[str, float],
) -> list[str] | None:
    """The blank children the published coverage says took part: of the blank children that may
    have had a value (not an indicator of coverage 0, not a goal below its min_coverage), the one
    subset whose weights make up the gap between the goal's coverage and the known children's."""
    gap = coverage.get(goal, math.nan) - sum(w for c, w in weights.items() if c in known)
    floor = {c: min_coverage.get(c, 1.0) - TOL for c in weights}
    blank = [c for c in weights if c not in known and not coverage.get(c, 1.0) < floor[c]]
    if not gap > TOL or not blank or len(blank) > 12:
        return None
    fits = [
        list(subset)
        for size in range(1, len(blank) + 1)
        for subset in itertools.combinations(blank, size)
        if abs(sum(weights[c] for c in subset) - gap) <= TOL
    ]
    return fits[0] if len(fits) == 1 else None


def _goal_equation(
    goal: str,
    score: float,
    coverage: dict[str, float],
    known: dict[str, float],
    public: Public,
    bounds: tuple[float, float] | None,
) -> list[tuple[str, float, float, str]]:
    """What one published goal score says about its blank children: (child, low, high, technique)."""
    weights = public.weights[goal]
    if public.tree_children[goal] == 1 and len(weights) == 1:
        (child,) = weights
        return [] if child in known else [(child, score, score, "single_child")]
    scale = _transform(public.aggregate[goal])
    used = None if scale is None else _used_blank(weights, known, coverage, goal, public.min_coverage)
    if scale is None or used is None:
        return []
    forward, back = scale
    if (
        public.aggregate[goal] == "geometric"
        and min([score, *(known[c] for c in weights if c in known)]) <= 0
    ):
        return []
    rest = coverage[goal] * forward(score) - sum(
        w * forward(known[c]) for c, w in weights.items() if c in known
    )
    if len(used) == 1:
        value = back(rest / weights[used[0]])
        return [(used[0], value, value, "one_unknown")]
    if bounds is None or public.aggregate[goal] != "arithmetic":
        return []
    low, high = bounds
    found = []
    for child in used:
        others = sum(weights[c] for c in used if c != child)
        lo = max(low, (rest - others * high) / weights[child])
        hi = min(high, (rest - others * low) / weights[child])
        if lo > low or hi < high:  # the whole scale is no news
            found.append((child, lo, hi, "one_unknown_range"))
    return found


def _solve_row(
    unit: str, period: str, published: dict[str, float], coverage: dict[str, float], public: Public
) -> list[dict[str, Any]]:
    """Every score of one (unit, period) that the tree's equations give, to a fixed point."""
    known = dict(published)
    rows = []
    changed = True
    while changed:
        changed = False
        for goal in public.weights:
            if goal not in known:
                continue
            for child, low, high, technique in _goal_equation(
                goal, known[goal], coverage, known, public, None
            ):
                if child not in known:
                    known[child] = low
                    rows.append(_recovery("scores", unit, period, child, "score", low, high, technique))
                    changed = True
    # Ranges once the points are all known: the narrowest range found for each child.
    narrowest: dict[str, tuple[float, float]] = {}
    bounds = public.bounds()
    for goal in public.weights:
        if goal in known:
            for child, low, high, _ in _goal_equation(goal, known[goal], coverage, known, public, bounds):
                best = narrowest.get(child)
                if child not in known and (best is None or high - low < best[1] - best[0]):
                    narrowest[child] = (low, high)
    rows += [
        _recovery("scores", unit, period, c, "score", lo, hi, "one_unknown_range")
        for c, (lo, hi) in narrowest.items()
    ]
    return rows


def attack_tree(scores: pd.DataFrame, public: Public) -> pd.DataFrame:
    """Techniques a and b on a scores table (unit, period, node, score, coverage)."""
    rows: list[dict[str, Any]] = []
    for (unit, period), frame in scores.groupby(["unit", "period"], sort=False):
        present = frame[frame["score"].notna()]
        published = dict(zip(present["node"], present["score"].astype(float), strict=True))
        coverage = dict(zip(frame["node"], frame["coverage"].astype(float), strict=True))
        rows += _solve_row(str(unit), str(period), published, coverage, public)
    return _frame(rows)


# ---- technique c: min-max maps from the visible pairs, then the denominator undone -------------


def _affine_maps(scores: pd.DataFrame, public: Public) -> dict[tuple[str, str], tuple[float, float]]:
    """(indicator, period or "") -> (slope, intercept) of treated -> score, fitted on the visible
    pairs; per period when the indicator is normalised per period. Only exact fits are kept (a
    rank normalisation, for one, is no affine map)."""
    maps: dict[tuple[str, str], tuple[float, float]] = {}
    visible = scores[
        scores["node"].isin(public.normalise.keys()) & scores["score"].notna() & scores["treated"].notna()
    ]
    for node, frame in visible.groupby("node"):
        per_period = public.normalise[str(node)].get("scope") == "per_period"
        groups = frame.groupby("period") if per_period else [("", frame)]
        for period, pairs in groups:
            x = pairs["treated"].to_numpy(float)
            y = pairs["score"].to_numpy(float)
            if np.unique(x).size < 2:
                continue
            slope, intercept = np.polyfit(x, y, 1)
            if np.max(np.abs(slope * x + intercept - y)) <= 1e-6 * (1.0 + np.max(np.abs(y))):
                maps[(str(node), str(period))] = (float(slope), float(intercept))
    return maps


def map_to_raw(found: pd.DataFrame, scores: pd.DataFrame, public: Public) -> pd.DataFrame:
    """Technique c: recovered indicator scores -> treated values -> raw values."""
    maps = _affine_maps(scores, public)
    rows = []
    for r in found[found["cell"].isin(public.normalise.keys()) & (found["quantity"] == "score")].itertuples():
        per_period = public.normalise[r.cell].get("scope") == "per_period"
        fit = maps.get((r.cell, r.period if per_period else ""))
        if fit is None or fit[0] == 0:
            continue
        slope, intercept = fit
        low, high = sorted(((r.low - intercept) / slope, (r.high - intercept) / slope))
        technique = f"{r.technique}+minmax_map"
        rows.append(_recovery("scores", r.unit, r.period, r.cell, "treated", low, high, technique))
        treatment = public.treatment[r.cell]
        if treatment.get("outliers", "none") != "none":
            continue  # a winsorised or logged value cannot be undone from the score alone
        attribute = treatment.get("denominator", "")
        factor = 1.0
        if attribute:
            if r.unit not in public.units.index or attribute not in public.units.columns:
                continue
            factor = float(public.units.loc[r.unit, attribute]) / float(treatment["denominator_scale"])
        rows.append(
            _recovery("indicators", r.unit, r.period, r.cell, "value", low * factor, high * factor, technique)
        )
    return _frame(rows)


# ---- techniques d and e: parts against totals ------------------------------------------------------


def _parts_against_whole(
    rows: list[dict[str, Any]], table: str, parts: pd.DataFrame, whole: float, technique: str
) -> None:
    """Blank parts (rows unit, period, cell, value) of a whole: one blank is the whole minus the
    rest; several blanks each lie between 0 and what the rest leaves."""
    blank = parts[parts["value"].isna()]
    left = whole - parts["value"].sum()
    if blank.empty or left < -TOL * max(1.0, abs(whole)):
        return
    left = max(left, 0.0)
    for b in blank.itertuples():
        if len(blank) == 1:
            rows.append(_recovery(table, b.unit, b.period, b.cell, "value", left, left, technique))
        else:
            rows.append(_recovery(table, b.unit, b.period, b.cell, "value", 0.0, left, f"{technique}_range"))


def attack_areas(areas: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Technique d: each breakdown column of areas.csv against the unit's total in indicators.csv."""
    parsed = areas["unit"].str.extract(_AREA)
    frame = areas.assign(parent=parsed["parent"], column=parsed["column"], cell=areas["indicator"]).dropna(
        subset=["parent"]
    )
    totals = indicators.dropna(subset=["value"]).set_index(["unit", "period", "indicator"])["value"]
    rows: list[dict[str, Any]] = []
    for (parent, period, indicator, _), parts in frame.groupby(["parent", "period", "indicator", "column"]):
        whole = totals.get((parent, period, indicator))
        if whole is not None:
            _parts_against_whole(rows, "areas", parts, float(whole), "areas_total")
    return _frame(rows)


def attack_share_families(estimates: pd.DataFrame) -> pd.DataFrame:
    """Technique e: zrm.<x>.improved + same + worse = 1 in estimates.csv."""
    family = estimates["indicator"].str.extract(_FAMILY)["family"]
    frame = estimates.assign(family=family, cell=estimates["indicator"]).dropna(subset=["family"])
    rows: list[dict[str, Any]] = []
    for _, parts in frame.groupby(["unit", "period", "family"]):
        if len(parts) == 3:
            _parts_against_whole(rows, "estimates", parts, 1.0, "share_family")
    return _frame(rows)


# ---- the exports derived from the scores ------------------------------------------------------------


def attack_derived(
    scores: pd.DataFrame, koplopers: pd.DataFrame | None, trends: pd.DataFrame | None
) -> pd.DataFrame:
    """koplopers.csv and trends.csv against scores.csv: a score one shows that the other leaves blank."""
    blank = set(map(tuple, scores.loc[scores["score"].isna(), ["unit", "period", "node"]].to_numpy()))
    rows: list[dict[str, Any]] = []
    for k in [] if koplopers is None else koplopers.itertuples():
        if (k.unit, k.period, k.node) in blank and not pd.isna(k.score):
            rows.append(
                _recovery("scores", k.unit, k.period, k.node, "score", k.score, k.score, "koplopers_score")
            )
        if (
            (k.unit, k.baseline, k.node) in blank
            and not pd.isna(k.score)
            and not pd.isna(k.change_since_baseline)
        ):
            value = k.score - k.change_since_baseline
            rows.append(
                _recovery("scores", k.unit, k.baseline, k.node, "score", value, value, "koplopers_change")
            )
    for t in [] if trends is None else trends.dropna(subset=["slope", "intercept"]).itertuples():
        mine = scores[(scores["unit"] == t.unit) & (scores["node"] == t.node)]
        shown = mine[mine["score"].notna()]
        hidden = mine[mine["score"].isna()]
        if t.n != len(shown) + 1 or len(hidden) != 1 or not mine["period"].str.fullmatch(r"\d+").all():
            continue
        # An OLS line passes through the means: sum of y over the n periods = n a + b sum of t.
        periods = [*shown["period"].astype(float), float(hidden["period"].iloc[0])]
        value = t.n * t.intercept + t.slope * sum(periods) - shown["score"].sum()
        rows.append(
            _recovery("scores", t.unit, hidden["period"].iloc[0], t.node, "score", value, value, "trend_sum")
        )
    return _frame(rows)


def link_estimates(found: pd.DataFrame, indicators: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Recovered cells of indicators.csv copied to the estimates.csv rows they are: an estimate
    whose column (values and blanks over every unit and period) is an indicator's column."""

    def columns(table: pd.DataFrame) -> dict[tuple[Any, ...], list[str]]:
        by_signature: dict[tuple[Any, ...], list[str]] = {}
        for cell, rows in table.sort_values(["unit", "period"]).groupby("indicator"):
            signature = tuple(zip(rows["unit"], rows["period"], rows["value"].fillna(-1.0), strict=True))
            by_signature.setdefault(signature, []).append(str(cell))
        return by_signature

    same = {
        i: e for sig, ids in columns(indicators).items() for i in ids for e in columns(estimates).get(sig, [])
    }
    mine = found[(found["table"] == "indicators") & found["cell"].isin(same.keys())]
    return mine.assign(
        table="estimates", cell=mine["cell"].map(same), technique=mine["technique"] + "+linked"
    ).reset_index(drop=True)


def attack_audit(audit: pd.DataFrame) -> pd.DataFrame:
    """audit.csv: the old (raw) and new (treated) value of every treated cell, read as they stand."""
    rows = []
    for a in audit.itertuples():
        if not pd.isna(a.old_value):
            rows.append(
                _recovery(
                    "indicators", a.unit, a.period, a.indicator, "value", a.old_value, a.old_value, "audit"
                )
            )
        if not pd.isna(a.new_value):
            rows.append(
                _recovery(
                    "scores", a.unit, a.period, a.indicator, "treated", a.new_value, a.new_value, "audit"
                )
            )
    return _frame(rows)


# ---- everything at once, and the judgement ------------------------------------------------------


def attack_scores(
    scores: pd.DataFrame,
    public: Public,
    koplopers: pd.DataFrame | None = None,
    trends: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Techniques a to c (and the derived exports) on a scores table with a ``treated`` column."""
    found = pd.concat(
        [attack_derived(scores, koplopers, trends), attack_tree(scores, public)], ignore_index=True
    )
    return pd.concat([found, map_to_raw(found, scores, public)], ignore_index=True)


def attack_output(out: Path, public: Public) -> pd.DataFrame:
    """Every technique on every table of an output folder."""

    def table(name: str) -> pd.DataFrame | None:
        return read_table(out / name) if (out / name).is_file() else None

    scores, indicators, estimates, areas = (
        table(f"{n}.csv") for n in ("scores", "indicators", "estimates", "areas")
    )
    parts = (
        [] if scores is None else [attack_scores(scores, public, table("koplopers.csv"), table("trends.csv"))]
    )
    if areas is not None and indicators is not None:
        parts.append(attack_areas(areas, indicators))
    audit = table("audit.csv")
    if audit is not None:
        parts.append(attack_audit(audit))
    if estimates is not None:
        parts.append(attack_share_families(estimates))
        if indicators is not None:
            parts.append(link_estimates(pd.concat(parts, ignore_index=True), indicators, estimates))
    return pd.concat(parts, ignore_index=True)


def is_share(cell: str, public: Public | None = None) -> bool:
    """A proportion: by the tree's definition for an indicator, by the estimator's id otherwise."""
    if public is not None and cell in public.shares:
        return public.shares[cell]
    return bool(_SHARE.search(cell))


def disclosures(recovered: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The recoveries of suppressed cells within the protection level.

    ``truth`` has one row per suppressed cell: the KEY columns, ``true`` (its real value) and
    ``tolerance`` (the protection level in the cell's own unit). A recovery discloses the cell
    when the interval the attacker knows is narrower than the tolerance and lies within the
    tolerance of the true value (a point: |value - true| < tolerance).
    """
    merged = recovered.merge(truth, on=KEY)
    distance = np.maximum(np.maximum(merged["low"] - merged["true"], merged["true"] - merged["high"]), 0.0)
    # An interval exactly as wide as the protection level protects, whatever the last bit says.
    narrow = merged["high"] - merged["low"] < merged["tolerance"] * (1 - 1e-9)
    return merged[narrow & (distance < merged["tolerance"])]


def exact(recovered: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The recoveries that are the true value itself (a point, equal up to rounding)."""
    merged = recovered.merge(truth, on=KEY)
    close = np.abs(merged["value"] - merged["true"]) <= 1e-6 * np.maximum(1.0, np.abs(merged["true"]))
    return merged[(merged["low"] == merged["high"]) & close]
