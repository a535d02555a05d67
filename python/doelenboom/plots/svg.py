"""Matplotlib figures as SVG text to put inline in an HTML page."""

from __future__ import annotations

import io
import itertools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["figure_to_svg"]

_svg_counter = itertools.count(1)

_ID = re.compile(r'\bid="([^"]+)"')


def figure_to_svg(fig: Figure, *, id_prefix: str | None = None, text_as: str = "text") -> str:
    """The figure as SVG text for an HTML page: no XML header, DOCTYPE or metadata, every id
    (and every reference to it) prefixed so that several drawings can share a page, and a size
    that shrinks with the page (``max-width: 100%``).

    ``text_as="text"`` keeps text as text (small, searchable, selectable; drawn in the browser's
    DejaVu Sans or its sans-serif fallback); ``"path"`` draws glyphs as outlines, which look the
    same everywhere. ``id_prefix`` defaults to a new ``dbsvgN-`` for every call.
    """
    if text_as not in {"text", "path"}:
        msg = f"text_as must be 'text' or 'path', not {text_as!r}"
        raise ValueError(msg)
    import matplotlib

    prefix = id_prefix if id_prefix is not None else f"dbsvg{next(_svg_counter)}-"
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none" if text_as == "text" else "path", "svg.hashsalt": "doelenboom"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    ids = set(_ID.findall(svg))
    if ids:
        svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
        pattern = re.compile(r"(url\(#|href=\"#)(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")([)\"])")
        svg = pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}", svg)
    svg = svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    return svg.strip() + "\n"

