"""Invite codes cannot be guessed: entropy, expiry at the exact minute, the last use, and a
cooldown per account (tests/flows/test_join.py has the basic wrong/expired/used-up cases)."""

import math

from sqlalchemy import func, select

from models import FailedAttempt, InviteCode, Member
from models.members import Role
from models.members.joining import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_WRONG_PER_HOUR,
    create_invite,
    new_code,
)
from tests.conftest import join


async def one_code(sessionmaker, demo, clock, *, uses: int = 1, days: int = 1) -> str:
    async with sessionmaker() as session, session.begin():
        village = await session.scalar(select(InviteCode.village_id).limit(1))
        return await create_invite(
            session,
            commune_id=demo.commune_id,
            village_id=village,
            role=Role.VOLUNTEER,
            uses=uses,
            days=days,
            now=clock.now,
        )


def test_codes_have_about_30_bits_from_an_unambiguous_alphabet():
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31
    assert not set("01OIL") & set(CODE_ALPHABET)
    bits = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
    assert 29.7 < bits < 29.8
    # With the cooldown an account gets at most 5 × 24 × 30 guesses a month: against 1.000
    # live codes that is a chance of about 0,4 % (see docs/security.md).
    guesses = MAX_WRONG_PER_HOUR * 24 * 30
    assert guesses * 1000 / len(CODE_ALPHABET) ** CODE_LENGTH < 0.005
    codes = [new_code() for _ in range(2000)]
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(set(codes)) >= 1995  # secrets, not a pattern


async def test_code_expires_at_its_minute(chat, demo, sessionmaker, clock):
    code = await one_code(sessionmaker, demo, clock, uses=5, days=1)
    clock.advance(days=1, seconds=-1)
    early = chat("early")
    await early.say(code)
    assert "Mã hợp lệ" in early.text
    clock.advance(seconds=1)
    late = chat("late")
    await late.say(code)
    assert "không đúng hoặc đã hết hạn" in late.text
    # The one who entered it just in time cannot finish after expiry either.
    await early.say("Nguyễn Văn Sớm")
    assert "vừa hết lượt" in early.text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_two_people_racing_for_the_last_use(chat, demo, sessionmaker, clock):
    code = await one_code(sessionmaker, demo, clock, uses=1)
    first, second = chat("a"), chat("b")
    await first.say(code)
    await second.say(code)
    assert "Mã hợp lệ" in first.text and "Mã hợp lệ" in second.text
    await first.say("Lê Văn An")
    assert "🎉" in first.text
    await second.say("Lê Văn Bình")
    assert "vừa hết lượt" in second.text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
        uses = await session.scalar(select(InviteCode.uses).where(InviteCode.code == code))
    assert uses == 1


async def test_cooldown_is_per_account_and_blocks_even_a_right_code(
    chat, demo, sessionmaker, clock
):
    guesser = chat("guesser")
    for n in range(MAX_WRONG_PER_HOUR):
        await guesser.say(f"AAA-AA{CODE_ALPHABET[n]}")  # first message: tried at once
        assert "không đúng" in guesser.text
        clock.advance(minutes=10)
    await guesser.say(demo.invites["volunteer"])
    assert "sai 5 lần" in guesser.text and "10 phút" in guesser.text
    # Another account is not slowed down by someone else's guessing.
    await join(chat("honest"), demo.invites["volunteer"], "Trần Thị Thật")
    clock.advance(minutes=11)  # the oldest wrong try is now more than an hour old
    await guesser.say(demo.invites["volunteer"])
    assert "Mã hợp lệ" in guesser.text
    async with sessionmaker() as session:
        tries = await session.scalar(select(func.count()).select_from(FailedAttempt))
    assert tries == MAX_WRONG_PER_HOUR  # refused tries during the cooldown are not stored


async def test_the_same_user_on_another_app_counts_separately(chat, demo, clock):
    # Accounts are per app: a guesser on Zalo and Telegram gets 5 tries on each, no more.
    for channel in ("zalo", "telegram"):
        user = chat("same-id", channel=channel)
        for _ in range(MAX_WRONG_PER_HOUR):
            await user.say("ZZZ-ZZZ")
        await user.say("ZZZ-ZZZ")
        assert "sai 5 lần" in user.text
