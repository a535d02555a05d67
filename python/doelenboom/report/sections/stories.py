"""Tellen en vertellen: each resident's story beside the numbers of the node it belongs to."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..context import ReportContext, text_of
from ..model import Story, change_text, indicator_cells, score_band
from ..templating import render as render_template

__all__ = ["render"]


def _story(ctx: ReportContext, unit: str, r: dict[str, Any]) -> Story:
    node = r.get("node") if isinstance(r.get("node"), str) and r.get("node") in ctx.tree else ""
    period = str(r.get("period", "") or "")
    title = text_of(r.get("title", "")) if r.get("title") else None
    paragraphs = [p for p in str(r.get("text", "")).split("\n\n") if p.strip()]
    story = Story(node=str(node), period=period, title=title, paragraphs=paragraphs)
    if node:
        now = ctx.run.period
        when = period if period in ctx.result.periods else now
        cell = ctx.score_row(unit, when, node)
        story.label = ctx.label(node)
        story.score = score_band(cell["score"], cell["low"], cell["high"], ctx.lang)
        story.when = when
        if node in ctx.leaves and when == now:
            cells = indicator_cells(ctx, unit, node)
            if cells.state == "ok":
                story.value = (cells.value, cells.n)
        if when == now:
            story.change = change_text(ctx.koploper(unit, node), ctx.lang)
    return story


def render(ctx: ReportContext, unit: str) -> Markup | None:
    stories = ctx.run.stories
    rows = stories[stories["unit"] == unit] if "unit" in stories.columns else stories.iloc[0:0]
    return render_template(
        "sections/stories.html.j2", t=ctx.t, stories=[_story(ctx, unit, r) for r in rows.to_dict("records")]
    )
