"""The goal tree as pandas tables: the nodes and edges DataFrames of :meth:`GoalTree.from_pandas
<doelenboom.GoalTree.from_pandas>` and :meth:`GoalTree.to_pandas <doelenboom.GoalTree.to_pandas>`.

A nodes table has the columns of :data:`NODE_COLUMNS`, optionally those of
:data:`OPTIONAL_NODE_COLUMNS` and, for indicators, their definition in :data:`DEFINITION_COLUMNS`;
an edges table has :data:`EDGE_COLUMNS` and optionally :data:`OPTIONAL_EDGE_COLUMNS`. A bad cell is
a ParseError naming the table, row (1-based position) and column, worded as the compiled module
words its own.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._core import ParseError
from ._core.data import IndicatorDefinition
from .indicators import _MEASUREMENT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from ._core.graph import GoalTree as CoreTree

__all__ = [
    "DEFINITION_COLUMNS",
    "DEFINITION_NUMBER_COLUMNS",
    "DEFINITION_TEXT_COLUMNS",
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "OPTIONAL_EDGE_COLUMNS",
    "OPTIONAL_NODE_COLUMNS",
    "read_tables",
    "tables_of",
]

#: Required columns of the nodes table.
NODE_COLUMNS = ("id", "label", "kind", "level")
#: Optional columns of the nodes table (missing: +1 for indicators, no description).
OPTIONAL_NODE_COLUMNS = ("direction", "description")
#: Optional columns of the nodes table with an indicator node's definition (as in the tree file;
#: ``result`` is output or outcome, a custom scale has ``scale_min`` and ``scale_max``): the texts.
DEFINITION_TEXT_COLUMNS = ("pillar", "result", "measure", "scale", "unit")
#: The numbers of an indicator node's definition.
DEFINITION_NUMBER_COLUMNS = ("rate_per", "scale_min", "scale_max", "norm", "goalpost_min", "goalpost_max")
#: Every definition column, in the order of :meth:`GoalTree.to_pandas <doelenboom.GoalTree.to_pandas>`.
DEFINITION_COLUMNS = ("pillar", "result", "measure", *_MEASUREMENT_COLUMNS)
#: Required columns of the edges table.
EDGE_COLUMNS = ("child", "parent")
#: Optional columns of the edges table (a missing weight is 1).
OPTIONAL_EDGE_COLUMNS = ("weight",)


def parse_error(
    message: str,
    *,
    code: str,
    file: str | None = None,
    row: int | None = None,
    field: str | None = None,
    ids: Sequence[str] = (),
) -> ParseError:
    """A ParseError whose ``problems`` holds one problem, shaped like the ones from C++."""
    error = ParseError(message)
    error.problems = [
        {
            "code": code,
            "file": file,
            "line": None,
            "row": row,
            "field": field,
            "ids": list(ids),
            "message": message,
        }
    ]
    return error



def _is_missing(value: object) -> bool:
    """True for None, NaN, pandas' NA and NaT (scalars only)."""
    import pandas as pd

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _text_cell(
    value: object, *, table: str, row: int, column: str, allow_missing: bool = False
) -> str | None:
    """A text cell: strings as they are, integers as their decimal text; missing -> None or error."""
    if _is_missing(value):
        if allow_missing:
            return None
        msg = f"{table}, row {row}, field '{column}': the value is missing (expected a text)"
        raise parse_error(msg, code="missing_value", file=table, row=row, field=column)
    if isinstance(value, str):
        return value
    if not isinstance(value, bool) and isinstance(value, numbers.Integral):
        return str(int(value))
    msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a text"
    raise parse_error(msg, code="wrong_type", file=table, row=row, field=column)


def _number_cell(value: object, *, table: str, row: int, column: str) -> float | None:
    """A numeric cell as float, or None when it is missing."""
    if _is_missing(value):
        return None
    if isinstance(value, (str, bytes, bool)):
        msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a number"
        raise parse_error(msg, code="wrong_type", file=table, row=row, field=column)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a number"
        raise parse_error(msg, code="wrong_type", file=table, row=row, field=column) from None


def _require_columns(frame: Any, required: Sequence[str], optional: Sequence[str], table: str) -> None:
    """Raise ParseError naming the first missing required column of a DataFrame."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"the {table} table must be a pandas DataFrame, not {type(frame).__name__}"
        raise TypeError(msg)
    for column in required:
        if column not in frame.columns:
            expected = ", ".join(required)
            extra = f" and optionally {', '.join(optional)}" if optional else ""
            msg = f"{table} table: missing required column '{column}' (expected columns {expected}{extra})"
            raise parse_error(msg, code="missing_column", file=table, field=column)


def _definition_columns(found: Sequence[IndicatorDefinition | None]) -> dict[str, Any]:
    """The columns of :data:`DEFINITION_COLUMNS` for nodes whose definitions are ``found`` (None: none)."""
    import pandas as pd

    def text(get: Any) -> list[str | None]:
        return [None if d is None else (get(d) or None) for d in found]

    def number(get: Any) -> pd.Series:
        values = [None if d is None else get(d) for d in found]
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")

    return {
        "pillar": text(lambda d: d.pillar),
        "result": text(lambda d: d.kind),
        "measure": text(lambda d: d.measure),
        "rate_per": number(lambda d: d.rate_per),
        "scale": text(lambda d: d.scale[0] if d.scale else None),
        "scale_min": number(lambda d: d.scale[1] if d.scale else None),
        "scale_max": number(lambda d: d.scale[2] if d.scale else None),
        "norm": number(lambda d: d.norm),
        "goalpost_min": number(lambda d: d.goalposts[0] if d.goalposts else None),
        "goalpost_max": number(lambda d: d.goalposts[1] if d.goalposts else None),
        "unit": text(lambda d: d.unit),
    }


def _node_items(nodes: pd.DataFrame) -> list[dict[str, Any]]:
    """The nodes table as node dicts of ``GoalTree.build``, located as ``nodes, row 3``."""
    node_list: list[dict[str, Any]] = []
    columns = {
        c: nodes[c].tolist() for c in (*NODE_COLUMNS, *OPTIONAL_NODE_COLUMNS, *DEFINITION_COLUMNS) if c in nodes.columns
    }
    for position in range(len(nodes)):
        row = position + 1
        cell = {c: values[position] for c, values in columns.items()}
        node: dict[str, Any] = {"file": "nodes", "row": row}
        for column in NODE_COLUMNS:
            node[column] = _text_cell(cell[column], table="nodes", row=row, column=column)
        description_cell = cell.get("description")
        node["description"] = _text_cell(
            description_cell, table="nodes", row=row, column="description", allow_missing=True
        )
        direction = _number_cell(cell.get("direction"), table="nodes", row=row, column="direction")
        if direction is not None and not direction.is_integer():
            msg = f"nodes, row {row}, field 'direction': direction {direction:g} is not a whole number (expected 1 or -1)"
            raise parse_error(msg, code="bad_direction", file="nodes", row=row, field="direction")
        node["direction"] = int(direction) if direction is not None else None
        for column in DEFINITION_TEXT_COLUMNS:
            if column in cell:
                node[column] = _text_cell(cell[column], table="nodes", row=row, column=column, allow_missing=True)
        for column in DEFINITION_NUMBER_COLUMNS:
            if column in cell:
                node[column] = _number_cell(cell[column], table="nodes", row=row, column=column)
        node_list.append(node)
    return node_list


def _edge_items(edges: pd.DataFrame) -> list[dict[str, Any]]:
    """The edges table as edge dicts of ``GoalTree.build`` (weight 1 where missing)."""
    edge_list: list[dict[str, Any]] = []
    edge_columns = {c: edges[c].tolist() for c in (*EDGE_COLUMNS, *OPTIONAL_EDGE_COLUMNS) if c in edges.columns}
    for position in range(len(edges)):
        row = position + 1
        edge: dict[str, Any] = {"file": "edges", "row": row}
        for column in EDGE_COLUMNS:
            edge[column] = _text_cell(edge_columns[column][position], table="edges", row=row, column=column)
        weight = None
        if "weight" in edge_columns:
            weight = _number_cell(edge_columns["weight"][position], table="edges", row=row, column="weight")
        edge["weight"] = 1.0 if weight is None else weight
        edge_list.append(edge)
    return edge_list


def read_tables(
    nodes: pd.DataFrame, edges: pd.DataFrame | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str] | None]:
    """The node and edge dicts of ``GoalTree.build`` from a nodes and an edges table (None: no
    edges), cell by cell, and the level order of an ordered categorical level column (else None).

    Raises ParseError naming a missing column (the nodes table's first) or a bad cell. A node
    without a direction keeps None: the caller fills in the default.
    """
    import pandas as pd

    _require_columns(nodes, NODE_COLUMNS, OPTIONAL_NODE_COLUMNS, "nodes")
    if edges is not None:
        _require_columns(edges, EDGE_COLUMNS, OPTIONAL_EDGE_COLUMNS, "edges")
    node_list = _node_items(nodes)
    edge_list = _edge_items(edges) if edges is not None else []
    levels = None
    dtype = nodes["level"].dtype
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        levels = [str(c) for c in nodes["level"].cat.categories]
    return node_list, edge_list, levels


def tables_of(tree: CoreTree) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables ``(nodes, edges)`` of a compiled tree, as :meth:`GoalTree.to_pandas
    <doelenboom.GoalTree.to_pandas>` describes them."""
    import pandas as pd

    nodes = tree.nodes
    levels = list(tree.levels)
    node_frame = pd.DataFrame(
        {
            "id": [n["id"] for n in nodes],
            "label": [n["label"] for n in nodes],
            "kind": [n["kind"] for n in nodes],
            "level": pd.Categorical([n["level"] for n in nodes], categories=levels, ordered=True),
            "direction": pd.array(
                [n["direction"] if n["kind"] == "indicator" else pd.NA for n in nodes], dtype="Int64"
            ),
            "description": [n["description"] or None for n in nodes],
        }
    )
    definitions = tree.indicators
    if len(definitions):
        found = [definitions.find(n["id"]) for n in nodes]
        for column, values in _definition_columns(found).items():
            node_frame[column] = values
    node_frame.attrs["name"] = tree.name
    node_frame.attrs["description"] = tree.description
    edges = tree.edges
    edge_frame = pd.DataFrame(
        {
            "child": [e["child"] for e in edges],
            "parent": [e["parent"] for e in edges],
            "weight": pd.Series([e["weight"] for e in edges], dtype="float64"),
        }
    )
    return node_frame, edge_frame
