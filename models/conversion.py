"""Conversions: a household newly counted for an indicator, once, whoever logs it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Conversion(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("household_id", "indicator_id"),
        Index("ix_conversion_village_ind_at", "village_id", "indicator_id", "at"),
        # Covering: /tiendo's GROUP BY (indicator, village) reads the index only, no table rows.
        Index(
            "ix_conversion_commune_ind_at_cover",
            "commune_id",
            "indicator_id",
            "at",
            "village_id",
            "people",
        ),
        Index("ix_conversion_member_at", "member_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id")
    indicator_id: int = Field(foreign_key="indicator.id")
    people: int = Field(default=1)
    member_id: int = Field(foreign_key="member.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    village_id: int = Field(foreign_key="village.id")
    commune_id: int = Field(foreign_key="commune.id")
    at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
