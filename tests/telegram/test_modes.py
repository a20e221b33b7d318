"""Polling and webhook give the same conversation, message for message."""

from __future__ import annotations

from fakes.telegram_harness import running


async def transcript(pipeline, sessionmaker, mode: str, user_id: int, code: str) -> list:
    tg, runner = await running(pipeline, sessionmaker, mode)
    try:
        user = tg.user(user_id)
        for step in ("/start", code, "Đúng", "/ngonngu", "English", "/trogiup", "hello"):
            if step in ("Đúng", "English"):
                await user.press(step)
            else:
                await user.send(step)
        return [
            (m.get("text"), m.get("reply_markup", {}).get("inline_keyboard"))
            for m in tg.fake.sent(user.chat_id)
        ]
    finally:
        await tg.channel.stop()
        await runner.cleanup()
        await tg.fake.close()


async def test_polling_and_webhook_conversations_are_identical(pipeline, sessionmaker, demo):
    code = demo.invites["volunteer"]
    polled = await transcript(pipeline, sessionmaker, "polling", 5101, code)
    hooked = await transcript(pipeline, sessionmaker, "webhook", 5102, code)
    assert polled == hooked
    assert len(polled) >= 6 and polled[-1][0].startswith("Sorry, I did not understand")
