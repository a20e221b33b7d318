"""Answers to people who have not joined: a few per hour each, a cap per bot, then silence.

Someone who never joined can otherwise make the bot answer without end, and on Zalo every answer
spends the bot's monthly messages that scheduled pushes need. Each such answer is a mark in
`failed_attempt` (kind "stranger" per account, "stranger-bot" per bot). Over the per-account
limit the person gets one short polite notice and then nothing until the hour has passed; over
the per-bot limit nobody new is answered for the rest of the hour. Someone who has typed a valid
invite code (the join flow past its code step) is not limited. Zalo additionally counts
these answers apart from members' and caps them per month (bot/channels/zalo/channel.py).
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, keep
from models import throttle

log = logging.getLogger(__name__)

PER_SENDER = 10
PER_BOT = 120
WINDOW = timedelta(hours=1)
SENDER, BOT = "stranger", "stranger-bot"


def proven(ctx: Context) -> bool:
    """Past the code step of joining: this person typed a valid invite code."""
    return ctx.state.flow == "join" and ctx.state.step not in (None, "code")


async def gate(ctx: Context) -> Result | None:
    """None: answer as usual (then `count` the answer). A Result: the notice, or silence."""
    inc = ctx.incoming
    # One account's messages pass this check one at a time, even when they arrive at once.
    await throttle.serialize(ctx.session, SENDER, inc.channel, inc.user_id)
    since = ctx.now - WINDOW
    sent, oldest = await throttle.recent(
        ctx.session, channel=inc.channel, key=inc.user_id, kind=SENDER, since=since
    )
    if sent > PER_SENDER:
        return keep()
    if sent == PER_SENDER:
        await _mark(ctx, inc.user_id, SENDER)
        log.info("%s: answers to a sender who has not joined paused for the hour", inc.channel)
        wait = (oldest + WINDOW - ctx.now) if oldest else WINDOW
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        text = ctx.t.ngettext(
            "You have sent many messages. Please wait {n} minute, then send your invite code "
            "again.",
            "You have sent many messages. Please wait {n} minutes, then send your invite code "
            "again.",
            minutes,
        )
        return keep(Reply(text))
    bot_key = f"bot:{inc.bot}"
    answered, _ = await throttle.recent(
        ctx.session, channel=inc.channel, key=bot_key, kind=BOT, since=since
    )
    if answered >= PER_BOT:
        log.warning("%s bot %s: answers to people who have not joined paused for the hour",
                    inc.channel, inc.bot or "-")  # fmt: skip
        return keep()
    return None


async def count(ctx: Context) -> None:
    """One answer given to this account and bot."""
    await _mark(ctx, ctx.incoming.user_id, SENDER)
    await _mark(ctx, f"bot:{ctx.incoming.bot}", BOT)


async def _mark(ctx: Context, key: str, kind: str) -> None:
    await throttle.mark(
        ctx.session, channel=ctx.incoming.channel, key=key, kind=kind, now=ctx.now, keep=WINDOW
    )
