"""Members, the platform accounts that reach them, invite codes and failed-attempt records.

The tables are here; their queries by use: joining with an invite code (`joining.py`), the team
roster and removal (`roster.py`), a second app's account (`linking.py`), who receives a push
(`recipients.py`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    LEADER = "leader"
    OFFICIAL = "official"
    ADMIN = "admin"


ROLE_RANK = {Role.VOLUNTEER: 0, Role.LEADER: 1, Role.OFFICIAL: 2, Role.ADMIN: 3}


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    # None for officials and admins, whose scope is the whole commune.
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    role: str = Field(default=Role.VOLUNTEER, max_length=16)
    locale: str = Field(default="vi", max_length=8)
    active: bool = Field(default=True)
    reminders: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ChannelAccount(SQLModel, table=True):
    __tablename__ = "channel_account"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    # Which of several Zalo bots this person talks to ("" on Telegram).
    bot: str = Field(default="", max_length=64)
    display_name: str | None = Field(default=None, max_length=120)
    # Set when the platform says the user blocked the bot; cleared when they write again.
    unreachable_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InviteCode(SQLModel, table=True):
    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    commune_id: int = Field(foreign_key="commune.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    role: str = Field(default=Role.VOLUNTEER, max_length=16)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    max_uses: int = Field(default=1)
    uses: int = Field(default=0)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FailedAttempt(SQLModel, table=True):
    """One wrong invite or link code; counted per account per hour for the cooldown."""

    __tablename__ = "failed_attempt"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class LinkCode(SQLModel, table=True):
    """One-time code that joins a second app's account to an existing member (/lienket)."""

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    member_id: int = Field(foreign_key="member.id")
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
