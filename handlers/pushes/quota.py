"""The warning to a bot's officials that its month of messages is running out (Zalo's quota)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.messages import Outgoing, Reply
from locales import translator
from models.outbox import usage


async def quota_warnings(
    session: AsyncSession, *, channel: str, bot: str, quota: int, members: int, strangers: int
) -> list[Outgoing]:
    """One message per official or admin who talks to this bot, in their language."""
    out = []
    for person in await usage.officials_on_bot(session, channel=channel, bot=bot):
        t = translator(person.locale)
        text = t.ngettext(
            "Zalo bot {bot} has sent {sent} of its {n} message this month: {members} to "
            "members (answers and reminders) and {strangers} to people who have not joined. "
            "When they run out, scheduled reminders stop until next month; "
            "consider a second bot (ZALO_BOT_TOKENS).",
            "Zalo bot {bot} has sent {sent} of its {n} messages this month: {members} to "
            "members (answers and reminders) and {strangers} to people who have not joined. "
            "When they run out, scheduled reminders stop until next month; "
            "consider a second bot (ZALO_BOT_TOKENS).",
            quota,
            bot=bot,
            sent=t.num(members + strangers),
            members=t.num(members),
            strangers=t.num(strangers),
        )
        out.append(Outgoing(channel, bot, person.chat_id, Reply(text, lang=t.lang)))
    return out
