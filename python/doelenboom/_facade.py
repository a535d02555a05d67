"""The base of the package's classes that wrap one object of the compiled core (``doelenboom._core``).

:class:`Facade` holds the compiled object: :attr:`Facade.core` reaches it, ``_wrap`` wraps one
without copying it, and :func:`core_of` (or :func:`core_or_none`) turns an argument given as the
facade or as the compiled object into the compiled object, the one way every function of the
package unwraps its arguments. :class:`ValueFacade` adds comparison by value and
:class:`UnitPeriodFacade` the units and periods of a data set or a result. :class:`YamlFacade` reads
settings kept as YAML (a file or text) and :class:`YamlFileFacade` writes them back.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast, get_args

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Facade", "UnitPeriodFacade", "ValueFacade", "YamlFacade", "YamlFileFacade", "core_of", "core_or_none"]

C = TypeVar("C")


class Facade(Generic[C]):
    """A Python class around one compiled object.

    A subclass names the compiled class as its type argument (``class GoalTree(Facade[graph.GoalTree])``);
    :func:`core_of` accepts objects of either class.
    """

    __slots__ = ("_core",)
    #: The compiled class, taken from the type argument of the subclass.
    _core_type: ClassVar[type[Any]]
    #: What an argument must be, as :func:`core_of` words it (default "a doelenboom.<class>").
    _expected: ClassVar[str] = ""
    _core: C

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            args = get_args(base)
            if args and isinstance(args[0], type):
                cls._core_type = args[0]

    @classmethod
    def _wrap(cls, core: C) -> Self:
        """A facade around a compiled object (no copy)."""
        self = cls.__new__(cls)
        self._core = core
        return self

    @property
    def core(self) -> C:
        """The compiled object behind this one (from ``doelenboom._core``), for the other doelenboom functions."""
        return self._core


class ValueFacade(Facade[C]):
    """A facade compared by value: equal when the compiled objects are equal; mutable, so not hashable."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        """Equal compiled objects (each compiled class says what counts, e.g. not the file it came from)."""
        if not isinstance(other, type(self)):
            return NotImplemented
        return bool(self._core == other._core)


class YamlFacade(ValueFacade[C]):
    """A facade of settings kept as YAML (a file format of docs/), read by the compiled class's
    ``load_yaml`` and ``from_yaml``."""

    __slots__ = ()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Self:
        """Read a file; :class:`~doelenboom.ParseError` lists every problem with file and line."""
        return cls._wrap(cls._core_type.load_yaml(os.fspath(path)))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<string>") -> Self:
        """Read YAML text; ``source`` names it in messages."""
        return cls._wrap(cls._core_type.from_yaml(text, source))


class YamlFileFacade(YamlFacade[C]):
    """A :class:`YamlFacade` that also writes its settings back (``to_yaml`` and ``save_yaml``)."""

    __slots__ = ()

    def to_yaml(self) -> str:
        """YAML text; :meth:`from_yaml` of it gives an equal object back."""
        return str(cast("Any", self._core).to_yaml())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_yaml` to a file, atomically; :meth:`load` gives an equal object back."""
        cast("Any", self._core).save_yaml(os.fspath(path))


class _OverUnitsAndPeriods(Protocol):
    @property
    def units(self) -> list[str]: ...
    @property
    def periods(self) -> list[str]: ...


U = TypeVar("U", bound=_OverUnitsAndPeriods)


class UnitPeriodFacade(Facade[U]):
    """A facade of numbers per unit and period: a data set of estimates, a pipeline result."""

    __slots__ = ()

    @property
    def units(self) -> list[str]:
        """Unit ids, in the order of their first appearance in the data set."""
        return self._core.units

    @property
    def periods(self) -> list[str]:
        """Periods, sorted, as text."""
        return self._core.periods


F = TypeVar("F")


def core_of(value: object, facade: type[Facade[F]], what: str, expected: str = "") -> F:
    """The compiled object of ``value``: a facade's :attr:`~Facade.core`, or a compiled object as it is.

    Anything else raises TypeError "``what`` must be ``expected``, not <type>"; ``expected`` is the
    facade's own wording unless given.
    """
    if isinstance(value, facade._core_type):
        return cast("F", value)
    if isinstance(value, facade):
        return value._core
    expected = expected or facade._expected or f"a doelenboom.{facade.__name__}"
    msg = f"{what} must be {expected}, not {type(value).__name__}"
    raise TypeError(msg)


def core_or_none(value: object, facade: type[Facade[F]], what: str, expected: str = "") -> F | None:
    """:func:`core_of` for an optional argument: None stays None."""
    return None if value is None else core_of(value, facade, what, expected)
