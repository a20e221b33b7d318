"""Joining with an invite code, as a transcript through the real core."""

from datetime import timedelta

from sqlalchemy import func, select

from models import ChannelAccount, Conversation, InviteCode, Member
from models.members import Role
from models.members.joining import create_invite
from tests.conftest import join


async def count(sessionmaker, model) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_join_with_display_name(chat, demo, sessionmaker):
    lan = chat("zalo-lan", name="Lan Nguyen")
    await lan.say("/start")
    assert "mã mời" in lan.text
    code = demo.invites["volunteer"]
    await lan.say(code[:3].lower() + "-" + code[3:].lower())
    assert "Mã hợp lệ: thành viên Tổ CNS, Thôn 1, xã Quảng Trường (bản dùng thử)." in lan.text
    assert 'tên là "Lan Nguyen"' in lan.text
    assert "1. Đúng" in lan.text and "Trả lời 1 hoặc 2." in lan.text
    await lan.say("2")
    assert "họ và tên" in lan.text
    await lan.say("Nguyễn Thị Lan")
    assert "Nguyễn Thị Lan" in lan.text and "🎉" in lan.text
    async with sessionmaker() as session:
        member = (await session.execute(select(Member))).scalar_one()
        account = (await session.execute(select(ChannelAccount))).scalar_one()
        invite = (
            await session.execute(select(InviteCode).where(InviteCode.code == code))
        ).scalar_one()
    assert (member.name, member.role, member.village_id is not None) == (
        "Nguyễn Thị Lan",
        "volunteer",
        True,
    )
    assert (account.channel, account.user_id, account.member_id) == (
        "console",
        "zalo-lan",
        member.id,
    )
    assert invite.uses == 1


async def test_confirm_display_name_by_word(chat, demo, sessionmaker):
    lan = chat("u2", name="Trần Văn Hải")
    await lan.say("/start")
    await lan.say(demo.invites["leader"])
    await lan.say("dung")
    assert "Trần Văn Hải" in lan.text and "🎉" in lan.text
    async with sessionmaker() as session:
        assert (await session.execute(select(Member.role))).scalar_one() == "leader"


async def test_known_member_start_shows_village_and_role(joined):
    lan = await joined("u3", "leader")
    await lan.say("/start")
    assert "tổ trưởng" in lan.text and "Thôn 1" in lan.text


async def test_help_lists_commands_for_role(joined):
    lan = await joined("u4")
    await lan.say("/trogiup")
    assert "/trogiup" in lan.text and "/ngonngu" in lan.text


async def test_wrong_code_changes_nothing_and_cools_down(chat, demo, sessionmaker, clock):
    bad = chat("u5")
    await bad.say("/start")
    for _ in range(5):
        await bad.say("ZZZ-ZZZ")
        assert "không đúng hoặc đã hết hạn" in bad.text
    await bad.say(demo.invites["volunteer"])
    assert "sai 5 lần" in bad.text and "60 phút" in bad.text
    assert await count(sessionmaker, Member) == 0
    clock.advance(minutes=61)
    await bad.say(demo.invites["volunteer"])
    assert "Mã hợp lệ" in bad.text


async def test_expired_and_used_up_codes_are_refused(chat, demo, sessionmaker, clock):
    async with sessionmaker() as session, session.begin():
        village = await session.scalar(select(InviteCode.village_id).limit(1))
        one_use = await create_invite(
            session,
            commune_id=demo.commune_id,
            village_id=village,
            role=Role.VOLUNTEER,
            uses=1,
            days=1,
            now=clock.now,
        )
    await join(chat("first"), one_use, "Lê Văn Nam")
    second = chat("second")
    await second.say("/start")
    await second.say(one_use)
    assert "không đúng hoặc đã hết hạn" in second.text
    clock.advance(days=31)
    late = chat("late")
    await late.say("/start")
    await late.say(demo.invites["volunteer"])
    assert "không đúng hoặc đã hết hạn" in late.text


async def test_garbage_at_every_step_keeps_the_step(chat, demo, sessionmaker):
    user = chat("u6", name="Lan")
    await user.say("/start")
    for garbage in ["😀😀😀", "x" * 5000, "/khonglenhnay", "'; DROP TABLE member; --"]:
        await user.say(garbage)
        assert user.text and "Traceback" not in user.text
    await user.send(None, kind="sticker")
    assert "nhãn dán" in user.text
    await user.say(demo.invites["volunteer"])
    assert "Mã hợp lệ" in user.text
    for garbage in ["3", "😀", "x" * 5000]:
        await user.say(garbage)
        assert "Lan" in user.text or "quá dài" in user.text
    await user.say("1")
    assert "🎉" in user.text
    assert await count(sessionmaker, Member) == 1


async def test_bad_name_is_refused(chat, demo):
    user = chat("u7")
    await user.say("/start")
    await user.say(demo.invites["volunteer"])
    await user.say("12345")
    assert "chỉ gồm chữ" in user.text
    await user.say("Phạm Thị Hoa")
    assert "🎉" in user.text


async def test_cancel_mid_flow(chat, demo, sessionmaker):
    user = chat("u8")
    await user.say("/start")
    await user.say("/huy")
    assert user.text == "Đã hủy. Chưa có gì được lưu."
    async with sessionmaker() as session:
        conv = (await session.execute(select(Conversation))).scalar_one()
    assert conv.flow is None


async def test_duplicate_message_id_is_ignored(chat, demo, sessionmaker):
    user = chat("u9")
    await user.send("/start", message_id="m1")
    assert user.replies
    await user.send("/start", message_id="m1")
    assert user.replies == []


async def test_language_switch(joined):
    lan = await joined("u10")
    await lan.say("/ngonngu")
    await lan.say("2")
    assert lan.text == "Language set to English."
    await lan.say("/huy")
    assert lan.text == "Nothing to cancel."
    await lan.say("/ngonngu vi")
    assert lan.text == "Đã chuyển sang tiếng Việt."


async def test_first_message_code_joins_without_start(chat, demo):
    user = chat("u11", name="Bùi Thị Tám")
    await user.say(demo.invites["volunteer"])
    assert "Mã hợp lệ" in user.text
    await user.say("1")
    assert "🎉" in user.text


async def test_commands_need_joining(chat, demo):
    user = chat("u12")
    await user.say("/ngonngu")
    assert "vào tổ trước" in user.text


async def test_old_messages_count_at_written_time(chat, clock):
    from handlers.core.context import MAX_BACKDATE

    assert timedelta(days=1) <= MAX_BACKDATE
