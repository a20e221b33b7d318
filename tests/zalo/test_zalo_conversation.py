"""Whole conversations through the real Zalo client and the fake Zalo API, in both modes."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.metrics import REGISTRY
from models import ChannelAccount, Conversation, Inbound, Member
from models.members.joining import show_code
from tests.fakes.zalo_api import text_update

MODES = ["polling", "webhook"]


async def rows(sessionmaker, model, *where):
    async with sessionmaker() as session:
        return (await session.execute(select(model).where(*where))).scalars().all()


@pytest.mark.parametrize("mode", MODES)
async def test_join_and_pick_choices_by_number_and_unaccented_word(zalo, demo, sessionmaker, mode):
    env = await zalo(mode=mode)
    lan = env.user("e4ea2cd5189df1c3a88c", "Lan Nguyen")
    await lan.send("xin chao")
    assert "mã mời" in lan.last_text
    await lan.send(show_code(demo.invites["volunteer"]).lower())
    assert 'tên là "Lan Nguyen"' in lan.last_text
    assert "1. Đúng" in lan.last_text and "Trả lời 1 hoặc 2." in lan.last_text
    await lan.send("2")
    assert "họ và tên" in lan.last_text
    await lan.send("Nguyễn Thị Lan")
    assert "🎉" in lan.last_text
    await lan.send("/ngonngu")
    assert "1. Tiếng Việt\n2. English\nTrả lời 1 hoặc 2." in lan.last_text
    await lan.send("english")
    await lan.send("/ngonngu")
    assert "Reply 1 or 2." in lan.last_text
    await lan.send("1")
    [account] = await rows(sessionmaker, ChannelAccount)
    [member] = await rows(sessionmaker, Member)
    assert (account.channel, account.user_id, account.bot) == (
        "zalo",
        "e4ea2cd5189df1c3a88c",
        "1111",
    )
    assert (member.name, member.locale) == ("Nguyễn Thị Lan", "vi")


@pytest.mark.parametrize("mode", MODES)
async def test_replayed_update_never_acts_twice(zalo, demo, sessionmaker, caplog, mode):
    caplog.set_level(logging.INFO)
    env = await zalo(mode=mode)
    lan = env.user("u-replay")
    update = text_update("u-replay", "/start")
    if mode == "polling":
        env.bot().replay_next = True
        await lan.send_update(update)
    else:
        await lan.send_update(update)
        lan.wrapped = False  # the same update again, this time as a bare body
        await lan.send_update(update, expect=False)
        assert env.fake.webhook_posts == [200, 200]
    assert len(lan._mine()) == 1
    # After a restart the in-memory list is gone: the database still knows the id.
    env.channels[0]._seen.clear()
    env.bot().replay_next = False
    await lan.send_update(update, expect=False)
    assert len(lan._mine()) == 1
    assert "duplicate zalo/1111:" in caplog.text
    inbound = await rows(sessionmaker, Inbound)
    assert [r.message_key for r in inbound] == [f"1111:{update['message']['message_id']}"]
    if mode == "polling":
        assert env.bot().calls["getUpdates"] >= 2


@pytest.mark.parametrize("mode", MODES)
async def test_sticker_mid_flow_asks_to_type_and_the_flow_stays(zalo, demo, sessionmaker, mode):
    env = await zalo(mode=mode)
    hai = env.user("u-sticker", "")
    await hai.send("/start")
    await hai.send(demo.invites["volunteer"])
    assert "họ và tên" in hai.last_text
    sticker = text_update("u-sticker", "", event="message.sticker.received", sticker="0e07")
    await hai.send_update(sticker)
    assert "nhãn dán" in hai.last_text or "sticker" in hai.last_text.lower()
    await hai.send_update(text_update("u-sticker", "", event="message.voice.received"))
    assert "gõ" in hai.last_text
    await hai.send_update(text_update("u-sticker", "", event="message.unsupported.received"))
    assert "gõ" in hai.last_text
    [conv] = await rows(sessionmaker, Conversation)
    assert (conv.flow, conv.step) == ("join", "name")
    await hai.send("Trần Văn Hải")
    assert "🎉" in hai.last_text


@pytest.mark.parametrize("mode", MODES)
async def test_token_is_absent_from_all_logs(zalo, fake, demo, caplog, mode):
    caplog.set_level(logging.DEBUG)
    # Another test may have run setup_logging, which quiets httpx: open it up explicitly.
    caplog.set_level(logging.DEBUG, logger="httpx")
    env = await zalo(mode=mode)
    lan = env.user("u-logs")
    await lan.send("/start")
    await lan.send(demo.invites["volunteer"])
    env.bot().failures = [500]  # the reply is retried once Zalo recovers
    await lan.send("1")
    assert "🎉" in lan.last_text
    assert "secret-token-a" not in caplog.text
    assert "1111:secret" not in caplog.text
    assert "zalo bot 1111" in caplog.text  # the bot id is what logs name
    assert "/bot<token>/sendMessage" in caplog.text  # httpx's request lines, redacted


async def test_photo_caption_and_image_events_reach_the_core(zalo, demo, sessionmaker):
    env = await zalo(mode="webhook")
    lan = env.user("u-photo")
    photo = text_update("u-photo", "", event="message.image.received", photo_url="https://x/a.jpg")
    await lan.send_update(photo)
    # Not joined yet: any first message gets the greeting.
    assert "mã mời" in lan.last_text


@pytest.mark.parametrize("mode", MODES)
async def test_lienket_links_a_console_member_to_zalo(zalo, joined, sessionmaker, mode):
    env = await zalo(mode=mode)
    console = await joined("console-lan", channel="console")
    await console.say("/lienket")
    code = console.text.split("/lienket ", 1)[1].split()[0]
    lan = env.user("zalo-lan", "Lan")
    await lan.send("/lienket")
    assert "nhập mã liên kết" in lan.last_text
    await lan.send(code.replace("-", "").lower())
    assert "Đã liên kết! Ở đây anh/chị cũng là Nguyễn Thị Lan" in lan.last_text
    accounts = await rows(sessionmaker, ChannelAccount)
    assert sorted((a.channel, a.bot) for a in accounts) == [("console", ""), ("zalo", "1111")]
    assert len({a.member_id for a in accounts}) == 1
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1


async def test_typing_is_sent_before_a_slow_turn(zalo, demo):
    env = await zalo()
    env.channels[0].typing_after = 0.0  # every turn counts as slow here
    lan = env.user("u-typing")
    await lan.send("/start")
    assert env.bot().calls["sendChatAction"] == 1
    assert "mã mời" in lan.last_text


async def test_too_long_text_is_refused_by_the_api_with_400(fake):
    bot = fake.add_bot("5555:token-e")
    client = ZaloClient(bot.token, fake.base)
    with pytest.raises(ZaloError) as err:
        await client.call("sendMessage", {"chat_id": "u1", "text": "a" * 2001})
    assert err.value.code == 400 and not err.value.transient
    assert (await client.send_message("u1", "a" * 2000))["message_id"]
    await client.close()


MALFORMED = [
    [],
    "text",
    None,
    {"ok": True, "result": None},
    {"ok": False, "result": {"event_name": "message.text.received"}},
    {"event_name": "message.text.received", "message": "x"},
    {"event_name": "message.text.received", "message": {"from": [], "chat": 5}},
    {"event_name": 7, "message": {"message_id": {"a": 1}, "from": {"id": None}}},
    {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m",
            "date": "soon",
            "from": {"id": "u-fuzz", "is_bot": False},
            "chat": {"id": "u-fuzz"},
            "text": 12,
        },
    },
    {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m2",
            "date": 10**30,
            "from": {"id": "u-fuzz"},
            "chat": {"id": "u-fuzz"},
            "text": "\x00" * 5000,
        },
    },
    {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m3",
            "from": {"id": "x" * 500},
            "chat": {"id": "x" * 500},
            "text": "hi",
        },
    },
    {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m4",
            "from": {"id": "bot-2", "is_bot": True},
            "chat": {"id": "bot-2"},
            "text": "/start",
        },
    },
]


async def test_malformed_webhook_bodies_never_get_a_500(zalo, demo, caplog):
    env = await zalo(mode="webhook")
    bot = env.bot()
    for body in MALFORMED:
        status = await env.fake.deliver(bot, body, wrapped=False)
        assert status in (200, 400), body  # an empty body (None) is a 400
    await asyncio.sleep(0.5)
    assert not env.channels[0]._tasks
    assert "update failed" not in caplog.text
    # The two readable ones were answered (a non-text first message gets the greeting).
    assert {s.chat_id for s in bot.sent} == {"u-fuzz"}


async def test_a_turns_own_reply_counts_in_the_sends_metric(zalo, demo):
    def sent() -> float:
        labels = {"channel": "zalo", "result": "ok"}
        return REGISTRY.get_sample_value("cdsbot_sends_total", labels) or 0

    env = await zalo(mode="webhook")
    before = sent()
    await env.user("4ba1c0ffee0000000001", "Ba").send("xin chao")
    for _ in range(100):  # counted right after the send returns: a moment after the fake saw it
        if sent() > before:
            break
        await asyncio.sleep(0.02)
    assert sent() == before + 1
