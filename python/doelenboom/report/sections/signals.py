"""The signals of a gemeente: those of the report period, the earlier ones folded away."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..context import ReportContext, text_of
from ..model import SignalItem, SignalsView
from ..templating import render as render_template

__all__ = ["render"]


def _item(ctx: ReportContext, r: dict[str, Any], column: str, anchor: str) -> SignalItem:
    severity = str(r["severity"])
    node = str(r["node"]) if isinstance(r.get("node"), str) else ""
    area = r.get("area")
    return SignalItem(
        severity=severity,
        anchor=anchor,
        rule=text_of(r["rule"]),
        word=ctx.t.get("severity_" + severity, severity),
        period=text_of(r["period"]),
        node_label=ctx.label(node) if node else None,
        # a kern, wijk or group inside the gemeente
        area=area if isinstance(area, str) else "",
        message=text_of(r.get(column, "")),
    )


def render(ctx: ReportContext, unit: str) -> Markup | None:
    period = ctx.run.period
    column = f"message_{ctx.lang}" if f"message_{ctx.lang}" in ctx.run.signals.columns else "message"
    records = ctx.signal_anchors(unit)
    now = [_item(ctx, r, column, anchor) for r, anchor in records if str(r["period"]) == period]
    earlier = [_item(ctx, r, column, anchor) for r, anchor in records if str(r["period"]) != period]
    return render_template("sections/signals.html.j2", t=ctx.t, v=SignalsView(period, now, earlier))
