#!/usr/bin/env python3
"""The demo's output, file by file, as SHA-256 digests: proof that a refactor changed no output.

``python tools/demo_digest.py`` runs ``doelenboom demo`` into a fresh temporary folder and compares
the digest of every file it writes (tables, report, about.txt, the generated data) with the manifest
``tests/data/demo_digest.txt``; it exits 1 and names every file that differs. ``--update`` writes
the manifest instead (after a change that is meant to alter the output; say so in the commit).

Outputs name their input files relative to the run config, never by an absolute path; should the
output folder's own path appear all the same, it is replaced by ``{out}`` before hashing, so the
digest does not depend on where the demo ran. The report embeds
matplotlib drawings, whose bytes depend on the matplotlib version: the manifest records the versions
it was made with, and ``--tables-only`` (used when they differ) leaves the report out.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "data" / "demo_digest.txt"
VERSIONED = ("rapport.html",)  # files whose bytes depend on the versions recorded in the manifest


def versions() -> str:
    """The versions of the libraries that shape the report's bytes, as one line."""
    import matplotlib
    import numpy
    import pandas

    return f"matplotlib={matplotlib.__version__} numpy={numpy.__version__} pandas={pandas.__version__}"


def run_demo(out: Path) -> None:
    """``doelenboom demo --out OUT`` with this interpreter; raises when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "doelenboom", "demo", "--out", str(out)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        msg = f"doelenboom demo failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        raise RuntimeError(msg)


def digests(out: Path) -> dict[str, str]:
    """SHA-256 of every file below OUT (relative path -> hex), with OUT's path replaced by {out}."""
    result = {}
    needle = str(out).encode()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes().replace(needle, b"{out}")
        result[path.relative_to(out).as_posix()] = hashlib.sha256(data).hexdigest()
    return result


def read_manifest(path: Path = MANIFEST) -> tuple[str, dict[str, str]]:
    """(versions line, {file: digest}) from the manifest."""
    lines = path.read_text(encoding="utf-8").splitlines()
    recorded = lines[0].removeprefix("# ")
    files = {}
    for line in lines[1:]:
        digest, name = line.split("  ", 1)
        files[name] = digest
    return recorded, files


def write_manifest(found: dict[str, str], path: Path = MANIFEST) -> None:
    text = f"# {versions()}\n" + "".join(f"{d}  {name}\n" for name, d in found.items())
    path.write_text(text, encoding="utf-8")


def compare(found: dict[str, str], expected: dict[str, str], *, tables_only: bool) -> list[str]:
    """The files that differ, are missing or are new (empty when the output is identical)."""
    problems = []
    for name in sorted(set(found) | set(expected)):
        if tables_only and name in VERSIONED:
            continue
        if name not in found:
            problems.append(f"{name}: missing from the new output")
        elif name not in expected:
            problems.append(f"{name}: new in the output, not in the manifest")
        elif found[name] != expected[name]:
            problems.append(f"{name}: differs from the manifest")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the manifest from this run")
    parser.add_argument("--tables-only", action="store_true", help="leave the report out of the comparison")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        run_demo(out)
        found = digests(out)
    if args.update:
        write_manifest(found)
        print(f"demo_digest: wrote {MANIFEST.relative_to(ROOT)} ({len(found)} files)")
        return 0
    recorded, expected = read_manifest()
    tables_only = args.tables_only or recorded != versions()
    problems = compare(found, expected, tables_only=tables_only)
    scope = "tables only (versions differ from the manifest's)" if tables_only else "every file"
    if problems:
        print(f"demo_digest: the demo output changed ({scope}):\n  " + "\n  ".join(problems))
        return 1
    print(f"demo_digest: {len(found)} files identical to the manifest ({scope})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
