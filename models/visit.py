"""Visits: one member at one household at one time, with an outcome."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Outcome(StrEnum):
    MET = "met"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    LATER = "later"


class Visit(SQLModel, table=True):
    __table_args__ = (
        Index("ix_visit_member_at", "member_id", "at"),
        Index("ix_visit_village_at", "village_id", "at"),
        Index("ix_visit_commune_at", "commune_id", "at"),
        Index("ix_visit_household", "household_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    household_id: int = Field(foreign_key="household.id")
    village_id: int = Field(foreign_key="village.id")
    commune_id: int = Field(foreign_key="commune.id")
    # When the message was written on the phone, not when it reached us.
    at: datetime = Field(sa_type=UTCDateTime)
    outcome: str = Field(default=Outcome.MET, max_length=16)
    revisit_on: date | None = Field(default=None)
    revisit_done: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=1000)
    photo_ref: str | None = Field(default=None, max_length=300)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    source_key: str | None = Field(default=None, max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
