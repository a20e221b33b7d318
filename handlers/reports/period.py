"""Report periods: `thang 10/2026`, `quy 3`, `nam 2026`, or the commune's default.

Default (monthly rhythm, due before the 15th): before the due day it is the previous month —
the report that is due now; from the due day on, the current month so far. A quarterly or yearly
rhythm works the same way with quarters or years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.keys import fold

KINDS = {
    "thang": "month",
    "month": "month",
    "quy": "quarter",
    "quarter": "quarter",
    "nam": "year",
    "year": "year",
}


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    number: int  # month 1–12, quarter 1–4, or the year again
    year: int

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind == "year":
            return date(self.year + 1, 1, 1)
        months = 1 if self.kind == "month" else 3
        month = self.start.month + months
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.number:02d}/{self.year}"
        if self.kind == "quarter":
            return f"{self.number}/{self.year}"
        return str(self.year)


def containing(kind: str, day: date) -> Period:
    if kind == "month":
        return Period("month", day.month, day.year)
    if kind == "quarter":
        return Period("quarter", (day.month - 1) // 3 + 1, day.year)
    return Period("year", day.year, day.year)


def previous(period: Period) -> Period:
    return containing(period.kind, date.fromordinal(period.start.toordinal() - 1))


def default_period(settings: dict, today: date) -> Period:
    report = settings.get("report") or {}
    kind = {"month": "month", "quarter": "quarter", "year": "year"}.get(
        report.get("rhythm", "month"), "month"
    )
    current = containing(kind, today)
    due_day = int(report.get("due_day", 15))
    return previous(current) if today.day < due_day else current


def parse_period(text: str, settings: dict, today: date) -> Period | None:
    """None when the text is not a period we understand."""
    words = fold(text).split()
    if not words:
        return default_period(settings, today)
    kind = KINDS.get(words[0])
    if kind is None:
        return None
    if len(words) == 1:
        return containing(kind, today)
    match = re.fullmatch(r"(\d{1,4})(?:[/-](\d{4}))?", words[1])
    if match is None or len(words) > 2:
        return None
    first, year = int(match.group(1)), int(match.group(2) or today.year)
    if kind == "year":
        return Period("year", first, first) if match.group(2) is None and first > 1900 else None
    limit = 12 if kind == "month" else 4
    return Period(kind, first, year) if 1 <= first <= limit and 1900 < year < 3000 else None
