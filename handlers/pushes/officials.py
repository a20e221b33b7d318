"""Pushes to commune officials: the weekly digest and the report reminder."""

from __future__ import annotations

from datetime import date

from handlers.core.messages import Reply
from handlers.progress.text import village_status_line
from handlers.report.period import command_args, title
from locales import Translator
from models.progress import ProgressRow
from models.reporting import Period

# At most 1 + 6 + 1 + 6 = 14 lines: the title, areas, and behind pace (a phone screen).
DIGEST_AREAS = 5
DIGEST_BEHIND = 5


def report_reminder_text(t: Translator, *, due: list[tuple[Period, date]]) -> Reply:
    """The reports the rhythm names that are due next, each with its date and command."""
    lines = [
        t._(
            "📅 {report} is due before {due}: type /baocao {args} to get the Excel file.",
            report=title(t, period),
            due=t.date(day),
            args=command_args(period),
        )
        for period, day in due
    ]
    return Reply("\n".join(lines), lang=t.lang)


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
    # A phone screen: the busiest areas and the first lines behind pace; the rest is /tiendo.
    busiest = sorted(by_village.items(), key=lambda item: -sum(item[1].values()))
    for village, per in busiest[:DIGEST_AREAS]:
        parts = " · ".join(f"{name} {t.num(n)}" for name, n in per.items())
        lines.append(f"{village}: {parts}")
    if len(busiest) > DIGEST_AREAS:
        more = len(busiest) - DIGEST_AREAS
        lines.append(t.ngettext("… and {n} more area", "… and {n} more areas", more))
    if behind:
        lines.append(t._("Behind pace:"))
        furthest = sorted(behind, key=lambda row: row.percent or 0.0)
        lines += [village_status_line(t, row) for row in furthest[:DIGEST_BEHIND]]
        if len(behind) > DIGEST_BEHIND:
            more = len(behind) - DIGEST_BEHIND
            lines.append(t._("… and {n} more behind pace: /tiendo", n=t.num(more)))
    return Reply("\n".join(lines), lang=t.lang)
