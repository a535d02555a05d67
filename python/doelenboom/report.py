"""The HTML report of a monitoring run: one self-contained file that works offline.

:func:`write_report` writes a page per gemeente (the doelenboom as a heat map, the three pillars,
the indicator table, the change since the nulmeting, trends with forecasts, the comparison with
peers, the signals, the reach of its areas and groups, the residents' stories next to their
numbers and a form for the four duidingsvragen) and a koplopers page (the comparison table, rank
intervals, a note on case mix).
Styles, charts (inline SVG) and a small script (page navigation, the duiding form) are inside the
file; nothing is fetched. Dutch by default, English with ``language="en"``; every text from the
data is HTML-escaped. The layout and the duiding CSV are described in ``docs/report.md``.

The report only reads a :class:`~doelenboom.monitoring.MonitoringRun`.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from . import plots
from . import report_format as fmt
from .report_text import ACTION, DUIDING_QUESTIONS, PILLARS, TEXT

if TYPE_CHECKING:
    import pandas as pd

    from .monitoring import MonitoringRun

__all__ = ["DUIDING_COLUMNS", "render_report", "write_report"]

#: The columns of duiding.csv, as ``MonitoringRun.duiding`` documents them.
DUIDING_COLUMNS = ("unit", "period", "question", "answer", "who", "what", "when")
#: How many nodes (the top goals and their children) get a trend chart and a column on the koplopers page.
_HEADLINE_NODES = 4
_SEVERITY_ORDER = {"alert": 0, "warning": 1, "info": 2}


def _e(value: object) -> str:
    """Text from the data, escaped for HTML (quotes too, so it may stand in an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def _missing(x: object) -> bool:
    """True for None, NaN and pandas' NA; texts and numbers are not missing."""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, (int, str)):
        return False
    import pandas as pd

    return bool(pd.api.types.is_scalar(x) and pd.isna(x))


def _static(name: str) -> str:
    """A file of the report's styles or script, shipped inside the package."""
    return (resources.files("doelenboom") / "report_static" / name).read_text(encoding="utf-8")


def _slug(text: str, taken: set[str]) -> str:
    """An HTML id for a page, unique within the report."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "page"
    slug, i = base, 2
    while slug in taken:
        slug, i = f"{base}-{i}", i + 1
    taken.add(slug)
    return slug


def _json_for_script(data: object) -> str:
    """JSON that can stand inside a <script> element (no "</script>", "<!--")."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class _Report:
    """Renders one run in one language; the pieces are methods so each stays readable."""

    def __init__(self, run: MonitoringRun, language: str) -> None:
        self.run = run
        self.lang = fmt.check_language(language)
        self.t = TEXT[language]
        self.tree = run.tree
        self.result = run.result
        self.ids = list(self.result.nodes)
        self.leaves = set(self.tree.leaves())
        self.level = round(100 * float(self.result.confidence))
        self.z = NormalDist().inv_cdf(0.5 + float(self.result.confidence) / 2.0)
        core = self.result.core
        self._matrices = {
            "score": np.asarray(core.scores),
            "low": np.asarray(core.lower),
            "high": np.asarray(core.upper),
            "coverage": np.asarray(core.coverage),
            "rank": np.asarray(core.ranks()),
        }
        self._unit_row = {u: i * len(self.result.periods) for i, u in enumerate(self.result.units)}
        self._period_row = {p: i for i, p in enumerate(self.result.periods)}
        self._node_column = {n: i for i, n in enumerate(self.ids)}
        estimates = run.dataset.to_pandas()
        self.data = {
            (r["unit"], r["period"], r["indicator"]): r for r in estimates.to_dict("records")
        }
        self.definitions = {d.id: d for d in self.tree.indicators}
        self.koplopers = self._long(run.koplopers)
        self._koploper_rows = {(r["unit"], r["node"]): r for r in self.koplopers.to_dict("records")}
        roots = self.tree.roots()
        headline: list[str] = []
        for root in roots:
            headline.append(root)
            headline += [c for c in self.tree.children(root) if c not in self.leaves]
        self.headline = list(dict.fromkeys(headline))[:_HEADLINE_NODES]
        self.units = list(self.result.units)
        self._signal_anchors: dict[str, list[tuple[dict[str, Any], str]]] = {}
        self.page_ids: dict[str, str] = {}
        taken: set[str] = {"koplopers"}
        for unit in self.units:
            self.page_ids[unit] = _slug(unit, taken)

    # ---- helpers --------------------------------------------------------------------------

    @staticmethod
    def _long(frame: pd.DataFrame) -> pd.DataFrame:
        """The koploper table with unit and node as columns."""
        if "unit" in frame.columns:
            return frame
        return frame.reset_index()

    def name(self, unit: str) -> str:
        found = self.run.units.get(unit)
        return found.name if found is not None else unit

    def label(self, node: str) -> str:
        return str(self.tree.node(node)["label"]) if node in self.tree else node

    def score_row(self, unit: str, period: str, node: str) -> dict[str, float]:
        """score, low, high, coverage, rank of one cell (NaN when missing)."""
        try:
            row = self._unit_row[unit] + self._period_row[period]
            column = self._node_column[node]
        except KeyError:
            return dict.fromkeys(self._matrices, math.nan)
        return {k: float(m[row, column]) for k, m in self._matrices.items()}

    def estimate(self, unit: str, period: str, indicator: str) -> dict[str, Any] | None:
        return self.data.get((unit, period, indicator))

    def koploper(self, unit: str, node: str) -> dict[str, Any] | None:
        return self._koploper_rows.get((unit, node))

    def baseline_of(self, unit: str) -> str:
        for node in self.headline:
            row = self.koploper(unit, node)
            if row is not None and isinstance(row.get("baseline"), str) and row["baseline"]:
                return str(row["baseline"])
        return self.run.baseline

    def score_text(self, score: float, low: float, high: float) -> str:
        if _missing(score):
            return ""
        band = fmt.interval(low, high, "score", self.lang)
        return fmt.score(score, self.lang) + (f" [{band}]" if band else "")

    def stacked_score(self, row: dict[str, Any] | None) -> str:
        """A score with its interval on a second, smaller line (for wide tables)."""
        if row is None or _missing(row.get("score")):
            return self._no_score()
        band = fmt.interval(row["low"], row["high"], "score", self.lang)
        return f'<span class="v">{fmt.score(row["score"], self.lang)}</span>' + (f'<span class="sub line">{band}</span>' if band else "")

    def _with_interval(
        self, row: dict[str, Any] | None, keys: tuple[str, str, str], show: Callable[[Any, str], str], band: str
    ) -> str:
        """``row[value]`` as ``show`` writes it, followed by ``band`` (with ``{low}``, ``{high}`` and
        ``{dash}``) when both ends of its interval are known; empty without a value."""
        value, low, high = keys
        if row is None or _missing(row.get(value)):
            return ""
        text = show(row[value], self.lang)
        if not _missing(row.get(low)) and not _missing(row.get(high)):
            text += band.format(low=show(row[low], self.lang), high=show(row[high], self.lang), dash=fmt.DASH)
        return text

    def rank_text(self, row: dict[str, Any] | None) -> str:
        return self._with_interval(row, ("rank", "rank_low", "rank_high"), fmt.rank, " ({low}{dash}{high})")

    def change_text(self, row: dict[str, Any] | None) -> str:
        keys = ("change_since_baseline", "change_low", "change_high")
        return self._with_interval(row, keys, fmt.signed, " [{low} {dash} {high}]")

    def noise_text(self, row: dict[str, Any] | None) -> str:
        if row is None:
            return ""
        flag = row.get("change_beyond_noise")
        if _missing(flag):
            return self.t["unknown"]
        return self.t["yes"] if bool(flag) else self.t["no"]

    def peers_of(self, unit: str) -> list[str] | None:
        """The peers of a unit among the run's units, when the comparison says how they were chosen."""
        setting = self.run.koplopers.attrs.get("peers")
        if isinstance(setting, (list, tuple)):
            return [u for u in setting if u != unit]
        if isinstance(setting, str):
            me = self.run.units.get(unit)
            if me is None:
                return None
            mine = me.attribute(setting)
            if mine is None or mine == "":
                return []
            out = []
            for other in self.units:
                found = self.run.units.get(other)
                if other != unit and found is not None and found.attribute(setting) == mine:
                    out.append(other)
            return out
        return None

    def peers_definition(self) -> str:
        """How the peers were chosen, in words: per size class (each gemeente its own group) or per
        another unit attribute, when the run names the attribute; else the run's description."""
        t, peers = self.t, self.run.peers
        attribute = self.run.koplopers.attrs.get("peers")
        if isinstance(attribute, str) and attribute == peers:
            if attribute == "size_class":
                return str(t["peers_size_class"])
            return str(t["peers_attribute"].format(attribute=_e(attribute)))
        return str(t["peers_used"].format(peers=_e(peers)))

    def svg(self, fig: Any, prefix: str) -> str:
        return plots.figure_to_svg(fig, id_prefix=prefix)

    def fictitious(self) -> str:
        if not self.run.fictitious:
            return ""
        return f'<p class="fictitious" role="note"><strong>{self.t["fictitious"]}</strong> {self.t["fictitious_note"]}</p>'

    # ---- the document ---------------------------------------------------------------------

    def render(self) -> str:
        from . import __version__

        t = self.t
        title = _e(self.run.name)
        meta = (
            f'{t["period"]}: {_e(self.run.period)} &middot; {t["baseline"]}: {_e(self.run.baseline)} &middot; '
            f'{t["made_by"].format(version=_e(__version__))}'
        )
        nav = [f'<li><a href="#koplopers">{t["koplopers"]}</a></li>']
        nav += [f'<li><a href="#{self.page_ids[u]}">{_e(self.name(u))}</a></li>' for u in self.units]
        pages = [self.koplopers_page()] + [self.unit_page(u) for u in self.units]
        config = {
            "removeAction": t["remove_action"],
            "saved": t["saved"],
            "columns": list(DUIDING_COLUMNS),
            "keep": self.kept_duiding(),
        }
        fict = f'<span class="fictitious-badge">{t["fictitious"]}</span>' if self.run.fictitious else ""
        return "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{self.lang}">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{title}</title>",
                f"<style>\n{_static('report.css')}</style>",
                "</head>",
                '<body class="no-js">',
                '<header class="report-header">',
                f"<h1>{title} {fict}</h1>",
                f'<p class="meta">{meta}</p>',
                f'<nav aria-label="{t["contents"]}"><ul>{"".join(nav)}</ul></nav>',
                f'<noscript><p class="note">{t["no_js"]}</p></noscript>',
                "</header>",
                "<main>",
                *pages,
                "</main>",
                f'<script type="application/json" id="report-config">{_json_for_script(config)}</script>',
                f"<script>\n{_static('report.js')}</script>",
                "</body>",
                "</html>",
            ]
        )

    # ---- koplopers page -------------------------------------------------------------------

    def koplopers_page(self) -> str:
        t, lang = self.t, self.lang
        period = self.run.period
        nodes = [n for n in self.headline if not self.koplopers[self.koplopers["node"] == n].empty]
        head = f'<th scope="col">{t["gemeente"]}</th><th scope="col">{t["size_class"]}</th>'
        for node in nodes:
            head += f'<th scope="col">{_e(self.label(node))}<br><span class="sub">{t["score"]} [{t["interval"].lower()}]</span></th>'
            head += f'<th scope="col">{t["rank"]}<br><span class="sub">({t["interval"].lower()})</span></th>'
        if nodes:
            head += f'<th scope="col">{t["change"]} {_e(self.label(nodes[0]))}<br><span class="sub">{t["baseline"].lower()}</span></th>'
        order = list(self.units)
        if nodes:
            first = {u: self.koploper(u, nodes[0]) for u in order}

            def key(u: str) -> tuple[float, str]:
                row = first[u]
                rank = row["rank"] if row is not None and not _missing(row["rank"]) else math.inf
                return (rank, self.name(u))

            order.sort(key=key)
        body = []
        for unit in order:
            found = self.run.units.get(unit)
            size = _e(fmt.no_break(found.size_class)) if found is not None else ""
            cells = [f'<th scope="row"><a href="#{self.page_ids[unit]}">{_e(self.name(unit))}</a></th>', f"<td>{size}</td>"]
            for node in nodes:
                row = self.koploper(unit, node)
                cells.append(f'<td class="num">{self.stacked_score(row)}</td>')
                cells.append(f'<td class="num">{self.rank_text(row)}</td>')
            if nodes:
                cells.append(f'<td class="num">{self.change_text(self.koploper(unit, nodes[0]))}</td>')
            body.append(f'<tr data-unit="{_e(unit)}">{"".join(cells)}</tr>')
        chart = ""
        if nodes:
            try:
                ax = plots.rank_intervals(
                    self.koplopers, nodes[0], labels={u: self.name(u) for u in self.units}, language=lang
                )
            except KeyError:
                ax = None
            if ax is not None:
                chart = (
                    f'<figure class="chart rank-chart"><figcaption>{t["rank_chart"].format(node=_e(self.label(nodes[0])))}</figcaption>'
                    f"{self.svg(ax.figure, 'koplopers-rank-')}</figure>"
                )
        peers = f'<p class="peers-definition">{self.peers_definition()}</p>' if self.run.peers else ""
        return "\n".join(
            [
                '<section class="page koplopers-page" id="koplopers" data-page="koplopers">',
                self.fictitious(),
                f'<h2>{t["koplopers_title"].format(period=_e(period))}</h2>',
                f'<p>{t["koplopers_intro"].format(level=self.level)}</p>',
                f'<aside class="case-mix"><h3>{t["case_mix_title"]}</h3><p>{t["case_mix"]}</p></aside>',
                peers,
                '<div class="table-wrap"><table class="koploper-table">',
                f"<thead><tr>{head}</tr></thead>",
                f'<tbody>{"".join(body)}</tbody>',
                "</table></div>",
                chart,
                "</section>",
            ]
        )

    def _no_score(self) -> str:
        return f'<span class="missing">{self.t["no_score"]}</span>'

    # ---- gemeente page --------------------------------------------------------------------

    def unit_page(self, unit: str) -> str:
        t = self.t
        found = self.run.units.get(unit)
        facts = [_e(unit)]
        if found is not None:
            if found.province:
                facts.append(f'{t["province"]} {_e(found.province)}')
            if not _missing(found.population):
                facts.append(f'{t["population"]} {fmt.number(found.population, 0, self.lang)}')
            if found.size_class:
                facts.append(f'{t["size_class"]} {_e(fmt.no_break(found.size_class))}')
        parts = [
            f'<section class="page unit-page" id="{self.page_ids[unit]}" data-unit="{_e(unit)}">',
            self.fictitious(),
            f'<h2>{_e(self.name(unit))}</h2>',
            f'<p class="facts">{" &middot; ".join(facts)}</p>',
            self.summary(unit),
            self.tree_section(unit),
            self.pillars_section(unit),
            self.indicator_section(unit),
            self.change_section(unit),
            self.trend_section(unit),
            self.peers_section(unit),
            self.signals_section(unit),
            self.areas_section(unit),
            self.stories_section(unit),
            self.duiding_section(unit),
            "</section>",
        ]
        return "\n".join(p for p in parts if p)

    def summary(self, unit: str) -> str:
        t = self.t
        lines = []
        for node in self.tree.roots():
            cell = self.score_row(unit, self.run.period, node)
            if _missing(cell["score"]):
                continue
            interval = fmt.interval(cell["low"], cell["high"], "score", self.lang) or self.t["unknown"]
            text = t["summary"].format(
                node=_e(self.label(node)), score=fmt.score(cell["score"], self.lang), interval=interval, period=_e(self.run.period)
            )
            row = self.koploper(unit, node)
            if row is not None and not _missing(row.get("rank")):
                count = int((self.koplopers["node"] == node).sum())
                rank_interval = f"{fmt.rank(row['rank_low'], self.lang)}{fmt.DASH}{fmt.rank(row['rank_high'], self.lang)}"
                text += " " + t["summary_rank"].format(rank=fmt.rank(row["rank"], self.lang), count=count, rank_interval=rank_interval)
            change = self.change_text(row)
            if change:
                text += " " + t["summary_change"].format(baseline=_e(self.baseline_of(unit)), change=change)
            lines.append(f"<p>{text}</p>")
        return f'<div class="summary">{"".join(lines)}</div>' if lines else ""

    def tree_section(self, unit: str) -> str:
        t = self.t
        ax = plots.tree_heatmap(self.result, unit, self.run.period, dataset=self.run.dataset, language=self.lang)
        svg = self.svg(ax.figure, f"{self.page_ids[unit]}-tree-")
        return (
            f'<section class="block tree-block"><h3>{t["tree_title"].format(period=_e(self.run.period))}</h3>'
            f'<figure class="tree" data-nodes="{len(self.ids)}">{svg}'
            f'<figcaption>{t["tree_caption"].format(level=self.level)}</figcaption></figure></section>'
        )

    def indicator_cells(self, unit: str, indicator: str) -> dict[str, str]:
        """The formatted numbers of one indicator of one unit in the report period."""
        t, lang = self.t, self.lang
        definition = self.definitions.get(indicator)
        measure = definition.measure if definition is not None else ""
        shown = definition.unit if definition is not None and definition.unit and measure != "proportion" else ""
        row = self.estimate(unit, self.run.period, indicator)
        cell = self.score_row(unit, self.run.period, indicator)
        out = {"value": "", "n": "", "interval": "", "approximate": "", "score": "", "score_interval": "", "state": "ok"}
        if row is None:
            out["state"] = "missing"
            out["value"] = f'<span class="missing">{t["no_data"]}</span>'
        elif bool(row["suppressed"]):
            out["state"] = "suppressed"
            out["value"] = self.suppressed_text()
        else:
            out["value"] = fmt.value(row["value"], measure, lang) + (f" {_e(shown)}" if shown else "")
            out["n"] = fmt.number(row["n"], 0, lang)
            low, high = row["ci_low"], row["ci_high"]
            if (_missing(low) or _missing(high)) and not _missing(row["se"]) and not _missing(row["value"]):
                # Only a standard error: the normal interval value ± z·se (docs/report.md).
                low, high = row["value"] - self.z * row["se"], row["value"] + self.z * row["se"]
                out["approximate"] = "1"
            out["interval"] = fmt.interval(low, high, "value", lang, measure)
            if out["interval"] and out["approximate"]:
                out["interval"] = "\u2248 " + out["interval"]
        if not _missing(cell["score"]):
            out["score"] = fmt.score(cell["score"], lang)
            out["score_interval"] = fmt.interval(cell["low"], cell["high"], "score", lang)
        return out

    def suppressed_text(self) -> str:
        """What a suppressed cell shows instead of its numbers: "onderdrukt (n < 10)" with the run's threshold."""
        threshold = fmt.number(self.run.dataset.suppression_threshold, 0, self.lang, grouping=False)
        return f'<span class="suppressed">{_e(self.t["suppressed_n"].format(threshold=threshold))}</span>'

    def pillar_of(self, indicator: str) -> str:
        definition = self.definitions.get(indicator)
        return definition.pillar if definition is not None and definition.pillar in PILLARS else "other"

    def pillars_section(self, unit: str) -> str:
        t = self.t
        indicators = [n for n in self.ids if n in self.leaves]
        groups: dict[str, list[str]] = {p: [] for p in (*PILLARS, "other")}
        for indicator in indicators:
            groups[self.pillar_of(indicator)].append(indicator)
        cards = []
        for pillar, members in groups.items():
            if not members:
                continue
            kinds = sorted({self.definitions[m].kind for m in members if m in self.definitions and self.definitions[m].kind})
            kind_text = ", ".join(t[k] if k in t else _e(k) for k in kinds)
            items = []
            for indicator in members:
                cells = self.indicator_cells(unit, indicator)
                cell = self.score_row(unit, self.run.period, indicator)
                bar = ""
                if not _missing(cell["score"]):
                    width = max(0.0, min(100.0, float(cell["score"])))
                    bar = f'<span class="bar" aria-hidden="true"><span style="width:{width:.1f}%"></span></span>'
                numbers = cells["value"]
                if cells["n"]:
                    numbers += f' <span class="sub">n = {cells["n"]}</span>'
                if cells["interval"]:
                    numbers += f' <span class="sub">[{cells["interval"]}]</span>'
                items.append(
                    f'<li data-indicator="{_e(indicator)}" class="{cells["state"]}"><span class="ind-label">{_e(self.label(indicator))}</span>'
                    f'<span class="ind-value">{numbers}</span>{bar}</li>'
                )
            title = t[f"pillar_{pillar}"]
            kind = f' <span class="kind">{kind_text}</span>' if kind_text else ""
            cards.append(f'<div class="pillar" data-pillar="{pillar}"><h4>{title}{kind}</h4><ul>{"".join(items)}</ul></div>')
        return f'<section class="block pillars-block"><h3>{t["pillars_title"]}</h3><div class="pillars">{"".join(cards)}</div></section>'

    def indicator_section(self, unit: str) -> str:
        t = self.t
        baseline = self.baseline_of(unit)
        head = "".join(
            f'<th scope="col">{h}</th>'
            for h in (
                t["indicator"],
                t["pillar"],
                t["value"],
                t["n"],
                f'{t["interval"]} ({self.level}%)',
                t["score"],
                t["score_interval"],
                t["at_baseline"].format(baseline=_e(baseline)),
                t["change_score"],
            )
        )
        rows = []
        for indicator in (n for n in self.ids if n in self.leaves):
            cells = self.indicator_cells(unit, indicator)
            definition = self.definitions.get(indicator)
            measure = definition.measure if definition is not None else ""
            pillar = self.pillar_of(indicator)
            then = self.estimate(unit, baseline, indicator)
            if then is None:
                then_text = ""
            elif bool(then["suppressed"]):
                then_text = f'<span class="suppressed">{t["suppressed"]}</span>'
            else:
                then_text = fmt.value(then["value"], measure, self.lang)
            change = self.change_text(self.koploper(unit, indicator))
            label = f'<th scope="row">{_e(self.label(indicator))}</th><td>{t[f"pillar_{pillar}"]}</td>'
            if cells["state"] == "ok":
                numbers = (
                    f'<td class="num">{cells["value"]}</td><td class="num">{cells["n"]}</td>'
                    f'<td class="num">{cells["interval"]}</td>'
                )
            else:
                numbers = f'<td colspan="3" class="{cells["state"]}">{cells["value"]}</td>'
            score = (
                f'<td class="num">{cells["score"] or self._no_score()}</td><td class="num">{cells["score_interval"]}</td>'
                f'<td class="num">{then_text}</td><td class="num">{change}</td>'
            )
            rows.append(f'<tr data-indicator="{_e(indicator)}" class="{cells["state"]}">{label}{numbers}{score}</tr>')
        return (
            f'<section class="block indicators-block"><h3>{t["indicators_title"].format(period=_e(self.run.period))}</h3>'
            f'<div class="table-wrap"><table class="indicator-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
            f'<p class="note">{t["interval_note"].format(z=fmt.number(self.z, 2, self.lang))}</p></section>'
        )

    def change_section(self, unit: str) -> str:
        t = self.t
        baseline = self.baseline_of(unit)
        rows = []
        for node in (n for n in self.ids if n not in self.leaves):
            row = self.koploper(unit, node)
            if row is None:
                continue
            then = self.score_row(unit, baseline, node)
            now = self.score_row(unit, self.run.period, node)
            rows.append(
                f'<tr data-node="{_e(node)}"><th scope="row">{_e(self.label(node))}</th>'
                f'<td class="num">{fmt.score(then["score"], self.lang)}</td>'
                f'<td class="num">{fmt.score(now["score"], self.lang)}</td>'
                f'<td class="num">{self.change_text(row)}</td><td>{self.noise_text(row)}</td></tr>'
            )
        if not rows:
            return ""
        head = "".join(
            f'<th scope="col">{h}</th>'
            for h in (t["goal"], f'{t["baseline"]} ({_e(baseline)})', _e(self.run.period), t["change"], t["beyond_noise"])
        )
        return (
            f'<section class="block change-block"><h3>{t["change_title"].format(baseline=_e(baseline))}</h3>'
            f'<p>{t["change_intro"].format(period=_e(self.run.period), level=self.level)}</p>'
            f'<div class="table-wrap"><table class="change-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>'
        )

    def trend_section(self, unit: str) -> str:
        t, lang = self.t, self.lang
        nodes = self.headline
        if not nodes:
            return ""
        from matplotlib.figure import Figure

        columns = 2 if len(nodes) > 1 else 1
        rows = math.ceil(len(nodes) / columns)
        fig = Figure(figsize=(4.2 * columns, 2.7 * rows))
        axes = fig.subplots(rows, columns, squeeze=False)
        forecasts = self.run.forecasts
        lines = []
        bands: set[str] = set()
        for i, node in enumerate(nodes):
            ax = axes[i // columns][i % columns]
            future = None
            if {"unit", "node"} <= set(forecasts.columns):
                chosen = forecasts[(forecasts["unit"] == unit) & (forecasts["node"] == node)]
                if not chosen.empty:
                    future = chosen
            band = plots.forecast_band(future)
            if band is not None:
                bands.add(band)
            plots.trend_chart(
                self.result, unit, node, forecast=future, trend=self._trend_line(unit, node), ax=ax, language=lang, legend=False
            )
            lines.append(self._trend_sentence(unit, node))
        for j in range(len(nodes), rows * columns):
            axes[j // columns][j % columns].set_axis_off()
        # One legend for all charts, below them; fixed margins (tight_layout is slow).
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncols=len(names), fontsize=8, frameon=False)
        fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.3 / fig.get_figheight(), bottom=0.75 / fig.get_figheight(), hspace=0.45, wspace=0.18)
        svg = self.svg(fig, f"{self.page_ids[unit]}-trend-")
        sentences = "".join(f"<li>{s}</li>" for s in lines if s)
        caption = t["trends_caption"]
        if bands == {"holt"}:
            caption += " " + t["band_holt"].format(level=self.level)
        elif bands == {"trend"}:
            caption += " " + t["band_trend"].format(level=self.level)
        elif bands:
            caption += " " + t["band_mixed"].format(level=self.level)
        return (
            f'<section class="block trends-block"><h3>{t["trends_title"]}</h3><figure class="chart trend-chart">{svg}'
            f'<figcaption>{caption}</figcaption></figure><ul class="trend-lines">{sentences}</ul></section>'
        )

    def _trend_row(self, unit: str, node: str) -> dict[str, Any] | None:
        trends = self.run.trends
        if not {"unit", "node", "slope"} <= set(trends.columns):
            return None
        rows = trends[(trends["unit"] == unit) & (trends["node"] == node)]
        return None if rows.empty else dict(rows.iloc[0])

    def _trend_line(self, unit: str, node: str) -> pd.DataFrame | None:
        """The fitted trend over the observed periods, from the slope in run.trends (the OLS line
        passes through the mean period and mean score, which gives the intercept when the table
        has none)."""
        import pandas as pd

        from ._core.data import Period

        row = self._trend_row(unit, node)
        if row is None or _missing(row.get("slope")):
            return None
        periods = list(self.result.periods)
        x = np.array([float(Period(p).ordinal()) for p in periods])
        y = np.array([self.score_row(unit, p, node)["score"] for p in periods])
        ok = np.isfinite(y)
        if not ok.any():
            return None
        slope = float(row["slope"])
        given: Any = row.get("intercept")
        intercept = float(np.mean(y[ok]) - slope * np.mean(x[ok])) if _missing(given) else float(given)
        shown = np.flatnonzero(ok)
        span = slice(int(shown[0]), int(shown[-1]) + 1)
        return pd.DataFrame(
            {"trend": float(intercept) + slope * x[span]}, index=pd.Index(periods[span], name="period")
        )

    def _trend_sentence(self, unit: str, node: str) -> str:
        t, lang = self.t, self.lang
        row = self._trend_row(unit, node)
        if row is None:
            return ""
        if _missing(row.get("slope")):
            return t["trend_none"].format(node=_e(self.label(node)))
        interval = f"{fmt.signed(row.get('slope_low'), lang, 2)} {fmt.DASH} {fmt.signed(row.get('slope_high'), lang, 2)}"
        n = fmt.number(row.get("n"), 0, lang) if not _missing(row.get("n")) else ""
        return t["trend_slope"].format(node=_e(self.label(node)), slope=fmt.signed(row["slope"], lang, 2), interval=interval, n=n)

    def peers_section(self, unit: str) -> str:
        t, lang = self.t, self.lang
        peers = self.peers_of(unit)
        if peers is None:
            first = self.koploper(unit, self.headline[0]) if self.headline else None
            which = _e(first["peers"]) if first is not None and first.get("peers") else ""
        else:
            which = ", ".join(_e(self.name(p)) for p in peers)
        intro = t["peers_which"].format(peers=which) if which else t["peers_none"]
        rows = []
        for node in (n for n in self.ids if n not in self.leaves):
            row = self.koploper(unit, node)
            if row is None:
                continue
            rows.append(
                f'<tr data-node="{_e(node)}"><th scope="row">{_e(self.label(node))}</th>'
                f'<td class="num">{self.score_text(row["score"], row["low"], row["high"]) or self._no_score()}</td>'
                f'<td class="num">{fmt.score(row["peer_mean"], lang)}</td>'
                f'<td class="num">{fmt.score(row["peer_median"], lang)}</td>'
                f'<td class="num">{fmt.signed(row["difference_from_peers"], lang)}</td>'
                f'<td class="num">{fmt.score(row["national"], lang)}</td>'
                f'<td class="num">{self.rank_text(row)}</td></tr>'
            )
        head = "".join(
            f'<th scope="col">{h}</th>'
            for h in (t["goal"], f'{t["score"]} [{t["interval"].lower()}]', t["peer_mean"], t["peer_median"], t["difference_peers"], t["national"], f'{t["rank"]} ({t["interval"].lower()})')
        )
        chart = ""
        if self.headline:
            try:
                ax = plots.rank_intervals(
                    self.koplopers, self.headline[0], labels={u: self.name(u) for u in self.units}, highlight=unit, language=lang
                )
                chart = (
                    f'<figure class="chart rank-chart"><figcaption>{t["rank_chart"].format(node=_e(self.label(self.headline[0])))}</figcaption>'
                    f'{self.svg(ax.figure, f"{self.page_ids[unit]}-rank-")}</figure>'
                )
            except KeyError:
                chart = ""
        table = (
            f'<div class="table-wrap"><table class="peer-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            if rows
            else ""
        )
        return (
            f'<section class="block peers-block"><h3>{t["peers_title"]}</h3><p class="peers">{intro}</p>'
            f"{table}{chart}</section>"
        )

    def signal_anchors(self, unit: str) -> list[tuple[dict[str, Any], str]]:
        """The signals of a unit, newest first and alerts first, each with the HTML id of its item
        (``<page>-signal-<i>``), so other sections can link to it."""
        if unit not in self._signal_anchors:
            signals = self.run.signals
            rows = signals[signals["unit"] == unit] if "unit" in signals.columns else signals.iloc[0:0]
            records = rows.to_dict("records")
            records.sort(key=lambda r: (-_period_key(r["period"]), _SEVERITY_ORDER.get(str(r["severity"]), 3), str(r["node"])))
            page = self.page_ids[unit]
            self._signal_anchors[unit] = [(r, f"{page}-signal-{i}") for i, r in enumerate(records, start=1)]
        return self._signal_anchors[unit]

    def signals_section(self, unit: str) -> str:
        t = self.t
        signals = self.run.signals
        column = f"message_{self.lang}" if f"message_{self.lang}" in signals.columns else "message"
        records = self.signal_anchors(unit)
        now = [self._signal_item(r, column, anchor) for r, anchor in records if str(r["period"]) == self.run.period]
        earlier = [self._signal_item(r, column, anchor) for r, anchor in records if str(r["period"]) != self.run.period]
        body = f'<ul class="signals">{"".join(now)}</ul>' if now else f'<p>{t["signals_none"].format(period=_e(self.run.period))}</p>'
        if earlier:
            body += (
                f'<details class="earlier-signals"><summary>{t["signals_earlier"].format(count=len(earlier))}</summary>'
                f'<ul class="signals">{"".join(earlier)}</ul></details>'
            )
        return f'<section class="block signals-block"><h3>{t["signals_title"]}</h3>{body}</section>'

    def _signal_item(self, r: dict[str, Any], column: str, anchor: str) -> str:
        severity = str(r["severity"])
        node = str(r["node"]) if isinstance(r.get("node"), str) else ""
        where = f"{_e(r['period'])}" + (f" &middot; {_e(self.label(node))}" if node else "")
        area = r.get("area")
        if isinstance(area, str) and area:
            where += f" &middot; {_e(area)}"  # a kern, wijk or group inside the gemeente
        return (
            f'<li class="signal severity-{_e(severity)}" id="{_e(anchor)}" data-rule="{_e(r["rule"])}">'
            f'<span class="badge">{_e(self.t.get("severity_" + severity, severity))}</span> '
            f'<span class="where">{where}</span> <span class="message">{_e(r.get(column, ""))}</span></li>'
        )

    def areas_section(self, unit: str) -> str:
        """The reach of the unit's areas and groups (``run.areas``): a row per area or group (and
        indicator), a column per period; the report-period cells of areas with a signal are marked
        and link to it. Empty when the unit has no such rows."""
        t = self.t
        areas = self.run.areas
        if areas.empty or "unit" not in areas.columns:
            return ""
        records = areas[areas["unit"].astype(str) == unit].to_dict("records")
        if not records:
            return ""
        cells = {(str(r["area"]), str(r["indicator"]), str(r["period"])): r for r in records}
        indicators = list(dict.fromkeys(str(r["indicator"]) for r in records))
        marks: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for r, anchor in self.signal_anchors(unit):
            area = r.get("area")
            if isinstance(area, str) and area and str(r["period"]) == self.run.period:
                marks.setdefault(area, []).append((r, anchor))
        # An area with a signal but without rows still gets its row: nothing is left out.
        names = list(dict.fromkeys([str(r["area"]) for r in records] + list(marks)))
        kinds = list(dict.fromkeys(_area_kind(a)[0] for a in names))
        names.sort(key=lambda a: (kinds.index(_area_kind(a)[0]), _area_kind(a)[1].casefold(), a))
        periods = {str(r["period"]) for r in records} | ({self.run.period} if marks else set())
        columns = sorted(periods, key=lambda p: (_period_key(p), p))
        several = len(indicators) > 1
        head = f'<th scope="col">{t["area"]}</th>' + (f'<th scope="col">{t["indicator"]}</th>' if several else "")
        head += "".join(f'<th scope="col">{_e(p)}</th>' for p in columns)
        groups = []
        for area in names:
            kind, value = _area_kind(area)
            title = (f'<span class="kind">{_e(kind)}</span> ' if kind else "") + _e(value)
            rows = []
            for i, indicator in enumerate(indicators):
                first = i == 0
                # a signal on another node than the indicators shown marks the area's first row
                signals = [
                    (r, a) for r, a in marks.get(area, [])
                    if str(r.get("node") or "") == indicator or (first and str(r.get("node") or "") not in indicators)
                ]
                label = ""
                if first:
                    span = f' rowspan="{len(indicators)}"' if several else ""
                    label = f'<th scope="{"rowgroup" if several else "row"}"{span}>{title}</th>'
                if several:
                    label += f"<td>{_e(self.label(indicator))}</td>"
                numbers = "".join(
                    self._area_cell(cells.get((area, indicator, p)), indicator, signals if p == self.run.period else [])
                    for p in columns
                )
                rows.append(f'<tr data-area="{_e(area)}" data-indicator="{_e(indicator)}">{label}{numbers}</tr>')
            groups.append(f'<tbody data-area="{_e(area)}">{"".join(rows)}</tbody>')
        described = "; ".join(self._indicator_words(i) for i in indicators)
        intro = t["areas_intro"].format(indicators=described, period=_e(self.run.period))
        return (
            f'<section class="block areas-block"><h3>{t["areas_title"]}</h3><p>{intro}</p>'
            f'<div class="table-wrap"><table class="area-table"><thead><tr>{head}</tr></thead>{"".join(groups)}</table></div></section>'
        )

    def _indicator_words(self, indicator: str) -> str:
        """An indicator's label with its unit, escaped: "Aantal cliënten ... (cliënten)"."""
        definition = self.definitions.get(indicator)
        shown = definition.unit if definition is not None and definition.unit and definition.measure != "proportion" else ""
        return _e(self.label(indicator)) + (f" ({_e(shown)})" if shown else "")

    def _area_cell(self, row: dict[str, Any] | None, indicator: str, signals: list[tuple[dict[str, Any], str]]) -> str:
        """One period of one area: the value with n below it, the suppressed text (never a number)
        or "no data"; marked like a signal and linked to it when ``signals`` are given."""
        t, lang = self.t, self.lang
        definition = self.definitions.get(indicator)
        measure = definition.measure if definition is not None else ""
        if row is not None and bool(row["suppressed"]):
            css, content = "suppressed", self.suppressed_text()
        elif row is None or _missing(row.get("value")):
            css = "missing"
            content = f'<span class="missing">{t["no_data"]}</span>'
        else:
            css = "num"
            content = f'<span class="v">{fmt.value(row["value"], measure, lang)}</span>'
            if not _missing(row.get("n")):
                content += f'<span class="sub line">n = {fmt.number(row["n"], 0, lang)}</span>'
        if signals:
            worst = min((str(r["severity"]) for r, _ in signals), key=lambda s: _SEVERITY_ORDER.get(s, 3))
            css += f" signal severity-{_e(worst)}"
            content += "".join(
                f'<a class="badge severity-{_e(r["severity"])}" href="#{_e(anchor)}">'
                f'{_e(t.get("severity_" + str(r["severity"]), str(r["severity"])))}</a>'
                for r, anchor in signals
            )
        return f'<td class="{css}">{content}</td>'

    def stories_section(self, unit: str) -> str:
        t, lang = self.t, self.lang
        stories = self.run.stories
        rows = stories[stories["unit"] == unit] if "unit" in stories.columns else stories.iloc[0:0]
        if rows.empty:
            return f'<section class="block stories-block"><h3>{t["stories_title"]}</h3><p>{t["stories_none"]}</p></section>'
        cards = []
        for r in rows.to_dict("records"):
            node = r.get("node") if isinstance(r.get("node"), str) and r.get("node") in self.tree else ""
            period = str(r.get("period", "") or "")
            numbers = f'<div class="numbers"><p class="node">{t["stories_general"]}</p></div>'
            if node:
                when = period if period in self.result.periods else self.run.period
                cell = self.score_row(unit, when, node)
                lines = [f'<p class="node">{_e(self.label(node))}</p>']
                if _missing(cell["score"]):
                    lines.append(f'<p class="big">{self._no_score()}</p>')
                else:
                    lines.append(f'<p class="big">{fmt.score(cell["score"], lang)}</p>')
                    band = fmt.interval(cell["low"], cell["high"], "score", lang)
                    if band:
                        lines.append(f'<p class="sub">{t["interval"]} {band}</p>')
                if node in self.leaves:
                    cells = self.indicator_cells(unit, node) if when == self.run.period else None
                    if cells is not None and cells["state"] == "ok":
                        lines.append(f'<p class="sub">{t["value"]} {cells["value"]}, n = {cells["n"]}</p>')
                change = self.change_text(self.koploper(unit, node))
                if change and when == self.run.period:
                    lines.append(f'<p class="sub">{t["change"]} {change}</p>')
                lines.append(f'<p class="sub">{_e(when)}</p>')
                numbers = f'<div class="numbers">{"".join(lines)}</div>'
            title = f'<h4>{_e(r.get("title", ""))}</h4>' if r.get("title") else ""
            text = "".join(f"<p>{_e(p)}</p>" for p in str(r.get("text", "")).split("\n\n") if p.strip())
            cards.append(
                f'<article class="story" data-node="{_e(node)}">{numbers}<blockquote>{title}{text}'
                f'<footer>{_e(period)}</footer></blockquote></article>'
            )
        return (
            f'<section class="block stories-block"><h3>{t["stories_title"]}</h3><p>{t["stories_intro"]}</p>'
            f'{"".join(cards)}</section>'
        )

    # ---- duiding ---------------------------------------------------------------------------

    def duiding_rows(self, unit: str, period: str) -> pd.DataFrame:
        d = self.run.duiding
        if d.empty or not {"unit", "period", "question"} <= set(d.columns):
            return d.iloc[0:0]
        return d[(d["unit"].astype(str) == unit) & (d["period"].astype(str) == period)]

    def kept_duiding(self) -> list[dict[str, str]]:
        """Rows of run.duiding that no form on the page shows (other units or periods): the
        saved file keeps them, so saving never loses an earlier answer."""
        d = self.run.duiding
        if d.empty:
            return []
        shown = {(u, self.run.period) for u in self.units}
        out = []
        for r in d.to_dict("records"):
            if (str(r.get("unit")), str(r.get("period"))) in shown:
                continue
            out.append({c: "" if _missing(r.get(c)) else str(r.get(c)) for c in DUIDING_COLUMNS})
        return out

    def duiding_section(self, unit: str) -> str:
        t = self.t
        period = self.run.period
        rows = self.duiding_rows(unit, period)
        answers: dict[str, list[str]] = {q: [] for q in DUIDING_QUESTIONS}
        actions: list[dict[str, str]] = []
        for r in rows.to_dict("records"):
            question = str(r.get("question", ""))
            if question in answers and not _missing(r.get("answer")) and str(r["answer"]).strip():
                answers[question].append(str(r["answer"]))
            elif question == ACTION:
                actions.append({c: "" if _missing(r.get(c)) else str(r.get(c)) for c in ("who", "what", "when")})
        page = self.page_ids[unit]
        fields = []
        for q in DUIDING_QUESTIONS:
            field_id = f"{page}-{q}"
            fields.append(
                f'<div class="question"><label for="{field_id}"><strong>{t["q_" + q]}</strong> '
                f'<span class="help">{t["q_" + q + "_help"]}</span></label>'
                f'<textarea id="{field_id}" name="{q}" rows="3">{_e(chr(10).join(answers[q]) if len(answers[q]) < 2 else (chr(10) * 2).join(answers[q]))}</textarea></div>'
            )
        action_rows = "".join(self._action_row(a) for a in actions)
        directory = self.run.data_dir
        intro = (
            t["duiding_intro"].format(data_dir=f"<code>{_e(os.fspath(directory))}</code>")
            if directory is not None
            else t["duiding_intro_nodir"]
        )
        return (
            f'<section class="block duiding-block"><h3>{t["duiding_title"]}</h3><p>{intro}</p>'
            f'<form class="duiding" data-unit="{_e(unit)}" data-period="{_e(period)}">{"".join(fields)}'
            f'<h4>{t["actions"]}</h4><table class="actions"><thead><tr><th scope="col">{t["who"]}</th>'
            f'<th scope="col">{t["what"]}</th><th scope="col">{t["when"]}</th><th></th></tr></thead>'
            f"<tbody>{action_rows}</tbody></table>"
            f'<p class="buttons"><button type="button" data-action="add">{t["add_action"]}</button> '
            f'<button type="button" data-action="save">{t["save"]}</button> <span class="status" role="status"></span></p>'
            "</form></section>"
        )

    def _action_row(self, action: dict[str, str]) -> str:
        t = self.t
        cells = "".join(
            f'<td><input type="text" name="{k}" aria-label="{t[k]}" value="{_e(action.get(k, ""))}"></td>' for k in ("who", "what", "when")
        )
        return f'<tr class="action">{cells}<td><button type="button" data-action="remove">{t["remove_action"]}</button></td></tr>'


def _area_kind(area: str) -> tuple[str, str]:
    """The column and value of a sub-unit key: "kern=Opheusden" -> ("kern", "Opheusden")."""
    kind, sep, value = area.partition("=")
    return (kind, value) if sep else ("", area)


def _period_key(period: object) -> float:
    """A sortable number for a period (its ordinal), for newest-first lists."""
    from ._core.data import Period

    try:
        return float(Period(str(period)).ordinal())
    except (ValueError, TypeError):
        return 0.0


def render_report(run: MonitoringRun, language: str = "nl") -> str:
    """The report of ``run`` as HTML text (see :func:`write_report`)."""
    return _Report(run, language).render()


def write_report(run: MonitoringRun, path: str | os.PathLike[str], language: str = "nl") -> Path:
    """Write the HTML report of ``run`` to ``path`` (one self-contained file) and return the path.

    The report is rendered completely first and then written to a temporary file in the same
    folder, which replaces ``path`` in one step: a failure leaves no partial report and keeps an
    older one intact. ``language`` is ``"nl"`` (default) or ``"en"``.
    """
    fmt.check_language(language)
    target = Path(path)
    text = render_report(run, language)
    directory = target.parent if str(target.parent) else Path()
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
