"""The doelenboom of a gemeente as a heat map (plots.tree_heatmap)."""

from __future__ import annotations

from markupsafe import Markup

from ... import plots
from ..context import ReportContext
from ..model import drawing
from ..templating import render as render_template

__all__ = ["render"]


def render(ctx: ReportContext, unit: str) -> Markup | None:
    run = ctx.run
    ax = plots.tree_heatmap(ctx.result, unit, run.period, dataset=run.dataset, language=ctx.lang)
    svg = drawing(ax.figure, f"{ctx.page_ids[unit]}-tree-")
    return render_template(
        "sections/tree.html.j2", t=ctx.t, svg=svg, period=run.period, nodes=len(ctx.ids), level=ctx.level
    )
