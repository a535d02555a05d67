"""The ``doelenboom`` command: check, show and draw goal trees.

``doelenboom validate TREE`` prints every problem of a tree file (one per line, with file and line)
and exits 1 when there is any; ``doelenboom show TREE`` prints the tree as an indented outline;
``doelenboom svg TREE -o OUT.svg`` draws it with Graphviz; ``doelenboom demo [--out DIR]`` runs the
job on the shipped example. TREE is a YAML tree file, a CSV edge list
(``.csv``; name its columns with ``--csv-columns``) or the name of a shipped example tree.

Exit codes: 0 success, 1 a problem with the tree or the environment, 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._core import Error
from .examples import example_tree_path, example_trees
from .goal_tree import GoalTree, _plural, check_tree_file

__all__ = ["main"]

_TEXT_COLUMNS = ("id", "parent", "label", "level", "weight", "direction", "kind", "description")
_LIST_COLUMNS = ("indicator_kinds", "goal_kinds")
_FLAG_COLUMNS = ("numeric_levels_ascend_upwards",)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse_csv_columns(text: str) -> dict[str, Any]:
    """Parse ``KEY=VALUE[,KEY=VALUE...]`` for ``--csv-columns`` (argparse ``type``)."""
    options: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            msg = f"{part!r} is not KEY=VALUE (e.g. id=code,label=name)"
            raise argparse.ArgumentTypeError(msg)
        value = value.strip()
        if key in _TEXT_COLUMNS:
            options[key] = value  # an empty value means the table has no such column
        elif key in _LIST_COLUMNS:
            options[key] = [v.strip() for v in value.split("|") if v.strip()]
        elif key in _FLAG_COLUMNS:
            if value.lower() not in _TRUE | _FALSE:
                msg = f"{key} must be true or false, not {value!r}"
                raise argparse.ArgumentTypeError(msg)
            options[key] = value.lower() in _TRUE
        else:
            known = ", ".join((*_TEXT_COLUMNS, *_LIST_COLUMNS, *_FLAG_COLUMNS))
            msg = f"unknown column option {key!r} (expected one of: {known})"
            raise argparse.ArgumentTypeError(msg)
    return options


def _build_parser() -> argparse.ArgumentParser:
    """The argument parser with its three subcommands."""
    parser = argparse.ArgumentParser(
        prog="doelenboom",
        description="Check, show and draw goal trees (doelenbomen).",
        epilog="TREE is a YAML tree file, a CSV edge list (.csv) or the name of a shipped example tree "
        f"({', '.join(_example_names())}).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_tree_arguments(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("tree", metavar="TREE", help="tree file (.yaml, .yml or .csv) or example tree name")
        sub.add_argument(
            "--csv-columns",
            metavar="KEY=VALUE[,...]",
            type=_parse_csv_columns,
            action="append",
            default=[],
            help="column names of a CSV edge list, e.g. id=code,label=name,kind=type; keys: "
            + ", ".join((*_TEXT_COLUMNS, *_LIST_COLUMNS, *_FLAG_COLUMNS))
            + " (an empty value: no such column; kinds separated by '|')",
        )

    validate = commands.add_parser(
        "validate", help="check a tree file and print every problem", description="Check a tree file."
    )
    add_tree_arguments(validate)
    validate.set_defaults(handler=_validate)

    show = commands.add_parser(
        "show", help="print the tree as an indented outline", description="Print a tree."
    )
    add_tree_arguments(show)
    show.set_defaults(handler=_show)

    svg = commands.add_parser("svg", help="draw the tree as SVG (needs Graphviz)", description="Draw a tree.")
    add_tree_arguments(svg)
    svg.add_argument(
        "-o", "--output", metavar="OUT.svg", default="-", help="output file ('-', the default: stdout)"
    )
    svg.set_defaults(handler=_svg)

    demo = commands.add_parser(
        "demo",
        help="run the monitoring job on the shipped example",
        description="Validate and show the shipped Movisie tree and write its drawing (more steps follow "
        "as the monitoring job grows).",
    )
    demo.add_argument("--out", metavar="DIR", default="demo-output", help="output folder (default: demo-output)")
    demo.set_defaults(handler=_demo)
    return parser


def _example_names() -> list[str]:
    """The example tree names, or none when they are not installed (help text only)."""
    try:
        return example_trees()
    except FileNotFoundError:
        return []


def _resolve(tree: str) -> Path:
    """The file for TREE: the path itself, or a shipped example tree of that name."""
    path = Path(tree)
    if not path.exists() and not path.suffix and tree in _example_names():
        return example_tree_path(tree)
    return path


def _columns(args: argparse.Namespace, parser_error: Any) -> dict[str, Any]:
    """The merged ``--csv-columns`` options (only for CSV trees)."""
    merged: dict[str, Any] = {}
    for options in args.csv_columns:
        merged.update(options)
    if merged and Path(args.tree).suffix.lower() != ".csv":
        parser_error("--csv-columns applies to CSV edge lists (.csv) only")
    return merged


def _load(args: argparse.Namespace, parser_error: Any) -> GoalTree:
    """Load TREE: CSV edge lists by suffix, everything else as a YAML tree file."""
    path = _resolve(args.tree)
    columns = _columns(args, parser_error)
    return GoalTree.load(path, format="csv" if path.suffix.lower() == ".csv" else "yaml", **columns)


def _summary(tree: GoalTree) -> str:
    """``"37 nodes, 52 edges, 5 levels"``."""
    return f"{_plural(len(tree), 'node')}, {_plural(tree.num_edges, 'edge')}, {_plural(len(tree.levels), 'level')}"


def _validate(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom validate``: every problem on stdout (exit 1), or a one-line verdict (exit 0)."""
    path = _resolve(args.tree)
    columns = _columns(args, parser_error)
    tree: GoalTree | None = None
    if path.suffix.lower() == ".csv":
        try:
            tree = GoalTree.load(path, format="csv", **columns)
            problems = []
        except Error as error:
            problems = list(error.problems) or [
                {
                    "code": "error",
                    "file": None,
                    "line": None,
                    "row": None,
                    "field": None,
                    "ids": [],
                    "message": str(error),
                }
            ]
    else:
        problems = check_tree_file(path)
        if not problems:
            tree = GoalTree.load(path, format="yaml")
    if problems:
        for problem in problems:
            message = problem["message"]
            if problem["file"] is None and not message.startswith(str(path)):
                message = f"{path}: {message}"
            print(message)
        print(f"{args.tree}: invalid ({_plural(len(problems), 'problem')})", file=sys.stderr)
        return 1
    assert tree is not None
    print(f"{args.tree}: valid ({_summary(tree)})")
    return 0


def _show(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom show``: the name (when there is one) and the outline."""
    tree = _load(args, parser_error)
    if tree.name:
        print(tree.name)
    sys.stdout.write(tree.outline())
    return 0


def _svg(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom svg``: the Graphviz drawing, to a file or stdout."""
    tree = _load(args, parser_error)
    svg = tree.to_svg()
    if args.output == "-":
        sys.stdout.write(svg)
    else:
        Path(args.output).write_text(svg, encoding="utf-8")
        print(f"wrote {args.output} ({_summary(tree)})")
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file next to ``path`` and move it into place (no partial files)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _demo(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom demo``: the shipped Movisie tree validated, shown and drawn into ``--out``."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for name in example_trees():
        path = example_tree_path(name)
        problems = check_tree_file(path)
        if problems:
            for problem in problems:
                print(problem["message"])
            status = 1
            continue
        tree = GoalTree.load(path)
        print(f"== {tree.name or name}: valid ({_summary(tree)})")
        if name == "movisie":
            sys.stdout.write(tree.outline())
        written = [out / f"{name}.yaml"]
        _write_atomically(written[0], tree.to_yaml())
        try:
            written.append(out / f"{name}.svg")
            _write_atomically(written[-1], tree.to_svg())
        except RuntimeError as error:  # Graphviz missing: say how to get it, keep the rest
            written.pop()
            print(f"doelenboom: {error}", file=sys.stderr)
            status = 1
        print("wrote " + ", ".join(str(p) for p in written))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 problem, 2 usage error)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args, parser.error))
    except BrokenPipeError:
        # The reader went away (e.g. `doelenboom show TREE | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (Error, OSError, RuntimeError) as error:
        print(f"doelenboom: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
