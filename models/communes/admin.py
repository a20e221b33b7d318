"""Several communes in one database: list, rename, and delete one with everything it owns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import metadata
from models.communes import Commune, Village
from models.household import Household
from models.indicators import CommuneIndicator, Indicator
from models.keys import fold
from models.members import Member
from models.visit import Visit


@dataclass(frozen=True)
class CommuneSummary:
    id: int
    name: str
    kind: str
    province: str
    is_demo: bool
    areas: int
    members: int
    households: int


async def list_communes(session: AsyncSession) -> list[CommuneSummary]:
    def count(model):
        return (
            select(func.count())
            .select_from(model)
            .where(model.commune_id == Commune.id)
            .scalar_subquery()
        )

    rows = await session.execute(
        select(
            Commune.id,
            Commune.name,
            Commune.kind,
            Commune.province,
            Commune.is_demo,
            count(Village),
            count(Member),
            count(Household),
        ).order_by(Commune.name)
    )
    return [CommuneSummary(*row) for row in rows.all()]


async def rename_commune(session: AsyncSession, commune: Commune, name: str) -> bool:
    """False when another commune already has the name."""
    key = fold(name)
    taken = await session.scalar(
        select(Commune.id).where(Commune.name_key == key, Commune.id != commune.id)
    )
    if taken is not None:
        return False
    commune.name, commune.name_key = " ".join(name.split()), key
    await session.flush()
    return True


async def delete_commune(session: AsyncSession, commune_id: int) -> list[str]:
    """Delete the commune and every row that belongs to it (people, households, visits,
    conversions, targets, invites, messages…); other communes are untouched. Returns the
    photo references of its visits, for the caller to remove from the files directory."""
    photos = [
        ref
        for ref in (
            await session.execute(
                select(Visit.photo_ref).where(
                    Visit.commune_id == commune_id, Visit.photo_ref.is_not(None)
                )
            )
        ).scalars()
    ]
    # Subqueries, not id lists: a commune may hold tens of thousands of households. Each
    # owner table is emptied after its children, so the subquery still finds its rows.
    owned = {
        "commune_id": select(Commune.id).where(Commune.id == commune_id),
        "member_id": select(Member.id).where(Member.commune_id == commune_id),
        "household_id": select(Household.id).where(Household.commune_id == commune_id),
        "village_id": select(Village.id).where(Village.commune_id == commune_id),
        "visit_id": select(Visit.id).where(Visit.commune_id == commune_id),
    }
    own_codes = list(
        (
            await session.execute(
                select(CommuneIndicator.indicator_id).where(
                    CommuneIndicator.commune_id == commune_id
                )
            )
        ).scalars()
    )
    # Children before parents: the reverse of the foreign-key order.
    for table in reversed(metadata.sorted_tables):
        if table.name == "commune":
            continue
        conditions = [
            table.c[column].in_(ids)
            for column, ids in owned.items()
            if column in table.c and _is_foreign(table, column)
        ]
        if conditions:
            await session.execute(delete(table).where(or_(*conditions)))
    await session.execute(delete(Commune).where(Commune.id == commune_id))
    # The plan's own indicators that no other commune uses go too.
    if own_codes:
        used = select(CommuneIndicator.indicator_id)
        await session.execute(
            delete(Indicator).where(
                Indicator.id.in_(own_codes),
                Indicator.national.is_(False),
                Indicator.id.not_in(used),
                Indicator.id.not_in(select(metadata.tables["conversion"].c.indicator_id)),
                Indicator.id.not_in(select(metadata.tables["target"].c.indicator_id)),
            )
        )
    await session.flush()
    return photos


def _is_foreign(table, column: str) -> bool:
    """Only columns that point at the owner (audit's entity_id or a chat id do not)."""
    return bool(table.c[column].foreign_keys) or column == "commune_id"
