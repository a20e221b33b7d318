"""/bangxephang (/bxh): members of my village by points, villages by percent of target.

No steps: `/bxh`, `/bxh tuan`, `/bxh thang` (today / this week / this month, default the week).
Allowed in groups because it shows names and points only, never household data.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.digests.leaderboard import leaderboard_text
from handlers.messages import Reply, Result, done
from handlers.registry import command
from locales import N_
from models.keys import fold
from models.leaderboard import Period, member_ranking, village_ranking

PERIOD_WORDS = {
    "": Period.WEEK,
    "homnay": Period.DAY,
    "hom nay": Period.DAY,
    "ngay": Period.DAY,
    "today": Period.DAY,
    "tuan": Period.WEEK,
    "week": Period.WEEK,
    "thang": Period.MONTH,
    "month": Period.MONTH,
}


@command(
    "bangxephang",
    "bxh",
    "ranking",
    help=N_("/bangxephang — who did the most today, this week, this month"),
    group=True,
    order=25,
)
async def ranking_command(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    period = PERIOD_WORDS.get(fold(ctx.args))
    if period is None:
        return done(
            Reply(ctx._("Type /bxh homnay, /bxh tuan or /bxh thang (today, week, month)."))
        )
    today = ctx.local().date()
    members = []
    if member.village_id is not None:
        members = await member_ranking(
            ctx.session, village_id=member.village_id, period=period, today=today, tz=ctx.tz
        )
    villages = await village_ranking(
        ctx.session, commune_id=member.commune_id, today=today, tz=ctx.tz
    )
    text = leaderboard_text(
        ctx.t, village_name=member.village_name, period=period, members=members, villages=villages
    )
    return done(Reply(text))
