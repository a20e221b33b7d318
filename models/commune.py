"""Communes and their villages: the places that own targets, teams and schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow

# Defaults a commune starts with; officials change them with /caidat or the CLI.
DEFAULT_SETTINGS: dict[str, Any] = {
    "points": {"visit": 1, "conversion": 3},
    "report": {"rhythm": "month", "due_day": 15},
}


class Commune(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, unique=True)
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Village(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    # The village's linked group chat, where leaderboards are posted.
    group_channel: str | None = Field(default=None, max_length=16)
    group_chat_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
