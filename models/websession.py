"""Web sign-in: one-time links from the chat (or the CLI) and the browser sessions they start.

Only SHA-256 hashes of the tokens are stored, so a copy of the database signs nobody in. A
session's role and scope are read from the member on every request: a member removed or moved
loses the page at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow
from models.communes import Commune, Village
from models.members import ROLE_RANK, Member, Role

LOGIN_MINUTES = 15
SESSION_HOURS = 8


class WebLogin(SQLModel, table=True):
    __tablename__ = "web_login"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    # None: an admin link printed by `cdsbot web login` (no member behind it).
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    commune_id: int = Field(foreign_key="commune.id")
    role: str = Field(max_length=16)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    commune_id: int = Field(foreign_key="commune.id")
    role: str = Field(max_length=16)
    locale: str = Field(default="vi", max_length=8)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the page, with the scope the chat would give them."""

    session_id: int
    member_id: int | None
    name: str
    role: str
    locale: str
    commune_id: int
    commune_name: str
    village_id: int | None
    village_name: str | None

    def at_least(self, role: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_login(
    session: AsyncSession,
    *,
    commune_id: int,
    role: str,
    now: datetime,
    member_id: int | None = None,
) -> str:
    """A fresh one-time token; the member's older unused links stop working."""
    if member_id is not None:
        await session.execute(
            update(WebLogin)
            .where(WebLogin.member_id == member_id, WebLogin.used_at.is_(None))
            .values(expires_at=now)
        )
    token = secrets.token_urlsafe(32)
    session.add(
        WebLogin(
            token_hash=token_hash(token),
            member_id=member_id,
            commune_id=commune_id,
            role=role,
            expires_at=now + timedelta(minutes=LOGIN_MINUTES),
        )
    )
    await session.flush()
    return token


async def login_is_open(session: AsyncSession, *, token: str, now: datetime) -> bool:
    found = await session.scalar(
        select(WebLogin.id).where(
            WebLogin.token_hash == token_hash(token),
            WebLogin.used_at.is_(None),
            WebLogin.expires_at > now,
        )
    )
    return found is not None


async def redeem_login(
    session: AsyncSession, *, token: str, now: datetime, locale: str = "vi"
) -> str | None:
    """Spend the link and start a session; returns the session token, None if refused."""
    digest = token_hash(token)
    login = (
        await session.execute(
            select(WebLogin).where(
                WebLogin.token_hash == digest,
                WebLogin.used_at.is_(None),
                WebLogin.expires_at > now,
            )
        )
    ).scalar_one_or_none()
    if login is None:
        return None
    # Conditional update: the same link opened twice at once starts one session.
    taken = await session.execute(
        update(WebLogin)
        .where(WebLogin.id == login.id, WebLogin.used_at.is_(None))
        .values(used_at=now)
    )
    if not taken.rowcount:
        return None
    if login.member_id is not None:
        member = await session.get(Member, login.member_id)
        if member is None or not member.active:
            return None
        locale = member.locale or locale
    raw = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(raw),
            member_id=login.member_id,
            commune_id=login.commune_id,
            role=login.role,
            locale=locale,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    await session.flush()
    return raw


async def viewer_for(session: AsyncSession, *, token: str, now: datetime) -> Viewer | None:
    """The signed-in viewer, or None for an unknown, ended or expired session or a removed
    member. An admin looks at the commune last picked in this session."""
    row = (
        await session.execute(
            select(WebSession).where(
                WebSession.token_hash == token_hash(token),
                WebSession.ended_at.is_(None),
                WebSession.expires_at > now,
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.member_id is None:
        commune = await session.get(Commune, row.commune_id)
        if commune is None:
            return None
        # Printed by the CLI for the admin (or the demo's official): the row carries the role.
        return Viewer(
            row.id, None, row.role, row.role, row.locale, commune.id, commune.name, None, None
        )
    member = await session.get(Member, row.member_id)
    if member is None or not member.active or member.removed_at is not None:
        return None
    wanted = row.commune_id if member.role == Role.ADMIN else member.commune_id
    commune = await session.get(Commune, wanted)
    if commune is None:
        return None
    village = await session.get(Village, member.village_id) if member.village_id else None
    return Viewer(
        row.id,
        member.id,
        member.name,
        member.role,
        row.locale,
        commune.id,
        commune.name,
        village.id if village else None,
        village.name if village else None,
    )


async def set_locale(session: AsyncSession, *, session_id: int, locale: str) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == session_id).values(locale=locale)
    )


async def end_session(session: AsyncSession, *, token: str, now: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash(token), WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


async def end_member_sessions(session: AsyncSession, *, member_id: int, now: datetime) -> int:
    """Sign the member out everywhere (`/web dangxuat`); their open links stop working too."""
    await session.execute(
        update(WebLogin)
        .where(WebLogin.member_id == member_id, WebLogin.used_at.is_(None))
        .values(expires_at=now)
    )
    ended = await session.execute(
        update(WebSession)
        .where(
            WebSession.member_id == member_id,
            WebSession.ended_at.is_(None),
            WebSession.expires_at > now,
        )
        .values(ended_at=now)
    )
    return ended.rowcount or 0
