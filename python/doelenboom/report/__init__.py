"""The HTML report of a monitoring run: one self-contained file that works offline.

:func:`write_report` writes a page per gemeente (the doelenboom as a heat map, the three pillars,
the indicator table, the change since the nulmeting, trends with forecasts, the comparison with
peers, the signals, the reach of its areas and groups, the residents' stories next to their
numbers and a form for the four duidingsvragen) and a koplopers page (the comparison table, rank
intervals, a note on case mix).
Styles, charts (inline SVG) and a small script (page navigation, the duiding form) are inside the
file; nothing is fetched. Dutch by default, English with ``language="en"``; every text from the
data is HTML-escaped. The layout and the duiding CSV are described in ``docs/report.md``.

The report only reads a :class:`~doelenboom.monitoring.MonitoringRun`. Its parts:
:mod:`~doelenboom.report.context` indexes the run, :mod:`~doelenboom.report.model` holds the plain
data the templates (``templates/*.html.j2``, Jinja2) render, :mod:`~doelenboom.report.koplopers`
and the modules of :mod:`~doelenboom.report.sections` build it, page by page and section by
section, and :mod:`~doelenboom.report.document` puts the pages together.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .. import report_format as fmt
from .context import ReportContext
from .document import DUIDING_COLUMNS, render_document

if TYPE_CHECKING:
    from ..monitoring import MonitoringRun

__all__ = ["DUIDING_COLUMNS", "render_report", "write_report"]


def render_report(run: MonitoringRun, language: str = "nl") -> str:
    """The report of ``run`` as HTML text (see :func:`write_report`)."""
    return render_document(ReportContext(run, language))


def write_report(run: MonitoringRun, path: str | os.PathLike[str], language: str = "nl") -> Path:
    """Write the HTML report of ``run`` to ``path`` (one self-contained file) and return the path.

    The report is rendered completely first and then written to a temporary file in the same
    folder, which replaces ``path`` in one step: a failure leaves no partial report and keeps an
    older one intact. ``language`` is ``"nl"`` (default) or ``"en"``.
    """
    fmt.check_language(language)
    target = Path(path)
    text = render_report(run, language)
    directory = target.parent if str(target.parent) else Path()
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
