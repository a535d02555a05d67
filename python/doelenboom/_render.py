"""Text renderings of a goal tree: Graphviz DOT, SVG through ``dot``, and an indented outline."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._core.graph import GoalTree as CoreTree

__all__ = [
    "GRAPHVIZ_HINT",
    "dot_quote",
    "dot_to_svg",
    "graphviz_available",
    "outline",
    "same_rank_lines",
    "to_dot",
]

GRAPHVIZ_HINT = (
    "Graphviz's 'dot' program was not found on the PATH; install Graphviz to draw trees "
    "(Debian/Ubuntu: `apt-get install graphviz`, conda: `conda install graphviz`, macOS: `brew install graphviz`)"
)


def dot_quote(text: str) -> str:
    """``text`` as a double-quoted DOT string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _wrapped_label(text: str, width: int | None) -> str:
    """A DOT label string, wrapped to lines of about ``width`` characters (no wrapping for None)."""
    if width is None or width <= 0:
        return dot_quote(text)
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [text]
    return dot_quote("\n".join(lines))


def _format_weight(weight: float) -> str:
    """A weight for display: ``3``, ``0.25``, ``1e-06``."""
    return f"{weight:g}"


def same_rank_lines(tree: CoreTree, name: Callable[[str], str]) -> list[str]:
    """One DOT line ``{ rank=same; a; b; }`` per level with nodes, top level first: the nodes of a
    level share a rank. ``name`` gives a node's DOT name from its id."""
    out = []
    for level in tree.levels:
        members = tree.nodes_at_level(level)
        if members:
            out.append(f"  {{ rank=same; {' '.join(name(m) + ';' for m in members)} }}")
    return out


def to_dot(tree: CoreTree, *, wrap: int | None = 24) -> str:
    """Graphviz DOT text for a tree, drawn bottom-up (``rankdir=BT``: edges child -> parent).

    Goals are ellipses, indicators boxes; nodes of one level share a rank; an edge is labelled with
    its weight when the weight is not 1. Labels are the nodes' UTF-8 labels, wrapped at ``wrap``
    characters.
    """
    out = ["digraph doelenboom {"]
    graph_attrs = ["rankdir=BT", 'charset="UTF-8"', "newrank=true", 'fontname="Helvetica"']
    if tree.name:
        graph_attrs += [f"label={dot_quote(tree.name)}", "labelloc=t", "fontsize=18"]
    out.append(f"  graph [{', '.join(graph_attrs)}];")
    out.append('  node [shape=ellipse, fontname="Helvetica", fontsize=11];')
    out.append('  edge [fontname="Helvetica", fontsize=9, color="#555555"];')
    for node in tree.nodes:
        attrs = [f"label={_wrapped_label(node['label'], wrap)}", f"tooltip={dot_quote(node['id'])}"]
        if node["kind"] == "indicator":
            attrs += ["shape=box", 'style="filled"', 'fillcolor="#eef3fb"']
        out.append(f"  {dot_quote(node['id'])} [{', '.join(attrs)}];")
    out += same_rank_lines(tree, dot_quote)
    for edge in tree.edges:
        line = f"  {dot_quote(edge['child'])} -> {dot_quote(edge['parent'])}"
        if edge["weight"] != 1.0:
            line += f" [label={dot_quote(_format_weight(edge['weight']))}]"
        out.append(line + ";")
    out.append("}")
    return "\n".join(out) + "\n"


def graphviz_available() -> bool:
    """True when Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def dot_to_svg(dot_text: str, *, timeout: float = 60.0) -> str:
    """Run ``dot -Tsvg`` on DOT text and return the SVG text.

    Raises RuntimeError with an install hint when ``dot`` is missing, or with dot's message when it fails.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(GRAPHVIZ_HINT)
    result = subprocess.run(
        [dot, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, check=False, timeout=timeout
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip()
        msg = f"Graphviz's dot failed (exit code {result.returncode}): {message}"
        raise RuntimeError(msg)
    return result.stdout.decode("utf-8")


def outline(tree: CoreTree, *, indent: str = "  ") -> str:
    """The tree as indented text, roots first, each child under its parent.

    A line reads ``label [id]``, then ``(indicator)`` or ``(indicator, lower is better)`` for
    indicators and ``(weight w)`` when the edge's weight is not 1. A node with several parents
    appears under each, marked ``* also under: ...``; its children are listed at its first
    appearance only (later ones say ``see above``).
    """
    nodes = {n["id"]: n for n in tree.nodes}
    weights = {(e["child"], e["parent"]): e["weight"] for e in tree.edges}
    expanded: set[str] = set()
    lines: list[str] = []

    def describe(node_id: str, parent: str | None) -> str:
        node = nodes[node_id]
        text = f"{node['label']} [{node_id}]"
        if node["kind"] == "indicator":
            text += " (indicator, lower is better)" if node["direction"] < 0 else " (indicator)"
        if parent is not None and weights[(node_id, parent)] != 1.0:
            text += f" (weight {_format_weight(weights[(node_id, parent)])})"
        parents = tree.parents(node_id)
        if len(parents) > 1:
            others = [p for p in parents if p != parent]
            text += f" * also under: {', '.join(others)}"
        return text

    # An explicit stack instead of recursion: deep trees must not hit Python's recursion limit.
    stack: list[tuple[str, str | None, int]] = [(r, None, 0) for r in reversed(tree.roots())]
    while stack:
        node_id, parent, depth = stack.pop()
        text = describe(node_id, parent)
        children = tree.children(node_id)
        if node_id in expanded and children:
            lines.append(f"{indent * depth}{text} (see above)")
            continue
        lines.append(f"{indent * depth}{text}")
        expanded.add(node_id)
        stack.extend((c, node_id, depth + 1) for c in reversed(children))
    return "\n".join(lines) + ("\n" if lines else "")
