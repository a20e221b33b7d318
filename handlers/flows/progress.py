"""/tiendo: progress against targets, narrowed by indicator or village; chart and report after.

| step            | waits for                       | next                                  |
|-----------------|---------------------------------|---------------------------------------|
| progress/more   | "Xem biểu đồ" / "Xuất báo cáo"  | chart / report; anything else: normal |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from handlers.context import Context
from handlers.digests.progress import progress_text
from handlers.messages import Choice, Reply, Result, State, done, keep
from handlers.registry import command, step
from locales import N_
from models.commune import Village
from models.indicator import Indicator
from models.keys import fold
from models.member import Role
from models.progress import progress


async def chart_reply(ctx: Context, **kw) -> Reply:
    # matplotlib (with numpy and PIL) costs ~45 MB per worker: loaded on the first chart only.
    from handlers.reports.chart import chart_reply as draw  # noqa: PLC0415

    return await draw(ctx, **kw)


CHART_WORDS = ("bieu do", "bieudo", "chart")


@dataclass(frozen=True)
class Scope:
    indicator_ids: list[int] | None
    village_id: int | None
    village_name: str | None
    chart: bool
    unknown: str


async def parse_scope(ctx: Context, args: str) -> Scope:
    """`dien`, `thon 2`, `bieudo` in any order and with or without diacritics."""
    rest = f" {fold(args)} "
    chart = False
    for word in CHART_WORDS:
        if f" {word} " in rest:
            chart, rest = True, rest.replace(f" {word} ", " ")
    villages = (
        await ctx.session.execute(
            select(Village.id, Village.name, Village.name_key).where(
                Village.commune_id == ctx.member.commune_id
            )
        )
    ).all()
    village_id = village_name = None
    for vid, name, key in sorted(villages, key=lambda v: -len(v.name_key)):
        pattern = rf"\b{re.escape(key)}\b"
        if re.search(pattern, rest):
            village_id, village_name, rest = vid, name, re.sub(pattern, " ", rest, count=1)
            break
    indicator_ids = []
    for indicator in (await ctx.session.execute(select(Indicator))).scalars():
        for key in {fold(indicator.code), fold(indicator.short_vi), fold(indicator.short_en)}:
            pattern = rf"\b{re.escape(key)}\b"
            if re.search(pattern, rest):
                indicator_ids.append(indicator.id)
                rest = re.sub(pattern, " ", rest)
    return Scope(indicator_ids or None, village_id, village_name, chart, rest.strip())


@command("tiendo", "progress", help=N_("/tiendo — progress against the targets"), order=20)
async def progress_command(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    scope = await parse_scope(ctx, ctx.args)
    if scope.unknown:
        return keep(
            Reply(
                ctx._(
                    'I do not know "{word}". Try /tiendo, /tiendo dien, /tiendo thon 2 '
                    "or /tiendo bieudo.",
                    word=scope.unknown,
                )
            )
        )
    today = ctx.local().date()
    if scope.chart and ctx.caps.images:
        return done(await chart_reply(ctx, indicator_ids=scope.indicator_ids, today=today))
    own = None if member.at_least(Role.OFFICIAL) else member.village_id
    village_id = scope.village_id or own
    rows = await progress(
        ctx.session,
        commune_id=member.commune_id,
        today=today,
        indicator_ids=scope.indicator_ids,
        tz=ctx.tz,
    )
    if village_id is not None:
        place = scope.village_name or member.village_name or ""
        rows = [r for r in rows if r.village_id in (None, village_id)]
    else:
        place = ctx._("commune {name}", name=member.commune_name)
    text = progress_text(ctx.t, rows, place=place, today=today, village_id=village_id)
    if not ctx.caps.images:
        # Zalo without a public link cannot show a chart: the text, and what would fix it.
        if scope.chart:
            text += "\n" + ctx._("(No chart here: the admin must set PUBLIC_BASE_URL.)")
        return done(Reply(text))
    choices = [Choice("chart", ctx._("View chart"))]
    if member.at_least(Role.LEADER):
        choices.append(Choice("report", ctx._("Export Excel report")))
    data = {"indicators": scope.indicator_ids}
    return Result([Reply(text, tuple(choices))], State("progress", "more", data, choices))


@step("progress", "more")
async def on_more(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked == "chart":
        today = ctx.local().date()
        indicator_ids = ctx.state.data.get("indicators")
        return done(await chart_reply(ctx, indicator_ids=indicator_ids, today=today))
    if picked == "report":
        from handlers.flows.report import export_report

        return await export_report(ctx, "")
    # The options are optional: anything else is handled as if no question was pending.
    from handlers.dispatch import handle

    ctx.state = State()
    result = await handle(ctx)
    if result.state is None:
        result.state = State()
    return result
