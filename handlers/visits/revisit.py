"""/henlai: households I marked "come back later", by date (due, overdue and upcoming), one tap
from logging.

| step | waits for                    | next                               |
|------|------------------------------|------------------------------------|
| pick | one of the due households    | visit flow at "outcome" (visit.py) |
"""

from __future__ import annotations

from datetime import date

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.visits.ask import advance
from locales import N_
from models.activity import revisits_due

router = Router()

FLOW = "revisit"
MAX_SHOWN = 10


@router.command("henlai", "revisit", help=N_("/henlai — households to visit again"), order=30)
async def revisits(ctx: Context) -> Result:
    today = ctx.local().date()
    rows = await revisits_due(ctx.session, today=today, member_id=ctx.member.id, upcoming=True)
    if not rows:
        return done(Reply(ctx._("No household is waiting for a return visit. 👍")))
    choices = []
    for row in rows[:MAX_SHOWN]:
        where = ", ".join(
            p
            for p in (
                ctx._("no. {house}", house=row.house_number) if row.house_number else "",
                ctx._("group {hamlet}", hamlet=row.hamlet) if row.hamlet else "",
            )
            if p
        )
        choices.append(
            Choice(
                f"h{row.household_id}",
                f"{row.head_name} — {where} ({_when(ctx, row.revisit_on, today)})",
            )
        )
    due = sum(1 for r in rows if r.revisit_on <= today)
    text = ctx.t.ngettext(
        "{n} household to visit again, {due} due now. Pick one to log the return visit:",
        "{n} households to visit again, {due} due now. Pick one to log the return visit:",
        len(rows),
        due=ctx.t.num(due),
    )
    return Result([Reply(text, tuple(choices))], State(FLOW, "pick"))


def _when(ctx: Context, day: date, today: date) -> str:
    if day == today:
        return ctx._("today")
    if day < today:
        return ctx._("overdue, {date}", date=ctx.t.date(day))
    return ctx.t.date(day)


@router.step(FLOW, "pick")
async def on_pick(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Please pick one of the households."), tuple(ctx.state.choices)))
    data = {"at": ctx.written_at.isoformat(), "hh": int(picked[1:]), "new": None}
    return await advance(ctx, data)
