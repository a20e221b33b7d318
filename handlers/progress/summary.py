"""The /tiendo first screen and the area pages: short enough for a phone.

The first screen is one line per indicator (percent, goal, on track or late); each indicator's
detail and the areas are one choice away. Area lists go by pages of AREA_PAGE lines.
"""

from __future__ import annotations

import re

from handlers.progress.text import (
    UNIT_WORDS,
    bar,
    behind_pace,
    goal_text,
    percent_text,
    whole_of,
)
from locales import N_, Translator
from models.progress import CountRow, ProgressRow, by_percent

# A phone shows about 15 short lines without scrolling; an area page stays within that with its
# two heading lines and two numbered choices ("more", "all indicators") and the hint.
AREA_PAGE = 10


def status_word(t: Translator, row: ProgressRow) -> str:
    if row.reached:
        return t._("reached ✅")
    if row.overdue:
        return t._("past the deadline")
    if behind_pace(row):
        return t._("behind ⚠️")
    return t._("on track")


def summary_line(
    t: Translator, row: ProgressRow, *, commune: bool = False, kind: str = "xa"
) -> str:
    """ "⚡ Điện: 28,6% / 70% · chậm ⚠️"; `commune` labels the commune's figure under an area."""
    name = f"{row.emoji} {row.short(t.lang)}".strip()
    if commune:
        name = t._("{indicator} ({whole})", indicator=name, whole=whole_of(t, kind))
    if row.target_percent is None:
        figure = f"{t.num(row.current)}/{t.num(row.target)}"
    else:
        figure = f"{percent_text(t, row)} / {goal_text(t, row)}"
    return f"{name}: {figure} · {status_word(t, row)}"


def count_summary_line(t: Translator, row: CountRow) -> str:
    return t._(
        "{indicator}: {counted} {unit} logged · no target set",
        indicator=f"{row.emoji} {row.short(t.lang)}".strip(),
        counted=t.num(row.counted),
        unit=t._(UNIT_WORDS.get(row.unit, N_("households"))),
    )


def pick_row(mine: list[ProgressRow], village_id: int | None) -> tuple[ProgressRow | None, bool]:
    """The row a summary shows for one indicator, and whether it is the commune's figure
    standing in for an area without its own target."""
    whole = next((r for r in mine if r.village_id is None), None)
    if village_id is not None:
        own = next((r for r in mine if r.village_id == village_id), None)
        if own is not None:
            return own, False
        return whole, whole is not None
    if whole is not None:
        return whole, False
    return None, False


def page_of(items: list, page: int, size: int = AREA_PAGE) -> tuple[list, bool]:
    start = page * size
    return items[start : start + size], len(items) > start + size


def area_lines(t: Translator, villages: list[ProgressRow]) -> list[str]:
    """One indicator's areas, best first, as bars (no padding: proportional fonts)."""
    ordered = by_percent(villages)
    return [f"{r.village_name} {bar(r.percent)} {percent_text(t, r)}" for r in ordered]


def overview_lines(t: Translator, rows: list[ProgressRow]) -> list[str]:
    """Every area on one line each, with each indicator's percent by its emoji."""
    by_area: dict[str, list[ProgressRow]] = {}
    for row in rows:
        if row.village_id is not None:
            by_area.setdefault(row.village_name or "", []).append(row)
    return [
        f"{name}: " + " · ".join(f"{r.emoji or r.short(t.lang)} {percent_text(t, r)}" for r in rs)
        for name, rs in sorted(by_area.items(), key=lambda kv: _natural(kv[0]))
    ]


def _natural(name: str) -> tuple:
    """Thôn 2 before Thôn 10."""
    # [0-9] only: "²" or "①" in a name are letters here, never int() of them.
    return tuple(
        int(p) if p.isascii() and p.isdigit() else p
        for p in re.split(r"([0-9]+)", name.casefold())
    )
