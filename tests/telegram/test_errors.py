"""Telegram's refusals: 429 waits, 403 marks the account unreachable, 5xx retries; 401 webhook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.metrics import REGISTRY
from handlers.core.messages import Reply
from models.inbound import Inbound
from models.members import ChannelAccount

CASES = json.loads((Path(__file__).parents[1] / "data/telegram/errors.json").read_text())["cases"]


async def joined_user(telegram, demo, user_id: int):
    user = telegram.user(user_id)
    await user.send(f"/start {demo.invites['volunteer']}")
    await user.press("Đúng")
    assert "🎉" in user.last_text
    return user


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_deliver_reports_what_the_outbox_needs(webhook_telegram, demo, sessionmaker, case):
    tg = webhook_telegram
    user = await joined_user(tg, demo, 6001)
    tg.fake.fail(
        "sendMessage",
        case["status"],
        retry_after=case.get("retry_after"),
        description=case.get("description"),
    )
    delivery = await tg.channel.deliver(user.chat_id, "", [Reply("Nhắc việc")])
    got = {k: getattr(delivery, k) for k in case["expect"]}
    assert got == case["expect"]
    # One attempt only: the outbox decides when to try again.
    assert [c.status for c in tg.fake.calls if c.method == "sendMessage"][-1] == case["status"]
    async with sessionmaker() as session:
        since = await session.scalar(select(ChannelAccount.unreachable_since))
    assert (since is not None) == case["expect"]["unreachable"]
    assert (await tg.channel.deliver(user.chat_id, "", [Reply("Nhắc việc")])).ok


async def test_reply_waits_retry_after_on_429(telegram, demo):
    user = await joined_user(telegram, demo, 6002)
    telegram.fake.fail("sendMessage", 429, retry_after=1)
    await user.send("/trogiup")
    assert user.last_text.startswith("Anh/chị có thể")
    refused, sent = [c for c in telegram.fake.calls if c.method == "sendMessage"][-2:]
    assert (refused.status, sent.status) == (429, 200)
    assert sent.at - refused.at >= 1.0


async def test_reply_retries_server_errors_with_backoff(telegram, demo):
    user = await joined_user(telegram, demo, 6003)
    telegram.fake.fail("sendMessage", 502, times=2)
    await user.send("/trogiup")
    assert user.last_text.startswith("Anh/chị có thể")
    statuses = [c.status for c in telegram.fake.calls if c.method == "sendMessage"][-3:]
    assert statuses == [502, 502, 200]


async def test_blocked_user_is_marked_unreachable_until_they_write(telegram, demo, sessionmaker):
    user = await joined_user(telegram, demo, 6004)
    telegram.fake.fail("sendMessage", 403)
    await user.send("/trogiup")
    async with sessionmaker() as session:
        assert await session.scalar(select(ChannelAccount.unreachable_since)) is not None
    await user.send("/trogiup")  # the process lived on; writing again makes them reachable
    assert user.last_text.startswith("Anh/chị có thể")
    async with sessionmaker() as session:
        assert await session.scalar(select(ChannelAccount.unreachable_since)) is None


async def test_webhook_without_the_secret_gets_401_and_changes_nothing(
    webhook_telegram, sessionmaker
):
    tg = webhook_telegram
    user = tg.user(6005)
    update = tg.fake.message_update(user.user, user.chat, 1, text="/start")
    assert await tg.fake.post_webhook(update, None) == 401
    assert await tg.fake.post_webhook(update, "wrong-secret") == 401
    assert tg.fake.sent(user.chat_id) == []
    async with sessionmaker() as session:
        assert (await session.execute(select(Inbound))).first() is None
    assert await tg.fake.post_webhook(update, tg.fake.webhook["secret_token"]) == 200
    assert tg.fake.sent(user.chat_id)


async def test_webhook_mode_requires_a_secret(pipeline, sessionmaker):
    from bot.channels.telegram.channel import TelegramChannel, TelegramError

    with pytest.raises(TelegramError, match="WEBHOOK_SECRET"):
        TelegramChannel(
            pipeline, sessionmaker, token="1:x", public_base_url="https://bot.example.org"
        )


async def test_timed_out_reply_is_sent_again(impatient, demo):
    user = impatient.user(6006)
    impatient.fake.stall("sendMessage", 2)
    await user.send("/start")
    assert "mã mời" in user.last_text
    assert len([c for c in impatient.fake.calls if c.method == "sendMessage"]) >= 2


async def test_polling_survives_getupdates_server_errors(impatient, demo):
    impatient.fake.fail("getUpdates", 502, times=2)
    user = impatient.user(6007)
    await user.send("/start")
    assert "mã mời" in user.last_text


async def test_replies_in_a_turn_count_in_the_sends_metric(telegram, demo):
    def sent(result: str) -> float:
        labels = {"channel": "telegram", "result": result}
        return REGISTRY.get_sample_value("cdsbot_sends_total", labels) or 0

    user = await joined_user(telegram, demo, 6006)
    ok, blocked = sent("ok"), sent("403")
    await user.send("/trogiup")
    assert sent("ok") == ok + 1
    telegram.fake.fail("sendMessage", 403)
    await user.send("/trogiup")
    assert sent("403") == blocked + 1
