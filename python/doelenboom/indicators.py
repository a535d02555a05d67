"""Indicator definitions: what an indicator measures, for which pillar, on which scale.

:class:`IndicatorSet` wraps the compiled ``doelenboom._core.data.IndicatorSet`` (read from an indicators
YAML file, docs/data-model.md) and adds pandas output. The definitions themselves are
``IndicatorDefinition`` objects from the compiled module, with the enums as text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ._core import data as _data
from ._core.data import IndicatorDefinition
from ._facade import YamlFileFacade, core_or_none

if TYPE_CHECKING:
    import pandas as pd

    from ._typing import Problem

__all__ = ["IndicatorDefinition", "IndicatorSet"]

PathLike = str | os.PathLike[str]

#: The columns of a definition's rate, scale, norm, goalposts and unit, in order: in
#: :data:`COLUMNS` and in a goal tree's nodes table (``doelenboom.tree_tables.DEFINITION_COLUMNS``).
_MEASUREMENT_COLUMNS = (
    "rate_per",
    "scale",
    "scale_min",
    "scale_max",
    "norm",
    "goalpost_min",
    "goalpost_max",
    "unit",
)
#: Columns of :meth:`IndicatorSet.to_pandas`, in order.
COLUMNS = ("id", "label", "pillar", "kind", "measure", "direction", *_MEASUREMENT_COLUMNS, "description")


class IndicatorSet(YamlFileFacade[_data.IndicatorSet]):
    """An ordered set of indicator definitions with lookup by id; compared by value.

    Build it from definitions (``IndicatorSet([IndicatorDefinition(...), ...])``), or read an
    indicators file (``doelenboom_indicators: 1`` and an ``indicators`` list) with :meth:`load` /
    :meth:`from_yaml`. Every definition is checked and every problem is reported at
    once as a :class:`~doelenboom.ParseError`.
    """

    __slots__ = ()

    def __init__(self, definitions: Iterable[IndicatorDefinition] = ()) -> None:
        self._core = _data.IndicatorSet(list(definitions))

    @staticmethod
    def check_file(path: PathLike) -> list[Problem]:
        """Every problem of an indicators file, as problem dicts, without raising."""
        return _data.IndicatorSet.check_yaml_file(os.fspath(path))

    def ids(self) -> list[str]:
        """The ids, in order."""
        return self._core.ids()

    def get(self, id: str) -> IndicatorDefinition | None:
        """The definition of an id, or None."""
        return self._core.find(id)

    def __getitem__(self, id: str) -> IndicatorDefinition:
        definition = self._core.find(id)
        if definition is None:
            raise KeyError(f"unknown indicator {id!r}")
        return definition

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and id in self._core

    def __iter__(self) -> Iterator[IndicatorDefinition]:
        return iter(self._core.definitions)

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<doelenboom.IndicatorSet with {len(self)} indicators>"

    def to_pandas(self) -> pd.DataFrame:
        """One row per indicator with the columns of :data:`COLUMNS` (missing numbers are NaN)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        nan = float("nan")
        for d in self._core.definitions:
            scale = d.scale
            goalposts = d.goalposts
            rows.append(
                {
                    "id": d.id,
                    "label": d.label,
                    "pillar": d.pillar,
                    "kind": d.kind,
                    "measure": d.measure,
                    "direction": d.direction,
                    "rate_per": d.rate_per,
                    "scale": scale[0] if scale else None,
                    "scale_min": scale[1] if scale else nan,
                    "scale_max": scale[2] if scale else nan,
                    "norm": nan if d.norm is None else d.norm,
                    "goalpost_min": goalposts[0] if goalposts else nan,
                    "goalpost_max": goalposts[1] if goalposts else nan,
                    "unit": d.unit,
                    "description": d.description,
                }
            )
        return pd.DataFrame(rows, columns=list(COLUMNS))


def as_core_indicators(indicators: object) -> _data.IndicatorSet | None:
    """The compiled set of an IndicatorSet, a compiled set or the path of an indicators file (read here)."""
    if isinstance(indicators, (str, os.PathLike)):
        return _data.IndicatorSet.load_yaml(os.fspath(indicators))
    return core_or_none(
        indicators, IndicatorSet, "indicators", "an IndicatorSet or the path of an indicators file"
    )
