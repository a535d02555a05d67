"""The duiding form of a gemeente: the four duidingsvragen and the improvement actions, filled in
from ``run.duiding`` for the report period (docs/report.md)."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ..context import ReportContext, missing
from ..model import DuidingView
from ..templating import render as render_template
from ..text import ACTION, DUIDING_QUESTIONS

__all__ = ["render", "rows_of"]


def rows_of(duiding: pd.DataFrame, unit: str, period: str) -> pd.DataFrame:
    """The saved rows of one unit and period."""
    if duiding.empty or not {"unit", "period", "question"} <= set(duiding.columns):
        return duiding.iloc[0:0]
    return duiding[(duiding["unit"].astype(str) == unit) & (duiding["period"].astype(str) == period)]


def render(ctx: ReportContext, unit: str) -> Markup | None:
    period = ctx.run.period
    answers: dict[str, list[str]] = {q: [] for q in DUIDING_QUESTIONS}
    actions: list[dict[str, str]] = []
    for r in rows_of(ctx.run.duiding, unit, period).to_dict("records"):
        question = str(r.get("question", ""))
        if question in answers and not missing(r.get("answer")) and str(r["answer"]).strip():
            answers[question].append(str(r["answer"]))
        elif question == ACTION:
            actions.append({c: "" if missing(r.get(c)) else str(r.get(c)) for c in ("who", "what", "when")})
    # The folder's name only: a published report holds no absolute local path (docs/run-config.md).
    folder = ctx.run.data_dir.name if ctx.run.data_dir is not None else ""
    view = DuidingView(
        unit=unit,
        period=period,
        page_id=ctx.page_ids[unit],
        # several saved answers to one question one after another, an empty line between them
        answers=[(q, "\n\n".join(answers[q])) for q in DUIDING_QUESTIONS],
        actions=actions,
        data_dir=folder or None,
    )
    return render_template("sections/duiding.html.j2", t=ctx.t, v=view)
