"""Households: visited homes and businesses, with the keys volunteers search them by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Household(SQLModel, table=True):
    __table_args__ = (
        Index("ix_household_commune_code", "commune_id", "customer_code"),
        Index("ix_household_commune_phone", "commune_id", "phone"),
        Index("ix_household_village_name", "village_id", "name_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id")
    village_id: int = Field(foreign_key="village.id")
    head_name: str | None = Field(default=None, max_length=120)
    # Lower-case, unaccented head name for diacritic-insensitive search.
    name_key: str = Field(default="", max_length=120)
    house_number: str | None = Field(default=None, max_length=32)
    hamlet: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    customer_code: str | None = Field(default=None, max_length=32)
    is_business: bool = Field(default=False)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when personal data was erased on request; the row stays so counts do not drop.
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
