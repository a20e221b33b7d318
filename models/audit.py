"""Audit trail: who changed, exported or erased what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int | None = Field(default=None, foreign_key="commune.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


def audit(
    session: AsyncSession,
    *,
    action: str,
    entity: str,
    entity_id: int | None = None,
    member_id: int | None = None,
    commune_id: int | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        AuditEntry(
            action=action,
            entity=entity,
            entity_id=entity_id,
            member_id=member_id,
            commune_id=commune_id,
            detail=detail or {},
            at=at or utcnow(),
        )
    )
