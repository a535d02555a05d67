"""The koplopers page: every gemeente's score and rank of the headline nodes, the rank chart, the
note on case mix and how the peers were chosen."""

from __future__ import annotations

import math

from markupsafe import Markup

from .. import plots
from .. import report_format as fmt
from .context import ReportContext, missing
from .model import KoploperRow, KoplopersView, ScoreBand, change_text, drawing, rank_text, score_band
from .templating import render

__all__ = ["render_koplopers"]


def peers_definition(ctx: ReportContext) -> Markup:
    """How the peers were chosen, in words: per size class (each gemeente its own group) or per
    another unit attribute, when the run's description names the attribute the groups share; else
    the run's description."""
    t, peers = ctx.t, ctx.run.peers
    groups = ctx.run.peer_groups
    attribute = groups.attribute if groups is not None else None
    if attribute is not None and attribute == peers:
        if attribute == "size_class":
            return t.peers_size_class
        return t.fill("peers_attribute", attribute=attribute)
    return t.fill("peers_used", peers=peers)


def _view(ctx: ReportContext) -> KoplopersView:
    lang = ctx.lang
    nodes = [n for n in ctx.headline if not ctx.koplopers[ctx.koplopers["node"] == n].empty]
    order = list(ctx.units)
    if nodes:
        first = {u: ctx.koploper(u, nodes[0]) for u in order}

        def key(u: str) -> tuple[float, str]:
            row = first[u]
            rank = row["rank"] if row is not None and not missing(row["rank"]) else math.inf
            return (rank, ctx.name(u))

        order.sort(key=key)
    rows = []
    unknown = []
    for unit in order:
        found = ctx.run.units.get(unit)
        cells = []
        for node in nodes:
            row = ctx.koploper(unit, node)
            shown = score_band(row["score"], row["low"], row["high"], lang) if row is not None else ScoreBand("", "")
            cells.append((shown, rank_text(row, lang)))
            if row is not None and not missing(row["score"]) and missing(row["low"]) and ctx.name(unit) not in unknown:
                unknown.append(ctx.name(unit))
        rows.append(
            KoploperRow(
                unit=unit,
                page_id=ctx.page_ids[unit],
                name=ctx.name(unit),
                size_class=fmt.no_break(found.size_class) if found is not None else "",
                cells=cells,
                change=change_text(ctx.koploper(unit, nodes[0]), lang) if nodes else "",
            )
        )
    chart = None
    if nodes:
        try:
            ax = plots.rank_intervals(ctx.koplopers, nodes[0], labels={u: ctx.name(u) for u in ctx.units}, language=lang)
        except KeyError:
            ax = None
        if ax is not None:
            chart = drawing(ax.figure, "koplopers-rank-")
    return KoplopersView(
        fictitious=ctx.run.fictitious,
        period=ctx.run.period,
        level=ctx.level,
        peers_definition=peers_definition(ctx) if ctx.run.peers else None,
        nodes=[ctx.label(n) for n in nodes],
        rows=rows,
        chart=chart,
        unknown=unknown,
    )


def render_koplopers(ctx: ReportContext) -> Markup:
    return render("koplopers.html.j2", t=ctx.t, v=_view(ctx))
