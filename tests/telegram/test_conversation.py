"""A whole conversation through real aiogram and real HTTP, in polling and in webhook mode."""

from __future__ import annotations

from sqlalchemy import select

from models.inbound import Inbound
from models.members import ChannelAccount, Member


async def test_join_with_code_switch_language_by_buttons_and_help(telegram, demo, sessionmaker):
    lan = telegram.user(5001)
    await lan.send("/start")
    assert "mã mời" in lan.last_text
    await lan.send(demo.invites["volunteer"])
    assert lan.last_text.endswith('Anh/chị tên là "Nguyễn Thị Lan" phải không?')
    question = lan.question("Đúng")

    answer = await lan.press("Đúng")
    assert answer == {"callback_query_id": answer["callback_query_id"]}  # answered, no alert
    edited = telegram.fake.messages[(lan.chat_id, question["message_id"])]
    assert edited["text"].endswith("✅ Đúng") and "reply_markup" not in edited
    assert "🎉" in lan.last_text

    await lan.send("/ngonngu")
    await lan.press("English")
    assert lan.last_text == "Language set to English."
    await lan.send("/trogiup")
    assert lan.last_text.startswith("What you can do:")
    assert "/trogiup" in lan.last_text

    async with sessionmaker() as session:
        member = (await session.execute(select(Member))).scalars().one()
        account = (await session.execute(select(ChannelAccount))).scalars().one()
    assert (member.name, member.locale) == ("Nguyễn Thị Lan", "en")
    assert (account.channel, account.user_id, account.chat_id) == ("telegram", "5001", "5001")


async def test_old_button_answers_question_closed_and_changes_nothing(
    telegram, demo, sessionmaker
):
    lan = telegram.user(5002)
    await lan.send(f"/start {demo.invites['volunteer']}")
    await lan.press("Đúng")
    await lan.send("/ngonngu")
    old = lan.question("English")
    await lan.send("/ngonngu")

    answer = await lan.press("English", message=old)
    assert answer["text"] == "Câu hỏi này đã đóng." and answer["show_alert"] in ("true", True)
    assert lan.replies == []
    assert "reply_markup" not in telegram.fake.messages[(lan.chat_id, old["message_id"])]
    async with sessionmaker() as session:
        assert await session.scalar(select(Member.locale)) == "vi"


async def test_repeated_update_is_handled_once(telegram, demo, sessionmaker):
    lan = telegram.user(5003)
    await lan.send("/start")
    update = telegram.fake.message_update(lan.user, lan.chat, 99, text=demo.invites["volunteer"])
    await lan.deliver(update)
    replies = len(telegram.fake.sent(lan.chat_id))
    # Telegram redelivers: the same update (webhook retry) or the same message (polling restart).
    again = dict(
        update,
        update_id=update["update_id"]
        if telegram.mode == "webhook"
        else telegram.fake.next_update_id(),
    )
    await lan.deliver(again)
    assert len(telegram.fake.sent(lan.chat_id)) == replies
    async with sessionmaker() as session:
        keys = (await session.execute(select(Inbound.message_key))).scalars().all()
    assert keys.count("5003:99") == 1


async def test_commands_menu_in_vietnamese_and_english(telegram):
    commands = telegram.fake.commands
    vi = {c["command"]: c["description"] for c in commands[("default", "vi")]}
    en = {c["command"]: c["description"] for c in commands[("default", "en")]}
    assert commands[("default", "")] == commands[("default", "vi")]
    assert {"start", "trogiup", "ngonngu"} <= vi.keys() == en.keys()
    assert vi["trogiup"] != en["trogiup"]
    group = {c["command"] for c in commands[("all_group_chats", "vi")]}
    assert "trogiup" in group and "start" not in group


STICKER = {
    "file_id": "stk",
    "file_unique_id": "stk",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


async def test_sticker_mid_flow_gets_a_polite_answer_and_the_step_stays(telegram, demo):
    lan = telegram.user(5004)
    await lan.send("/start")
    await lan.send(sticker=STICKER)
    assert lan.texts == ["Mình chưa đọc được nhãn dán 🙂 Vui lòng trả lời bằng chữ hoặc số."]
    await lan.send(demo.invites["volunteer"])
    assert lan.question("Đúng")


async def test_repeated_button_press_is_handled_once(telegram, demo, sessionmaker):
    lan = telegram.user(5005)
    await lan.send(f"/start {demo.invites['volunteer']}")
    question = lan.question("Đúng")
    data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    update = telegram.fake.callback_update(lan.user, question, data)
    await lan.deliver(update)
    assert "🎉" in lan.last_text
    count = len(telegram.fake.sent(lan.chat_id))
    again = dict(update, update_id=telegram.fake.next_update_id())  # same callback query id
    await lan.deliver(again)
    assert len(telegram.fake.sent(lan.chat_id)) == count
    async with sessionmaker() as session:
        assert len((await session.execute(select(Member))).scalars().all()) == 1


async def test_a_slow_press_answer_does_not_hold_back_the_next_question(telegram, demo):
    """The spinner's answer, the old question's tick and the next question go out together."""
    lan = telegram.user(5009)
    await lan.send(f"/start {demo.invites['volunteer']}")
    await lan.press("Đúng")
    await lan.send("/ngonngu")
    telegram.fake.stall("answerCallbackQuery", 0.6)  # a slow round trip to Telegram
    telegram.fake.stall("editMessageText", 0.6)
    await lan.press("English")
    assert lan.last_text == "Language set to English."
    calls = {c.method: c.at for c in telegram.fake.calls}  # the last call of each method
    # One after the other, the reply would arrive at least 1,2 s after the answer was asked.
    assert calls["sendMessage"] - calls["answerCallbackQuery"] < 0.5
