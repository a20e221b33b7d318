"""Outbox: messages produced by jobs, delivered by the sender exactly once per key.

The tables are here (messages, a bot's messages per month, job runs); queuing, claiming and
settling rows and job runs in `queue.py`; Zalo's monthly quota counts in `usage.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # (job, commune, scheduled time, recipient): a re-run never queues twice.
    key: str = Field(max_length=200, unique=True)
    channel: str = Field(max_length=16)
    bot: str = Field(default="", max_length=64)
    chat_id: str = Field(max_length=64)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    commune_id: int | None = Field(default=None, foreign_key="commune.id")
    job: str = Field(default="", max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BotUsage(SQLModel, table=True):
    """Outgoing messages per bot per month, for Zalo's monthly quota."""

    __tablename__ = "bot_usage"

    channel: str = Field(primary_key=True, max_length=16)
    bot: str = Field(primary_key=True, max_length=64)
    month: str = Field(primary_key=True, max_length=7)
    sent: int = Field(default=0)
    warned: bool = Field(default=False)


class JobRun(SQLModel, table=True):
    """One scheduled run of a job for a commune; the key stops it running twice."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    job: str = Field(max_length=32)
    commune_id: int | None = Field(default=None, foreign_key="commune.id")
    scheduled_for: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    queued: int = Field(default=0)
