"""Command menus per role and the location button (issue 20, item 10), through real aiogram
against the fake Bot API."""

from __future__ import annotations

import asyncio
import logging

from fakes.telegram_harness import running

STAFF = {"muctieu", "nhatky", "hodan"}


async def menu_of(fake, chat_id: str, *, want: bool = True) -> set[str]:
    """The chat's own menu once the background call has reached the fake (bounded wait)."""
    for _ in range(100):
        items = fake.commands.get((f"chat:{chat_id}", ""))
        if items is not None or not want:
            return {c["command"] for c in items or []}
        await asyncio.sleep(0.05)
    raise AssertionError(f"no menu for chat {chat_id}: {sorted(fake.commands)}")


async def join(tg, user_id: int, code: str):
    user = tg.user(user_id)
    await user.send(f"/start {code}")
    await user.press("Đúng")
    assert "🎉" in user.last_text
    return user


async def test_default_menu_is_a_volunteers_and_each_member_gets_the_menu_of_their_role(
    telegram, demo
):
    default = {c["command"] for c in telegram.fake.commands[("default", "vi")]}
    assert "ghinhan" in default and not STAFF & default
    lan = await join(telegram, 5101, demo.invites["volunteer"])
    chi = await join(telegram, 5102, demo.invites["official"])
    volunteer = await menu_of(telegram.fake, lan.chat_id)
    official = await menu_of(telegram.fake, chi.chat_id)
    assert "ghinhan" in volunteer and not STAFF & volunteer
    assert official >= STAFF and "tiendo" in official
    # One call per chat while nothing changes.
    calls = len(telegram.fake.calls_of("setMyCommands"))
    await lan.send("/cuatoi")
    await asyncio.sleep(0.2)
    assert len(telegram.fake.calls_of("setMyCommands")) == calls


async def test_known_members_get_their_menu_at_start(pipeline, sessionmaker, demo):
    first, runner = await running(pipeline, sessionmaker, "polling")
    try:
        chi = await join(first, 5201, demo.invites["official"])
    finally:
        await first.channel.stop()
        await runner.cleanup()
        await first.fake.close()
    second, runner = await running(pipeline, sessionmaker, "polling")
    try:
        assert await menu_of(second.fake, chi.chat_id) >= STAFF
    finally:
        await second.channel.stop()
        await runner.cleanup()
        await second.fake.close()


async def test_a_failing_menu_call_never_fails_the_turn(telegram, demo, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.telegram.channel")
    telegram.fake.fail("setMyCommands", 500, times=50)
    lan = await join(telegram, 5301, demo.invites["volunteer"])
    await lan.send("/cuatoi")
    assert "Kết quả của" in lan.last_text
    for _ in range(100):
        if any("menu for chat" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if "menu for chat" in r.getMessage()]
    assert lines and "Nguyễn" not in " ".join(lines)


async def test_location_step_offers_telegrams_location_button(telegram, demo):
    lan = await join(telegram, 5401, demo.invites["volunteer"])
    await lan.send("/ghinhan 0910000001")
    await lan.press("Không có nhà")
    await lan.send("xong")
    asking = lan.replies[-1]
    keyboard = asking["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] in (True, "true"), asking
    assert keyboard[0][0]["text"] == "📍 Gửi vị trí hiện tại"
    assert keyboard[1][0]["text"] == "Bỏ qua"
    await lan.send(location={"latitude": 15.1, "longitude": 108.8})
    assert "📍" in lan.last_text and "Lưu" in str(lan.replies[-1].get("reply_markup"))


def test_the_location_question_survives_the_outbox():
    from handlers.core.messages import Choice, Reply
    from handlers.core.payload import from_payload, to_payload

    asking = Reply("?", (Choice("skip", "Bỏ qua"),), ask_location=True, version=3)
    assert from_payload(to_payload([asking])) == [asking]
