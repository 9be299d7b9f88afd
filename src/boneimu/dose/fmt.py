"""The one place numbers become text in the dose log's messages and week report.

Every user-facing number goes through :func:`fmt`, so precision is the same everywhere:
acceleration in g and loads in kg to 1 decimal, percentages to whole %, counts as integers,
the osteogenic index to 1 decimal, sway scores to at most 1 decimal, durations in whole
seconds (minutes and seconds from 2 min).
The raw values stay in the JSON output (``CheckWarning.numbers``).
"""

from __future__ import annotations

from typing import Literal

Unit = Literal[
    "g", "kg", "%", "count", "per_set", "number", "index", "s", "min", "flights", "score"
]

# decimals, and the text after the number
_SPEC: dict[str, tuple[int, str]] = {
    "g": (1, " g"),
    "kg": (1, " kg"),
    "%": (0, "%"),
    "count": (0, ""),
    "per_set": (1, ""),  # a mean per set: "10" or "10.5"
    "number": (1, ""),  # program targets: "30", "2.5"
    "index": (1, ""),
    "min": (1, " min"),
    "flights": (1, ""),
    "score": (1, ""),  # sway score 0-100: "78" or "78.5"
}
_MAX_EXTRA_DECIMALS = 2


def _number(value: float, decimals: int, *, trim: bool) -> str:
    text = f"{value:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _seconds(value: float) -> str:
    total = round(value)
    if total < 120:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def fmt(value: float, unit: Unit, *, distinct_from: float | None = None) -> str:
    """``value`` as text with its unit, at the house precision for ``unit``.

    ``distinct_from``: a value shown next to this one (a previous week, a limit). When the two
    differ but would print the same, up to 2 more decimals are used so that "up 10.3%" is not
    shown as "up 10%" against a 10% limit.
    """
    if unit == "s":
        return _seconds(value)
    if unit == "count":
        return str(round(value))
    decimals, suffix = _SPEC[unit]
    trim = unit in ("per_set", "number", "flights", "score")
    if distinct_from is not None and distinct_from != value:
        for extra in range(_MAX_EXTRA_DECIMALS + 1):
            d = decimals + extra
            if _number(value, d, trim=False) != _number(distinct_from, d, trim=False):
                decimals = d
                break
    return _number(value, decimals, trim=trim) + suffix


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 day``, ``3 days`` (``nouns`` for irregular plurals)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
