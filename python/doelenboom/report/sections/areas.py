"""The reach of a gemeente's areas and groups (``run.areas``): a row per area or group (and
indicator), a column per period; the report-period cells of areas with a signal are marked and
link to it."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ... import report_format as fmt
from ..context import SEVERITY_ORDER, ReportContext, missing, period_key
from ..model import AreaCell, AreaGroup, AreaRow, AreasView, Badge
from ..templating import render as render_template

__all__ = ["render"]

Signals = list[tuple[dict[str, Any], str]]


def _area_kind(area: str) -> tuple[str, str]:
    """The column and value of a sub-unit key: "kern=Opheusden" -> ("kern", "Opheusden")."""
    kind, sep, value = area.partition("=")
    return (kind, value) if sep else ("", area)


def _indicator_words(ctx: ReportContext, indicator: str) -> str:
    """An indicator's label with its unit: "Aantal cliënten ... (cliënten)"."""
    shown = ctx.shown_unit(indicator)
    return ctx.label(indicator) + (f" ({shown})" if shown else "")


def _cell(ctx: ReportContext, row: dict[str, Any] | None, indicator: str, signals: Signals) -> AreaCell:
    """One period of one area: the value with n below it, the suppressed text (never a number)
    or "no data"; marked like a signal and linked to it when ``signals`` are given."""
    if row is not None and bool(row["suppressed"]):
        cell = AreaCell("suppressed")
    elif row is None or missing(row.get("value")):
        cell = AreaCell("missing")
    else:
        n = None if missing(row.get("n")) else fmt.number(row["n"], 0, ctx.lang)
        cell = AreaCell("num", fmt.value(row["value"], ctx.measure(indicator), ctx.lang), n)
    if signals:
        cell.worst = min((str(r["severity"]) for r, _ in signals), key=lambda s: SEVERITY_ORDER.get(s, 3))
        for r, anchor in signals:
            severity = str(r["severity"])
            cell.badges.append(Badge(severity, anchor, ctx.t.get("severity_" + severity, severity)))
    return cell


def _group(
    ctx: ReportContext, area: str, indicators: list[str], columns: list[str], cells: dict[tuple[str, str, str], Any], marks: Signals
) -> AreaGroup:
    rows = []
    for i, indicator in enumerate(indicators):
        # a signal on another node than the indicators shown marks the area's first row
        signals = [
            (r, a) for r, a in marks
            if str(r.get("node") or "") == indicator or (i == 0 and str(r.get("node") or "") not in indicators)
        ]
        numbers = [
            _cell(ctx, cells.get((area, indicator, p)), indicator, signals if p == ctx.run.period else [])
            for p in columns
        ]
        rows.append(AreaRow(indicator, ctx.label(indicator), numbers))
    kind, value = _area_kind(area)
    return AreaGroup(area, kind, value, rows)


def _view(ctx: ReportContext, unit: str) -> AreasView | None:
    areas = ctx.run.areas
    if areas.empty or "unit" not in areas.columns:
        return None
    records = areas[areas["unit"].astype(str) == unit].to_dict("records")
    if not records:
        return None
    period = ctx.run.period
    cells = {(str(r["area"]), str(r["indicator"]), str(r["period"])): r for r in records}
    indicators = list(dict.fromkeys(str(r["indicator"]) for r in records))
    marks: dict[str, Signals] = {}
    for r, anchor in ctx.signal_anchors(unit):
        area = r.get("area")
        if isinstance(area, str) and area and str(r["period"]) == period:
            marks.setdefault(area, []).append((r, anchor))
    # An area with a signal but without rows still gets its row: nothing is left out.
    names = list(dict.fromkeys([str(r["area"]) for r in records] + list(marks)))
    kinds = list(dict.fromkeys(_area_kind(a)[0] for a in names))
    names.sort(key=lambda a: (kinds.index(_area_kind(a)[0]), _area_kind(a)[1].casefold(), a))
    periods = {str(r["period"]) for r in records} | ({period} if marks else set())
    columns = sorted(periods, key=lambda p: (period_key(p), p))
    return AreasView(
        periods=columns,
        several=len(indicators) > 1,
        groups=[_group(ctx, area, indicators, columns, cells, marks.get(area, [])) for area in names],
        indicators="; ".join(_indicator_words(ctx, i) for i in indicators),
        period=period,
        suppressed=ctx.suppressed_text,
    )


def render(ctx: ReportContext, unit: str) -> Markup | None:
    view = _view(ctx, unit)
    if view is None:
        return None
    return render_template("sections/areas.html.j2", t=ctx.t, v=view)
