"""A second village and a second commune, for tests of what lies out of a member's scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from models.base import metadata
from models.communes import DEFAULT_SETTINGS, Commune, Village
from models.household import Household
from models.keys import fold
from models.members import Role
from models.members.joining import create_invite
from tests.conftest import join

# Tables whose rows a refused command must leave alone (inbound/conversation record every turn,
# rate_mark every answer to someone who has not joined).
GUARDED = sorted(
    t.name
    for t in metadata.sorted_tables
    if t.name not in {"inbound", "conversation", "bot_usage", "alembic_version", "rate_mark"}
)


async def snapshot(sessionmaker) -> dict[str, list]:
    """Every row of every guarded table, to prove that a refusal changed nothing."""
    async with sessionmaker() as session:
        return {
            name: sorted(map(repr, (await session.execute(text(f"SELECT * FROM {name}"))).all()))
            for name in GUARDED
        }


@dataclass(frozen=True)
class Elsewhere:
    thon2_invites: dict[str, str]  # role → invite code for Thôn 2 of the demo commune
    other_invites: dict[str, str]  # role → invite code for the second commune
    other_phone: str
    other_code: str


async def make_commune(session, name: str, village: str, phone: str, code: str) -> int:
    """A small second commune: one village, one household, no targets."""
    commune = Commune(name=name, name_key=fold(name), settings=dict(DEFAULT_SETTINGS))
    session.add(commune)
    await session.flush()
    row = Village(commune_id=commune.id, name=village, name_key=fold(village))
    session.add(row)
    await session.flush()
    session.add(
        Household(
            commune_id=commune.id, village_id=row.id, head_name="Lò Văn Khác",
            name_key=fold("Lò Văn Khác"), phone=phone, customer_code=code,
        )
    )  # fmt: skip
    await session.flush()
    return commune.id


@pytest.fixture
async def elsewhere(demo, sessionmaker, clock) -> Elsewhere:
    async with sessionmaker() as session, session.begin():
        thon2 = await session.scalar(
            select(Village.id).where(
                Village.commune_id == demo.commune_id, Village.name_key == fold("Thôn 2")
            )
        )
        kw = {"uses": 50, "days": 30, "now": clock.now}
        thon2_invites = {
            r.value: await create_invite(
                session, commune_id=demo.commune_id, village_id=thon2, role=r, **kw
            )
            for r in (Role.VOLUNTEER, Role.LEADER)
        }
        other = await make_commune(session, "Xã Khác", "Bản Khác", "0990000001", "PB99000001")
        village = await session.scalar(select(Village.id).where(Village.commune_id == other))
        other_invites = {
            r.value: await create_invite(
                session,
                commune_id=other,
                village_id=None if r == Role.OFFICIAL else village,
                role=r,
                **kw,
            )
            for r in (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)
        }
    return Elsewhere(thon2_invites, other_invites, "0990000001", "PB99000001")


@pytest.fixture
def joined_at(chat):
    async def make(code: str, user_id: str, name: str, **kw):
        return await join(chat(user_id, **kw), code, name)

    return make
