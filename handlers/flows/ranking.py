"""/bangxephang (/bxh): members of my village by points, villages by percent of target.

No steps: `/bxh`, `/bxh tuan`, `/bxh thang` (today / this week / this month, default the week).
Allowed in groups because it shows names and points only, never household data.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from handlers.pushes.leaderboard import leaderboard_text
from locales import N_
from models.communes import Village
from models.keys import fold
from models.leaderboard import Period, member_ranking, village_ranking, weights

router = Router()

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


@router.command(
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
    village_id, village_name = await _village(ctx)
    members = []
    if village_id is not None:
        members = await member_ranking(
            ctx.session, village_id=village_id, period=period, today=today, tz=ctx.tz
        )
    villages = await village_ranking(
        ctx.session, commune_id=member.commune_id, today=today, tz=ctx.tz
    )
    text = leaderboard_text(
        ctx.t,
        village_name=village_name,
        period=period,
        members=members,
        villages=villages,
        points=await weights(ctx.session, commune_id=member.commune_id),
    )
    return done(Reply(text))


async def _village(ctx: Context) -> tuple[int | None, str | None]:
    """In a village's linked group, that village; otherwise the member's own."""
    if ctx.incoming.chat_kind == "group":
        row = (
            await ctx.session.execute(
                select(Village.id, Village.name).where(
                    Village.commune_id == ctx.member.commune_id,
                    Village.group_channel == ctx.incoming.channel,
                    Village.group_chat_id == ctx.incoming.chat_id,
                )
            )
        ).first()
        if row is not None:
            return row.id, row.name
    return ctx.member.village_id, ctx.member.village_name
