"""A commune built in the test (not the demo): areas, targets, members who join by invite."""

from __future__ import annotations

from datetime import date

from models import Commune, Village
from models.keys import fold
from models.members import Role
from models.members.joining import create_invite
from models.seed import ensure_catalogue
from tests.conftest import join
from tests.reports import factories as f


async def commune(session, name: str, areas: list[str], settings: dict | None = None):
    """(commune, {area name: id}, {indicator code: id})."""
    codes = await ensure_catalogue(session)
    row = Commune(name=name, name_key=fold(name), settings=settings or {})
    session.add(row)
    await session.flush()
    ids = {}
    for area in areas:
        village = Village(commune_id=row.id, name=area, name_key=fold(area))
        session.add(village)
        await session.flush()
        ids[area] = village.id
    return row, ids, codes


async def target(session, commune_id: int, indicator_id: int, **fields):
    return await f.target(session, commune_id=commune_id, indicator_id=indicator_id, **fields)


async def member_chat(
    sessionmaker, chat, clock, commune_id, *, role, user, name, village_id=None, **kw
):
    async with sessionmaker() as session, session.begin():
        code = await create_invite(
            session,
            commune_id=commune_id,
            village_id=village_id,
            role=Role(role),
            uses=1,
            days=7,
            now=clock.now,
        )
    return await join(chat(user, **kw), code, name)


QT_DIEN = {
    "population": 1857,
    "baseline": 532,
    "baseline_date": date(2024, 8, 30),
    "target_percent": 70,
    "deadline": date(2024, 11, 30),
}
