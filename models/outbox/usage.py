"""Outgoing messages per bot per month (Zalo's quota), and who hears about a bot running low."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import insert_ignore
from models.members import ChannelAccount, Member, Role
from models.outbox import BotUsage


@dataclass(frozen=True)
class UsageRow:
    sent: int
    warned: bool


@dataclass(frozen=True)
class Recipient:
    chat_id: str
    locale: str


def strangers_of(bot: str) -> str:
    """The bot's second account: answers to people who have not joined, counted apart."""
    return f"{bot}#strangers"


def month_of(now: datetime) -> str:
    return now.strftime("%Y-%m")


async def usage(session: AsyncSession, *, channel: str, bot: str, month: str) -> UsageRow:
    row = await session.get(BotUsage, (channel, bot, month))
    return UsageRow(row.sent, row.warned) if row else UsageRow(0, False)


async def count_sent(
    session: AsyncSession, *, channel: str, bot: str, month: str, n: int = 1
) -> UsageRow:
    """Add n sent messages and return the new total (one atomic update per call)."""
    await insert_ignore(
        session,
        BotUsage.__table__,
        {"channel": channel, "bot": bot, "month": month, "sent": 0, "warned": False},
        conflict=["channel", "bot", "month"],
    )
    key = (BotUsage.channel == channel, BotUsage.bot == bot, BotUsage.month == month)
    await session.execute(update(BotUsage).where(*key).values(sent=BotUsage.sent + n))
    stmt = select(BotUsage.sent, BotUsage.warned).where(*key)
    sent, warned = (await session.execute(stmt)).one()
    return UsageRow(sent, warned)


async def claim_warning(session: AsyncSession, *, channel: str, bot: str, month: str) -> bool:
    """True for exactly one caller per bot and month: that one sends the 80% warning."""
    result = await session.execute(
        update(BotUsage)
        .where(
            BotUsage.channel == channel,
            BotUsage.bot == bot,
            BotUsage.month == month,
            BotUsage.warned.is_(False),
        )
        .values(warned=True)
    )
    return bool(result.rowcount)


async def officials_on_bot(session: AsyncSession, *, channel: str, bot: str) -> list[Recipient]:
    """Officials and admins who talk to this bot: they are told when it runs low."""
    stmt = (
        select(ChannelAccount.chat_id, Member.locale)
        .join(Member, Member.id == ChannelAccount.member_id)
        .where(
            ChannelAccount.channel == channel,
            ChannelAccount.bot == bot,
            ChannelAccount.unreachable_since.is_(None),
            Member.active.is_(True),
            Member.role.in_([Role.OFFICIAL, Role.ADMIN]),
        )
        .order_by(ChannelAccount.id)
    )
    return [Recipient(chat_id, locale) for chat_id, locale in (await session.execute(stmt))]
