"""The whole report: the document around the pages (header, contents, styles, script, the
configuration of the duiding form) and each gemeente's page with its sections."""

from __future__ import annotations

import json
from importlib import resources

from markupsafe import Markup

from .. import report_format as fmt
from .context import ReportContext, missing
from .koplopers import render_koplopers
from .model import DocumentView, UnitPageView
from .sections import SECTIONS
from .templating import render

__all__ = ["DUIDING_COLUMNS", "render_document"]

#: The columns of duiding.csv, as ``MonitoringRun.duiding`` documents them.
DUIDING_COLUMNS = ("unit", "period", "question", "answer", "who", "what", "when")


def _static(name: str) -> Markup:
    """A file of the report's styles or script, shipped inside the package."""
    return Markup((resources.files("doelenboom.report") / "static" / name).read_text(encoding="utf-8"))


def _json_for_script(data: object) -> Markup:
    """JSON that can stand inside a <script> element (no "</script>", "<!--")."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def kept_duiding(ctx: ReportContext) -> list[dict[str, str]]:
    """Rows of run.duiding that no form on the page shows (other units or periods): the saved
    file keeps them, so saving never loses an earlier answer."""
    d = ctx.run.duiding
    if d.empty:
        return []
    shown = {(u, ctx.run.period) for u in ctx.units}
    out = []
    for r in d.to_dict("records"):
        if (str(r.get("unit")), str(r.get("period"))) in shown:
            continue
        out.append({c: "" if missing(r.get(c)) else str(r.get(c)) for c in DUIDING_COLUMNS})
    return out


def render_unit_page(ctx: ReportContext, unit: str) -> Markup:
    """A gemeente's page: its facts and the sections that have something to show."""
    found = ctx.run.units.get(unit)
    facts = []
    if found is not None:
        if found.province:
            facts.append(("province", found.province))
        if not missing(found.population):
            facts.append(("population", fmt.number(found.population, 0, ctx.lang)))
        if found.size_class:
            facts.append(("size_class", fmt.no_break(found.size_class)))
    sections = [s for s in (section(ctx, unit) for section in SECTIONS) if s is not None]
    view = UnitPageView(unit, ctx.page_ids[unit], ctx.name(unit), ctx.run.fictitious, facts, sections)
    return render("unit_page.html.j2", t=ctx.t, v=view)


def render_document(ctx: ReportContext) -> str:
    from .. import __version__

    t = ctx.t
    config = {
        "removeAction": t.get("remove_action", ""),
        "saved": t.get("saved", ""),
        "columns": list(DUIDING_COLUMNS),
        "keep": kept_duiding(ctx),
    }
    view = DocumentView(
        lang=ctx.lang,
        title=ctx.run.name,
        period=ctx.run.period,
        baseline=ctx.run.baseline,
        version=__version__,
        fictitious=ctx.run.fictitious,
        nav=[(ctx.page_ids[u], ctx.name(u)) for u in ctx.units],
        pages=[render_koplopers(ctx)] + [render_unit_page(ctx, u) for u in ctx.units],
        css=_static("report.css"),
        js=_static("report.js"),
        config=_json_for_script(config),
    )
    return str(render("document.html.j2", t=t, v=view))
