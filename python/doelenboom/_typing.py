"""Typed shapes of the plain data that crosses the binding: problems, nodes, edges and paths."""

from __future__ import annotations

import os
from typing import TypeAlias, TypedDict

__all__ = ["EdgeDict", "NodeDict", "PathLike", "Problem"]

#: A file name: text or a path object.
PathLike: TypeAlias = str | os.PathLike[str]


class Problem(TypedDict):
    """One problem found in a file, table or definition; unknown parts are None."""

    code: str  # stable machine-readable family, e.g. "cycle", "unknown_key"
    file: str | None
    line: int | None  # 1-based line in a text file
    row: int | None  # 1-based data row in a table, header excluded
    field: str | None  # column or key name
    ids: list[str]  # node ids involved
    message: str  # full sentence, including the location prefix


class NodeDict(TypedDict):
    """A node as returned by ``GoalTree.nodes`` and ``GoalTree.node``."""

    id: str
    label: str
    kind: str  # "goal" or "indicator"
    level: str
    description: str
    direction: int  # indicators: +1 higher is better, -1 lower is better; goals: 0


class EdgeDict(TypedDict):
    """An edge child -> parent as returned by ``GoalTree.edges``."""

    child: str
    parent: str
    weight: float
