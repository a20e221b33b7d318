"""Indicators (what is converted) and targets (how many, by when, where)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Unit(StrEnum):
    HOUSEHOLD = "household"
    PERSON = "person"
    BUSINESS = "business"
    CUSTOMER_CODE = "customer_code"
    SUBSCRIBER = "subscriber"


# Units whose conversions carry a count (people, SIMs) rather than one per household.
COUNTED_UNITS = frozenset({Unit.PERSON, Unit.SUBSCRIBER})

# The most one household can hold, per counted unit: a typo like 300 is stopped at the door.
# People: households average 3–4 people and the largest multi-generation ones rarely pass 20.
# Subscribers: roughly a SIM per adult, a few more for a family shop; 15 is already generous.
COUNT_CAP = {Unit.PERSON: 30, Unit.SUBSCRIBER: 15}


class Indicator(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name_vi: str = Field(max_length=160)
    name_en: str = Field(max_length=160)
    short_vi: str = Field(max_length=40)
    short_en: str = Field(max_length=40)
    unit: str = Field(default=Unit.HOUSEHOLD, max_length=16)
    emoji: str = Field(default="", max_length=8)
    sort: int = Field(default=0)
    active: bool = Field(default=True)


class Target(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    # None: the commune-wide target; otherwise one village's share.
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    population: int = Field(default=0)
    baseline: int = Field(default=0)
    baseline_date: date
    target_percent: float | None = Field(default=None)
    target_count: int | None = Field(default=None)
    deadline: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
