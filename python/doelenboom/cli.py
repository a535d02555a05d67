"""The ``doelenboom`` command: check, show and draw goal trees; run the monitoring job.

``doelenboom validate TREE`` prints every problem of a tree file (one per line, with file and line)
and exits 1 when there is any; ``doelenboom show TREE`` prints the tree as an indented outline;
``doelenboom svg TREE -o OUT.svg`` draws it with Graphviz. TREE is a YAML tree file, a CSV edge
list (``.csv``; name its columns with ``--csv-columns``) or the name of a shipped example tree.

``doelenboom run CONFIG.yaml [--out DIR]`` runs the monitoring job of a run config
(docs/run-config.md): estimates, aggregation, comparison, signals; it prints a short summary and
writes the result tables (CSV) and the report to the output folder. ``doelenboom demo [--out DIR]``
does the same on the shipped fictitious example (docs/example.md), generated into ``DIR/data``.
Both audit the tables before writing them (docs/privacy.md); when a suppressed cell could be
derived from them, they write nothing (the folder keeps its previous output) and exit 1.

``doelenboom audit OUTPUT_DIR [--config RUN_CONFIG]`` runs that disclosure audit on an output
folder: a one-line verdict (exit 0), or the cells an attacker can narrow down with their
intervals (exit 1); a missing or unreadable folder or table exits 2.

Exit codes: 0 success, 1 a problem with the input or the environment, 2 a usage error.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from ._core import Error
from .examples import example_tree_path, example_trees
from .goal_tree import GoalTree, _plural, check_tree_file

if TYPE_CHECKING:
    from .audit import AuditResult
    from .monitoring import MonitoringRun

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
        description="Check, show and draw goal trees (doelenbomen); run the monitoring job.",
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

    def add_run_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--language", choices=("nl", "en"), default="nl", help="of the summary and report (nl)")
        sub.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

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

    run_cmd = commands.add_parser(
        "run",
        help="run the monitoring job of a run config",
        description="Run the monitoring job of a run config (docs/run-config.md): estimates, aggregation, "
        "comparison and signals; print a summary and write the tables (CSV) and the report.",
    )
    run_cmd.add_argument("config", metavar="CONFIG.yaml", help="the run config")
    run_cmd.add_argument("--out", metavar="DIR", help="output folder (default: the config's 'output')")
    add_run_options(run_cmd)
    run_cmd.set_defaults(handler=_run)

    demo = commands.add_parser(
        "demo",
        help="run the monitoring job on the shipped (fictitious) example",
        description="Generate the shipped fictitious example into DIR/data and run the monitoring job on it "
        "(docs/example.md): the summary on screen, the tables (CSV) and the report in DIR.",
    )
    demo.add_argument("--out", metavar="DIR", default="demo-output", help="output folder (default: demo-output)")
    add_run_options(demo)
    demo.set_defaults(handler=_demo)

    audit = commands.add_parser(
        "audit",
        help="check that no suppressed cell of an output folder can be derived",
        description="Audit the tables of an output folder (docs/privacy.md): for every suppressed cell, the "
        "interval an attacker can derive from everything published; exit 1 when one is narrower than the "
        "protection level.",
    )
    audit.add_argument("output", metavar="OUTPUT_DIR", help="the output folder of a run")
    audit.add_argument(
        "--config", metavar="RUN_CONFIG", help="the run config: its tree and pipeline add the goal equations"
    )
    audit.add_argument(
        "--protection-level",
        metavar="P",
        type=_positive,
        help="width an interval needs, in persons (default: the config's, else 10)",
    )
    audit.add_argument("--language", choices=("nl", "en"), default="nl", help="of the verdict (nl)")
    audit.set_defaults(handler=_audit)
    return parser


def _positive(text: str) -> float:
    """A number > 0 (argparse ``type``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0 or math.isinf(value):
        msg = f"{text!r} is not a number > 0"
        raise argparse.ArgumentTypeError(msg)
    return value


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


_SEVERITY_ORDER = {"alert": 0, "warning": 1, "info": 2}
_TEXT = {
    "nl": {
        "fictitious": "FICTIEVE GEGEVENS: alle cijfers zijn verzonnen (alleen de gemeenten en inwonertallen zijn echt).",
        "counts": "{units} eenheden, {periods} perioden (nulmeting {baseline}, rapportage {period}), "
        "{estimates} schattingen ({suppressed} afgeschermd)",
        "signals": "Signalen: {total} ({alert} alert, {warning} waarschuwing, {info} info)",
        "top": "Belangrijkste signalen:",
        "table": "Koplopertabel, {node} in {period} (score [interval], rang [interval], verandering sinds {baseline}):",
        "wrote": "Geschreven: {what}",
        "no_report": "doelenboom: het rapport is overgeslagen (doelenboom.report ontbreekt)",
        "rank": "rang",
        "unpublishable": "doelenboom: niets geschreven in {target}: onderdrukte cellen zouden af te leiden zijn "
        "uit wat gepubliceerd wordt (zie de tabel hierboven)",
    },
    "en": {
        "fictitious": "FICTITIOUS DATA: every number is invented (only the municipalities and populations are real).",
        "counts": "{units} units, {periods} periods (baseline {baseline}, reported {period}), "
        "{estimates} estimates ({suppressed} suppressed)",
        "signals": "Signals: {total} ({alert} alert, {warning} warning, {info} info)",
        "top": "Top signals:",
        "table": "Koploper table, {node} in {period} (score [interval], rank [interval], change since {baseline}):",
        "wrote": "Wrote: {what}",
        "no_report": "doelenboom: the report was skipped (doelenboom.report is missing)",
        "rank": "rank",
        "unpublishable": "doelenboom: nothing written in {target}: suppressed cells could be derived from what "
        "would be published (see the table above)",
    },
}


def _progress(quiet: bool) -> Any:
    """A progress callback printing ``[3/9] pipeline`` lines on stderr (None when quiet)."""
    if quiet:
        return None

    def report(step: str, number: int, steps: int) -> None:
        print(f"[{number}/{steps}] {step}", file=sys.stderr, flush=True)

    return report


def _number(x: float, language: str, sign: bool = False) -> str:
    """One decimal, with a decimal comma in Dutch; "-" for a missing number."""
    if math.isnan(x):
        return "-"
    text = f"{x:+.1f}" if sign else f"{x:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def _rank(x: float) -> str:
    return "-" if math.isnan(x) else str(round(x))


def _summary_lines(result: Any, language: str, top: int = 8, rows: int = 5) -> list[str]:
    """The summary of a run: counts, the top signals and the head of the koploper table."""
    import pandas as pd

    t = _TEXT[language]
    lines = [result.name]
    if result.fictitious:
        lines.append(t["fictitious"])
    lines.append(
        t["counts"].format(
            units=len(result.result.units),
            periods=len(result.result.periods),
            baseline=result.baseline,
            period=result.period,
            estimates=len(result.dataset),
            suppressed=result.dataset.suppressed_count,
        )
    )
    signals = result.signals
    counts = signals["severity"].value_counts()
    lines.append(
        t["signals"].format(
            total=len(signals),
            alert=int(counts.get("alert", 0)),
            warning=int(counts.get("warning", 0)),
            info=int(counts.get("info", 0)),
        )
    )
    if len(signals):
        lines.append(t["top"])
        ordered = signals.assign(
            _order=signals["severity"].astype(str).map(_SEVERITY_ORDER), _p=signals["p_value"].fillna(1.0)
        ).sort_values(["_order", "_p", "unit", "period"], kind="stable")
        # The most pressing signal of each unit and area first, so that one unit cannot fill the list.
        first = ~ordered.duplicated(["unit", "area"])
        chosen = pd.concat([ordered[first], ordered[~first]]).head(top)
        message = "message_nl" if language == "nl" else "message_en"
        lines.extend(f"  [{row.severity}] {getattr(row, message)}" for row in chosen.itertuples())
    table = result.koplopers
    if len(table):
        root = result.tree.roots()[0] if len(result.tree) else ""
        nodes = table.index.get_level_values("node")
        node = root if root in set(nodes) else nodes[0]
        head = table.xs(node, level="node").dropna(subset=["score"]).sort_values("rank").head(rows)
        lines.append(t["table"].format(node=node, period=result.period, baseline=result.baseline))
        for unit, row in head.iterrows():
            found = result.units.get(str(unit))
            name = found.name if found is not None else str(unit)
            lines.append(
                f"  {_rank(row['rank']):>3}. {name:<24} {_number(row['score'], language):>6} "
                f"[{_number(row['low'], language)}; {_number(row['high'], language)}]  "
                f"{t['rank']} {_rank(row['rank_low'])}-{_rank(row['rank_high'])}  "
                f"{_number(row['change_since_baseline'], language, sign=True)}"
            )
    return lines


def _run_and_write(config: Path, out: Path | None, language: str, quiet: bool) -> int:
    """Run a config, write the tables and the report into ``out``, print the summary."""
    from .run import run as run_monitoring
    from .run import write_tables

    result = run_monitoring(config, progress=_progress(quiet))
    target = out if out is not None else result.output_dir
    assert target is not None
    # The audit sees the tables as they would be written (audit_run); an output that fails it is
    # not written at all, so that the folder keeps its previous, complete output.
    audit = _audit_run(result, quiet)
    for line in _summary_lines(result, language):
        print(line)
    if _print_audit(audit, language, quiet):
        print(_TEXT[language]["unpublishable"].format(target=target), file=sys.stderr)
        return 1
    written = write_tables(result, target)
    try:
        from .report import write_report  # written alongside; the tables are complete without it
    except ImportError:
        print(_TEXT[language]["no_report"], file=sys.stderr)
    else:
        if not quiet:
            print(f"[report] {target / 'rapport.html'}", file=sys.stderr, flush=True)
        written.append(Path(write_report(result, target / "rapport.html", language=language)))
    print(_TEXT[language]["wrote"].format(what=f"{target} ({', '.join(p.name for p in written)})"))
    return 0


def _audit_run(result: MonitoringRun, quiet: bool) -> AuditResult:
    """The disclosure audit of a run's tables before they are written, with the run's tree,
    pipeline and protection level (doelenboom.audit.audit_run)."""
    from .audit import audit_run

    if not quiet:
        print("[audit]", file=sys.stderr, flush=True)
    return audit_run(result)


def _print_audit(result: AuditResult, language: str, quiet: bool) -> int:
    """The audit's verdict on stdout (and the cells not protected, as a table), its notes on
    stderr; 0 when every cell is protected, else 1."""
    print(result.summary(language))
    if not quiet:
        for note in result.notes:
            print(f"doelenboom audit: {note}", file=sys.stderr)
    if result.ok:
        return 0
    for line in result.failure_lines(language):
        print(line)
    return 1


def _audit(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom audit OUTPUT_DIR``: exit 0 all protected, 1 not, 2 when the folder cannot be read."""
    from .audit import audit_output

    try:
        result = audit_output(args.output, args.config, protection_level=args.protection_level)
    except (Error, OSError) as error:
        print(f"doelenboom: error: {error}", file=sys.stderr)
        return 2
    return _print_audit(result, args.language, quiet=False)


def _run(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom run CONFIG.yaml``."""
    return _run_and_write(Path(args.config), Path(args.out) if args.out else None, args.language, args.quiet)


def _demo(args: argparse.Namespace, parser_error: Any) -> int:
    """``doelenboom demo``: the shipped fictitious example generated into ``--out``/data and run."""
    from .example_data import generate

    out = Path(args.out)
    if not args.quiet:
        print(f"[example] {out / 'data'}", file=sys.stderr, flush=True)
    config = generate(out / "data")
    return _run_and_write(config, out, args.language, args.quiet)


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
