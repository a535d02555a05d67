"""The goal tree (doelenboom): a directed acyclic graph of goals and indicators.

:class:`GoalTree` wraps the compiled ``doelenboom._core.GoalTree`` and adds file-type dispatch,
pandas converters, drawing and a readable ``repr``. pandas is imported only by the methods that
return or take pandas objects.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _core, _render
from ._core import IndicatorDefinition, ParseError
from .indicators import _MEASUREMENT_COLUMNS, IndicatorSet, as_core_indicators

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ._typing import EdgeDict, NodeDict, Problem

__all__ = ["GoalTree", "check_tree_file"]

PathLike = str | os.PathLike[str]

NODE_COLUMNS = ("id", "label", "kind", "level")
OPTIONAL_NODE_COLUMNS = ("direction", "description")
#: Optional columns of the nodes table with an indicator node's definition (as in the tree file;
#: ``result`` is output or outcome, a custom scale has ``scale_min`` and ``scale_max``).
DEFINITION_TEXT_COLUMNS = ("pillar", "result", "measure", "scale", "unit")
DEFINITION_NUMBER_COLUMNS = ("rate_per", "scale_min", "scale_max", "norm", "goalpost_min", "goalpost_max")
DEFINITION_COLUMNS = ("pillar", "result", "measure", *_MEASUREMENT_COLUMNS)
EDGE_COLUMNS = ("child", "parent")
OPTIONAL_EDGE_COLUMNS = ("weight",)

_CSV_OPTIONS = frozenset(
    {
        "id",
        "parent",
        "label",
        "level",
        "weight",
        "direction",
        "kind",
        "description",
        "indicator_kinds",
        "goal_kinds",
        "numeric_levels_ascend_upwards",
    }
)
_YAML_SUFFIXES = (".yaml", ".yml")


# ------------------------------------------------------------------------------------------------
# Helpers


def _parse_error(
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


def _level_of(item: object) -> object:
    """The level of a node given as a dict or tuple, or None when it cannot be seen."""
    if isinstance(item, Mapping):
        return item.get("level")
    if isinstance(item, Sequence) and not isinstance(item, str) and len(item) >= 4:
        return item[3]
    return None


def _with_default_direction(item: Any) -> Any:
    """The node with direction +1 filled in for an indicator that gives none (goals get 0 in C++)."""
    if isinstance(item, Mapping):
        if item.get("kind") == "indicator" and item.get("direction") is None:
            return {**item, "direction": 1}
        return item
    if (
        isinstance(item, Sequence)
        and not isinstance(item, str)
        and 4 <= len(item) <= 6
        and item[2] == "indicator"
    ):
        values = list(item)
        if len(values) == 4:
            values.append("")
        if len(values) == 5:
            values.append(None)
        if values[5] is None:
            values[5] = 1
        return tuple(values)
    return item


def _first_seen_levels(nodes: Iterable[object]) -> list[str]:
    """Level names in the order of their first appearance among the nodes."""
    seen: dict[str, None] = {}
    for item in nodes:
        level = _level_of(item)
        if isinstance(level, str):
            seen.setdefault(level, None)
    return list(seen)


def _csv_options(columns: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``_core.GoalTree.load_csv``; None means "no such column"."""
    unknown = sorted(set(columns) - _CSV_OPTIONS)
    if unknown:
        msg = f"unknown CSV column option(s) {', '.join(unknown)} (expected some of: {', '.join(sorted(_CSV_OPTIONS))})"
        raise TypeError(msg)
    options: dict[str, Any] = {}
    for key, value in columns.items():
        if key in {"indicator_kinds", "goal_kinds"}:
            options[key] = [value] if isinstance(value, str) else list(value)
        elif key == "numeric_levels_ascend_upwards":
            options[key] = bool(value)
        else:
            options[key] = "" if value is None else str(value)
    return options


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
        raise _parse_error(msg, code="missing_value", file=table, row=row, field=column)
    if isinstance(value, str):
        return value
    if not isinstance(value, bool) and isinstance(value, numbers.Integral):
        return str(int(value))
    msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a text"
    raise _parse_error(msg, code="wrong_type", file=table, row=row, field=column)


def _number_cell(value: object, *, table: str, row: int, column: str) -> float | None:
    """A numeric cell as float, or None when it is missing."""
    if _is_missing(value):
        return None
    if isinstance(value, (str, bytes, bool)):
        msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a number"
        raise _parse_error(msg, code="wrong_type", file=table, row=row, field=column)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        msg = f"{table}, row {row}, field '{column}': the value {value!r} is not a number"
        raise _parse_error(msg, code="wrong_type", file=table, row=row, field=column) from None


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
            raise _parse_error(msg, code="missing_column", file=table, field=column)


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


def _plural(count: int, word: str) -> str:
    """``"1 node"``, ``"3 nodes"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ------------------------------------------------------------------------------------------------


class GoalTree:
    """A goal tree: goals and indicators joined by weighted edges child -> parent.

    Build one from plain data (``GoalTree(nodes, edges, levels=...)``), from a file
    (:meth:`load`), from YAML text (:meth:`from_yaml`) or from pandas tables (:meth:`from_pandas`).
    The tree is always valid: building or editing it raises :class:`doelenboom.TreeError` listing
    every problem, and a failed edit leaves the tree unchanged. Nodes are named by their id.

    Nodes are dicts ``{"id", "label", "kind", "level", "description", "direction"}`` or tuples
    ``(id, label, kind, level[, description[, direction]])``; ``kind`` is ``"goal"`` or
    ``"indicator"``; ``direction`` is +1 (higher is better, the default for indicators) or -1 for
    indicators and 0/None for goals. Edges are dicts ``{"child", "parent", "weight"}`` or tuples
    ``(child, parent[, weight])`` with weight 1 by default. ``levels`` lists the level names top
    first; by default the order in which the nodes first use them.

    An indicator node's dict may also hold its indicator definition in the keys of
    :data:`DEFINITION_COLUMNS` (``pillar``, ``result``, ``measure``, ...; None is "not given"), as
    an indicator node of a tree file does; :attr:`indicators` gives the definitions and
    :meth:`with_indicators` attaches those of a separate indicators file.
    """

    __slots__ = ("_tree",)
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __init__(
        self,
        nodes: Iterable[Mapping[str, Any] | Sequence[Any]] = (),
        edges: Iterable[Mapping[str, Any] | Sequence[Any]] = (),
        *,
        levels: Sequence[str] | None = None,
        name: str = "",
        description: str = "",
    ) -> None:
        """Build and validate a tree from plain data (no arguments: an empty tree)."""
        node_list = [_with_default_direction(n) for n in nodes]
        edge_list = list(edges)
        if not node_list and not edge_list and levels is None and not name and not description:
            self._tree = _core.GoalTree()
            return
        level_list = list(levels) if levels is not None else _first_seen_levels(node_list)
        self._tree = _core.GoalTree.build(
            node_list, edge_list, level_list, name=name, description=description
        )

    @classmethod
    def _wrap(cls, tree: _core.GoalTree) -> GoalTree:
        """A facade around a compiled tree (no copy)."""
        self = cls.__new__(cls)
        self._tree = tree
        return self

    @property
    def core(self) -> _core.GoalTree:
        """The compiled tree (``doelenboom._core.GoalTree``) behind this object."""
        return self._tree

    # -- reading and writing ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: PathLike, *, format: str | None = None, **columns: Any) -> GoalTree:
        """Read a tree file, by suffix: ``.yaml``/``.yml`` a YAML tree file, ``.csv`` a CSV edge list.

        ``format="yaml"`` or ``format="csv"`` overrides the suffix.

        For CSV, keyword arguments name the columns (``id``, ``parent``, ``label``, ``level``,
        ``weight``, ``direction``, ``kind``, ``description``; None or "" for an absent column) and
        set ``indicator_kinds``, ``goal_kinds`` and ``numeric_levels_ascend_upwards``, e.g.
        ``GoalTree.load("tree.csv", id="code", label="name", kind="type")``. Raises ParseError or
        TreeError naming the file and line (or row and column).
        """
        suffix = Path(path).suffix.lower()
        if format is not None and format not in {"yaml", "csv"}:
            msg = f"unknown tree file format {format!r} (expected 'yaml' or 'csv')"
            raise ValueError(msg)
        if format == "yaml" or (format is None and suffix in _YAML_SUFFIXES):
            if columns:
                msg = f"column options ({', '.join(sorted(columns))}) apply to CSV files only, not to {path}"
                raise TypeError(msg)
            return cls._wrap(_core.GoalTree.load_yaml(path))
        if format == "csv" or (format is None and suffix == ".csv"):
            return cls._wrap(_core.GoalTree.load_csv(path, **_csv_options(columns)))
        msg = f"{os.fspath(path)}: unknown tree file type '{suffix}' (expected .yaml, .yml or .csv)"
        raise _parse_error(msg, code="unknown_file_type", file=os.fspath(path))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<string>") -> GoalTree:
        """Read a tree from YAML text; ``source`` names the text in messages."""
        return cls._wrap(_core.GoalTree.load_yaml_string(text, source))

    def to_yaml(self) -> str:
        """The tree as YAML text (the tree file format); :meth:`from_yaml` gives an equal tree back."""
        return self._tree.to_yaml()

    def save(self, path: PathLike) -> None:
        """Write the tree as a YAML tree file (suffix ``.yaml`` or ``.yml``), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix not in _YAML_SUFFIXES:
            msg = f"{os.fspath(path)}: trees are saved as YAML (expected the suffix .yaml or .yml, not '{suffix}')"
            raise ValueError(msg)
        self._tree.save_yaml(path)

    @staticmethod
    def check(
        nodes: Iterable[Mapping[str, Any] | Sequence[Any]],
        edges: Iterable[Mapping[str, Any] | Sequence[Any]] = (),
        *,
        levels: Sequence[str] | None = None,
    ) -> list[Problem]:
        """Every structural problem of a definition (arguments as for the constructor), without raising."""
        node_list = [_with_default_direction(n) for n in nodes]
        level_list = list(levels) if levels is not None else _first_seen_levels(node_list)
        return _core.GoalTree.check(node_list, list(edges), level_list)

    # -- pandas -----------------------------------------------------------------------------------

    @classmethod
    def from_pandas(
        cls,
        nodes: pd.DataFrame,
        edges: pd.DataFrame | None = None,
        *,
        levels: Sequence[str] | None = None,
        name: str | None = None,
        description: str | None = None,
    ) -> GoalTree:
        """Build a tree from a nodes table and an edges table.

        ``nodes`` needs the columns ``id, label, kind, level`` and may have ``direction`` and
        ``description``; ``edges`` needs ``child, parent`` and may have ``weight`` (default 1).
        ``nodes`` may also have the definition columns of :data:`DEFINITION_COLUMNS`: an indicator
        row with any of them filled in has a definition (pillar, result and measure are then
        required), a goal row must leave them empty. Other columns are ignored. A missing value
        (NaN, None, NA) in an optional column means "not given": direction +1 for indicators and
        none for goals, no description, weight 1, no definition.

        The level order (top first) is ``levels`` when given, else the categories of the level
        column when it is an ordered categorical (as :meth:`to_pandas` makes it), else the order in
        which the nodes first use each level. ``name`` and ``description`` default to
        ``nodes.attrs["name"]`` and ``nodes.attrs["description"]`` (set by :meth:`to_pandas`), else "".

        Raises ParseError naming a missing column, or the row (1-based position) and column of a
        bad value, and TreeError for structural problems (located as ``nodes, row 3``).
        """
        import pandas as pd

        _require_columns(nodes, NODE_COLUMNS, OPTIONAL_NODE_COLUMNS, "nodes")
        if edges is not None:
            _require_columns(edges, EDGE_COLUMNS, OPTIONAL_EDGE_COLUMNS, "edges")

        node_list: list[dict[str, Any]] = []
        columns = {
            c: nodes[c].tolist()
            for c in (*NODE_COLUMNS, *OPTIONAL_NODE_COLUMNS, *DEFINITION_COLUMNS)
            if c in nodes.columns
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
                raise _parse_error(msg, code="bad_direction", file="nodes", row=row, field="direction")
            node["direction"] = int(direction) if direction is not None else None
            for column in DEFINITION_TEXT_COLUMNS:
                if column in cell:
                    node[column] = _text_cell(
                        cell[column], table="nodes", row=row, column=column, allow_missing=True
                    )
            for column in DEFINITION_NUMBER_COLUMNS:
                if column in cell:
                    node[column] = _number_cell(cell[column], table="nodes", row=row, column=column)
            node_list.append(_with_default_direction(node))

        edge_list: list[dict[str, Any]] = []
        if edges is not None:
            edge_columns = {
                c: edges[c].tolist() for c in (*EDGE_COLUMNS, *OPTIONAL_EDGE_COLUMNS) if c in edges.columns
            }
            for position in range(len(edges)):
                row = position + 1
                edge: dict[str, Any] = {"file": "edges", "row": row}
                for column in EDGE_COLUMNS:
                    edge[column] = _text_cell(
                        edge_columns[column][position], table="edges", row=row, column=column
                    )
                weight = None
                if "weight" in edge_columns:
                    weight = _number_cell(
                        edge_columns["weight"][position], table="edges", row=row, column="weight"
                    )
                edge["weight"] = 1.0 if weight is None else weight
                edge_list.append(edge)

        if levels is not None:
            level_list = list(levels)
        elif isinstance(nodes["level"].dtype, pd.CategoricalDtype) and nodes["level"].dtype.ordered:
            level_list = [str(c) for c in nodes["level"].cat.categories]
        else:
            level_list = _first_seen_levels(node_list)
        attrs = nodes.attrs
        tree_name = name if name is not None else str(attrs.get("name", ""))
        tree_description = description if description is not None else str(attrs.get("description", ""))
        return cls._wrap(
            _core.GoalTree.build(
                node_list, edge_list, level_list, name=tree_name, description=tree_description
            )
        )

    def to_pandas(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tree as two tables ``(nodes, edges)``.

        ``nodes`` has the columns ``id, label, kind, level, direction, description`` in node order:
        ``level`` is an ordered categorical whose categories are the tree's levels, ``direction`` a
        nullable Int64 (missing for goals) and ``description`` missing where there is none. When
        the tree has indicator definitions, the columns of :data:`DEFINITION_COLUMNS` follow
        (missing on rows without a definition; a named scale also gets its ``scale_min`` and
        ``scale_max``). ``edges`` has ``child, parent, weight`` grouped by child in node order. The
        tree's name and description are kept in ``nodes.attrs``; :meth:`from_pandas` on the pair
        gives an equal tree.
        """
        import pandas as pd

        nodes = self._tree.nodes
        levels = list(self._tree.levels)
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
        definitions = self._tree.indicators
        if len(definitions):
            found = [definitions.find(n["id"]) for n in nodes]
            for column, values in _definition_columns(found).items():
                node_frame[column] = values
        node_frame.attrs["name"] = self._tree.name
        node_frame.attrs["description"] = self._tree.description
        edges = self._tree.edges
        edge_frame = pd.DataFrame(
            {
                "child": [e["child"] for e in edges],
                "parent": [e["parent"] for e in edges],
                "weight": pd.Series([e["weight"] for e in edges], dtype="float64"),
            }
        )
        return node_frame, edge_frame

    # -- structure --------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The tree's title ("" when it has none)."""
        return self._tree.name

    @property
    def description(self) -> str:
        """The tree's description ("" when it has none)."""
        return self._tree.description

    @property
    def source(self) -> str:
        """The file the tree was read from ("" for trees built in memory)."""
        return self._tree.source

    @property
    def levels(self) -> list[str]:
        """Level names, top level first."""
        return list(self._tree.levels)

    @property
    def ids(self) -> list[str]:
        """Node ids in definition order."""
        return self._tree.ids()

    @property
    def nodes(self) -> list[NodeDict]:
        """The nodes as dicts (id, label, kind, level, description, direction), in definition order."""
        return self._tree.nodes

    @property
    def edges(self) -> list[EdgeDict]:
        """The edges as dicts (child, parent, weight), grouped by child in node order."""
        return self._tree.edges

    @property
    def num_edges(self) -> int:
        """Number of edges."""
        return self._tree.num_edges

    @property
    def indicators(self) -> IndicatorSet:
        """The indicator definitions of the indicator nodes, in node order (empty when there are none).

        They come from the tree file (an indicator node's ``pillar``, ``result``, ``measure``, ...)
        and from :meth:`with_indicators`; their id, label, description and direction are the node's.
        """
        return IndicatorSet._wrap(self._tree.indicators)

    def with_indicators(self, indicators: IndicatorSet | _core.IndicatorSet | PathLike) -> GoalTree:
        """A new tree with the definitions of an indicator set (or indicators file) attached.

        This tree is unchanged. Raises TreeError listing every problem: an id that is not an
        indicator node of the tree, a direction, label or description other than the node's (an
        empty description takes the node's), and an indicator that already has a definition (in
        the tree file or an earlier set), naming both files and lines.
        """
        core = as_core_indicators(indicators)
        if core is None:
            msg = "with_indicators needs an IndicatorSet or the path of an indicators file, not None"
            raise TypeError(msg)
        return GoalTree._wrap(self._tree.with_indicators(core))

    def node(self, id: str) -> NodeDict:
        """One node as a dict; TreeError naming an unknown id."""
        return self._tree.node(id)

    def weight(self, child: str, parent: str) -> float:
        """The raw weight of the edge child -> parent; TreeError when there is no such edge."""
        return self._tree.weight(child, parent)

    def __len__(self) -> int:
        """Number of nodes."""
        return len(self._tree)

    def __contains__(self, id: object) -> bool:
        """True when a node has this id."""
        return isinstance(id, str) and id in self._tree

    def __iter__(self) -> Iterator[str]:
        """The node ids in definition order."""
        return iter(self._tree.ids())

    def roots(self) -> list[str]:
        """Ids of the nodes without parents (the top goals), in node order."""
        return self._tree.roots()

    def leaves(self) -> list[str]:
        """Ids of the nodes without children, in node order."""
        return self._tree.leaves()

    def children(self, id: str) -> list[str]:
        """Ids of the children of a node, in node order."""
        return self._tree.children(id)

    def parents(self, id: str) -> list[str]:
        """Ids of the parents of a node, in definition order."""
        return self._tree.parents(id)

    def ancestors(self, id: str) -> list[str]:
        """Ids of every node above a node (not itself), in node order."""
        return self._tree.ancestors(id)

    def descendants(self, id: str) -> list[str]:
        """Ids of every node below a node (not itself), in node order."""
        return self._tree.descendants(id)

    def topological_order(self) -> list[str]:
        """Every id once, each after all of its children (leaves first)."""
        return self._tree.topological_order()

    def nodes_at_level(self, level: str) -> list[str]:
        """Ids of the nodes at one level, in node order; TreeError for an unknown level."""
        return self._tree.nodes_at_level(level)

    def subtree(self, id: str) -> GoalTree:
        """The part of the tree below a node, with that node as the only root."""
        return GoalTree._wrap(self._tree.subtree(id))

    # -- effective weights ------------------------------------------------------------------------

    def effective_weights(self, ancestor: str) -> pd.Series:
        """The share of every node below ``ancestor`` in it, as a Series indexed by node id.

        The effective weight of a node is the sum, over all paths from the node up to the ancestor,
        of the product of the edge weights normalised per parent (each parent's child weights sum
        to 1). Only descendants are listed, in node order; the Series is named ``effective_weight``.
        The leaves' weights sum to 1.
        """
        import pandas as pd

        weights = self._tree.effective_weights(ancestor)
        below = self._tree.descendants(ancestor)
        positions = [self._tree.index_of(i) for i in below]
        return pd.Series(
            weights[positions], index=pd.Index(below, name="id"), name="effective_weight", dtype="float64"
        )

    def effective_weight_matrix(self) -> pd.DataFrame:
        """All effective weights: entry (a, d) is the effective weight of node d in node a (1 on the diagonal)."""
        import pandas as pd

        ids = self._tree.ids()
        return pd.DataFrame(
            self._tree.effective_weight_matrix(),
            index=pd.Index(ids, name="ancestor"),
            columns=pd.Index(ids, name="node"),
        )

    def effective_weight_array(self, ancestor: str) -> np.ndarray:
        """Effective weights in ``ancestor`` for every node, as a float64 array in node order (0 off the subtree)."""
        return self._tree.effective_weights(ancestor)

    # -- edits ------------------------------------------------------------------------------------

    def add_node(
        self,
        id: str,
        label: str,
        *,
        level: str,
        kind: str = "goal",
        parents: Mapping[str, float] | Iterable[str | tuple[str, float]] = (),
        description: str = "",
        direction: int | None = None,
        definition: IndicatorDefinition | None = None,
    ) -> None:
        """Add a node with edges to its parents: ids (weight 1), ``(id, weight)`` pairs or a dict id -> weight.

        ``direction`` defaults to +1 for indicators. An indicator may come with its
        ``definition`` (its id and label may be empty: they are the node's). TreeError (tree
        unchanged) when the result is invalid.
        """
        node = _with_default_direction(
            {
                "id": id,
                "label": label,
                "kind": kind,
                "level": level,
                "description": description,
                "direction": direction,
            }
        )
        parent_list = list(parents.items()) if isinstance(parents, Mapping) else list(parents)
        self._tree.add_node(node, parent_list, definition)

    def remove_node(self, id: str) -> None:
        """Remove a node, every edge touching it and its indicator definition.

        TreeError (tree unchanged) when the result is invalid.
        """
        self._tree.remove_node(id)

    def add_edge(self, child: str, parent: str, weight: float = 1.0) -> None:
        """Add the edge child -> parent; TreeError (tree unchanged) when the result is invalid."""
        self._tree.add_edge(child, parent, weight)

    def remove_edge(self, child: str, parent: str) -> None:
        """Remove the edge child -> parent; TreeError (tree unchanged) when the result is invalid."""
        self._tree.remove_edge(child, parent)

    def set_weight(self, child: str, parent: str, weight: float) -> None:
        """Change the weight of the edge child -> parent; TreeError (tree unchanged) when invalid."""
        self._tree.set_weight(child, parent, weight)

    # -- comparison, copies, pickling -------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        """Same levels, nodes, edges, weights and attributes (where they were read from is ignored)."""
        if not isinstance(other, GoalTree):
            return NotImplemented
        return self._tree == other._tree

    def copy(self) -> GoalTree:
        """An independent copy (cheap: the immutable graph is shared until one of them is edited)."""
        return GoalTree._wrap(self._tree.__copy__())

    def __copy__(self) -> GoalTree:
        """See :meth:`copy`."""
        return self.copy()

    def __deepcopy__(self, memo: dict[int, object]) -> GoalTree:
        """See :meth:`copy`; the graph is immutable, so sharing it is a deep copy."""
        return self.copy()

    def __getstate__(self) -> str:
        """Pickled as its YAML text."""
        return self._tree.to_yaml()

    def __setstate__(self, state: str) -> None:
        """Restore from YAML text."""
        self._tree = _core.GoalTree.load_yaml_string(state, "<pickle>")

    # -- display ----------------------------------------------------------------------------------

    def __repr__(self) -> str:
        """One line: ``<GoalTree 'name' 37 nodes, 52 edges, 5 levels, root zelfregie>``."""
        size = len(self._tree)
        if size == 0:
            return "<GoalTree (empty)>"
        title = f" {self._tree.name!r}" if self._tree.name else ""
        roots = self._tree.roots()
        shown = ", ".join(roots[:3]) + (f", ... ({len(roots)})" if len(roots) > 3 else "")
        return (
            f"<GoalTree{title} {_plural(size, 'node')}, {_plural(self._tree.num_edges, 'edge')}, "
            f"{_plural(len(self._tree.levels), 'level')}, {'root' if len(roots) == 1 else 'roots'} {shown}>"
        )

    def outline(self) -> str:
        """The tree as an indented text outline with labels and ids, roots first.

        Indicators are marked ``(indicator)``, weights other than 1 shown as ``(weight w)``; a node
        with several parents appears under each, marked ``* also under: ...``.
        """
        return _render.outline(self._tree)

    def to_dot(self, *, wrap: int | None = 24) -> str:
        """Graphviz DOT text: bottom-up (``rankdir=BT``), goals as ellipses, indicators as boxes,
        one rank per level, edges labelled with weights other than 1, labels wrapped at ``wrap``."""
        return _render.to_dot(self._tree, wrap=wrap)

    def to_svg(self) -> str:
        """The drawing as SVG text, made by Graphviz's ``dot``.

        Raises RuntimeError telling how to install Graphviz when ``dot`` is not on the PATH.
        """
        return _render.dot_to_svg(self.to_dot())

    def _repr_svg_(self) -> str | None:
        """The drawing for Jupyter; None (Jupyter then shows the repr) when Graphviz is missing."""
        if not _render.graphviz_available() or len(self._tree) == 0:
            return None
        return self.to_svg()


def check_tree_file(path: PathLike) -> list[Problem]:
    """Every problem of a YAML tree file (reading, parsing and graph) as problem dicts, without raising."""
    return _core.check_tree_file(path)
