"""Writing benchmark results into docs/performance.md: each benchmark owns the text between its
markers ``<!-- bench:KEY:begin -->`` and ``<!-- bench:KEY:end -->`` and replaces only that."""

from __future__ import annotations

import re
from pathlib import Path


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
