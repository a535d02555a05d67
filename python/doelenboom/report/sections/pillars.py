"""The three pillars (bereik, tevredenheid, doelrealisatie): each indicator's value, n, interval
and a bar of its score."""

from __future__ import annotations

from markupsafe import Markup

from ..context import ReportContext, missing
from ..model import PillarItem, PillarsView, indicator_cells
from ..templating import render as render_template
from ..text import PILLARS

__all__ = ["render"]


def _view(ctx: ReportContext, unit: str) -> PillarsView:
    groups: dict[str, list[str]] = {p: [] for p in (*PILLARS, "other")}
    for indicator in (n for n in ctx.ids if n in ctx.leaves):
        groups[ctx.pillar_of(indicator)].append(indicator)
    pillars = []
    for pillar, members in groups.items():
        if not members:
            continue
        definitions = ctx.definitions
        kinds = sorted({definitions[m].kind for m in members if m in definitions and definitions[m].kind})
        items = []
        for indicator in members:
            cell = ctx.score_row(unit, ctx.run.period, indicator)
            bar = None
            if not missing(cell["score"]):
                bar = f"{max(0.0, min(100.0, float(cell['score']))):.1f}"
            items.append(PillarItem(indicator, ctx.label(indicator), indicator_cells(ctx, unit, indicator), bar))
        pillars.append((pillar, ", ".join(ctx.t.get(k, k) for k in kinds), items))
    return PillarsView(pillars)


def render(ctx: ReportContext, unit: str) -> Markup | None:
    return render_template("sections/pillars.html.j2", t=ctx.t, v=_view(ctx, unit))
