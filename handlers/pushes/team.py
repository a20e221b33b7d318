"""Daily pushes to the village team: morning, nudge, leader summary (the 20:00 leaderboard is
the /bangxephang text, handlers/pushes/leaderboard.py)."""

from __future__ import annotations

from datetime import date

from handlers.core.messages import Reply
from handlers.progress.text import morning_line, village_status_line
from locales import Translator
from models.activity import MemberActivity
from models.progress import ProgressRow


def nudge_text(t: Translator, *, name: str) -> Reply:
    """19:00 to a volunteer or leader who logged nothing today."""
    text = t._(
        "{name}, you have not logged a visit today. "
        "Type /ghinhan when you reach the next household!\n(Turn reminders off: /tatnhac)",
        name=name,
    )
    return Reply(text, lang=t.lang)


def morning_text(t: Translator, *, name: str, rows: list[ProgressRow], revisits: int) -> Reply:
    """07:00 to each active volunteer: the village's progress and needed pace, revisits due."""
    lines = [t._("Good morning {name} ☀️", name=name)]
    lines += [morning_line(t, row) for row in rows]
    if revisits:
        lines.append(
            t.ngettext(
                "You have {n} household to revisit today: /henlai",
                "You have {n} households to revisit today: /henlai",
                revisits,
            )
        )
    return Reply("\n".join(lines), lang=t.lang)


def leader_summary_text(
    t: Translator,
    *,
    village: str,
    day: date,
    rows: list[MemberActivity],
    per_indicator: dict[str, int],
    progress: list[ProgressRow],
) -> Reply:
    """20:30 to each leader: visits and conversions by member, who logged nothing, the village
    against its target and pace."""
    visits = sum(r.visits for r in rows)
    conversions = sum(r.conversions for r in rows)
    total = t._("Visits {v} · conversions {c}", v=t.num(visits), c=t.num(conversions))
    if per_indicator:
        total += " (" + ", ".join(f"{k} {t.num(n)}" for k, n in per_indicator.items()) + ")"
    lines = [
        t._("📋 Summary {day} — {village}", day=day.strftime("%d/%m"), village=village),
        total,
    ]
    for r in rows:
        if r.visits or r.conversions:
            lines.append(
                t.ngettext(
                    "• {name}: {n} visit, {conversions}",
                    "• {name}: {n} visits, {conversions}",
                    r.visits,
                    name=r.name,
                    conversions=t.ngettext("{n} conversion", "{n} conversions", r.conversions),
                )
            )
    idle = [r.name for r in rows if not (r.visits or r.conversions)]
    if idle:
        lines.append(t._("Nothing logged: {names}", names=", ".join(idle)))
    lines += [village_status_line(t, row) for row in progress]
    return Reply("\n".join(lines), lang=t.lang)
