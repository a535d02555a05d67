"""Units: the gemeenten (and providers or areas inside one) that data are about.

:func:`gemeenten` gives the shipped list of the 344 Dutch municipalities (2022 boundaries; real
codes, names, provinces and populations, provenance in ``data/README.md``). :class:`UnitRegistry`
wraps the compiled ``doelenboom._core.data.UnitRegistry`` and adds pandas output.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._core import data as _data
from ._core.data import Period, Unit, cbs_size_class, cbs_size_class_bounds
from ._facade import Facade

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SIZE_CLASSES",
    "Unit",
    "UnitRegistry",
    "cbs_size_class",
    "cbs_size_class_bounds",
    "gemeenten",
    "gemeenten_path",
]

PathLike = str | os.PathLike[str]

#: The CBS size classes (gemeentegrootteklassen) from small to large; lower bounds inclusive.
SIZE_CLASSES = (
    "< 5 000",
    "5 000 - 10 000",
    "10 000 - 20 000",
    "20 000 - 50 000",
    "50 000 - 100 000",
    "100 000 - 150 000",
    "150 000 - 250 000",
    ">= 250 000",
)

#: Fixed columns of :meth:`UnitRegistry.to_pandas`; label columns follow them.
COLUMNS = (
    "id",
    "name",
    "type",
    "parent",
    "cbs_code",
    "province",
    "population",
    "land_area_km2",
    "size_class",
    "baseline",
)


class UnitRegistry(Facade[_data.UnitRegistry]):
    """The units data are about, with lookup by id (``registry["GM1740"]``) and by name.

    Build it from :class:`Unit` objects, or read it with :meth:`load_csv` (a units file) or
    :func:`gemeenten` (the shipped list). Invalid units raise :class:`~doelenboom.DataError`
    listing every problem.
    """

    __slots__ = ()
    _expected = "a doelenboom.UnitRegistry (e.g. doelenboom.units.gemeenten())"

    def __init__(self, units: Iterable[Unit] = ()) -> None:
        self._core = _data.UnitRegistry(list(units))

    @classmethod
    def load_csv(cls, path: PathLike) -> UnitRegistry:
        """Read a units CSV: id, name and optional type, parent, cbs_code, province, population,
        land_area_km2, baseline; every other column is a peer-group label."""
        return cls._wrap(_data.UnitRegistry.load_csv(os.fspath(path)))

    @classmethod
    def load_gemeenten_csv(cls, path: PathLike) -> UnitRegistry:
        """Read a gemeenten list with the columns gm_code, name, province, population, land_area_km2."""
        return cls._wrap(_data.UnitRegistry.load_gemeenten_csv(os.fspath(path)))

    def save_csv(self, path: PathLike) -> None:
        """Write the :meth:`load_csv` format atomically."""
        self._core.save_csv(os.fspath(path))

    def ids(self) -> list[str]:
        """The ids, in order."""
        return self._core.ids()

    def get(self, id: str) -> Unit | None:
        """The unit of an id, or None."""
        return self._core.find(id)

    def find_by_name(self, name: str) -> Unit | None:
        """The unit with this name (e.g. ``"Neder-Betuwe"``), or None."""
        return self._core.find_by_name(name)

    def subset(self, ids: Sequence[str]) -> UnitRegistry:
        """The units with these ids, in this order (parents outside the subset are cleared)."""
        return UnitRegistry._wrap(self._core.subset(list(ids)))

    def set_baseline(self, id: str, period: Period | str | int) -> None:
        """Mark the baseline period (nulmeting) of a unit."""
        self._core.set_baseline(id, period)

    def __getitem__(self, id: str) -> Unit:
        unit = self._core.find(id)
        if unit is None:
            hint = self._core.find_by_name(id)
            extra = f" ({id!r} is the name of {hint.id!r})" if hint is not None else ""
            raise KeyError(f"unknown unit {id!r}{extra}")
        return unit

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and id in self._core

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._core.units)

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<doelenboom.UnitRegistry with {len(self)} units>"

    def to_pandas(self) -> pd.DataFrame:
        """One row per unit: the columns of :data:`COLUMNS` and then one column per label.

        ``size_class`` is an ordered categorical over :data:`SIZE_CLASSES`; ``baseline`` is the
        period text or None; missing numbers are NaN.
        """
        import pandas as pd

        columns = self._core.to_columns()
        labels = columns.pop("labels")
        frame = pd.DataFrame({name: columns[name] for name in COLUMNS})
        frame["size_class"] = pd.Categorical(
            [c if c else None for c in columns["size_class"]], categories=list(SIZE_CLASSES), ordered=True
        )
        for name, values in labels.items():
            if name in frame.columns:
                name = f"label_{name}"  # noqa: PLW2901 - a label may not shadow a fixed column
            frame[name] = values
        return frame


def gemeenten_path() -> Path:
    """The path of the shipped gemeenten list (``doelenboom/data/gemeenten.csv``)."""
    return Path(__file__).resolve().with_name("data") / "gemeenten.csv"


def gemeenten() -> UnitRegistry:
    """The 344 Dutch municipalities (2022 boundaries) with CBS code, name, province, population
    and land area. Each call reads a fresh registry, so marking baselines on one does not change
    another."""
    return UnitRegistry.load_gemeenten_csv(gemeenten_path())

