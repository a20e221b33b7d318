"""Communes and their villages: the places that own targets, teams and schedules.

`villages()` is the one query of a commune's areas. Listing, renaming and deleting communes
(several in one database) is `admin.py`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow

# Defaults a commune starts with; officials change them with /caidat or the CLI.
DEFAULT_SETTINGS: dict[str, Any] = {
    "points": {"visit": 1, "conversion": 3},
    "report": {"rhythm": "month", "due_day": 15},
}


class CommuneKind(StrEnum):
    XA = "xa"
    PHUONG = "phuong"
    THI_TRAN = "thi_tran"
    THI_XA = "thi_xa"


class AreaKind(StrEnum):
    THON = "thon"
    BAN = "ban"
    KHU_PHO = "khu_pho"
    TO_DAN_PHO = "to_dan_pho"
    CHO = "cho"
    TUYEN_PHO = "tuyen_pho"


class Commune(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # Unique in one database (a district or province deployment); the plan workbook matches a
    # commune by name and province and refuses a namesake from another province.
    name_key: str = Field(max_length=120, unique=True)
    kind: str = Field(
        default=CommuneKind.XA, max_length=16, sa_column_kwargs={"server_default": "xa"}
    )
    province: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    province_key: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    # The demo commune (seeds/000): shown as a demo, never created beside a real commune.
    is_demo: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    note: str | None = Field(default=None, max_length=500)
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Names the state of the commune's indicator list; the database's triggers replace it on
    # every change (migration 0008). Never written by the application.
    catalogue_rev: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )


class Village(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    kind: str = Field(
        default=AreaKind.THON, max_length=16, sa_column_kwargs={"server_default": "thon"}
    )
    note: str | None = Field(default=None, max_length=500)
    # The village's linked group chat, where leaderboards are posted.
    group_channel: str | None = Field(default=None, max_length=16)
    group_chat_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


async def villages(session: AsyncSession, *, commune_id: int) -> list[Village]:
    """The areas of a commune by name: the one query every list or lookup of areas starts from."""
    stmt = select(Village).where(Village.commune_id == commune_id).order_by(Village.name)
    return list((await session.execute(stmt)).scalars())
