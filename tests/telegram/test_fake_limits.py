"""The fake's flood control and counters, which the outbox's rate tests rely on."""

from __future__ import annotations

from fakes.telegram_api import Limits

from handlers.core.messages import Reply


async def test_fake_answers_429_above_the_per_chat_rate_and_counts_sends(webhook_telegram):
    tg = webhook_telegram
    tg.fake.limits = Limits(per_chat_per_second=1, retry_after=2)
    first = await tg.channel.deliver("7101", "", [Reply("một")])
    second = await tg.channel.deliver("7101", "", [Reply("hai")])
    other = await tg.channel.deliver("7102", "", [Reply("ba")])
    assert (first.ok, second.retry_after, other.ok) == (True, 2.0, True)
    assert (tg.fake.count("7101"), tg.fake.count("7102"), tg.fake.count()) == (1, 1, 2)
    assert tg.fake.max_rate(window=1.0) == 2 and tg.fake.max_rate(chat_id="7101") == 1


async def test_fake_limits_group_messages_per_minute(webhook_telegram):
    tg = webhook_telegram
    tg.fake.limits = Limits(per_group_per_minute=2)
    results = [(await tg.channel.deliver("-100777", "", [Reply(str(i))])).ok for i in range(3)]
    assert results == [True, True, False]
