"""The daily limit on households reached outside the member's own village (by code or phone)."""

import logging

import pytest
from sqlalchemy import select

from handlers.visits.lookup_limit import MAX_OUTSIDE_PER_DAY
from models.communes import Village
from models.members import Role
from models.members.joining import create_invite
from models.reach import HouseholdReach
from tests.conftest import join
from tests.flows.fieldlog_helpers import visits

# Demo households: village v (1–4), number n (1–10) has code PA12 0v 000000n, phone 09v000000n.
N = MAX_OUTSIDE_PER_DAY
OUTSIDE = [(v, n) for v in (2, 3, 4) for n in range(1, 11)]
REFUSED = (
    "Hôm nay anh/chị đã tra cứu nhiều hộ ngoài thôn mình nên chưa thể xem thêm hộ này. "
    "Anh/chị vẫn ghi nhận lượt thăm trong thôn mình như bình thường. Nếu cần ghi thêm ở thôn "
    "khác, anh/chị vui lòng hỏi tổ trưởng hoặc cán bộ xã."
)
assert len(OUTSIDE) > N, "the demo commune needs more households outside Thôn 1 than the limit"


def code(v: int, n: int) -> str:
    return f"PA12{v:02d}{n:07d}"


def phone(v: int, n: int) -> str:
    return f"09{v}{n:07d}"


def key(i: int) -> str:
    """The i-th household outside Thôn 1, by code and by phone in turns."""
    v, n = OUTSIDE[i]
    return code(v, n) if i % 2 else phone(v, n)


async def reaches(sessionmaker) -> list[tuple[int, int]]:
    async with sessionmaker() as session:
        stmt = select(HouseholdReach.member_id, HouseholdReach.household_id)
        return [tuple(r) for r in (await session.execute(stmt)).all()]


async def ghinhan(chat, typed: str) -> str:
    await chat.say("/huy")  # a new visit over an unsaved one would add a line saying so
    await chat.say(f"/ghinhan {typed}")
    return chat.text


async def quick(chat, typed: str) -> str:
    await chat.say("/huy")
    await chat.say(f"{typed} dien")
    return chat.text


async def reached_by_ghinhan(chat, typed: str) -> bool:
    text = await ghinhan(chat, typed)
    assert (REFUSED in text) != ("Kết quả lượt thăm" in text), text
    return REFUSED not in text


async def reached_by_quick(chat, typed: str) -> bool:
    text = await quick(chat, typed)
    assert (REFUSED in text) != ("1. 💾 Lưu" in text), text
    return REFUSED not in text


async def test_ghinhan_reaches_the_limit_then_refuses_without_personal_data(
    joined, sessionmaker, caplog
):
    lan = await joined("lan")
    for i in range(N):
        assert await reached_by_ghinhan(lan, key(i)), i
    (lan_id,) = {m for m, _ in await reaches(sessionmaker)}
    caplog.set_level(logging.INFO, logger="handlers")
    v, n = OUTSIDE[N]
    assert await ghinhan(lan, code(v, n)) == REFUSED
    assert await ghinhan(lan, phone(v, n)) == REFUSED
    # The step stays at "find": the household was not taken, nothing is saved.
    await lan.say("1")
    assert "Kết quả lượt thăm" not in lan.text and "Lưu" not in lan.text
    assert await visits(sessionmaker) == []
    assert len({h for _, h in await reaches(sessionmaker)}) == N
    # One INFO line per refusal, with ids and the count only.
    logged = [r for r in caplog.records if r.name == "handlers.visits.lookup_limit"]
    assert [r.levelno for r in logged] == [logging.INFO, logging.INFO]
    for message in (r.getMessage() for r in logged):
        assert message.endswith(f"member {lan_id}, {N} reached"), message
        assert "PA12" not in message and phone(v, n) not in message and "Ba" not in message
    # A household already reached today is still reachable, by code or phone.
    assert await reached_by_ghinhan(lan, code(*OUTSIDE[0]))
    assert await reached_by_ghinhan(lan, phone(*OUTSIDE[1]))
    # The own village is never limited.
    for n in range(1, 11):
        assert await reached_by_ghinhan(lan, code(1, n))


async def test_quick_log_reaches_the_limit_then_refuses_and_saves_nothing(joined, sessionmaker):
    lan = await joined("lan")
    for i in range(N):
        assert await reached_by_quick(lan, key(i)), i
    v, n = OUTSIDE[N]
    assert await quick(lan, code(v, n)) == REFUSED
    # Nothing is pending: a "1" saves nothing.
    await lan.say("1")
    assert await visits(sessionmaker) == []
    # A repeat of a household reached today still works, and can be saved.
    assert await reached_by_quick(lan, key(3))
    assert "Hộ Nguyễn Văn Ba" in lan.text and "Thôn 2" in lan.text
    await lan.say("1")
    assert "✅ Đã lưu" in lan.text
    # The own village is not limited.
    assert await reached_by_quick(lan, "so 12 xom 3")
    assert await reached_by_quick(lan, phone(1, 2))
    await lan.say("1")
    assert len(await visits(sessionmaker)) == 2


async def test_naming_another_village_counts_and_is_refused_at_the_limit(joined):
    lan = await joined("lan")
    for i in range(N - 1):
        assert await reached_by_quick(lan, key(i)), i
    # "Nguyen Van Ba thon 4" (no. 4 of Thôn 4) is not among the first N − 1: it is the Nth.
    assert (4, 4) not in OUTSIDE[: N - 1]
    await lan.say("/huy")
    await lan.say("Nguyen Van Ba thon 4 dien")
    assert "Hộ Nguyễn Văn Ba" in lan.text and "Thôn 4" in lan.text
    await lan.say("/huy")
    await lan.say("Pham Thi Bon thon 4 dien")
    assert lan.text == REFUSED


async def test_after_24_hours_the_volunteer_can_look_up_again(joined, clock):
    lan = await joined("lan")
    for i in range(N):
        assert await reached_by_quick(lan, key(i)), i
    clock.advance(hours=23, minutes=59)
    assert not await reached_by_quick(lan, key(N))
    clock.advance(minutes=1)
    assert await reached_by_quick(lan, key(N))
    assert await reached_by_ghinhan(lan, key(N + 1))


async def test_a_leader_is_limited_outside_the_own_village(joined):
    hoa = await joined("hoa", "leader", "Phạm Thị Hoa")
    for i in range(N):
        assert await reached_by_ghinhan(hoa, key(i)), i
    assert await ghinhan(hoa, key(N)) == REFUSED


@pytest.fixture
async def village_official(chat, demo, sessionmaker, clock):
    """An official placed in Thôn 1 (`cdsbot invite create --role official --village`)."""
    async with sessionmaker() as session, session.begin():
        thon1 = await session.scalar(select(Village.id).where(Village.name_key == "thon 1"))
        code = await create_invite(
            session, commune_id=demo.commune_id, village_id=thon1, role=Role.OFFICIAL,
            uses=1, days=30, now=clock.now,
        )  # fmt: skip
    return await join(chat("minh"), code, "Lê Văn Minh")


async def test_an_official_is_not_limited(village_official, sessionmaker):
    for i in range(N + 2):
        assert await reached_by_quick(village_official, key(i)), i
    assert await reached_by_ghinhan(village_official, key(N + 2))
    assert await reaches(sessionmaker) == []


async def test_a_phone_of_another_village_typed_for_a_new_household_counts(joined, sessionmaker):
    lan = await joined("lan")
    for i in range(N):
        assert await reached_by_ghinhan(lan, key(i)), i
    await lan.say("/ghinhan")
    await lan.say("Hoang Van Muoi")
    await lan.say("1")  # add a new household
    await lan.say("so 40 xom 2")
    assert "Số điện thoại" in lan.text or "xong" in lan.text
    v, n = OUTSIDE[N]
    await lan.say(phone(v, n))
    assert REFUSED in lan.text and "Nguyễn" not in lan.text and "Phạm" not in lan.text
    # The step stays: skipping adds the new household as typed.
    await lan.say("xong")
    assert "Kết quả lượt thăm" in lan.text
