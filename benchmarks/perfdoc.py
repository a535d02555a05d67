"""Writing benchmark results into docs/performance.md: each benchmark owns the text between its
markers ``<!-- bench:KEY:begin -->`` and ``<!-- bench:KEY:end -->`` and replaces only that."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

#: Where the sections go unless ``--out`` says otherwise.
PERFORMANCE_MD = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(path: Path, key: str, body: str) -> None:
    """Replace the text between KEY's markers in ``path`` (or append the section when it is new)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    begin, end = f"<!-- bench:{key}:begin -->", f"<!-- bench:{key}:end -->"
    block = f"{begin}\n{body}{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """The options :func:`publish` reads: ``--out`` (default docs/performance.md) and ``--no-write``."""
    parser.add_argument("--out", type=Path, default=PERFORMANCE_MD, help="the file to write the section into")
    parser.add_argument("--no-write", action="store_true", help="print only")


def publish(body: str, args: argparse.Namespace, key: str) -> None:
    """Print a benchmark's section and, unless ``--no-write``, put it into ``--out`` (KEY's markers)."""
    print(body)
    if not args.no_write:
        write_section(args.out, key, body)
