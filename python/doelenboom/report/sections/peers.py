"""The comparison of a gemeente with its peers: which gemeenten they are, score, peer mean and
median, difference, the national figure and rank of every goal, and the rank chart."""

from __future__ import annotations

from markupsafe import Markup

from ... import plots
from ... import report_format as fmt
from ..context import ReportContext
from ..model import PeerRow, PeersView, drawing, rank_text, score_text
from ..templating import render as render_template

__all__ = ["render"]


def _which(ctx: ReportContext, unit: str) -> str:
    """The peers by name; without known groups, how the comparison describes the unit's group."""
    peers = ctx.peers_of(unit)
    if peers is not None:
        return ", ".join(ctx.name(p) for p in peers)
    first = ctx.koploper(unit, ctx.headline[0]) if ctx.headline else None
    return str(first["peers"]) if first is not None and first.get("peers") else ""


def _view(ctx: ReportContext, unit: str) -> PeersView:
    lang = ctx.lang
    rows = []
    for node in (n for n in ctx.ids if n not in ctx.leaves):
        row = ctx.koploper(unit, node)
        if row is None:
            continue
        rows.append(
            PeerRow(
                node=node,
                label=ctx.label(node),
                score=score_text(row["score"], row["low"], row["high"], lang),
                peer_mean=fmt.score(row["peer_mean"], lang),
                peer_median=fmt.score(row["peer_median"], lang),
                difference=fmt.signed(row["difference_from_peers"], lang),
                national=fmt.score(row["national"], lang),
                rank=rank_text(row, lang),
            )
        )
    chart = None
    if ctx.headline:
        try:
            ax = plots.rank_intervals(
                ctx.koplopers, ctx.headline[0], labels={u: ctx.name(u) for u in ctx.units}, highlight=unit, language=lang
            )
            chart = drawing(ax.figure, f"{ctx.page_ids[unit]}-rank-")
        except KeyError:
            chart = None
    label = ctx.label(ctx.headline[0]) if ctx.headline else ""
    return PeersView(which=_which(ctx, unit), rows=rows, chart=chart, chart_label=label)


def render(ctx: ReportContext, unit: str) -> Markup | None:
    return render_template("sections/peers.html.j2", t=ctx.t, v=_view(ctx, unit))
