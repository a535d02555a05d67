#!/usr/bin/env python3
"""The parameters of the stubs of doelenboom._core against the compiled module (make lint).

mypy.stubtest checks that every name of the module is in its stubs and the other way round, but it
cannot read the parameters of a pybind11 function (they have no ``__text_signature__``). pybind11
writes them into the first lines of each docstring instead ("name(a: int, b: str = 'x', *, c:
float = 0.5) -> None", or one numbered line per overload); this script compares those with the
stubs (python/doelenboom/_core/*.pyi): the parameter names in order, which of them have a default,
which are keyword-only, and ``*args``/``**kwargs``. A parameter pybind11 calls ``arg0``, ``arg1``,
... has no name at run time (an operator such as ``__eq__``): only its position counts. Methods
the stubs leave out are stubtest's business, not this script's.

Usage: ``python tools/check_stub_signatures.py [STUB_DIR]``; prints each difference and exits 1
when there is one.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUBS = ROOT / "python" / "doelenboom" / "_core"
_UNNAMED = re.compile(r"arg\d+")


@dataclass(frozen=True)
class Signature:
    """What is compared: parameter names in order (None: unnamed), defaults, keyword-only, varargs."""

    names: tuple[str | None, ...]
    defaults: tuple[bool, ...]
    keyword_only: frozenset[str]
    star_args: bool
    star_kwargs: bool

    def matches(self, other: Signature) -> bool:
        if len(self.names) != len(other.names) or self.defaults != other.defaults:
            return False
        named = all(a is None or b is None or a == b for a, b in zip(self.names, other.names, strict=True))
        return (
            named
            and self.keyword_only == other.keyword_only
            and (self.star_args, self.star_kwargs) == (other.star_args, other.star_kwargs)
        )

    def __str__(self) -> str:
        parts = [f"{n or '_'}{'=' if d else ''}" for n, d in zip(self.names, self.defaults, strict=True)]
        if self.star_args:
            parts.append("*args")
        if self.star_kwargs:
            parts.append("**kwargs")
        keyword = f" keyword-only {sorted(self.keyword_only)}" if self.keyword_only else ""
        return f"({', '.join(parts)}){keyword}"


def _split_top_level(text: str) -> list[str]:
    """Split at the commas outside brackets and quotes."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, c in enumerate(text):
        if quote:
            if c == quote and text[i - 1] != "\\":
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    last = text[start:].strip()
    return [*parts, last] if last else parts


def _arguments(line: str, name: str) -> str | None:
    """The text between the parentheses of ``name(...)`` at the start of a docstring line."""
    line = re.sub(r"^\d+\. ", "", line.strip())
    if not line.startswith(name + "("):
        return None
    depth = 0
    for i in range(len(name), len(line)):
        depth += {"(": 1, ")": -1}.get(line[i], 0)
        if depth == 0:
            return line[len(name) + 1 : i]
    return None


def runtime_signatures(obj: object, name: str, method: bool) -> list[Signature]:
    """The signatures pybind11 wrote into the docstring (one per overload)."""
    out = []
    for line in (getattr(obj, "__doc__", None) or "").splitlines():
        text = _arguments(line, name)
        if text is None:
            continue
        names: list[str | None] = []
        defaults: list[bool] = []
        keyword_only: set[str] = set()
        star_args = star_kwargs = after_star = False
        for position, part in enumerate(_split_top_level(text)):
            if part == "/":
                continue
            if part == "*":
                after_star = True
            elif part.startswith("**"):
                star_kwargs = True
            elif part.startswith("*"):
                star_args = after_star = True
            elif not (method and position == 0):
                head = re.split(r"[:=]", part, maxsplit=1)[0].strip()
                names.append(None if _UNNAMED.fullmatch(head) else head)
                defaults.append(" = " in part)  # pybind11 writes every default as " = <repr>"
                if after_star:
                    keyword_only.add(head)
        if text.strip() in ("*args, **kwargs", "self, *args, **kwargs"):
            continue  # the "Overloaded function." summary line
        out.append(Signature(tuple(names), tuple(defaults), frozenset(keyword_only), star_args, star_kwargs))
    return out


def stub_signature(node: ast.FunctionDef, method: bool) -> Signature:
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    if method and not static:
        positional = positional[1:]
    defaults = [False] * (len(positional) - len(a.defaults)) + [True] * len(a.defaults)
    defaults += [d is not None for d in a.kw_defaults]
    names = [p.arg for p in positional] + [p.arg for p in a.kwonlyargs]
    return Signature(
        tuple(names), tuple(defaults), frozenset(p.arg for p in a.kwonlyargs), a.vararg is not None, a.kwarg is not None
    )


def _is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def _functions(body: list[ast.stmt]) -> dict[str, list[ast.FunctionDef]]:
    out: dict[str, list[ast.FunctionDef]] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef) and not _is_property(node):
            out.setdefault(node.name, []).append(node)
    return out


def _compare(where: str, obj: object, name: str, stubs: list[ast.FunctionDef], bound: bool) -> list[str]:
    """Differences between a function's stubs (its overloads) and its docstring signatures; ``bound``
    for a method that takes self."""
    overloads = [s for s in stubs if any(isinstance(d, ast.Name) and d.id == "overload" for d in s.decorator_list)]
    wanted = [stub_signature(s, bound) for s in (overloads or stubs)]
    found = runtime_signatures(obj, name, bound)
    if not found:
        return []  # no signature in the docstring (a Python-level or inherited object)
    problems = [
        f"{where}: the stub {s} is not a signature of the module ({', '.join(map(str, found))})"
        for s in wanted
        if not any(s.matches(f) for f in found)
    ]
    problems += [
        f"{where}: the module's {f} is not in the stub ({', '.join(map(str, wanted))})"
        for f in found
        if not any(f.matches(s) for s in wanted)
    ]
    return problems


def check(stub_dir: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(stub_dir.glob("*.pyi")):
        module_name = "doelenboom._core" + ("" if path.stem == "__init__" else f".{path.stem}")
        module = importlib.import_module(module_name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, stubs in _functions(tree.body).items():
            if hasattr(module, name):
                problems += _compare(f"{module_name}.{name}", getattr(module, name), name, stubs, False)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and hasattr(module, node.name):
                cls = getattr(module, node.name)
                for name, stubs in _functions(node.body).items():
                    if name in vars(cls):
                        where = f"{module_name}.{node.name}.{name}"
                        bound = not isinstance(vars(cls)[name], staticmethod)
                        problems += _compare(where, getattr(cls, name), name, stubs, bound)
    return problems


def main() -> int:
    stub_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else STUBS
    problems = check(stub_dir)
    for p in problems:
        print(p)
    if problems:
        print(f"check_stub_signatures: {len(problems)} difference(s) between the stubs and the module")
        return 1
    print(f"check_stub_signatures: the stubs in {stub_dir} match the module's signatures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
