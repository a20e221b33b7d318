"""Leaderboard text: members by points with streaks, then the villages (§5 of the plan).

Shared by /bangxephang and the 20:00 job; it never shows household data, so it fits groups.
"""

from __future__ import annotations

from locales import N_, Translator
from models.leaderboard import MemberRank, Period
from models.progress import ProgressRow

PERIOD_NAMES = {
    Period.DAY: N_("today"),
    Period.WEEK: N_("this week"),
    Period.MONTH: N_("this month"),
}
STREAK_SHOWN_FROM = 2


def member_line(t: Translator, row: MemberRank) -> str:
    line = t.ngettext(
        "{rank}. {name} — {n} point",
        "{rank}. {name} — {n} points",
        row.points,
        rank=row.rank,
        name=row.name,
    )
    if row.streak >= STREAK_SHOWN_FROM:
        line += " " + t.ngettext("🔥 {n} day in a row", "🔥 {n} days in a row", row.streak)
    return line


def villages_line(t: Translator, villages: list[ProgressRow]) -> str:
    """The areas by the share reached of one indicator, which the line names."""
    parts = [
        f"{v.village_name} {t.pct(v.percent) if v.percent is not None else '—'}" for v in villages
    ]
    return t._(
        "Areas by {indicator} reached: {list}",
        indicator=villages[0].short(t.lang),
        list=" · ".join(parts),
    )


def points_line(t: Translator, points: tuple[int, int]) -> str:
    visit, conversion = points
    return t._(
        "How points are counted: {visit} per visit, {conversion} per conversion.",
        visit=t.ngettext("{n} point", "{n} points", visit),
        conversion=t.ngettext("{n} point", "{n} points", conversion),
    )


def leaderboard_text(
    t: Translator,
    *,
    village_name: str | None,
    period: Period,
    members: list[MemberRank],
    villages: list[ProgressRow],
    points: tuple[int, int] | None = None,
) -> str:
    """`points` (visit, conversion) adds the line that says how points are counted."""
    lines = []
    if village_name is not None:
        lines.append(
            t._("🏆 {village} — {period}", village=village_name, period=t._(PERIOD_NAMES[period]))
        )
        if any(m.points for m in members):
            lines += [member_line(t, m) for m in members if m.points]
        else:
            lines.append(t._("No visits or conversions logged yet."))
        if points is not None:
            lines.append(points_line(t, points))
    if villages:
        lines.append(villages_line(t, villages))
    return "\n".join(lines) or t._("No targets have been set yet.")
