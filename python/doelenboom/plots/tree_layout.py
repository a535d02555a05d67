"""Where the nodes of the tree heat map go: Graphviz's ``dot`` layout when it is installed, else
one column per level."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from .._render import dot_quote, same_rank_lines

if TYPE_CHECKING:
    from ..goal_tree import GoalTree

__all__ = ["FONT", "FONT_SIZE", "Box", "Layout", "dot_layout", "level_layout", "node_lines"]

FONT_SIZE = 9.0
FONT = "DejaVu Sans"


@dataclass
class Box:
    """A node's place in the drawing (points, centre and size) and its text."""

    x: float
    y: float
    width: float
    height: float
    lines: list[str]



#: Node boxes, edge splines (child -> parent, last point is the arrow tip) and the drawing's size in points.
Layout: TypeAlias = tuple[dict[str, Box], list[list[tuple[float, float]]], tuple[float, float]]


def node_lines(label: str, numbers: list[str], wrap: int) -> list[str]:
    lines = textwrap.wrap(label, width=wrap, break_long_words=False, break_on_hyphens=False) or [label]
    return lines + numbers


def dot_layout(tree: GoalTree, texts: Mapping[str, list[str]], rankdir: str) -> Layout | None:
    """Node boxes, edge splines (child -> parent, last point is the arrow tip) and the drawing's
    size in points, laid out by ``dot``; None when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    ids = tree.ids
    name = {node_id: f"n{i}" for i, node_id in enumerate(ids)}
    out = [
        "digraph doelenboom {",
        f'  graph [rankdir={rankdir}, newrank=true, nodesep=0.12, ranksep=0.45, charset="UTF-8"];',
        f'  node [shape=box, fontname="{FONT}", fontsize={FONT_SIZE:g}, margin="0.08,0.05"];',
    ]
    for node_id in ids:
        out.append(f"  {name[node_id]} [label={dot_quote(chr(10).join(texts[node_id]))}];")
    out += same_rank_lines(tree.core, name.__getitem__)
    for edge in tree.edges:
        out.append(f"  {name[edge['child']]} -> {name[edge['parent']]};")
    out.append("}")
    run = subprocess.run(
        [dot, "-Tjson0"], input="\n".join(out).encode("utf-8"), capture_output=True, check=False, timeout=120
    )
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", errors="replace").strip()
        msg = f"Graphviz's dot failed to lay out the tree (exit code {run.returncode}): {message}"
        raise RuntimeError(msg)
    graph = json.loads(run.stdout.decode("utf-8"))
    bb = [float(v) for v in graph["bb"].split(",")]
    by_name = {f"n{i}": node_id for i, node_id in enumerate(ids)}
    boxes: dict[str, Box] = {}
    for obj in graph["objects"]:
        found = by_name.get(obj.get("name", ""))
        if found is None:
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        boxes[found] = Box(x, y, 72.0 * float(obj["width"]), 72.0 * float(obj["height"]), texts[found])
    splines: list[list[tuple[float, float]]] = []
    for edge in graph.get("edges", []):
        points: list[tuple[float, float]] = []
        tip: tuple[float, float] | None = None
        for token in edge["pos"].split():
            parts = token.split(",")
            if parts[0] == "e":
                tip = (float(parts[1]), float(parts[2]))
            elif parts[0] != "s":
                points.append((float(parts[0]), float(parts[1])))
        if tip is not None:
            points.append(tip)
        splines.append(points)
    return boxes, splines, (bb[2] - bb[0], bb[3] - bb[1])


def _text_width(line: str) -> float:
    """A rough width in points of a line of DejaVu Sans at the drawing's font size."""
    return 0.6 * FONT_SIZE * len(line)


def level_layout(tree: GoalTree, texts: Mapping[str, list[str]]) -> Layout:
    """A layout without Graphviz: one column per level (top level left), nodes ordered by the
    mean position of their parents (barycentre), straight edges."""
    line_height = 1.2 * FONT_SIZE
    gap_y, gap_x = 8.0, 40.0
    sizes = {
        node_id: (max(_text_width(t) for t in texts[node_id]) + 12.0, line_height * len(texts[node_id]) + 8.0)
        for node_id in tree.ids
    }
    boxes: dict[str, Box] = {}
    x = 0.0
    columns: list[list[str]] = []
    for level in tree.levels:
        members = tree.nodes_at_level(level)
        if not members:
            continue
        if columns:
            placed = {m: i for i, m in enumerate(columns[-1])}

            def centre(node_id: str, placed: dict[str, int] = placed) -> float:
                spots = [placed[p] for p in tree.parents(node_id) if p in placed]
                return float(np.mean(spots)) if spots else math.inf

            members = sorted(members, key=centre)
        columns.append(members)
    height = max(sum(sizes[m][1] + gap_y for m in col) for col in columns)
    for col in columns:
        width = max(sizes[m][0] for m in col)
        used = sum(sizes[m][1] + gap_y for m in col)
        y = height - (height - used) / 2.0
        for m in col:
            w, h = sizes[m]
            boxes[m] = Box(x + width / 2.0, y - h / 2.0, w, h, texts[m])
            y -= h + gap_y
        x += width + gap_x
    splines = []
    for edge in tree.edges:
        child, parent = boxes[edge["child"]], boxes[edge["parent"]]
        splines.append([(child.x - child.width / 2.0, child.y), (parent.x + parent.width / 2.0, parent.y)])
    return boxes, splines, (x - gap_x, height)

