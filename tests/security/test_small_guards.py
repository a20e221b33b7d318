"""Smaller guards of issue 19: moving another area's group; unknown phones after the lookup limit."""

from sqlalchemy import select

from models.communes import Village
from models.members import Role
from models.members.joining import create_invite
from tests.conftest import join
from tests.flows.test_lookup_limit import REFUSED, N, ghinhan, key, quick


async def linked(sessionmaker) -> list[str]:
    async with sessionmaker() as session:
        stmt = select(Village.name).where(Village.group_chat_id == "g-1").order_by(Village.id)
        return list((await session.execute(stmt)).scalars())


async def test_a_leader_of_another_area_cannot_take_a_linked_group(
    chat, joined, demo, sessionmaker, clock
):
    hung = await joined("hung", "leader", "Trần Văn Hùng")
    await chat("hung", chat_id="g-1", chat_kind="group").say("/lienketnhom")
    assert await linked(sessionmaker) == ["Thôn 1"]
    async with sessionmaker() as session, session.begin():
        thon2 = await session.scalar(select(Village.id).where(Village.name_key == "thon 2"))
        code = await create_invite(
            session, commune_id=demo.commune_id, village_id=thon2, role=Role.LEADER,
            uses=1, days=30, now=clock.now,
        )  # fmt: skip
    await join(chat("nam"), code, "Lê Văn Nam")
    in_group = chat("nam", chat_id="g-1", chat_kind="group")
    await in_group.say("/lienketnhom")
    assert "đã được liên kết với Thôn 1" in in_group.text, in_group.text
    assert "không có gì thay đổi" in in_group.text
    assert await linked(sessionmaker) == ["Thôn 1"]
    # The leader of the area itself may send it again (nothing moves).
    await chat("hung", chat_id="g-1", chat_kind="group").say("/lienketnhom")
    assert await linked(sessionmaker) == ["Thôn 1"] and hung


async def test_after_the_lookup_limit_an_unknown_phone_is_refused_like_a_known_one(joined):
    lan = await joined("lan")
    unknown = "0987654321"
    assert "Mình thêm hộ mới" in await quick(lan, unknown)  # before the limit: a new household
    await lan.say("/huy")
    for i in range(N):
        await quick(lan, key(i))
    known = await quick(lan, key(N))
    assert known == REFUSED
    assert await quick(lan, unknown) == REFUSED
    assert await quick(lan, "PA12099999999") == REFUSED
    assert await ghinhan(lan, unknown) == REFUSED
    assert await ghinhan(lan, key(N)) == REFUSED
