"""Sphinx configuration of the doelenboom documentation site (docs/ -> build/docs).

Build it with the Python that has the package installed (``make docs``):
``python -m sphinx -W --keep-going -E -b html docs build/docs``. Pages are Markdown (MyST), the
tutorial a notebook (MyST-NB, executed during the build), the API reference comes from the
docstrings of the installed package (autodoc).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import doelenboom

project = "doelenboom"
author = "doelenboom contributors"
copyright = "doelenboom contributors"
version = release = doelenboom.__version__
language = "en"

extensions = [
    "myst_nb",  # Markdown (MyST) and notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
# Only the pages: not this file, not notebook checkpoints.
exclude_patterns = ["conf.py", "**/.ipynb_checkpoints", "_build", "jupyter_execute"]

# ---- MyST ----------------------------------------------------------------------------------
# $...$ and $$...$$ formulas, \begin{align} blocks; anchors for '#heading' links as on GitHub.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# The tutorial is stored without outputs and executed for the site, in a temporary directory, so
# the site shows the outputs of the current code; a cell that raises fails the build.
# (tests/python/test_tutorial.py executes it once more, under pytest, in `make test`.)
nb_execution_mode = "force"
nb_execution_in_temp = True
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_merge_streams = True
# docs/performance.md is written section by section by benchmarks/perfdoc.py, whose sections
# start at '###' under the page's '#': a deliberate jump of heading level, not a broken page.
suppress_warnings = ["myst.header"]

# ---- API reference ------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True}
# The class docstring and the __init__ docstring (its arguments), one after the other.
autoclass_content = "both"
# `name` in a docstring (single backquotes) is a reference to a Python object.
default_role = "py:obj"
# No napoleon: the docstrings are reST prose, not Google or NumPy sections, and napoleon would
# read the first line of a property ("... (indicators: 1 or 0)") as "type: description".
# Unresolved references (e.g. to pandas) stay plain text; a broken page or directive still fails -W.
nitpicky = False

# ---- HTML ---------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"doelenboom {release}"
html_static_path: list[str] = []
html_show_sourcelink = False


def _public_modules() -> list[str]:
    """Every public module of the installed package (no leading underscore)."""
    names = []
    for info in pkgutil.iter_modules(doelenboom.__path__):
        if not info.name.startswith("_"):
            names.append(f"doelenboom.{info.name}")
    return sorted(names)


def _document_every_module(app: Any, docname: str, source: list[str]) -> None:
    """Append to api.md a section for each public module it does not name yet, so a module
    added to the package is in the reference without editing the page."""
    if docname != "api":
        return
    text = source[0]
    missing = [m for m in _public_modules() if not re.search(rf"automodule:: {re.escape(m)}\b", text)]
    if not missing:
        return
    blocks = ["\n\n## Other modules\n"]
    for name in missing:
        importlib.import_module(name)  # an import error names the module
        blocks.append(f"\n### `{name}`\n\n```{{eval-rst}}\n.. automodule:: {name}\n```\n")
    source[0] = text + "".join(blocks)


def _list_every_page(app: Any, docname: str, source: list[str]) -> None:
    """Append to index.md a toctree of the pages its toctrees do not list yet (pages added to
    docs/ later), so every page is in the site's navigation. A glob toctree would warn, and so
    fail the -W build, whenever it has nothing left to match."""
    if docname != app.config.root_doc:
        return
    text = source[0]
    listed = set()
    for block in re.findall(r"```\{toctree\}\n(.*?)```", text, flags=re.DOTALL):
        listed |= {line.strip() for line in block.splitlines() if line.strip() and not line.startswith(":")}
    others = sorted(d for d in app.env.found_docs if d != docname and d not in listed)
    if others:
        source[0] = (
            text
            + "\n```{toctree}\n:caption: More\n:maxdepth: 1\n:hidden:\n\n"
            + "\n".join(others)
            + "\n```\n"
        )


def _resolve_public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Docstrings name objects as users import them (``doelenboom.Dataset``, or ``Dataset`` in the
    package docstring); the reference documents them where they are defined
    (``doelenboom.dataset.Dataset``). Resolve the one to the other."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    domain = env.get_domain("py")
    if target.startswith("doelenboom._core."):
        # Compiled classes in signatures (doelenboom._core.<stage>.<name>); the public ones are
        # documented as doelenboom.<name>.
        stage, _, name = target.removeprefix("doelenboom._core.").partition(".")
        public = "doelenboom." + (name or stage)
        return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], public, node, contnode)
    name = target.removeprefix("doelenboom.")
    head, _, rest = name.partition(".")
    obj = getattr(doelenboom, head, None)
    module = getattr(obj, "__module__", None)
    if obj is None or not module or not module.startswith("doelenboom.") or module == "doelenboom":
        return None
    full = f"{module}.{getattr(obj, '__qualname__', head)}" + (f".{rest}" if rest else "")
    if full == target:
        return None
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], full, node, contnode)


def setup(app: Any) -> dict[str, Any]:
    # Pygments has no CSV lexer; the CSV examples are shown as plain text.
    from pygments.lexers.special import TextLexer

    app.add_lexer("csv", TextLexer)
    app.connect("source-read", _document_every_module)
    app.connect("source-read", _list_every_page)
    app.connect("missing-reference", _resolve_public_name)
    return {"parallel_read_safe": True}
