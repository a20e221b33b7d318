"""Households a member reached outside their own village, for the daily lookup limit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Index, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class HouseholdReach(SQLModel, table=True):
    """One lookup that showed a member a household of another village (ids only)."""

    __tablename__ = "household_reach"
    __table_args__ = (Index("ix_household_reach_member_at", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    household_id: int = Field(foreign_key="household.id")
    at: datetime = Field(sa_type=UTCDateTime)


async def reached_since(session: AsyncSession, *, member_id: int, since: datetime) -> set[int]:
    """The distinct households of other villages the member reached after `since`."""
    stmt = select(HouseholdReach.household_id).where(
        HouseholdReach.member_id == member_id, HouseholdReach.at > since
    )
    return set((await session.execute(stmt)).scalars())


async def record_reach(
    session: AsyncSession,
    *,
    member_id: int,
    household_ids: Iterable[int],
    at: datetime,
    since: datetime,
) -> None:
    """Record this turn's reaches; rows that left the window are dropped (nothing needs them)."""
    await session.execute(
        delete(HouseholdReach).where(
            HouseholdReach.member_id == member_id, HouseholdReach.at <= since
        )
    )
    session.add_all(
        HouseholdReach(member_id=member_id, household_id=hid, at=at) for hid in household_ids
    )
