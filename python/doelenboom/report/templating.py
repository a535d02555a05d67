"""The Jinja2 environment of the report: templates in ``doelenboom/report/templates``.

Every value a template writes is escaped as :func:`html.escape` does (quotes too, so it may stand
in an attribute; ``None`` writes nothing), unless it is markup: a rendered template, a drawing, a
fixed text (:class:`~doelenboom.report.text.Texts`). Block tags on a line of their own leave no
trace (``trim_blocks``, ``lstrip_blocks``); ``{%-`` and ``-%}`` join the lines a section is written
over, so that each section stays one line of the page.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

__all__ = ["render"]


def _finalize(value: object) -> object:
    """Data escaped like html.escape(quote=True); markupsafe would write ``&#34;`` for ``&quot;``."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("doelenboom.report", "templates"),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
    )


def render(template: str, **context: Any) -> Markup:
    """The template ``template`` (a path under templates/) rendered with ``context``."""
    return Markup(_environment().get_template(template).render(**context))
