"""Daily pushes to the village team: morning, nudge, leaderboard, leader summary (minimal
texts until the shared progress and leaderboard builders replace their bodies)."""

from __future__ import annotations

from datetime import date

from handlers.messages import Reply
from locales import Translator


def nudge_text(t: Translator, *, name: str) -> Reply:
    """19:00 to a volunteer or leader who logged nothing today."""
    text = t._(
        "{name}, you have not logged a visit today. "
        "Type /ghinhan when you reach the next household!\n(Turn reminders off: /tatnhac)",
        name=name,
    )
    return Reply(text, lang=t.lang)


def morning_text(t: Translator, *, name: str, village: str | None, yesterday: int) -> Reply:
    """07:00 to each active volunteer: the village's visits yesterday (pace comes with #5)."""
    lines = [t._("Good morning {name} ☀️", name=name)]
    if village:
        lines.append(
            t._("{village} logged {n} visits yesterday.", village=village, n=t.num(yesterday))
        )
    lines.append(t._("Type /ghinhan after each visit."))
    return Reply("\n".join(lines), lang=t.lang)


def leaderboard_text(
    t: Translator, *, village: str, ranking: list[tuple[str, int]], day: date
) -> Reply:
    """20:00 the village ranking by points today (no household data: it may go to a group)."""
    lines = [t._("🏆 {village} — {day}", village=village, day=t.date(day))]
    if not ranking:
        lines.append(t._("No visits logged yet today."))
    for i, (name, points) in enumerate(ranking, 1):
        lines.append(t._("{i}. {name} — {points} points", i=i, name=name, points=t.num(points)))
    return Reply("\n".join(lines), lang=t.lang)


def leader_summary_text(
    t: Translator,
    *,
    village: str,
    day: date,
    rows: list[tuple[str, int, int]],
    idle: list[str],
) -> Reply:
    """20:30 to each leader: visits and conversions by member, and who logged nothing."""
    visits = sum(v for _, v, _ in rows)
    conversions = sum(c for _, _, c in rows)
    lines = [
        t._("📋 Summary {day} — {village}", day=day.strftime("%d/%m"), village=village),
        t._("Visits {v} · conversions {c}", v=t.num(visits), c=t.num(conversions)),
    ]
    for name, v, c in rows:
        lines.append(
            t._("• {name}: {v} visits, {c} conversions", name=name, v=t.num(v), c=t.num(c))
        )
    if idle:
        lines.append(t._("Nothing logged: {names}", names=", ".join(idle)))
    return Reply("\n".join(lines), lang=t.lang)
