"""Conversions: a household newly counted for an indicator, once, whoever logs it.

Units that count people or subscribers may add more at later visits: each addition is one more
row of the same household and indicator with the next `seq`, so counts "as of a date" and the
member who added them stay exact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Conversion(SQLModel, table=True):
    __table_args__ = (
        # seq 0 is the household's first count; a later visit adds seq n+1 after seeing n, so
        # two members adding at once on the same total cannot both add (count once).
        UniqueConstraint("household_id", "indicator_id", "seq"),
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
    seq: int = Field(default=0)
    member_id: int = Field(foreign_key="member.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    village_id: int = Field(foreign_key="village.id")
    commune_id: int = Field(foreign_key="commune.id")
    at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
