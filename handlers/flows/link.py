"""One person, two apps: /lienket gives a one-time code; typed on the other app it links there.

| step | waits for                             | next |
|------|---------------------------------------|------|
| code | the code from /lienket on another app | done |
"""

from __future__ import annotations

from handlers.cooldown import cooldown_text
from handlers.core.context import Context
from handlers.core.messages import Reply, Result, State, done, keep
from handlers.core.router import Router
from locales import N_
from models.members import joining, linking

router = Router()

FLOW = "link"


@router.command(
    "lienket",
    "link",
    role=None,
    help=N_("/lienket — use the bot on both Zalo and Telegram"),
    order=85,
)
async def link(ctx: Context) -> Result:
    if ctx.member is not None:
        if ctx.args:
            return done(
                Reply(
                    ctx._(
                        "This app is already linked to {name}. To add another app, type "
                        "/lienket here and send the code there.",
                        name=ctx.member.name,
                    )
                )
            )
        code = await linking.create_link_code(ctx.session, member_id=ctx.member.id, now=ctx.now)
        shown = joining.show_code(code)
        return done(
            Reply(
                ctx._("Your link code: {code}", code=shown)
                + "\n"
                + ctx._("On your other app (Zalo or Telegram), send: /lienket {code}", code=shown)
                + "\n"
                + ctx.t.ngettext(
                    "It works once, for {n} minute.",
                    "It works once, for {n} minutes.",
                    linking.LINK_MINUTES,
                )
            )
        )
    if ctx.args:
        return await on_code(ctx)
    return Result([Reply(_ask(ctx))], State(FLOW, "code"))


def _ask(ctx: Context) -> str:
    return ctx._(
        "Please enter the link code: type /lienket on the app where you have already "
        "joined, then send the code here (for example: K7M-4QX)."
    )


@router.step(FLOW, "code")
async def on_code(ctx: Context) -> Result:
    inc = ctx.incoming
    refused = await cooldown_text(ctx)
    if refused is not None:
        return _stay(ctx, refused)
    member_id = await linking.redeem_link_code(
        ctx.session,
        code=ctx.args or ctx.text,
        now=ctx.now,
        channel=inc.channel,
        user_id=inc.user_id,
        chat_id=inc.chat_id,
        bot=inc.bot,
        display_name=inc.display_name,
    )
    if member_id is None:
        joining.record_wrong_try(
            ctx.session, channel=inc.channel, user_id=inc.user_id, kind="invite", now=ctx.now
        )
        return _stay(
            ctx,
            ctx._(
                "The link code is wrong or has expired. Type /lienket again on your other app "
                "for a new one."
            ),
        )
    member = await joining.member_for_account(
        ctx.session, channel=inc.channel, user_id=inc.user_id
    )
    name = member.name if member else ""
    return done(
        Reply(
            ctx._("Linked! You are {name} here too: one member, one tally.", name=name)
            + "\n"
            + ctx._("Type /trogiup to see the commands.")
        )
    )


def _stay(ctx: Context, text: str) -> Result:
    if ctx.state.idle or ctx.state.flow != FLOW:
        return Result([Reply(text)], State(FLOW, "code"))
    return keep(Reply(text))
