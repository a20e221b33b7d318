"""The commune's reporting rhythm: which periods are reported, which is due next, by when.

The one reader of `Commune.settings["report"]`:

    {"periods": [{"kind": "month", "months": [1, 2, 4, 5, 7, 8, 10, 11], "due_day": 15},
                 {"kind": "quarter", "months": [3], "due_day": 15}, ...]}

`kind` is month, quarter, half (6 months), nine_months or year; `months` names the month a period
ends in (empty: every period of that kind); a period is due before `due_day` of the month after
it ends. The older shape `{"rhythm": "month", "due_day": 15}` reads as one rule with every
period of that kind. Half-years, nine months and years start in January; quarters and months
are calendar ones.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

KINDS = ("month", "quarter", "half", "nine_months", "year")
SPAN = {"month": 1, "quarter": 3, "half": 6, "nine_months": 9, "year": 12}
# The months a period of each kind can end in.
END_MONTHS = {
    "month": tuple(range(1, 13)),
    "quarter": (3, 6, 9, 12),
    "half": (6, 12),
    "nine_months": (9,),
    "year": (12,),
}
DEFAULT_DUE_DAY = 15
# The report reminder goes this many days before the earliest due day (the 10th for the 15th).
REMIND_DAYS_BEFORE = 5


@dataclass(frozen=True)
class Period:
    kind: str
    end_month: int
    year: int

    def __post_init__(self) -> None:
        if self.end_month not in END_MONTHS.get(self.kind, ()):
            raise ValueError(f"a {self.kind} period cannot end in month {self.end_month}")

    @classmethod
    def of(cls, kind: str, number: int, year: int) -> Period:
        """month 10, quarter 3, half 1, nine_months 1, year (number ignored)."""
        if kind == "year":
            return cls("year", 12, year)
        if kind == "nine_months":
            return cls("nine_months", 9, year)
        return cls(kind, number * SPAN[kind], year)

    @property
    def number(self) -> int:
        """Month 1–12, quarter 1–4, half 1–2; 1 for nine months; the year for a year."""
        if self.kind == "year":
            return self.year
        return self.end_month // SPAN[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.end_month - SPAN[self.kind] + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.end_month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.end_month + 1, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """The number part of a title: 10/2026 (month), 3/2026 (quarter), 2026 (others)."""
        if self.kind == "month":
            return f"{self.end_month:02d}/{self.year}"
        if self.kind == "quarter":
            return f"{self.number}/{self.year}"
        return str(self.year)


def containing(kind: str, day: date) -> Period:
    """The period of `kind` that `day` falls in (nine months: this year's, even after it)."""
    if kind == "nine_months":
        return Period("nine_months", 9, day.year)
    span = SPAN[kind]
    return Period(kind, ((day.month - 1) // span + 1) * span, day.year)


def ending_in(year: int, month: int) -> list[Period]:
    """Every period of every kind that ends in that month, shortest first."""
    return [Period(kind, month, year) for kind in KINDS if month in END_MONTHS[kind]]


@dataclass(frozen=True)
class Rule:
    kind: str
    months: tuple[int, ...]  # empty: every period of the kind
    due_day: int

    def names(self, period: Period) -> bool:
        return period.kind == self.kind and (not self.months or period.end_month in self.months)


@dataclass(frozen=True)
class Rhythm:
    rules: tuple[Rule, ...]

    def rule_for(self, period: Period) -> Rule | None:
        return next((r for r in self.rules if r.names(period)), None)

    def reports(self, period: Period) -> bool:
        return self.rule_for(period) is not None

    def due_date(self, period: Period) -> date | None:
        """The day the report must be in before; None for a period the rhythm does not name."""
        rule = self.rule_for(period)
        if rule is None:
            return None
        end = period.end
        day = min(max(rule.due_day, 1), calendar.monthrange(end.year, end.month)[1])
        return end.replace(day=day)

    def reported(self, first: date, last: date) -> list[tuple[Period, date]]:
        """(period, due date) of every reported period ending from `first`'s month to `last`'s,
        by due date, the longest period first among those due the same day."""
        out = []
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            out += [(p, due) for p in ending_in(year, month) if (due := self.due_date(p))]
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return sorted(out, key=lambda pd: (pd[1], -SPAN[pd[0].kind], pd[0].end))

    def due_next(self, today: date) -> Period:
        """The period whose report is due next: the earliest due date after today (a period
        still running when nothing ended is due yet); the longest one when several share it."""
        window = self.reported(today - timedelta(days=62), today + timedelta(days=400))
        return next(p for p, due in window if due > today)

    def due_now(self, today: date) -> list[tuple[Period, date]]:
        """Periods that have ended and whose due date has not come yet: what a reminder names."""
        window = self.reported(today - timedelta(days=62), today)
        return [(p, due) for p, due in window if p.end <= today < due]


def rhythm(settings: dict[str, Any] | None) -> Rhythm:
    """Read `settings["report"]` in either shape; anything unreadable falls back to monthly."""
    report = (settings or {}).get("report") or {}
    rules = []
    for item in report.get("periods") or []:
        kind = item.get("kind")
        if kind not in SPAN:
            continue
        months = tuple(sorted({int(m) for m in item.get("months") or [] if 1 <= int(m) <= 12}))
        # A month a kind never ends in (a quarter "ending" in May) names nothing: drop it.
        months = tuple(m for m in months if m in END_MONTHS[kind])
        if item.get("months") and not months:
            continue
        rules.append(Rule(kind, months, _due_day(item.get("due_day"))))
    if not rules:
        kind = report.get("rhythm", "month")
        rules.append(Rule(kind if kind in SPAN else "month", (), _due_day(report.get("due_day"))))
    return Rhythm(tuple(rules))


def _due_day(value: Any) -> int:
    try:
        day = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DUE_DAY
    return day if 1 <= day <= 31 else DEFAULT_DUE_DAY


def reminder_day(settings: dict[str, Any] | None) -> int:
    """The day of the month the report reminder runs by default: a few days before the earliest
    due day of the rhythm, so it always falls before the date it names."""
    first_due = min(rule.due_day for rule in rhythm(settings).rules)
    return max(1, min(first_due, 28) - REMIND_DAYS_BEFORE)
