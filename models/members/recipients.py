"""Who receives a push: active members with given roles, each once, on the app they used last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.conversation import Conversation
from models.members import ChannelAccount, Member, Role

LEADERS = (Role.LEADER.value,)
OFFICIALS = (Role.OFFICIAL.value, Role.ADMIN.value)
TEAM = (Role.VOLUNTEER.value, Role.LEADER.value)


@dataclass(frozen=True)
class Recipient:
    member_id: int | None
    name: str
    role: str
    village_id: int | None
    locale: str
    channel: str
    bot: str
    chat_id: str


async def recipients(
    session: AsyncSession,
    *,
    commune_id: int,
    roles: tuple[str, ...],
    village_id: int | None = None,
    reminders_only: bool = False,
) -> list[Recipient]:
    """Active members with these roles, each once, on the app they used last.

    "Last" is the chat whose conversation moved most recently; an account never used (or equal)
    falls back to the newest. Accounts flagged unreachable get nothing."""
    stmt = (
        select(Member, ChannelAccount, Conversation.updated_at)
        .join(ChannelAccount, ChannelAccount.member_id == Member.id)
        .outerjoin(
            Conversation,
            and_(
                Conversation.channel == ChannelAccount.channel,
                Conversation.chat_id == ChannelAccount.chat_id,
            ),
        )
        .where(Member.commune_id == commune_id, Member.active.is_(True))
        .where(Member.role.in_(roles), ChannelAccount.unreachable_since.is_(None))
        .order_by(Member.id)
    )
    if village_id is not None:
        stmt = stmt.where(Member.village_id == village_id)
    if reminders_only:
        stmt = stmt.where(Member.reminders.is_(True))
    best: dict[int, tuple[Any, Member, ChannelAccount]] = {}
    for member, account, used in (await session.execute(stmt)).all():
        rank = (used or account.created_at, account.created_at, account.id)
        if member.id not in best or rank > best[member.id][0]:
            best[member.id] = (rank, member, account)
    return [
        Recipient(m.id, m.name, m.role, m.village_id, m.locale, a.channel, a.bot, a.chat_id)
        for _, m, a in best.values()
    ]


async def set_reminders(session: AsyncSession, *, member_id: int, on: bool) -> None:
    await session.execute(update(Member).where(Member.id == member_id).values(reminders=on))
