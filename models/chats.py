"""Where messages go: a village's linked group chat, and the members' private chats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Village
from models.members import ChannelAccount, Member


async def link_group(
    session: AsyncSession, *, village_id: int, channel: str, chat_id: str
) -> None:
    """Make this chat the village's group; a chat belongs to one village at a time."""
    await session.execute(
        update(Village)
        .where(Village.group_channel == channel, Village.group_chat_id == chat_id)
        .where(Village.id != village_id)
        .values(group_channel=None, group_chat_id=None)
    )
    await session.execute(
        update(Village)
        .where(Village.id == village_id)
        .values(group_channel=channel, group_chat_id=chat_id)
    )


@dataclass(frozen=True)
class LinkedVillage:
    id: int
    name: str


async def group_village(
    session: AsyncSession, *, channel: str, chat_id: str
) -> LinkedVillage | None:
    """The village (of any commune) this group chat is linked to, if any."""
    row = (
        await session.execute(
            select(Village.id, Village.name).where(
                Village.group_channel == channel, Village.group_chat_id == chat_id
            )
        )
    ).first()
    return LinkedVillage(*row) if row else None


async def member_chats(
    session: AsyncSession, *, channel: str, limit: int
) -> list[tuple[str, str, str]]:
    """(private chat id, role, language) of active, reachable members, newest accounts first."""
    stmt = (
        select(ChannelAccount.chat_id, Member.role, Member.locale)
        .join(Member, Member.id == ChannelAccount.member_id)
        .where(ChannelAccount.channel == channel, ChannelAccount.unreachable_since.is_(None))
        .where(Member.active.is_(True))
        .order_by(ChannelAccount.created_at.desc(), ChannelAccount.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in (await session.execute(stmt)).all()]
