"""The indicator table of a gemeente: value, n and interval in the report period, the score and
its interval, the value at the baseline and the change of the score."""

from __future__ import annotations

from markupsafe import Markup

from ... import report_format as fmt
from ..context import ReportContext
from ..model import IndicatorRow, change_text, indicator_cells
from ..templating import render as render_template

__all__ = ["render"]


def _rows(ctx: ReportContext, unit: str, baseline: str) -> list[IndicatorRow]:
    rows = []
    for indicator in (n for n in ctx.ids if n in ctx.leaves):
        then = ctx.estimate(unit, baseline, indicator)
        if then is None:
            then_state, then_value = "none", ""
        elif bool(then["suppressed"]):
            then_state, then_value = "suppressed", ""
        else:
            then_state, then_value = "ok", fmt.value(then["value"], ctx.measure(indicator), ctx.lang)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                label=ctx.label(indicator),
                pillar=ctx.pillar_of(indicator),
                cells=indicator_cells(ctx, unit, indicator),
                then_state=then_state,
                then_value=then_value,
                change=change_text(ctx.koploper(unit, indicator), ctx.lang),
            )
        )
    return rows


def render(ctx: ReportContext, unit: str) -> Markup | None:
    baseline = ctx.baseline_of(unit)
    return render_template(
        "sections/indicators.html.j2",
        t=ctx.t,
        rows=_rows(ctx, unit, baseline),
        baseline=baseline,
        period=ctx.run.period,
        level=ctx.level,
        z=fmt.number(ctx.z, 2, ctx.lang),
    )
