"""One-time codes that attach a second app's account to an existing member (/lienket)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import ChannelAccount, InviteCode, LinkCode
from models.members.joining import clean_code, new_code

LINK_MINUTES = 15


async def create_link_code(session: AsyncSession, *, member_id: int, now: datetime) -> str:
    """A fresh code; the member's older unused codes stop working."""
    await session.execute(
        update(LinkCode)
        .where(LinkCode.member_id == member_id, LinkCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = new_code()
    # Never equal to an invite code either: "/start CODE" must mean one thing.
    while await session.scalar(select(LinkCode.id).where(LinkCode.code == code)) or (
        await session.scalar(select(InviteCode.id).where(InviteCode.code == code))
    ):
        code = new_code()
    session.add(
        LinkCode(code=code, member_id=member_id, expires_at=now + timedelta(minutes=LINK_MINUTES))
    )
    await session.flush()
    return code


async def redeem_link_code(
    session: AsyncSession,
    *,
    code: str,
    now: datetime,
    channel: str,
    user_id: str,
    chat_id: str,
    bot: str,
    display_name: str | None,
) -> int | None:
    """Link the account to the code's member; None when the code is wrong, used or expired."""
    code = clean_code(code)
    linked = await session.scalar(
        select(ChannelAccount.id).where(
            ChannelAccount.channel == channel, ChannelAccount.user_id == user_id
        )
    )
    if linked is not None:
        return None
    member_id = await session.scalar(
        select(LinkCode.member_id).where(
            LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > now
        )
    )
    if member_id is None:
        return None
    # Conditional update: a code typed on two phones at once links only one of them.
    taken = await session.execute(
        update(LinkCode)
        .where(LinkCode.code == code, LinkCode.used_at.is_(None))
        .values(used_at=now)
    )
    if not taken.rowcount:
        return None
    session.add(
        ChannelAccount(
            member_id=member_id,
            channel=channel,
            user_id=user_id,
            chat_id=chat_id,
            bot=bot,
            display_name=display_name,
        )
    )
    await session.flush()
    return member_id
