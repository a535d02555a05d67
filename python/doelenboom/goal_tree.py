"""The goal tree (doelenboom): a directed acyclic graph of goals and indicators.

:class:`GoalTree` wraps the compiled ``doelenboom._core.graph.GoalTree`` and adds file-type
dispatch, pandas converters (:mod:`doelenboom.tree_tables`), drawing and a readable ``repr``. pandas
is imported only by the methods that return or take pandas objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _render
from ._core import data as _data
from ._core import graph as _graph
from ._core.data import IndicatorDefinition
from ._facade import ValueFacade
from .indicators import IndicatorSet, as_core_indicators
from .tree_tables import parse_error, read_tables, tables_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ._typing import EdgeDict, NodeDict, Problem

__all__ = ["GoalTree", "check_tree_file"]

PathLike = str | os.PathLike[str]

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
    """Keyword arguments for ``_graph.GoalTree.load_csv``; None means "no such column"."""
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


def _plural(count: int, word: str) -> str:
    """``"1 node"``, ``"3 nodes"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ------------------------------------------------------------------------------------------------


class GoalTree(ValueFacade[_graph.GoalTree]):
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
    :data:`~doelenboom.tree_tables.DEFINITION_COLUMNS` (``pillar``, ``result``, ``measure``, ...;
    None is "not given"), as an indicator node of a tree file does; :attr:`indicators` gives the
    definitions and :meth:`with_indicators` attaches those of a separate indicators file.

    Trees compare by value: the same levels, nodes, edges, weights and attributes (where they were
    read from is ignored).
    """

    __slots__ = ()

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
            self._core = _graph.GoalTree()
            return
        level_list = list(levels) if levels is not None else _first_seen_levels(node_list)
        self._core = _graph.GoalTree.build(
            node_list, edge_list, level_list, name=name, description=description
        )

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
            return cls._wrap(_graph.GoalTree.load_yaml(path))
        if format == "csv" or (format is None and suffix == ".csv"):
            return cls._wrap(_graph.GoalTree.load_csv(path, **_csv_options(columns)))
        msg = f"{os.fspath(path)}: unknown tree file type '{suffix}' (expected .yaml, .yml or .csv)"
        raise parse_error(msg, code="unknown_file_type", file=os.fspath(path))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<string>") -> GoalTree:
        """Read a tree from YAML text; ``source`` names the text in messages."""
        return cls._wrap(_graph.GoalTree.load_yaml_string(text, source))

    def to_yaml(self) -> str:
        """The tree as YAML text (the tree file format); :meth:`from_yaml` gives an equal tree back."""
        return self._core.to_yaml()

    def save(self, path: PathLike) -> None:
        """Write the tree as a YAML tree file (suffix ``.yaml`` or ``.yml``), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix not in _YAML_SUFFIXES:
            msg = f"{os.fspath(path)}: trees are saved as YAML (expected the suffix .yaml or .yml, not '{suffix}')"
            raise ValueError(msg)
        self._core.save_yaml(path)

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
        return _graph.GoalTree.check(node_list, list(edges), level_list)

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
        ``nodes`` may also have the definition columns of
        :data:`~doelenboom.tree_tables.DEFINITION_COLUMNS`: an indicator row with any of them filled
        in has a definition (pillar, result and measure are then required), a goal row must leave
        them empty. Other columns are ignored. A missing value (NaN, None, NA) in an optional column
        means "not given": direction +1 for indicators and none for goals, no description, weight
        1, no definition.

        The level order (top first) is ``levels`` when given, else the categories of the level
        column when it is an ordered categorical (as :meth:`to_pandas` makes it), else the order in
        which the nodes first use each level. ``name`` and ``description`` default to
        ``nodes.attrs["name"]`` and ``nodes.attrs["description"]`` (set by :meth:`to_pandas`), else "".

        Raises ParseError naming a missing column, or the row (1-based position) and column of a
        bad value, and TreeError for structural problems (located as ``nodes, row 3``).
        """
        node_list, edge_list, table_levels = read_tables(nodes, edges)
        node_list = [_with_default_direction(n) for n in node_list]
        if levels is not None:
            level_list = list(levels)
        else:
            level_list = table_levels if table_levels is not None else _first_seen_levels(node_list)
        attrs = nodes.attrs
        tree_name = name if name is not None else str(attrs.get("name", ""))
        tree_description = description if description is not None else str(attrs.get("description", ""))
        return cls._wrap(
            _graph.GoalTree.build(node_list, edge_list, level_list, name=tree_name, description=tree_description)
        )

    def to_pandas(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tree as two tables ``(nodes, edges)``.

        ``nodes`` has the columns ``id, label, kind, level, direction, description`` in node order:
        ``level`` is an ordered categorical whose categories are the tree's levels, ``direction`` a
        nullable Int64 (missing for goals) and ``description`` missing where there is none. When
        the tree has indicator definitions, the columns of
        :data:`~doelenboom.tree_tables.DEFINITION_COLUMNS` follow (missing on rows without a
        definition; a named scale also gets its ``scale_min`` and ``scale_max``). ``edges`` has
        ``child, parent, weight`` grouped by child in node order. The tree's name and description
        are kept in ``nodes.attrs``; :meth:`from_pandas` on the pair gives an equal tree.
        """
        return tables_of(self._core)

    # -- structure --------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The tree's title ("" when it has none)."""
        return self._core.name

    @property
    def description(self) -> str:
        """The tree's description ("" when it has none)."""
        return self._core.description

    @property
    def source(self) -> str:
        """The file the tree was read from ("" for trees built in memory)."""
        return self._core.source

    @property
    def levels(self) -> list[str]:
        """Level names, top level first."""
        return list(self._core.levels)

    @property
    def ids(self) -> list[str]:
        """Node ids in definition order."""
        return self._core.ids()

    @property
    def nodes(self) -> list[NodeDict]:
        """The nodes as dicts (id, label, kind, level, description, direction), in definition order."""
        return self._core.nodes

    @property
    def edges(self) -> list[EdgeDict]:
        """The edges as dicts (child, parent, weight), grouped by child in node order."""
        return self._core.edges

    @property
    def num_edges(self) -> int:
        """Number of edges."""
        return self._core.num_edges

    @property
    def indicators(self) -> IndicatorSet:
        """The indicator definitions of the indicator nodes, in node order (empty when there are none).

        They come from the tree file (an indicator node's ``pillar``, ``result``, ``measure``, ...)
        and from :meth:`with_indicators`; their id, label, description and direction are the node's.
        """
        return IndicatorSet._wrap(self._core.indicators)

    def with_indicators(self, indicators: IndicatorSet | _data.IndicatorSet | PathLike) -> GoalTree:
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
        return GoalTree._wrap(self._core.with_indicators(core))

    def node(self, id: str) -> NodeDict:
        """One node as a dict; TreeError naming an unknown id."""
        return self._core.node(id)

    def weight(self, child: str, parent: str) -> float:
        """The raw weight of the edge child -> parent; TreeError when there is no such edge."""
        return self._core.weight(child, parent)

    def __len__(self) -> int:
        """Number of nodes."""
        return len(self._core)

    def __contains__(self, id: object) -> bool:
        """True when a node has this id."""
        return isinstance(id, str) and id in self._core

    def __iter__(self) -> Iterator[str]:
        """The node ids in definition order."""
        return iter(self._core.ids())

    def roots(self) -> list[str]:
        """Ids of the nodes without parents (the top goals), in node order."""
        return self._core.roots()

    def leaves(self) -> list[str]:
        """Ids of the nodes without children, in node order."""
        return self._core.leaves()

    def children(self, id: str) -> list[str]:
        """Ids of the children of a node, in node order."""
        return self._core.children(id)

    def parents(self, id: str) -> list[str]:
        """Ids of the parents of a node, in definition order."""
        return self._core.parents(id)

    def ancestors(self, id: str) -> list[str]:
        """Ids of every node above a node (not itself), in node order."""
        return self._core.ancestors(id)

    def descendants(self, id: str) -> list[str]:
        """Ids of every node below a node (not itself), in node order."""
        return self._core.descendants(id)

    def topological_order(self) -> list[str]:
        """Every id once, each after all of its children (leaves first)."""
        return self._core.topological_order()

    def nodes_at_level(self, level: str) -> list[str]:
        """Ids of the nodes at one level, in node order; TreeError for an unknown level."""
        return self._core.nodes_at_level(level)

    def subtree(self, id: str) -> GoalTree:
        """The part of the tree below a node, with that node as the only root."""
        return GoalTree._wrap(self._core.subtree(id))

    # -- effective weights ------------------------------------------------------------------------

    def effective_weights(self, ancestor: str) -> pd.Series:
        """The share of every node below ``ancestor`` in it, as a Series indexed by node id.

        The effective weight of a node is the sum, over all paths from the node up to the ancestor,
        of the product of the edge weights normalised per parent (each parent's child weights sum
        to 1). Only descendants are listed, in node order; the Series is named ``effective_weight``.
        The leaves' weights sum to 1.
        """
        import pandas as pd

        weights = self._core.effective_weights(ancestor)
        below = self._core.descendants(ancestor)
        positions = [self._core.index_of(i) for i in below]
        return pd.Series(
            weights[positions], index=pd.Index(below, name="id"), name="effective_weight", dtype="float64"
        )

    def effective_weight_matrix(self) -> pd.DataFrame:
        """All effective weights: entry (a, d) is the effective weight of node d in node a (1 on the diagonal)."""
        import pandas as pd

        ids = self._core.ids()
        return pd.DataFrame(
            self._core.effective_weight_matrix(),
            index=pd.Index(ids, name="ancestor"),
            columns=pd.Index(ids, name="node"),
        )

    def effective_weight_array(self, ancestor: str) -> np.ndarray:
        """Effective weights in ``ancestor`` for every node, as a float64 array in node order (0 off the subtree)."""
        return self._core.effective_weights(ancestor)

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
        self._core.add_node(node, parent_list, definition)

    def remove_node(self, id: str) -> None:
        """Remove a node, every edge touching it and its indicator definition.

        TreeError (tree unchanged) when the result is invalid.
        """
        self._core.remove_node(id)

    def add_edge(self, child: str, parent: str, weight: float = 1.0) -> None:
        """Add the edge child -> parent; TreeError (tree unchanged) when the result is invalid."""
        self._core.add_edge(child, parent, weight)

    def remove_edge(self, child: str, parent: str) -> None:
        """Remove the edge child -> parent; TreeError (tree unchanged) when the result is invalid."""
        self._core.remove_edge(child, parent)

    def set_weight(self, child: str, parent: str, weight: float) -> None:
        """Change the weight of the edge child -> parent; TreeError (tree unchanged) when invalid."""
        self._core.set_weight(child, parent, weight)

    # -- comparison, copies, pickling -------------------------------------------------------------

    def copy(self) -> GoalTree:
        """An independent copy (cheap: the immutable graph is shared until one of them is edited)."""
        return GoalTree._wrap(self._core.__copy__())

    def __copy__(self) -> GoalTree:
        """See :meth:`copy`."""
        return self.copy()

    def __deepcopy__(self, memo: dict[int, object]) -> GoalTree:
        """See :meth:`copy`; the graph is immutable, so sharing it is a deep copy."""
        return self.copy()

    def __getstate__(self) -> str:
        """Pickled as its YAML text."""
        return self._core.to_yaml()

    def __setstate__(self, state: str) -> None:
        """Restore from YAML text."""
        self._core = _graph.GoalTree.load_yaml_string(state, "<pickle>")

    # -- display ----------------------------------------------------------------------------------

    def __repr__(self) -> str:
        """One line: ``<GoalTree 'name' 37 nodes, 52 edges, 5 levels, root zelfregie>``."""
        size = len(self._core)
        if size == 0:
            return "<GoalTree (empty)>"
        title = f" {self._core.name!r}" if self._core.name else ""
        roots = self._core.roots()
        shown = ", ".join(roots[:3]) + (f", ... ({len(roots)})" if len(roots) > 3 else "")
        return (
            f"<GoalTree{title} {_plural(size, 'node')}, {_plural(self._core.num_edges, 'edge')}, "
            f"{_plural(len(self._core.levels), 'level')}, {'root' if len(roots) == 1 else 'roots'} {shown}>"
        )

    def outline(self) -> str:
        """The tree as an indented text outline with labels and ids, roots first.

        Indicators are marked ``(indicator)``, weights other than 1 shown as ``(weight w)``; a node
        with several parents appears under each, marked ``* also under: ...``.
        """
        return _render.outline(self._core)

    def to_dot(self, *, wrap: int | None = 24) -> str:
        """Graphviz DOT text: bottom-up (``rankdir=BT``), goals as ellipses, indicators as boxes,
        one rank per level, edges labelled with weights other than 1, labels wrapped at ``wrap``."""
        return _render.to_dot(self._core, wrap=wrap)

    def to_svg(self) -> str:
        """The drawing as SVG text, made by Graphviz's ``dot``.

        Raises RuntimeError telling how to install Graphviz when ``dot`` is not on the PATH.
        """
        return _render.dot_to_svg(self.to_dot())

    def _repr_svg_(self) -> str | None:
        """The drawing for Jupyter; None (Jupyter then shows the repr) when Graphviz is missing."""
        if not _render.graphviz_available() or len(self._core) == 0:
            return None
        return self.to_svg()


def check_tree_file(path: PathLike) -> list[Problem]:
    """Every problem of a YAML tree file (reading, parsing and graph) as problem dicts, without raising."""
    return _graph.check_tree_file(path)
