"""/cuatoi: my visits and conversions today, this week, this month, in total; rank; streak.

| step | waits for | next |
|------|-----------|------|
| —    | (one reply, no question) | done |
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models.activity import my_stats

router = Router()


@router.command(
    "cuatoi", "mine", "me", help=N_("/cuatoi — my visits, conversions, rank"), order=20
)
async def mine(ctx: Context) -> Result:
    member = ctx.member
    stats = await my_stats(
        ctx.session,
        member_id=member.id,
        village_id=member.village_id,
        commune_id=member.commune_id,
        today=ctx.local().date(),
        tz=ctx.tz,
    )
    n = ctx.t.num
    lines = [ctx._("📒 Your work, {name}", name=member.name)]
    for label, tally in (
        (ctx._("Today"), stats.today),
        (ctx._("This week"), stats.week),
        (ctx._("This month"), stats.month),
        (ctx._("In total"), stats.total),
    ):
        lines.append(
            ctx.t.ngettext(
                "{period}: {n} visit, {conversions}",
                "{period}: {n} visits, {conversions}",
                tally.visits,
                period=label,
                conversions=ctx.t.ngettext("{n} conversion", "{n} conversions", tally.conversions),
            )
        )
    if stats.rank is not None:
        lines.append(
            ctx._(
                "Rank in {village} this month: {rank}/{of}",
                village=member.village_name,
                rank=n(stats.rank),
                of=n(stats.of),
            )
        )
    if stats.streak:
        lines.append(ctx.t.ngettext("🔥 {n} day in a row", "🔥 {n} days in a row", stats.streak))
    else:
        lines.append(ctx._("No streak yet: log a visit today to start one."))
    return done(Reply("\n".join(lines)))
