"""Numbers and words as the report and the plots show them, in Dutch (default) or English.

Scores get one decimal; a proportion (a share in [0, 1]) is shown as a percentage with one
decimal; other values with no decimals when they are whole, else one (two below 10). Dutch writes a
decimal comma and a point between thousands ("1.234,5"), English the other way round. A missing
value (None, NaN) is an empty text: the callers say why it is missing.
"""

from __future__ import annotations

import math

__all__ = ["LANGUAGES", "check_language", "interval", "no_break", "number", "percent", "rank", "score", "signed", "value"]

#: The languages of the report and the plot labels.
LANGUAGES = ("nl", "en")

#: The thin dash between the bounds of an interval.
DASH = "\u2013"


def check_language(language: str) -> str:
    """``language`` when it is one of :data:`LANGUAGES`, else ValueError naming them."""
    if language not in LANGUAGES:
        msg = f"language must be one of {', '.join(repr(x) for x in LANGUAGES)}, not {language!r}"
        raise ValueError(msg)
    return language


#: A space a line never breaks at (U+00A0).
NO_BREAK_SPACE = "\u00a0"


def no_break(text: str) -> str:
    """``text`` with every space a non-breaking one, so "20 000 - 50 000" stays on one line."""
    return text.replace(" ", NO_BREAK_SPACE)


def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def number(x: float | None, digits: int, language: str = "nl", *, grouping: bool = True) -> str:
    """``x`` with ``digits`` decimals in the conventions of ``language``; "" when missing."""
    if _missing(x):
        return ""
    assert x is not None
    text = f"{float(x):,.{digits}f}" if grouping else f"{float(x):.{digits}f}"
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # a real minus sign
    if text in {"\u22120", f"\u22120.{'0' * digits}"}:
        text = text[1:]  # no "-0.0"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def score(x: float | None, language: str = "nl") -> str:
    """A node score: one decimal."""
    return number(x, 1, language)


def signed(x: float | None, language: str = "nl", digits: int = 1) -> str:
    """A difference with its sign (``+2,5``, ``\u22121,0``, ``0,0``; a real minus sign)."""
    text = number(x, digits, language)
    if text and not text.startswith("\u2212") and x is not None and float(x) > 0:
        text = "+" + text
    return text


def percent(x: float | None, language: str = "nl", digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: ``0.825`` -> ``82,5%``."""
    if _missing(x):
        return ""
    assert x is not None
    return number(100.0 * float(x), digits, language) + "%"


def value(x: float | None, measure: str = "", language: str = "nl") -> str:
    """An indicator value: a proportion as a percentage, else no decimals when whole, else one
    decimal (two when below 10 in absolute value)."""
    if _missing(x):
        return ""
    assert x is not None
    if measure == "proportion":
        return percent(x, language)
    v = float(x)
    if v == round(v):
        return number(v, 0, language)
    return number(v, 1 if abs(v) >= 10 else 2, language)


def rank(x: float | None, language: str = "nl") -> str:
    """A rank or a bound of a rank interval (a quantile of simulated ranks, possibly fractional):
    one decimal, without it when the rank is whole after rounding (``4``, ``3,5``)."""
    if _missing(x):
        return ""
    assert x is not None
    rounded = round(float(x), 1)
    return number(rounded, 0 if rounded == round(rounded) else 1, language)


def interval(low: float | None, high: float | None, text: str = "score", language: str = "nl", measure: str = "") -> str:
    """``low \u2013 high`` (an en dash) formatted like :func:`score` (``text="score"``) or :func:`value`; "" when a bound is missing."""
    if _missing(low) or _missing(high):
        return ""
    if text == "score":
        return f"{score(low, language)} {DASH} {score(high, language)}"
    return f"{value(low, measure, language)} {DASH} {value(high, measure, language)}"
