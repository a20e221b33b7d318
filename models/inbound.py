"""Inbound message keys already handled, so a platform's retry never acts twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Inbound(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("channel", "message_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_key: str = Field(max_length=128)
    # "done" when handled; "failed" keeps the payload so nothing typed is lost.
    status: str = Field(default="done", max_length=8)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
