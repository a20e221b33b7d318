"""/lienket: one person on two apps is one member, as transcripts through the real core."""

from sqlalchemy import func, select

from models import ChannelAccount, FailedAttempt, LinkCode, Member


async def accounts(sessionmaker):
    async with sessionmaker() as session:
        rows = (await session.execute(select(ChannelAccount).order_by(ChannelAccount.id))).all()
        return [(a.channel, a.user_id, a.member_id) for (a,) in rows]


def code_in(text: str) -> str:
    return text.split("/lienket ", 1)[1].split(maxsplit=1)[0]


async def test_link_code_joins_the_other_app_to_the_same_member(joined, chat, sessionmaker):
    lan = await joined("tg-lan", channel="telegram")
    await lan.say("/lienket")
    assert "Mã liên kết của anh/chị:" in lan.text and "15 phút" in lan.text
    code = code_in(lan.text)
    zalo = chat("zalo-lan", channel="zalo", name="Lan")
    await zalo.say(f"/lienket {code.lower()}")
    assert "Đã liên kết! Ở đây anh/chị cũng là Nguyễn Thị Lan" in zalo.text
    [(_, _, first), (_, _, second)] = await accounts(sessionmaker)
    assert first == second
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
        link = (await session.execute(select(LinkCode))).scalar_one()
    assert link.used_at is not None
    await zalo.say("/start")
    assert "Nguyễn Thị Lan" in zalo.text


async def test_code_as_the_answer_to_the_prompt(joined, chat, sessionmaker, clock):
    lan = await joined("tg-lan", channel="telegram")
    await lan.say("/lienket")
    code = code_in(lan.text)
    zalo = chat("zalo-lan", channel="zalo")
    await zalo.say("/lienket")
    assert "nhập mã liên kết" in zalo.text
    clock.advance(minutes=14)
    await zalo.say(code)
    assert "Đã liên kết!" in zalo.text
    assert len(await accounts(sessionmaker)) == 2


async def test_used_or_expired_code_is_refused(joined, chat, sessionmaker, clock):
    lan = await joined("tg-lan", channel="telegram")
    await lan.say("/lienket")
    code = code_in(lan.text)
    first = chat("zalo-1", channel="zalo")
    await first.say(f"/lienket {code}")
    other = chat("zalo-2", channel="zalo")
    await other.say(f"/lienket {code}")
    assert "không đúng hoặc đã hết hạn" in other.text
    await lan.say("/lienket")
    late = code_in(lan.text)
    clock.advance(minutes=16)
    await other.say(late)  # still at the prompt after the wrong code
    assert "không đúng hoặc đã hết hạn" in other.text
    assert len(await accounts(sessionmaker)) == 2


async def test_a_new_code_cancels_the_old_one(joined, chat):
    lan = await joined("tg-lan", channel="telegram")
    await lan.say("/lienket")
    old = code_in(lan.text)
    await lan.say("/lienket")
    zalo = chat("zalo-lan", channel="zalo")
    await zalo.say(f"/lienket {old}")
    assert "không đúng hoặc đã hết hạn" in zalo.text


async def test_wrong_link_codes_share_the_invite_cooldown(chat, demo, sessionmaker):
    guess = chat("zalo-guess", channel="zalo")
    await guess.say("/start")
    for _ in range(3):
        await guess.say("AAAAAA")  # wrong invite codes
    await guess.say("/lienket BBBBBB")
    await guess.say("CCCCCC")
    assert "không đúng" in guess.text
    await guess.say("DDDDDD")
    assert "đã nhập sai 5 lần" in guess.text
    await guess.say("/start")
    await guess.say(demo.invites["volunteer"])
    assert "đã nhập sai 5 lần" in guess.text
    async with sessionmaker() as session:
        kinds = (await session.execute(select(FailedAttempt.kind))).scalars().all()
    assert kinds == ["invite"] * 5


async def test_a_member_cannot_link_this_app_twice(joined, sessionmaker):
    lan = await joined("tg-lan", channel="telegram")
    await lan.say("/lienket K7M4QX")
    assert "đã liên kết với Nguyễn Thị Lan" in lan.text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
