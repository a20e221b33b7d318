"""Progress page (the official's start page): cards, the sortable table of areas, the chart.

Every figure comes from `models.progress.progress`, the same query as `/tiendo`; "as of" a date
counts conversions up to the end of that day and measures pace and days left from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from aiohttp import web

from bot.webui.chart import line_chart
from bot.webui.core import Page, page
from handlers.progress.text import LATE_DATE_LIMIT, UNIT_WORDS, goal_text, percent_text
from locales import N_, Translator
from models.members import Role
from models.progress import PACE_DAYS, ProgressRow, daily_counts, progress, untargeted


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/tiendo", progress_page, name="progress")


@dataclass(frozen=True)
class Line:
    """One row of progress as the page shows it (card or table row)."""

    row: ProgressRow
    name: str
    unit: str
    percent: str
    goal: str
    needed: str
    pace: str
    projection: str
    late: bool
    trend: str  # "up", "down", "flat"
    trend_text: str

    @property
    def bar(self) -> float:
        return min(100.0, max(0.0, self.row.percent or 0))

    @property
    def mark(self) -> float:
        """Where the target sits on the bar."""
        if not self.row.population:
            return 0
        return min(100.0, self.row.target * 100 / self.row.population)


TRENDS = {
    "up": N_("faster than before this week"),
    "down": N_("slower than before this week"),
    "flat": N_("as fast as before this week"),
}


def trend_of(row: ProgressRow, as_of: date) -> str:
    """The last 7 days' pace against the daily average from the baseline date until then,
    from the same row: no second count."""
    earlier_days = (as_of - row.baseline_date).days + 1 - PACE_DAYS
    if earlier_days <= 0:
        return "flat"
    earlier = (row.achieved - row.last7) / earlier_days
    if abs(row.pace - earlier) < 0.05 * max(row.pace, earlier, 0.01):
        return "flat"
    return "up" if row.pace > earlier else "down"


def describe(t: Translator, row: ProgressRow, as_of: date) -> Line:
    if row.reached:
        projection, late = t._("Target reached"), False
    elif row.overdue:
        projection, late = t._("Past the deadline"), True
    elif row.projected is None:
        projection, late = t._("No conversions in the last 7 days"), True
    elif row.days_late and row.days_late > LATE_DATE_LIMIT:
        # As the chat and the report say it: a date years away tells nobody anything.
        projection, late = t._("Behind: not reached by the deadline at this pace"), True
    elif row.days_late:
        projection = t.ngettext("late by {n} day", "late by {n} days", row.days_late)
        projection = f"{t.date(row.projected)} · {projection}"
        late = True
    else:
        projection, late = f"{t.date(row.projected)} · {t._('on time')}", False
    trend = trend_of(row, as_of)
    return Line(
        row=row,
        name=row.village_name or row.name(t.lang),
        unit=t._(UNIT_WORDS.get(row.unit, N_("households"))),
        percent=percent_text(t, row),
        goal=goal_text(t, row),
        needed=t.num(row.needed_per_day, 2) if row.needed_per_day is not None else "—",
        pace=t.num(row.pace, 2),
        projection=projection,
        late=late,
        trend=trend,
        trend_text=t._(TRENDS[trend]),
    )


def parse_day(raw: str, default: date) -> date:
    """`2024-08-30` (the date input) or `30/08/2024`; anything else is today."""
    raw = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return default


async def rows_as_of(p: Page, as_of: date) -> list[ProgressRow]:
    # As of the end of that local day, like `/tiendo … ngay …`.
    return await progress(p.session, commune_id=p.viewer.commune_id, today=as_of, tz=p.ui.tz)


@page(Role.LEADER)
async def progress_page(p: Page) -> web.Response:
    t, q = p.t, p.request.query
    today = p.ui.today()
    as_of = parse_day(q.get("ngay", ""), today)
    rows = await rows_as_of(p, as_of)
    own = None if p.viewer.at_least(Role.OFFICIAL) else p.viewer.village_id
    if own is not None:
        rows = [r for r in rows if r.village_id in (None, own)]
    codes = [r.code for r in rows if r.village_id is None]
    code = q.get("chi_tieu", "")
    code = code if code in codes else (codes[0] if codes else "")
    # Only what is shown is formatted: 11 cards and one indicator's areas, not 11 × 34 rows.
    shown = [r for r in rows if r.village_id is None or r.code == code]
    lines = [describe(t, r, as_of) for r in shown]
    cards = [line for line in lines if line.row.village_id is None]
    areas = [line for line in lines if line.row.village_id is not None]
    chosen = next((c for c in cards if c.row.code == code), None)
    counted = await untargeted(
        p.session,
        commune_id=p.viewer.commune_id,
        today=as_of,
        village_ids=None if own is None else [own],
        tz=p.ui.tz,
    )
    chart = None
    if chosen is not None:
        daily = await daily_counts(
            p.session,
            commune_id=p.viewer.commune_id,
            indicator_id=chosen.row.indicator_id,
            since=chosen.row.baseline_date,
            until=as_of,
            tz=p.ui.tz,
        )
        chart = line_chart(t, chosen.row, daily, as_of)
    return p.render(
        "progress.html",
        as_of=as_of,
        as_of_value=as_of.isoformat(),
        is_today=as_of == today,
        cards=cards,
        areas=areas,
        chosen=chosen,
        chart=chart,
        code=code,
        counted=[(c, t._(UNIT_WORDS.get(c.unit, N_("households")))) for c in counted],
    )
