"""Row readers shared by the field-logging transcript tests."""

from sqlalchemy import select

from models import AuditEntry, Conversion, Household, Indicator, Visit


async def visits(sessionmaker) -> list[Visit]:
    async with sessionmaker() as session:
        return list((await session.execute(select(Visit).order_by(Visit.id))).scalars())


async def conversions(sessionmaker) -> list[tuple[str, int, int, int]]:
    """(indicator code, household id, people, member id) per conversion."""
    async with sessionmaker() as session:
        stmt = (
            select(
                Indicator.code, Conversion.household_id, Conversion.people, Conversion.member_id
            )
            .join(Indicator, Indicator.id == Conversion.indicator_id)
            .order_by(Conversion.id)
        )
        return [tuple(r) for r in (await session.execute(stmt)).all()]


async def household(sessionmaker, **where) -> Household | None:
    async with sessionmaker() as session:
        stmt = select(Household).filter_by(**where)
        return (await session.execute(stmt)).scalars().first()


async def audits(sessionmaker) -> list[AuditEntry]:
    async with sessionmaker() as session:
        return list((await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars())
