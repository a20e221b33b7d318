"""Indicators (what is converted) and targets (how many, by when, where).

The tables are here; the national catalogue and each commune's own list in `catalogue.py`, the
one check of a target in `rules.py`, setting and deleting targets in `targets.py`, target lists
read from a spreadsheet in `target_table.py`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint, true
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
    """The national catalogue plus the codes communes' plans add (national False).

    A plan's own code is used only by the communes whose plan names it (commune_indicator),
    each with its own wording; the code stays unique in the database."""

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
    national: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Extra words volunteers type for it in a quick log, unaccented, space-separated
    # ("tiendien evn"); the code and short names always count.
    words: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class CommuneIndicator(SQLModel, table=True):
    """An indicator a commune's plan uses, in the plan's order, with the plan's own wording.

    A commune without any row uses the whole active national catalogue."""

    __tablename__ = "commune_indicator"
    __table_args__ = (UniqueConstraint("commune_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    sort: int = Field(default=0)
    # The plan's own name and unit when they differ from the catalogue's (Quảng Lạc counts 4G
    # in households that use 2G, not subscribers).
    name: str | None = Field(default=None, max_length=160)
    unit: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=500)


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
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
