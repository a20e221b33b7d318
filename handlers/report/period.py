"""Report periods typed after /baocao: `thang 10/2026`, `quy 3`, `6 thang 2026`, `9 thang`,
`nam 2026`, or nothing — the period due next by the commune's reporting rhythm."""

from __future__ import annotations

import re
from datetime import date

from locales import N_, Translator
from models.keys import fold
from models.reporting import Period, Rhythm, containing, rhythm

KINDS = {
    "thang": "month",
    "month": "month",
    "quy": "quarter",
    "quarter": "quarter",
    "nam": "year",
    "year": "year",
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# "6 thang", "6 thang dau nam 2026", "9 thang", "6 months", "9 months 2026"
MULTI = re.compile(r"^(6|sau|9|chin)\s+(?:thang|months?)\b\s*(.*)$")
NUMBER = re.compile(r"^(\d{1,2}|i{1,3}|iv)(?:\s*[/-]\s*(\d{4})|\s+(?:nam\s+)?(\d{4}))?$")


def default_period(settings: dict, today: date) -> Period:
    return rhythm(settings).due_next(today)


def parse_period(text: str, settings: dict, today: date) -> Period | None:
    """None when the text is not a period we understand."""
    words = fold(text).strip()
    if not words:
        return default_period(settings, today)
    multi = MULTI.match(words)
    if multi:
        return _multi(multi.group(1) in ("6", "sau"), multi.group(2), today)
    first, _, rest = words.partition(" ")
    kind = KINDS.get(first)
    if kind is None:
        return None
    rest = rest.strip()
    if not rest:
        return containing(kind, today)
    if kind == "year":
        return Period.of("year", 0, int(rest)) if re.fullmatch(r"(19|20)\d\d", rest) else None
    match = NUMBER.match(rest)
    if match is None:
        return None
    raw = match.group(1)
    number = ROMAN[raw] if raw in ROMAN else int(raw)
    year = int(match.group(2) or match.group(3) or today.year)
    limit = 12 if kind == "month" else 4
    if not 1 <= number <= limit or not 1900 < year < 3000:
        return None
    return Period.of(kind, number, year)


def _multi(half: bool, rest: str, today: date) -> Period | None:
    """6 months: the first half unless "cuoi"/"second" is said; 9 months: January–September."""
    second = bool(re.search(r"\b(cuoi|second|last)\b", rest))
    rest = re.sub(r"\b(dau|cuoi|nam|first|second|last|of|half)\b", " ", rest).strip()
    if rest and not re.fullmatch(r"(19|20)\d\d", rest):
        return None
    year = int(rest) if rest else today.year
    if half:
        return Period.of("half", 2 if second else 1, year)
    return None if second else Period.of("nine_months", 1, year)


TITLES = {
    ("month", 0): N_("Report for month {label}"),
    ("quarter", 0): N_("Report for quarter {label}"),
    ("half", 1): N_("Report for the first 6 months of {label}"),
    ("half", 2): N_("Report for the last 6 months of {label}"),
    ("nine_months", 1): N_("Report for the first 9 months of {label}"),
    ("year", 0): N_("Report for year {label}"),
}


def title(t: Translator, period: Period) -> str:
    """ "Báo cáo tháng 10/2026", "Báo cáo 6 tháng đầu năm 2026"…"""
    key = (period.kind, period.number if period.kind in ("half", "nine_months") else 0)
    return t._(TITLES[key], label=period.label)


def command_args(period: Period) -> str:
    """What to type after /baocao for this period (accent-free, as people type it)."""
    if period.kind == "month":
        return f"thang {period.label}"
    if period.kind == "quarter":
        return f"quy {period.label}"
    if period.kind == "half":
        return f"6 thang {'cuoi nam ' if period.number == 2 else ''}{period.year}"
    if period.kind == "nine_months":
        return f"9 thang {period.year}"
    return f"nam {period.year}"


RULE_NAMES = {
    "month": N_("Monthly report"),
    "quarter": N_("Quarterly report"),
    "half": N_("6-month report"),
    "nine_months": N_("9-month report"),
    "year": N_("Annual report"),
}


def rhythm_text(t: Translator, rules: Rhythm) -> str:
    """The commune's reporting rhythm in words, one clause per rule."""
    out = []
    for rule in rules.rules:
        values = {"report": t._(RULE_NAMES[rule.kind]), "day": rule.due_day}
        months = ", ".join(str(m) for m in rule.months)
        if rule.months and rule.kind == "month":
            text = t._(
                "{report} (months {months}), due before day {day} of the following month",
                months=months,
                **values,
            )
        elif rule.months:
            text = t._(
                "{report} (the one ending in month {months}), due before day {day} of the "
                "following month",
                months=months,
                **values,
            )
        else:
            text = t._("{report}, due before day {day} of the following month", **values)
        out.append(text)
    return "; ".join(out) + "."
