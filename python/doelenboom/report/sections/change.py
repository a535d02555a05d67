"""The change since the nulmeting of every goal of a gemeente, and whether it is beyond noise."""

from __future__ import annotations

from markupsafe import Markup

from ... import report_format as fmt
from ..context import ReportContext, missing
from ..model import ChangeRow, change_text
from ..templating import render as render_template

__all__ = ["render"]


def render(ctx: ReportContext, unit: str) -> Markup | None:
    lang, period = ctx.lang, ctx.run.period
    baseline = ctx.baseline_of(unit)
    rows = []
    for node in (n for n in ctx.ids if n not in ctx.leaves):
        row = ctx.koploper(unit, node)
        if row is None:
            continue
        flag = row.get("change_beyond_noise")
        rows.append(
            ChangeRow(
                node=node,
                label=ctx.label(node),
                then=fmt.score(ctx.score_row(unit, baseline, node)["score"], lang),
                now=fmt.score(ctx.score_row(unit, period, node)["score"], lang),
                change=change_text(row, lang),
                noise="unknown" if missing(flag) else ("yes" if bool(flag) else "no"),
            )
        )
    if not rows:
        return None
    return render_template(
        "sections/change.html.j2", t=ctx.t, rows=rows, baseline=baseline, period=period, level=ctx.level
    )
