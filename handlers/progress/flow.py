"""/tiendo: progress against targets, narrowed by indicator, area or a past day.

The first screen is a summary (one line per indicator); each indicator's detail, the areas, the
chart and the report are one choice away. `ngay 30/08/2024` computes everything as of that day.

| step          | waits for                                        | next                      |
|---------------|--------------------------------------------------|---------------------------|
| progress/more | an indicator, "areas", "more", "chart", "report" | that screen; else: normal |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.places import commune_title
from handlers.progress.summary import (
    area_lines,
    count_summary_line,
    overview_lines,
    page_of,
    pick_row,
    summary_line,
)
from handlers.progress.text import (
    AREAS_INLINE,
    count_lines,
    heading,
    indicator_lines,
)
from locales import N_
from models.communes import villages
from models.indicators.catalogue import aliases, commune_indicators
from models.keys import fold
from models.members import Role
from models.progress import CountRow, ProgressRow, progress, untargeted

router = Router()


async def chart_reply(ctx: Context, **kw) -> Reply:
    # matplotlib (with numpy and PIL) costs ~45 MB per worker: loaded on the first chart only.
    from handlers.progress.chart import chart_reply as draw  # noqa: PLC0415

    return await draw(ctx, **kw)


CHART_WORDS = ("bieu do", "bieudo", "chart")
# "ngay 30/8/2024", "30/08/2024", "ngay 30/8" (this year)
DAY_RE = re.compile(r"\b(?:ngay\s+|on\s+|as of\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?\b")


@dataclass(frozen=True)
class Scope:
    indicator_ids: list[int] | None
    village_id: int | None
    village_name: str | None
    chart: bool
    unknown: str
    day: date | None = None
    bad_day: bool = False


async def parse_scope(ctx: Context, args: str) -> Scope:
    """`dien`, `thon 2`, `bieudo`, `ngay 30/08/2024` in any order, with or without diacritics."""
    rest = f" {fold(args)} "
    day, bad_day = None, False
    found = DAY_RE.search(rest)
    if found:
        rest = rest[: found.start()] + " " + rest[found.end() :]
        d, m, y = found.groups()
        try:
            day = date(int(y or ctx.local().year), int(m), int(d))
        except ValueError:
            bad_day = True
    chart = False
    for word in CHART_WORDS:
        if f" {word} " in rest:
            chart, rest = True, rest.replace(f" {word} ", " ")
    areas = await villages(ctx.session, commune_id=ctx.member.commune_id)
    village_id = village_name = None
    for area in sorted(areas, key=lambda v: -len(v.name_key)):
        pattern = rf"\b{re.escape(area.name_key)}\b"
        if re.search(pattern, rest):
            village_id, village_name = area.id, area.name
            rest = re.sub(pattern, " ", rest, count=1)
            break
    indicator_ids = []
    for indicator in await commune_indicators(ctx.session, ctx.member.commune_id):
        for key in aliases(indicator):
            pattern = rf"\b{re.escape(key)}\b"
            if re.search(pattern, rest):
                indicator_ids.append(indicator.id)
                rest = re.sub(pattern, " ", rest)
    return Scope(
        indicator_ids or None, village_id, village_name, chart, rest.strip(), day, bad_day
    )


@dataclass(frozen=True)
class View:
    """What one /tiendo screen is about: as of which day, which indicators, whose area."""

    day: date
    indicator_ids: list[int] | None
    village_id: int | None
    village_name: str | None
    place: str

    def data(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "indicators": self.indicator_ids,
            "village_id": self.village_id,
            "village_name": self.village_name,
            "place": self.place,
        }

    @classmethod
    def load(cls, data: dict) -> View:
        return cls(
            date.fromisoformat(data["day"]),
            data.get("indicators"),
            data.get("village_id"),
            data.get("village_name"),
            data.get("place", ""),
        )


@router.command("tiendo", "progress", help=N_("/tiendo — progress against the targets"), order=20)
async def progress_command(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    scope = await parse_scope(ctx, ctx.args)
    if scope.unknown or scope.bad_day:
        return keep(
            Reply(
                ctx._(
                    'I do not know "{word}". Try /tiendo, /tiendo dien, /tiendo thon 2, '
                    "/tiendo ngay 30/08/2024 or /tiendo bieudo.",
                    word=scope.unknown or ctx.args.strip(),
                )
            )
        )
    today = ctx.local().date()
    if scope.day is not None and scope.day > today:
        return keep(Reply(ctx._("{date} has not come yet.", date=ctx.t.date(scope.day))))
    day = scope.day or today
    if scope.chart and ctx.caps.images:
        return done(await chart_reply(ctx, indicator_ids=scope.indicator_ids, today=day))
    own = None if member.at_least(Role.OFFICIAL) else member.village_id
    village_id = scope.village_id or own
    if village_id is not None:
        place = scope.village_name or member.village_name or ""
        village_name = place
    else:
        place, village_name = commune_title(ctx.t, member.commune_name, member.commune_kind), None
    view = View(day, scope.indicator_ids, village_id, village_name, place)
    result = await first_screen(ctx, view)
    if scope.chart and not ctx.caps.images:
        # Zalo without a public link cannot show a chart: the text, and what would fix it.
        result.replies.append(Reply(ctx._("(No chart here: the admin must set PUBLIC_BASE_URL.)")))
    return result


async def _rows(ctx: Context, view: View) -> tuple[list[ProgressRow], list[CountRow]]:
    member = ctx.member
    rows = await progress(
        ctx.session,
        commune_id=member.commune_id,
        today=view.day,
        indicator_ids=view.indicator_ids,
        tz=ctx.tz,
    )
    if view.village_id is not None:
        rows = [r for r in rows if r.village_id in (None, view.village_id)]
    counts = await untargeted(
        ctx.session,
        commune_id=member.commune_id,
        today=view.day,
        indicator_ids=view.indicator_ids,
        village_ids=[view.village_id] if view.village_id is not None else None,
        tz=ctx.tz,
    )
    return rows, counts


def _by_indicator(rows: list[ProgressRow]) -> dict[int, list[ProgressRow]]:
    out: dict[int, list[ProgressRow]] = {}
    for row in rows:
        out.setdefault(row.indicator_id, []).append(row)
    return out


def _tail_choices(ctx: Context) -> list[Choice]:
    choices = []
    if ctx.caps.images:
        choices.append(Choice("chart", ctx._("View chart")))
    if ctx.member.at_least(Role.LEADER):
        choices.append(Choice("report", ctx._("Export Excel report")))
    return choices


def _ask(
    ctx: Context, view: View, text: str, choices: list[Choice], focus: int | None = None
) -> Result:
    """`focus`: the indicator on screen, which the chart then draws."""
    data = {**view.data(), "focus": focus}
    return Result([Reply(text, tuple(choices))], State("progress", "more", data, list(choices)))


# Indicators per first screen where choices are numbered lines (Zalo, console): with the
# heading, "more", areas, chart, report and the hint it stays within 15 lines.
SUMMARY_PAGE = 8


async def first_screen(ctx: Context, view: View, page: int = 0) -> Result:
    rows, counts = await _rows(ctx, view)
    groups = _by_indicator(rows)
    if len(groups) + len(counts) <= 1:
        indicator_id = next(iter(groups), None)
        return await detail_screen(ctx, view, indicator_id, rows=rows, counts=counts)
    t = ctx.t
    items: list[tuple[int, str, str]] = []  # indicator, summary line, short label
    for indicator_id, mine in groups.items():
        row, commune = pick_row(mine, view.village_id)
        if row is None:  # only other areas' targets: nothing of this area to show
            continue
        line = summary_line(t, row, commune=commune, kind=ctx.member.commune_kind)
        items.append((indicator_id, line, f"{row.emoji} {row.short(t.lang)}".strip()))
    for row in counts:
        label = f"{row.emoji} {row.short(t.lang)}".strip()
        items.append((row.indicator_id, count_summary_line(t, row), label))
    lines = [heading(t, view.place, view.day)]
    choices: list[Choice] = []
    if ctx.caps.buttons:
        # Buttons carry a short label under the summary lines.
        lines += [line for _, line, _ in items]
        choices += [Choice(f"ind:{i}", label) for i, _, label in items]
    else:
        # A numbered list is the summary itself, a page at a time.
        shown, more = page_of(items, page, SUMMARY_PAGE)
        choices += [Choice(f"ind:{i}", line) for i, line, _ in shown]
        if more:
            left = len(items) - (page + 1) * SUMMARY_PAGE
            choices.append(Choice(f"page:{page + 1}", t._("More ({n})", n=left)))
    if view.village_id is None and any(r.village_id is not None for r in rows):
        choices.append(Choice("areas:0:0", t._("By area")))
    lines.append(t._("Pick an indicator for its detail."))
    return _ask(ctx, view, "\n".join(lines), choices + _tail_choices(ctx))


async def detail_screen(
    ctx: Context,
    view: View,
    indicator_id: int | None,
    *,
    rows: list[ProgressRow] | None = None,
    counts: list[CountRow] | None = None,
) -> Result:
    if rows is None:
        rows, counts = await _rows(ctx, view)
    t = ctx.t
    lines = [heading(t, view.place, view.day)]
    mine = [r for r in rows if r.indicator_id == indicator_id]
    if mine:
        lines += indicator_lines(
            t,
            mine,
            village_id=view.village_id,
            village_name=view.village_name,
            kind=ctx.member.commune_kind,
        )
    elif counts and (counted := [c for c in counts if indicator_id in (None, c.indicator_id)]):
        lines += count_lines(t, counted[0])
    else:
        lines.append(t._("No targets have been set yet."))
    choices: list[Choice] = []
    areas = [r for r in mine if r.village_id is not None]
    if view.village_id is None and len(areas) > AREAS_INLINE:
        choices.append(Choice(f"areas:{indicator_id}:0", t._("By area")))
    many = len(_by_indicator(rows)) + len(counts or []) > 1
    if many:
        choices.append(Choice("summary", t._("All indicators")))
    return _ask(ctx, view, "\n".join(lines), choices + _tail_choices(ctx), focus=indicator_id)


async def areas_screen(ctx: Context, view: View, indicator_id: int, page: int) -> Result:
    rows, _counts = await _rows(ctx, view)
    t = ctx.t
    if indicator_id:
        mine = [r for r in rows if r.indicator_id == indicator_id and r.village_id is not None]
        name = mine[0].name(t.lang) if mine else ""
        title = t._("{indicator} by area (best first):", indicator=name)
        items = area_lines(t, mine)
    else:
        title = t._("Areas, percent per indicator:")
        items = overview_lines(t, rows)
    shown, more = page_of(items, page)
    lines = [heading(t, view.place, view.day), title, *shown]
    choices = []
    if more:
        left = len(items) - (page + 1) * len(shown)
        choices.append(Choice(f"areas:{indicator_id}:{page + 1}", t._("More ({n})", n=left)))
    choices.append(Choice("summary", t._("All indicators")))
    return _ask(ctx, view, "\n".join(lines), choices, focus=indicator_id or None)


@router.step("progress", "more")
async def on_more(ctx: Context) -> Result | None:
    picked = ctx.pick()
    view = View.load(ctx.state.data) if "day" in ctx.state.data else None
    if picked == "chart":
        day = view.day if view else ctx.local().date()
        focus = ctx.state.data.get("focus")
        indicator_ids = [focus] if focus else ctx.state.data.get("indicators")
        return done(await chart_reply(ctx, indicator_ids=indicator_ids, today=day))
    if picked == "report":
        from handlers.report.flow import export_report

        return await export_report(ctx, "")
    if view is not None and picked == "summary":
        return await first_screen(ctx, view)
    if view is not None and picked and picked.startswith("page:"):
        return await first_screen(ctx, view, int(picked[5:]))
    if view is not None and picked and picked.startswith("ind:"):
        return await detail_screen(ctx, view, int(picked[4:]))
    if view is not None and picked and picked.startswith("areas:"):
        _, indicator_id, page = picked.split(":")
        return await areas_screen(ctx, view, int(indicator_id), int(page))
    # The options are optional: anything else is handled as if no question was pending.
    return None
