#!/usr/bin/env python3
"""No function over 150 lines and no file over 600 lines in the library, the bindings and the package.

``python tools/check_sizes.py`` (run by ``make lint``) reads every C++ and Python source file in
src/, python/src and python/doelenboom and prints each file longer than MAX_FILE_LINES and each
function longer than MAX_FUNCTION_LINES, with its place; it exits 1 when there is any. Python
functions are found with ``ast``; C++ function bodies by their braces (comments, string and
character literals left out): a block opened after a ``)`` outside any other function body, which
takes in member functions defined in a class and lambdas at namespace level.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("src", "python/src", "python/doelenboom")
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 150
CPP_SUFFIXES = {".cpp", ".hpp", ".h"}
PY_SUFFIXES = {".py", ".pyi"}

_CODE = re.compile(
    r'//[^\n]*|/\*.*?\*/|R"(?P<delim>[^(\s]*)\(.*?\)(?P=delim)"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
    re.DOTALL,
)


def _blank(match: re.Match[str]) -> str:
    """A comment or literal replaced by spaces, its newlines kept (so line numbers stay)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def cpp_functions(text: str) -> Iterator[tuple[int, int]]:
    """(first line, last line) of every function body in C++ source text."""
    code = _CODE.sub(_blank, text)
    stack: list[tuple[str, int]] = []  # (kind, line of "{")
    line, head = 1, ""
    for ch in code:
        if ch == "\n":
            line += 1
        if ch == "{":
            in_function = any(kind == "function" for kind, _ in stack)
            if in_function:
                kind = "block"
            elif re.search(r"\b(namespace|class|struct|union|enum)\b[^()]*$", head):
                kind = "scope"
            elif re.search(r"\)[^;]*$", head):
                kind = "function"
            else:
                kind = "block"
            stack.append((kind, line))
            head = ""
        elif ch == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    yield start, line
            head = ""
        elif ch == ";":
            head = ""
        else:
            head += ch


def py_functions(text: str) -> Iterator[tuple[str, int, int]]:
    """(name, first line, last line) of every function and method in Python source text."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, first, node.end_lineno or node.lineno


def problems(root: Path = ROOT) -> list[str]:
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.suffix not in CPP_SUFFIXES | PY_SUFFIXES:
                continue
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n")
            if lines > MAX_FILE_LINES:
                found.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES} per file)")
            if path.suffix in CPP_SUFFIXES:
                spans = [(f"function at line {a}", a, b) for a, b in cpp_functions(text)]
            else:
                spans = [(f"function {name!r} at line {a}", a, b) for name, a, b in py_functions(text)]
            for what, a, b in spans:
                if b - a + 1 > MAX_FUNCTION_LINES:
                    found.append(f"{rel}:{a}: {what} has {b - a + 1} lines (at most {MAX_FUNCTION_LINES})")
    return found


def main() -> int:
    found = problems()
    for p in found:
        print(p)
    if found:
        print(f"check_sizes: {len(found)} over the limits")
        return 1
    print("check_sizes: every file and function within the limits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
