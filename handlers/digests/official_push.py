"""Pushes to commune officials: the weekly digest and the monthly report reminder."""

from __future__ import annotations

from datetime import date

from handlers.digests.progress import village_status_line
from handlers.messages import Reply
from locales import Translator
from models.progress import ProgressRow


def report_reminder_text(t: Translator, *, due: date) -> Reply:
    """10th at 08:00: the monthly report is due before the 15th."""
    text = t._(
        "📅 The monthly report is due before {due}. Type /baocao to get the Excel file.",
        due=t.date(due),
    )
    return Reply(text, lang=t.lang)


def weekly_digest_text(
    t: Translator,
    *,
    start: date,
    end: date,
    by_village: dict[str, dict[str, int]],
    behind: list[ProgressRow],
) -> Reply:
    """Monday 08:00: last week's conversions per village and indicator, villages behind pace."""
    lines = [t._("📊 Week {start} – {end}", start=t.date(start), end=t.date(end))]
    if not by_village:
        lines.append(t._("No conversions logged last week."))
    for village, per in by_village.items():
        parts = " · ".join(f"{name} {t.num(n)}" for name, n in per.items())
        lines.append(f"{village}: {parts}")
    if behind:
        lines.append(t._("Behind pace:"))
        lines += [village_status_line(t, row) for row in behind]
    return Reply("\n".join(lines), lang=t.lang)
