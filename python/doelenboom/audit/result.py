"""The audit's verdict: one row per suppressed cell with the interval an attacker can derive."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["CELL_COLUMNS", "AuditResult"]

#: The columns of :attr:`AuditResult.cells`.
CELL_COLUMNS = (
    "table", "unit", "period", "indicator", "kind", "scale", "low", "high", "width", "needed", "protected", "relation"
)

_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "ok": "Openbaarmakingscontrole: {cells} gecontroleerd, alle beschermd (beschermingsniveau {level})",
        "none": "Openbaarmakingscontrole: geen onderdrukte cellen in een verband met gepubliceerde cijfers",
        "fail": "Openbaarmakingscontrole: {failed} van {cells} niet beschermd (beschermingsniveau {level})",
        "cell": ("onderdrukte cel", "onderdrukte cellen"),
        "header": ("cel", "interval", "breedte", "nodig"),
        "scale": {"persons": "personen", "points": "punten", "share": "aandeel"},
        "unknown": "niet te bepalen",
    },
    "en": {
        "ok": "Disclosure audit: {cells} checked, all protected (protection level {level})",
        "none": "Disclosure audit: no suppressed cell is related to published numbers",
        "fail": "Disclosure audit: {failed} of {cells} not protected (protection level {level})",
        "cell": ("suppressed cell", "suppressed cells"),
        "header": ("cell", "interval", "width", "needed"),
        "scale": {"persons": "persons", "points": "points", "share": "share"},
        "unknown": "not determined",
    },
}


def _number(x: float, language: str) -> str:
    """At most two decimals, a decimal comma in Dutch, ∞ for no bound."""
    if math.isnan(x):
        return "?"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return text.replace(".", ",") if language == "nl" else text


@dataclass
class AuditResult:
    """What an attacker can derive about every suppressed cell that published numbers relate to.

    ``cells`` has one row per such cell (columns :data:`CELL_COLUMNS`): the table it is written in,
    unit, period, indicator (the node id for scores.csv), kind (count, share, score), the scale of
    the interval (persons; shares in persons through their family's n, or in shares when no n is
    published; points of a normalised score), the interval [low, high] an attacker can derive,
    its width, the width needed and whether the cell is protected (width >= needed), and the
    relation(s) that bind it. ``notes`` says what was skipped or assumed.
    """

    cells: pd.DataFrame
    protection_level: float
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every cell is protected."""
        return bool(self.cells["protected"].all())

    @property
    def failures(self) -> pd.DataFrame:
        """The cells that are not protected."""
        return self.cells[~self.cells["protected"].to_numpy(dtype=bool)]

    def summary(self, language: str = "nl") -> str:
        """One line: how many cells were checked and whether all are protected."""
        t = _TEXT[language]
        count = len(self.cells)
        cells = f"{count} {t['cell'][0] if count == 1 else t['cell'][1]}"
        level = _number(self.protection_level, language)
        text: str = t["none"] if not count else t["ok"] if self.ok else t["fail"]
        return text.format(failed=len(self.failures), cells=cells, level=level)

    def failure_lines(self, language: str = "nl") -> list[str]:
        """The cells that are not protected as an aligned table: cell, interval, width, needed."""
        t = _TEXT[language]
        sep = "; " if language == "nl" else ", "
        rows = [t["header"]]
        for r in self.failures.itertuples(index=False):
            scale = t["scale"][r.scale]
            interval = t["unknown"] if math.isnan(r.low) else f"[{_number(r.low, language)}{sep}{_number(r.high, language)}]"
            rows.append((f"{r.table} {r.unit} {r.period} {r.indicator}", interval,
                         f"{_number(r.width, language)} {scale}", f"{_number(r.needed, language)} {scale}"))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        return ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows]

    def __str__(self) -> str:
        lines = [self.summary("en")]
        if not self.ok:
            lines += self.failure_lines("en")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<AuditResult: {self.summary('en')}>"

    def _repr_html_(self) -> str:
        shown = self.cells if self.ok else self.failures
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<p><b>{html.escape(self.summary('en'))}</b></p>"
            + (shown.head(50).to_html(index=False) if len(shown) else "")
            + (f"<p>Notes:</p><ul>{notes}</ul>" if notes else "")
        )
