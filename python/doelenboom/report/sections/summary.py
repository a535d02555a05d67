"""The summary at the top of a gemeente page: each top goal's score, rank and change."""

from __future__ import annotations

from markupsafe import Markup

from ... import report_format as fmt
from ..context import ReportContext, missing
from ..model import SummaryLine, change_text, unknown_interval
from ..templating import render as render_template

__all__ = ["render"]


def render(ctx: ReportContext, unit: str) -> Markup | None:
    lang, period = ctx.lang, ctx.run.period
    lines = []
    for node in ctx.tree.roots():
        cell = ctx.score_row(unit, period, node)
        if missing(cell["score"]):
            continue
        row = ctx.koploper(unit, node)
        rank = None
        if row is not None and not missing(row.get("rank")):
            count = int((ctx.koplopers["node"] == node).sum())
            bounds = (
                unknown_interval(lang)
                if missing(row["rank_low"]) or missing(row["rank_high"])
                else f"{fmt.rank(row['rank_low'], lang)}{fmt.DASH}{fmt.rank(row['rank_high'], lang)}"
            )
            rank = (fmt.rank(row["rank"], lang), count, bounds)
        lines.append(
            SummaryLine(
                label=ctx.label(node),
                score=fmt.score(cell["score"], lang),
                interval=fmt.interval(cell["low"], cell["high"], "score", lang),
                rank=rank,
                change=change_text(row, lang),
            )
        )
    if not lines:
        return None
    return render_template("sections/summary.html.j2", t=ctx.t, lines=lines, period=period, baseline=ctx.baseline_of(unit))
