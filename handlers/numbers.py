"""Numbers people type, read in one place: choices, counts, denominators, targets.

Any Unicode decimal digit (full-width ３, Arabic-Indic ٣, circled ③, superscript ³…) reads as
its digit; anything else is not a number. Every number is bounded by what the database can hold
(INTEGER is 32-bit on PostgreSQL), and each caller names a tighter range of its own.
"""

from __future__ import annotations

import re

from models.keys import fold_digits

DB_INT_MAX = 2**31 - 1
# The largest denominator or target count: more than any commune or province needs.
MAX_COUNT = 10_000_000
# "1.857" or "1,857" (thousands), or plain digits; a space separates two numbers.
_GROUPED = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9]+")


def digits(text: str) -> str | None:
    """The ASCII digits a token spells ("③" → "3", "１２" → "12"), or None."""
    folded = fold_digits(text.strip())
    return folded if folded and folded.isascii() and folded.isdigit() else None


def is_number(text: str) -> bool:
    return digits(text) is not None


def parse_int(text: str, *, lo: int = 0, hi: int = DB_INT_MAX) -> int | None:
    """A whole number within [lo, hi], or None (not a number, or out of range)."""
    raw = digits(text)
    if raw is None or len(raw) > len(str(hi)) + 1:
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def whole_numbers(text: str) -> list[int]:
    """Every whole number in a text, thousands separators allowed: "1.857 và 532" → [1857, 532].

    Numbers may be larger than the database holds: callers check the range they need.
    """
    folded = fold_digits(text)
    found = []
    for match in _GROUPED.finditer(folded):
        raw = re.sub(r"[^0-9]", "", match.group())
        # Beyond 30 digits nobody means a count; keep the size bounded before int().
        found.append(int(raw[:30]) if len(raw) <= 30 else 10**30)
    return found
