"""Values as officials write them in a workbook or on a command line: Vietnamese numbers
("1.857", "70%", "28,6%"), dates ("30/8/2024", an Excel date, "2024-08-30")."""

from __future__ import annotations

import re
from datetime import date, datetime

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# 1.857 / 1 857 / 1857 (thousands), with an optional decimal comma: 28,6
_VI_NUMBER = re.compile(r"[0-9]{1,3}(?:[. ][0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?")


def parse_date(value: object) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, with . or -), yyyy-mm-dd, or a date cell; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    match = _DMY.fullmatch(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        match = _ISO.fullmatch(text.split(" ")[0].split("T")[0])
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_number(value: object) -> float | None:
    """A number cell, or Vietnamese text: "1.857" → 1857, "28,6" → 28.6; None otherwise.

    English "1,857" (a comma then exactly three digits) reads as thousands too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value or "").strip().replace("\u00a0", " ")
    if not text:
        return None
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"[0-9]+\.[0-9]{1,2}", text):
        return float(text)  # "28.6": a decimal point, not thousands
    if not _VI_NUMBER.fullmatch(text):
        return None
    return float(text.replace(".", "").replace(" ", "").replace(",", "."))


def parse_int(value: object) -> int | None:
    number = parse_number(value)
    return int(number) if number is not None and float(number).is_integer() else None


def parse_goal(value: object) -> tuple[float | None, int | None] | None:
    """A target as written: "70%" (or 0.7 in a percent-formatted cell) → (70, None); "300" →
    (None, 300). None when it is neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 < value < 1:
            return round(value * 100, 6), None  # Excel keeps 70% as 0.7
        return (None, int(value)) if float(value).is_integer() else None
    text = str(value or "").strip().replace(" ", "")
    if text.endswith("%"):
        number = parse_number(text[:-1])
        return (number, None) if number is not None else None
    number = parse_int(text)
    return (None, number) if number is not None else None
