"""/doi (leaders): my team today — each member's visits and conversions, who logged nothing.

| step | waits for | next |
|------|-----------|------|
| —    | (one reply, no question) | done |
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models.activity import team_activity
from models.members import Role

router = Router()


@router.command("doi", "team", role=Role.LEADER, help=N_("/doi — my team today"), order=40)
async def team(ctx: Context) -> Result:
    member = ctx.member
    if member.village_id is None:
        return done(Reply(ctx._("This command is for team leaders of a village.")))
    today = ctx.local().date()
    rows = await team_activity(ctx.session, village_id=member.village_id, day=today, tz=ctx.tz)
    active = [r for r in rows if r.visits or r.conversions]
    idle = [r.name for r in rows if not (r.visits or r.conversions)]
    n = ctx.t.num
    lines = [
        ctx._("📋 {village} — {date}", village=member.village_name, date=ctx.t.date(today)),
        ctx._(
            "Visits {visits} · conversions {conversions}",
            visits=n(sum(r.visits for r in rows)),
            conversions=n(sum(r.conversions for r in rows)),
        ),
    ]
    for row in active:
        lines.append(
            ctx.t.ngettext(
                "• {name}: {n} visit, {conversions}",
                "• {name}: {n} visits, {conversions}",
                row.visits,
                name=row.name,
                conversions=ctx.t.ngettext("{n} conversion", "{n} conversions", row.conversions),
            )
        )
    if idle:
        lines.append(ctx._("Nothing logged yet: {names}", names=", ".join(idle)))
    return done(Reply("\n".join(lines)))
