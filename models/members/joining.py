"""Queries for joining: accounts, members, invite codes, wrong-code cooldowns."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from models.base import utcnow
from models.communes import Commune, Village
from models.members import ChannelAccount, FailedAttempt, InviteCode, Member, Role

# No 0/O, 1/I/L: codes are read aloud and typed on small keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
MAX_WRONG_PER_HOUR = 5


@dataclass(frozen=True)
class MemberRow:
    id: int
    commune_id: int
    village_id: int | None
    name: str
    role: str
    locale: str
    reminders: bool
    active: bool
    commune_name: str
    village_name: str | None
    commune_kind: str = "xa"
    commune_demo: bool = False
    # The state of the commune's indicator list (models.indicators.catalogue's cache key).
    catalogue_rev: int | None = None


@dataclass(frozen=True)
class InviteRow:
    code: str
    commune_id: int
    village_id: int | None
    role: str
    commune_name: str
    village_name: str | None
    created_at: datetime | None = None
    commune_kind: str = "xa"
    commune_demo: bool = False


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def clean_code(raw: str) -> str:
    """What the user typed → the stored form: "k7m-4qx" → "K7M4QX"."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())


def show_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}" if len(code) == 6 else code


@dataclass(frozen=True)
class AccountRow:
    """Where the platform account last wrote from, to see whether it needs touching."""

    chat_id: str
    bot: str
    unreachable: bool


# Every turn reads this (bot/bookkeeping.py, as a CTE): built once, with bound parameters. The
# labels keep the columns apart there; `member_from` reads a row of them.
MEMBER_FOR_ACCOUNT = (
    select(
        Member.id.label("m_id"),
        Member.commune_id.label("m_commune_id"),
        Member.village_id.label("m_village_id"),
        Member.name.label("m_name"),
        Member.role.label("m_role"),
        Member.locale.label("m_locale"),
        Member.reminders.label("m_reminders"),
        Member.active.label("m_active"),
        Commune.name.label("m_commune_name"),
        Village.name.label("m_village_name"),
        ChannelAccount.chat_id.label("a_chat_id"),
        ChannelAccount.bot.label("a_bot"),
        ChannelAccount.unreachable_since.is_not(None).label("a_unreachable"),
        Commune.kind.label("m_commune_kind"),
        Commune.is_demo.label("m_commune_demo"),
        Commune.catalogue_rev.label("m_catalogue_rev"),
    )
    .join(ChannelAccount, ChannelAccount.member_id == Member.id)
    .join(Commune, Commune.id == Member.commune_id)
    .outerjoin(Village, Village.id == Member.village_id)
    .where(
        ChannelAccount.channel == bindparam("channel"),
        ChannelAccount.user_id == bindparam("user_id"),
    )
)


def member_from(row: Any) -> tuple[MemberRow | None, AccountRow | None]:
    """The member and account of a row of MEMBER_FOR_ACCOUNT's columns; none for a missing
    account or a removed member."""
    if row is None or row[0] is None or not row[7]:
        return None, None
    member = MemberRow(
        *row[:10], commune_kind=row[13], commune_demo=bool(row[14]), catalogue_rev=row[15]
    )
    return member, AccountRow(row[10], row[11], bool(row[12]))


async def member_and_account(
    conn: AsyncConnection | AsyncSession, *, channel: str, user_id: str
) -> tuple[MemberRow | None, AccountRow | None]:
    """The active member behind a platform account, and the account's delivery details."""
    params = {"channel": channel, "user_id": user_id}
    return member_from((await conn.execute(MEMBER_FOR_ACCOUNT, params)).first())


async def member_for_account(
    session: AsyncConnection | AsyncSession, *, channel: str, user_id: str
) -> MemberRow | None:
    member, _ = await member_and_account(session, channel=channel, user_id=user_id)
    return member


def needs_touch(account: AccountRow, *, chat_id: str, bot: str) -> bool:
    return account.unreachable or account.bot != bot or account.chat_id != chat_id


async def touch_account(
    session: AsyncConnection | AsyncSession, *, channel: str, user_id: str, chat_id: str, bot: str
) -> None:
    """A user who writes is reachable again, and we answer through the bot they wrote to."""
    await session.execute(
        update(ChannelAccount)
        .where(ChannelAccount.channel == channel, ChannelAccount.user_id == user_id)
        .values(unreachable_since=None, bot=bot, chat_id=chat_id)
    )


async def create_invite(
    session: AsyncSession,
    *,
    commune_id: int,
    village_id: int | None,
    role: Role,
    uses: int,
    days: int,
    created_by: int | None = None,
    now: datetime | None = None,
) -> str:
    code = new_code()
    while await session.scalar(select(InviteCode.id).where(InviteCode.code == code)):
        code = new_code()
    now = now or utcnow()
    session.add(
        InviteCode(
            code=code,
            commune_id=commune_id,
            village_id=village_id,
            role=role,
            max_uses=uses,
            expires_at=now + timedelta(days=days),
            created_by=created_by,
            # The same clock as the expiry: a removed member needs an invite made after removal.
            created_at=now,
        )
    )
    await session.flush()
    return code


async def find_invite(session: AsyncSession, *, code: str, now: datetime) -> InviteRow | None:
    """A usable invite (not expired, uses left) or None."""
    stmt = (
        select(InviteCode, Commune.name, Village.name, Commune.kind, Commune.is_demo)
        .join(Commune, Commune.id == InviteCode.commune_id)
        .outerjoin(Village, Village.id == InviteCode.village_id)
        .where(InviteCode.code == clean_code(code))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    invite, commune_name, village_name, kind, demo = row
    if invite.expires_at <= now or invite.uses >= invite.max_uses:
        return None
    return InviteRow(
        invite.code,
        invite.commune_id,
        invite.village_id,
        invite.role,
        commune_name,
        village_name,
        invite.created_at,
        kind,
        bool(demo),
    )


async def redeem_invite(
    session: AsyncSession,
    *,
    code: str,
    now: datetime,
    name: str,
    channel: str,
    user_id: str,
    chat_id: str,
    bot: str,
    display_name: str | None,
    locale: str,
) -> int | None:
    """Create the member and link the account; None when the code was used up meanwhile."""
    # Conditional update: two people racing for the last use cannot both win.
    taken = await session.execute(
        update(InviteCode)
        .where(
            InviteCode.code == code,
            InviteCode.uses < InviteCode.max_uses,
            InviteCode.expires_at > now,
        )
        .values(uses=InviteCode.uses + 1)
    )
    if not taken.rowcount:
        return None
    invite = (
        await session.execute(select(InviteCode).where(InviteCode.code == code))
    ).scalar_one()
    member = Member(
        commune_id=invite.commune_id,
        village_id=invite.village_id,
        name=name,
        role=invite.role,
        locale=locale,
    )
    session.add(member)
    await session.flush()
    # A removed member who rejoins with a fresh invite keeps the account row, newly linked.
    relinked = await session.execute(
        update(ChannelAccount)
        .where(ChannelAccount.channel == channel, ChannelAccount.user_id == user_id)
        # Never takes an account away from an active member.
        .where(ChannelAccount.member_id.in_(select(Member.id).where(Member.active.is_(False))))
        .values(member_id=member.id, chat_id=chat_id, bot=bot, display_name=display_name)
    )
    if not relinked.rowcount:
        session.add(
            ChannelAccount(
                member_id=member.id,
                channel=channel,
                user_id=user_id,
                chat_id=chat_id,
                bot=bot,
                display_name=display_name,
            )
        )
    await session.flush()
    return member.id


async def wrong_tries(
    session: AsyncSession, *, channel: str, user_id: str, kind: str, now: datetime
) -> tuple[int, datetime | None]:
    """Wrong tries in the last hour and the oldest of them (the cooldown ends an hour later)."""
    since = now - timedelta(hours=1)
    stmt = select(func.count(), func.min(FailedAttempt.at)).where(
        FailedAttempt.channel == channel,
        FailedAttempt.user_id == user_id,
        FailedAttempt.kind == kind,
        FailedAttempt.at > since,
    )
    count, oldest = (await session.execute(stmt)).one()
    return count, oldest


def record_wrong_try(
    session: AsyncSession, *, channel: str, user_id: str, kind: str, now: datetime
) -> None:
    session.add(FailedAttempt(channel=channel, user_id=user_id, kind=kind, at=now))


async def set_locale(session: AsyncSession, *, member_id: int, locale: str) -> None:
    await session.execute(update(Member).where(Member.id == member_id).values(locale=locale))
