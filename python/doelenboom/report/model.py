"""The view model of the report: plain data the templates render, and the formatted values more
than one section shows.

Texts here are plain text: numbers formatted for the report's language (:mod:`doelenboom.report_format`)
and values from the data as they are; the templates escape them. Only drawings (SVG) and rendered
templates are markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .. import plots
from .. import report_format as fmt
from .context import missing
from .text import text

if TYPE_CHECKING:
    from .context import ReportContext

__all__ = [
    "AreaCell",
    "AreaGroup",
    "AreaRow",
    "AreasView",
    "Badge",
    "ChangeRow",
    "DocumentView",
    "DuidingView",
    "IndicatorCells",
    "IndicatorRow",
    "KoploperRow",
    "KoplopersView",
    "PeerRow",
    "PeersView",
    "PillarItem",
    "PillarsView",
    "ScoreBand",
    "SignalItem",
    "SignalsView",
    "Story",
    "SummaryLine",
    "TrendSentence",
    "TrendsView",
    "UnitPageView",
    "change_text",
    "drawing",
    "indicator_cells",
    "rank_text",
    "score_band",
    "score_text",
    "unknown_interval",
]


# ---- values more than one section shows ---------------------------------------------------------


def drawing(figure: Any, id_prefix: str) -> Markup:
    """A matplotlib figure as inline SVG, its ids prefixed with ``id_prefix`` (unique on the page)."""
    return Markup(plots.figure_to_svg(figure, id_prefix=id_prefix))


@dataclass
class ScoreBand:
    """A score and its interval ("onbekend"/"unknown" when a bound is missing: an unknown standard
    error is never shown as a certain score); ``value`` and ``band`` are "" when there is no score."""

    value: str
    band: str


def unknown_interval(language: str) -> str:
    """What the report writes for an interval whose bounds are unknown (a missing standard error)."""
    return text(language, "unknown")


def score_band(score: float, low: float, high: float, language: str) -> ScoreBand:
    if missing(score):
        return ScoreBand("", "")
    band = fmt.interval(low, high, "score", language) or unknown_interval(language)
    return ScoreBand(fmt.score(score, language), band)


def score_text(score: float, low: float, high: float, language: str) -> str:
    """The score with its interval in brackets (``12,3 [10,1 - 14,5]``, an en dash); "" without a score."""
    shown = score_band(score, low, high, language)
    return shown.value + (f" [{shown.band}]" if shown.value and shown.band else "")


def _with_interval(
    row: dict[str, Any] | None,
    keys: tuple[str, str, str],
    show: Callable[[Any, str], str],
    brackets: tuple[str, str],
    language: str,
) -> str:
    """``row[value]`` as ``show`` writes it, followed by its interval in ``brackets``: ``low`` and
    ``high`` with ``between`` (the en dash, spaced for numbers with decimals) when both are known,
    else "onbekend"/"unknown" (an unknown standard error); empty without a value."""
    value, low, high = keys
    if row is None or missing(row.get(value)):
        return ""
    open_, close = brackets
    if missing(row.get(low)) or missing(row.get(high)):
        inner = unknown_interval(language)
    else:
        between = fmt.DASH if open_ == "(" else f" {fmt.DASH} "
        inner = show(row[low], language) + between + show(row[high], language)
    return f"{show(row[value], language)} {open_}{inner}{close}"


def rank_text(row: dict[str, Any] | None, language: str) -> str:
    """A koploper row's rank with its interval in parentheses: ``2 (1-4)``, an en dash;
    ``2 (onbekend)`` when the unit's standard error is unknown."""
    return _with_interval(row, ("rank", "rank_low", "rank_high"), fmt.rank, ("(", ")"), language)


def change_text(row: dict[str, Any] | None, language: str) -> str:
    """A koploper row's change since the baseline with its interval: ``+2,5 [0,1 - 4,9]``, an en
    dash; ``+2,5 [onbekend]`` when a standard error (now or at the baseline) is unknown."""
    keys = ("change_since_baseline", "change_low", "change_high")
    if row is not None and row.get("change_comparable") is not None and not row["change_comparable"]:
        return text(language, "not_comparable")  # not like for like (docs/compare.md)
    return _with_interval(row, keys, fmt.signed, ("[", "]"), language)


@dataclass
class IndicatorCells:
    """One indicator of one unit in the report period. ``state`` is ``ok``, ``missing`` (no
    estimate) or ``suppressed``; ``value`` is the value with its unit, or the suppressed text."""

    state: str
    value: str = ""
    n: str = ""
    interval: str = ""
    score: str = ""
    score_interval: str = ""


def indicator_cells(ctx: ReportContext, unit: str, indicator: str) -> IndicatorCells:
    """The formatted numbers of one indicator of one unit in the report period; the interval is
    the estimate's (``run.estimate_intervals``), marked ≈ when it is the normal one from se."""
    lang, period = ctx.lang, ctx.run.period
    measure = ctx.measure(indicator)
    row = ctx.estimate(unit, period, indicator)
    if row is None:
        out = IndicatorCells("missing")
    elif bool(row["suppressed"]):
        out = IndicatorCells("suppressed", ctx.suppressed_text)
    else:
        shown = ctx.shown_unit(indicator)
        out = IndicatorCells("ok", fmt.value(row["value"], measure, lang) + (f" {shown}" if shown else ""))
        out.n = fmt.number(row["n"], 0, lang)
        found = ctx.interval(unit, period, indicator)
        low, high = (found["low"], found["high"]) if found is not None else (math.nan, math.nan)
        out.interval = fmt.interval(low, high, "value", lang, measure)
        if out.interval and found is not None and bool(found["approximate"]):
            out.interval = "\u2248 " + out.interval
        out.interval = out.interval or unknown_interval(lang)
    cell = ctx.score_row(unit, period, indicator)
    if not missing(cell["score"]):
        band = score_band(cell["score"], cell["low"], cell["high"], lang)
        out.score, out.score_interval = band.value, band.band
    return out


# ---- the document and the koplopers page --------------------------------------------------------


@dataclass
class DocumentView:
    lang: str
    title: str
    period: str
    baseline: str
    version: str
    fictitious: bool
    #: (page id, unit name) of every gemeente page, in order.
    nav: list[tuple[str, str]]
    pages: list[Markup]
    css: Markup
    js: Markup
    #: The report-config JSON, safe inside a <script> element.
    config: Markup


@dataclass
class KoploperRow:
    unit: str
    page_id: str
    name: str
    size_class: str
    #: Per node: the score with its interval, and the rank with its interval.
    cells: list[tuple[ScoreBand, str]]
    change: str


@dataclass
class KoplopersView:
    fictitious: bool
    period: str
    level: int
    #: How the peers were chosen, in words (markup); None when the run does not describe them.
    peers_definition: Markup | None
    #: Labels of the nodes with a column; the change column is that of the first.
    nodes: list[str]
    rows: list[KoploperRow]
    chart: Markup | None
    #: Names of the gemeenten whose standard error is unknown in a node with a column.
    unknown: list[str] = field(default_factory=list)


# ---- a gemeente page ----------------------------------------------------------------------------


@dataclass
class UnitPageView:
    unit: str
    page_id: str
    name: str
    fictitious: bool
    #: (text key, value) of the facts after the unit's code: province, inhabitants, size class.
    facts: list[tuple[str, str]]
    #: The rendered sections that have something to show, in order.
    sections: list[Markup]


@dataclass
class SummaryLine:
    label: str
    score: str
    interval: str
    #: rank, count and rank interval when the unit has a rank.
    rank: tuple[str, int, str] | None
    change: str


@dataclass
class PillarItem:
    indicator: str
    label: str
    cells: IndicatorCells
    #: The width of the score bar (percent, one decimal); None without a score.
    bar: str | None


@dataclass
class PillarsView:
    #: (pillar, its kinds in words, items) of every pillar with indicators.
    pillars: list[tuple[str, str, list[PillarItem]]]


@dataclass
class IndicatorRow:
    indicator: str
    label: str
    pillar: str
    cells: IndicatorCells
    #: At the baseline: ``ok`` (value), ``suppressed`` or ``none`` (no estimate).
    then_state: str
    then_value: str
    change: str


@dataclass
class ChangeRow:
    node: str
    label: str
    then: str
    now: str
    change: str
    #: Text key of "beyond noise": yes, no or unknown.
    noise: str


@dataclass
class TrendSentence:
    label: str
    #: None when there are too few periods for a trend.
    slope: str | None
    interval: str = ""
    n: str = ""


@dataclass
class TrendsView:
    svg: Markup
    #: Which prediction band the charts show: holt, trend, mixed or None.
    band: str | None
    level: int
    sentences: list[TrendSentence]


@dataclass
class PeerRow:
    node: str
    label: str
    score: str
    peer_mean: str
    peer_median: str
    difference: str
    national: str
    rank: str


@dataclass
class PeersView:
    #: The peers by name (or the comparison's description of them); "" when there are none.
    which: str
    rows: list[PeerRow]
    chart: Markup | None
    chart_label: str


@dataclass
class SignalItem:
    severity: str
    anchor: str
    rule: str
    word: str
    period: str
    node_label: str | None
    area: str
    message: str


@dataclass
class SignalsView:
    period: str
    now: list[SignalItem]
    earlier: list[SignalItem]


@dataclass
class Badge:
    severity: str
    anchor: str
    word: str


@dataclass
class AreaCell:
    #: num, suppressed or missing.
    state: str
    value: str = ""
    #: n, None when unknown.
    n: str | None = None
    #: The most severe signal of the cell and a link to each; None without signals.
    worst: str | None = None
    badges: list[Badge] = field(default_factory=list)


@dataclass
class AreaRow:
    indicator: str
    label: str
    cells: list[AreaCell]


@dataclass
class AreaGroup:
    area: str
    kind: str
    value: str
    rows: list[AreaRow]


@dataclass
class AreasView:
    periods: list[str]
    several: bool
    groups: list[AreaGroup]
    #: The indicators with their units, in words.
    indicators: str
    period: str
    suppressed: str


@dataclass
class Story:
    node: str
    period: str
    title: str | None
    paragraphs: list[str]
    #: The numbers of the story's node; None for a story about no node ("Algemeen").
    label: str | None = None
    score: ScoreBand | None = None
    #: value and n of an indicator in the report period, when known.
    value: tuple[str, str] | None = None
    change: str = ""
    when: str = ""


@dataclass
class DuidingView:
    unit: str
    period: str
    page_id: str
    #: (question, the saved answers as the field shows them).
    answers: list[tuple[str, str]]
    #: who, what and when of each improvement action.
    actions: list[dict[str, str]]
    #: the data folder by its name only (a published report holds no absolute path); None: not known
    data_dir: str | None
