"""Data rights over one household: find it, export what is stored, erase its personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import AuditEntry, audit
from models.communes import Village
from models.conversion import Conversion
from models.household import Household
from models.indicators import Indicator
from models.keys import fold, normalize_customer_code, normalize_phone
from models.members import Member
from models.visit import Visit

MAX_FOUND = 10


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    head_name: str | None
    house_number: str | None
    hamlet: str | None
    phone: str | None
    customer_code: str | None
    is_business: bool
    village_name: str
    created_at: datetime
    erased_at: datetime | None


@dataclass(frozen=True)
class VisitRow:
    at: datetime
    outcome: str
    member_name: str
    note: str | None
    photo_ref: str | None


@dataclass(frozen=True)
class ConversionRow:
    at: datetime
    indicator_code: str
    people: int


@dataclass(frozen=True)
class HouseholdData:
    household: HouseholdRow
    visits: list[VisitRow]
    conversions: list[ConversionRow]


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    action: str
    entity: str
    entity_id: int | None
    actor: str | None


def _select_households():
    return select(Household, Village.name).join(Village, Village.id == Household.village_id)


def _row(household: Household, village_name: str) -> HouseholdRow:
    return HouseholdRow(
        id=household.id,
        head_name=household.head_name,
        house_number=household.house_number,
        hamlet=household.hamlet,
        phone=household.phone,
        customer_code=household.customer_code,
        is_business=household.is_business,
        village_name=village_name,
        created_at=household.created_at,
        erased_at=household.erased_at,
    )


async def find_households(
    session: AsyncSession, *, commune_id: int, query: str
) -> list[HouseholdRow]:
    """Households of the commune by customer code, phone or (part of) the head's name."""
    stmt = _select_households().where(
        Household.commune_id == commune_id, Household.erased_at.is_(None)
    )
    code, phone, key = normalize_customer_code(query), normalize_phone(query), fold(query)
    if code or phone:
        stmt = stmt.where(
            or_(Household.customer_code == code, Household.phone == phone)
            if code and phone
            else (Household.customer_code == code if code else Household.phone == phone)
        )
    elif len(key) >= 2:
        # Escape LIKE wildcards so "%" typed by a user matches only itself.
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Household.name_key.like(f"%{escaped}%", escape="\\"))
    else:
        return []
    stmt = stmt.order_by(Household.name_key, Household.id).limit(MAX_FOUND + 1)
    return [_row(h, v) for h, v in (await session.execute(stmt)).all()]


async def household_data(
    session: AsyncSession, *, household_id: int, commune_id: int
) -> HouseholdData | None:
    """Everything stored about one household of the commune (None outside the commune)."""
    found = (
        await session.execute(
            _select_households().where(
                Household.id == household_id, Household.commune_id == commune_id
            )
        )
    ).first()
    if found is None:
        return None
    visits = (
        await session.execute(
            select(Visit.at, Visit.outcome, Member.name, Visit.note, Visit.photo_ref)
            .join(Member, Member.id == Visit.member_id)
            .where(Visit.household_id == household_id, Visit.deleted_at.is_(None))
            .order_by(Visit.at)
        )
    ).all()
    conversions = (
        await session.execute(
            select(Conversion.at, Indicator.code, Conversion.people)
            .join(Indicator, Indicator.id == Conversion.indicator_id)
            .where(Conversion.household_id == household_id)
            .order_by(Conversion.at)
        )
    ).all()
    return HouseholdData(
        _row(*found), [VisitRow(*v) for v in visits], [ConversionRow(*c) for c in conversions]
    )


async def erase_household(
    session: AsyncSession, *, household_id: int, commune_id: int, actor_id: int, now: datetime
) -> list[str] | None:
    """Erase the personal fields; keep the row, its visits and conversions so counts stay.

    Returns the photo references that were cleared (the caller deletes the files), or None
    when there was nothing to erase in this commune.
    """
    erased = await session.execute(
        update(Household)
        .where(
            Household.id == household_id,
            Household.commune_id == commune_id,
            Household.erased_at.is_(None),
        )
        .values(
            head_name=None,
            name_key="",
            phone=None,
            customer_code=None,
            house_number=None,
            erased_at=now,
        )
    )
    if not erased.rowcount:
        return None
    photos = (
        await session.execute(
            select(Visit.photo_ref).where(
                Visit.household_id == household_id, Visit.photo_ref.is_not(None)
            )
        )
    ).scalars()
    refs = list(photos)
    await session.execute(
        update(Visit)
        .where(Visit.household_id == household_id)
        .values(note=None, photo_ref=None, latitude=None, longitude=None)
    )
    audit(
        session,
        action="household_erase",
        entity="household",
        entity_id=household_id,
        member_id=actor_id,
        commune_id=commune_id,
        at=now,
    )
    return refs


async def latest_audit(
    session: AsyncSession, *, commune_id: int, limit: int = 20
) -> list[AuditRow]:
    stmt = (
        select(
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            Member.name,
        )
        .outerjoin(Member, Member.id == AuditEntry.member_id)
        .where(AuditEntry.commune_id == commune_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [AuditRow(*row) for row in (await session.execute(stmt)).all()]
