"""The sections of a gemeente page, one module each, in the order the page shows them.

Each module has ``render(ctx, unit)``: the section as markup, or None when it has nothing to show
for the unit (the page then leaves it out).
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..context import ReportContext
from . import areas, change, duiding, indicators, peers, pillars, signals, stories, summary, tree, trends

__all__ = ["SECTIONS"]

#: The sections of a gemeente page, in order.
SECTIONS: tuple[Callable[[ReportContext, str], Markup | None], ...] = (
    summary.render,
    tree.render,
    pillars.render,
    indicators.render,
    change.render,
    trends.render,
    peers.render,
    signals.render,
    areas.render,
    stories.render,
    duiding.render,
)
