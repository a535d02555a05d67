"""The example trees shipped with doelenboom (``examples/trees/*.yaml`` in the source tree).

A normal install carries them inside the package as ``doelenboom/data/trees``; an editable install
finds them in the source tree.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["example_tree_path", "example_trees"]

_SUFFIX = ".yaml"


def _trees_directory() -> Path:
    """The folder holding the shipped trees: inside the package, else in the source tree."""
    package = Path(__file__).resolve().parent
    candidates = (package / "data" / "trees", package.parents[1] / "examples" / "trees")
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob(f"*{_SUFFIX}")):
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    msg = f"the example trees were not found (searched {searched}); reinstall doelenboom"
    raise FileNotFoundError(msg)


def example_trees() -> list[str]:
    """Names of the shipped example trees, sorted, e.g. ``["movisie", "neder-betuwe"]``."""
    return sorted(p.name[: -len(_SUFFIX)] for p in _trees_directory().glob(f"*{_SUFFIX}"))


def example_tree_path(name: str) -> Path:
    """Path of the shipped example tree ``name`` (one of :func:`example_trees`).

    Raises ValueError naming the known trees when there is no such tree.
    """
    stem = name.removesuffix(_SUFFIX)
    known = example_trees()
    if stem not in known:
        msg = f"there is no example tree {name!r} (expected one of: {', '.join(known)})"
        raise ValueError(msg)
    return _trees_directory() / f"{stem}{_SUFFIX}"
