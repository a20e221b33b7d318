"""Pushes through `deliver()`: splitting, error mapping, photos by signed link, the monthly quota."""

from __future__ import annotations

import asyncio
import logging
from io import BytesIO
from urllib.parse import urlsplit

import aiohttp
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.channels.base import Delivery
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient, ZaloError
from handlers.core.messages import Document, Image, Reply
from models import BotUsage
from tests.conftest import join
from tests.fakes.zalo_api import text_update

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def usage_rows(sessionmaker):
    async with sessionmaker() as session:
        rows = (await session.execute(select(BotUsage).order_by(BotUsage.bot))).scalars().all()
        return [(r.bot, r.sent, r.warned) for r in rows]


async def test_long_text_goes_out_in_parts_of_at_most_2000(zalo, sessionmaker):
    env = await zalo()
    paragraph = "Thôn 1 đã ghi nhận thêm hộ mới. " * 40  # ~1.300 characters
    text = "\n\n".join([paragraph.strip()] * 4)
    delivery = await env.channels[0].deliver("u1", "1111", [Reply(text)])
    assert delivery == Delivery(ok=True)
    parts = [s.text for s in env.bot().sent]
    assert len(parts) == 4 and all(len(p) <= 2000 for p in parts)
    assert "\n\n".join(parts) == text
    assert await usage_rows(sessionmaker) == [("1111", 4, False)]


async def test_delivery_errors_map_to_retry_transient_and_unreachable(zalo):
    env = await zalo()
    channel, bot = env.channels[0], env.bot()
    bot.failures = [429]
    assert await channel.deliver("u1", "1111", [Reply("a")]) == Delivery(
        ok=False, retry_after=3.0, error="429"
    )
    bot.failures = [503]
    failed = await channel.deliver("u1", "1111", [Reply("a")])
    assert failed.transient and not failed.ok
    bot.failures = [403]
    assert (await channel.deliver("u1", "1111", [Reply("a")])).unreachable
    await env.fake.close()  # the API is gone: a timeout-like, transient failure
    assert (await channel.deliver("u1", "1111", [Reply("a")])).transient


async def test_image_goes_as_photo_the_fake_fetches_through_the_signed_link(zalo, pipeline):
    env = await zalo()
    chart = pipeline.files_dir / "charts" / "tiendo.png"
    chart.parent.mkdir(parents=True)
    chart.write_bytes(PNG)
    reply = Reply("Tiến độ Thôn 1", image=Image(chart, "Biểu đồ tiến độ"))
    assert (await env.channels[0].deliver("u1", "1111", [reply])).ok
    sent = env.bot().sent
    assert [(s.method, s.text) for s in sent] == [
        ("sendPhoto", "Biểu đồ tiến độ"),
        ("sendMessage", "Tiến độ Thôn 1"),
    ]
    [fetch] = env.fake.fetched
    assert (fetch.status, fetch.body, fetch.content_type) == (200, PNG, "image/png")
    assert fetch.url.startswith(env.base_url + "/files/charts/tiendo.png?e=")


async def test_altered_expired_or_outside_links_get_403(zalo, pipeline, clock):
    env = await zalo()
    report = pipeline.files_dir / "baocao.xlsx"
    report.write_bytes(b"x")
    url = env.links.url_for(report)
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as ok:
            assert ok.status == 200
        async with http.get(url.replace("baocao", "baocaO")) as altered:
            assert altered.status == 403
        async with http.get(url[:-2] + ("AA" if not url.endswith("AA") else "BB")) as bad_sig:
            assert bad_sig.status == 403
        split = urlsplit(url)
        async with http.get(f"{env.base_url}/files/../secret.txt?{split.query}") as escape:
            assert escape.status in (403, 404)
        clock.advance(hours=25)
        async with http.get(url) as expired:
            assert expired.status == 403
    with pytest.raises(ValueError):
        env.links.url_for(pipeline.files_dir.parent / "db.sqlite3")


async def test_document_becomes_a_link_that_downloads_the_workbook(zalo, pipeline):
    env = await zalo()
    book = Workbook()
    book.active["A1"] = "Báo cáo tháng 11"
    path = pipeline.files_dir / "baocao-2026-11.xlsx"
    book.save(path)
    reply = Reply("Báo cáo đã sẵn sàng.", document=Document(path, "baocao-2026-11.xlsx"))
    assert (await env.channels[0].deliver("u1", "1111", [reply])).ok
    [sent] = env.bot().sent
    assert "Tải baocao-2026-11.xlsx: http" in sent.text and "24 giờ" in sent.text
    url = sent.text.split(": ", 1)[1].split(" ", 1)[0]
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        data = await response.read()
    assert load_workbook(BytesIO(data)).active["A1"].value == "Báo cáo tháng 11"


async def test_without_public_url_images_and_files_become_text_and_a_hint(zalo, pipeline):
    env = await zalo(public=False)
    assert not env.channels[0].caps.images and not env.channels[0].caps.files
    path = pipeline.files_dir / "c.png"
    path.write_bytes(PNG)
    reply = Reply("Tiến độ: 28,6%", image=Image(path, "Biểu đồ"))
    assert (await env.channels[0].deliver("u1", "1111", [reply])).ok
    [sent] = env.bot().sent
    assert sent.method == "sendMessage" and "Tiến độ: 28,6%" in sent.text
    assert "quản trị viên cần đặt PUBLIC_BASE_URL" in sent.text
    assert env.fake.fetched == []


async def test_quota_spent_skips_pushes_but_replies_still_go(zalo, demo, sessionmaker, caplog):
    env = await zalo(quota=20)
    official = env.user("u-official", "")
    # 2 answers before a valid code: counted apart, as answers to someone who has not joined.
    await join(official, demo.invites["official"], "Lê Văn Cán")
    channel = env.channels[0]
    for _ in range(12):
        assert (await channel.deliver("u-x", "1111", [Reply("nhắc việc")])).ok
    assert not [s for s in env.bot().sent if "tin nhắn của tháng này" in s.text]
    # The 16th message crossed 80%: the official was warned once (that message counts too),
    # and told who spends the messages.
    assert (await channel.deliver("u-x", "1111", [Reply("nhắc việc")])).ok
    warnings = [s.text for s in env.bot().sent if "tin nhắn của tháng này" in s.text]
    assert len(warnings) == 1 and "16/20" in warnings[0]
    assert (
        "14 tin cho thành viên" in warnings[0] and "2 tin cho người chưa tham gia" in warnings[0]
    )
    assert "16 of 20 messages sent this month (14 to members, 2 to people who" in caplog.text
    for _ in range(3):
        assert (await channel.deliver("u-x", "1111", [Reply("nhắc việc")])).ok
    assert await channel.deliver("u-x", "1111", [Reply("nhắc việc")]) == Delivery(
        ok=False, error="quota"
    )
    await official.send("/trogiup")  # a user's own turn is still answered
    assert "/lienket" in official.last_text
    assert await usage_rows(sessionmaker) == [("1111", 19, True), ("1111#strangers", 2, False)]


async def test_two_bots_count_separately_and_accounts_remember_their_bot(zalo, demo, sessionmaker):
    env = await zalo(tokens=("1111:token-a-xyz", "2222:token-b-xyz"))
    lan = env.user("u-lan", "", bot=0)
    hai = env.user("u-hai", "", bot=1)
    await join(lan, demo.invites["volunteer"], "Nguyễn Thị Lan")
    await join(hai, demo.invites["leader"], "Trần Văn Hải")
    assert len(lan._mine()) == 3 and len(hai._mine()) == 3
    assert env.bot(0).sent[0].chat_id == "u-lan" and env.bot(1).sent[0].chat_id == "u-hai"
    # Answers before a valid invite code are counted apart, per bot.
    assert await usage_rows(sessionmaker) == [
        ("1111", 1, False), ("1111#strangers", 2, False),
        ("2222", 1, False), ("2222#strangers", 2, False),
    ]  # fmt: skip
    await lan.send("/trogiup")
    assert ("1111", 2, False) in await usage_rows(sessionmaker)


async def test_webhook_refuses_a_wrong_secret(zalo):
    env = await zalo(mode="webhook")
    url = env.bot().webhook_url
    assert url == f"{env.base_url}/zalo/1111"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={}, headers={"X-Bot-Api-Secret-Token": "nope"}) as r:
            assert r.status == 401
        async with http.post(url, json={}) as r:
            assert r.status == 401
        secret = {"X-Bot-Api-Secret-Token": env.bot().webhook_secret}
        async with http.post(url, data=b"{not json", headers=secret) as r:
            assert r.status == 400
        async with http.post(url, json={"ok": True, "result": {}}, headers=secret) as r:
            assert r.status == 200


async def test_polling_is_refused_while_a_webhook_is_set(fake, pipeline, caplog):
    bot = fake.add_bot("3333:token-c")
    bot.webhook_url, bot.webhook_secret = "https://elsewhere/hook", "s" * 16
    channel = ZaloChannel("3333:token-c", pipeline, api_base=fake.base, poll_interval=0.05)
    await channel.start()
    await channel._poller
    await channel.stop()
    assert "getUpdates" not in bot.calls
    lines = [r.getMessage() for r in caplog.records if "deleteWebhook" in r.getMessage()]
    assert lines == [
        "zalo bot 3333: a webhook is set, so polling is refused. Call deleteWebhook for this "
        "bot to poll, or set PUBLIC_BASE_URL (and WEBHOOK_SECRET) to use the webhook."
    ]
    assert "token-c" not in caplog.text


async def test_bad_token_gets_401_without_the_token_in_the_error(fake, pipeline, caplog):
    caplog.set_level(logging.DEBUG)
    client = ZaloClient("9999:wrong-token", fake.base)
    with pytest.raises(ZaloError) as err:
        await client.get_me()
    await client.close()
    assert err.value.code == 401 and err.value.fatal
    channel = ZaloChannel("9999:wrong-token", pipeline, api_base=fake.base)
    await channel.start()  # logs one line and stays idle; the process keeps running
    assert channel._poller is None
    await channel.stop()
    assert "zalo bot 9999: the token was refused (401)" in caplog.text
    assert "wrong-token" not in str(err.value) and "wrong-token" not in caplog.text


async def test_polls_are_at_least_the_interval_apart_when_updates_pour_in(fake, pipeline):
    bot = fake.add_bot("4444:token-d")
    for i in range(4):
        bot.updates.put_nowait(text_update(f"u{i}", "xin chao"))
    channel = ZaloChannel("4444:token-d", pipeline, api_base=fake.base, poll_interval=0.3)
    await channel.start()
    async with asyncio.timeout(10):
        while len(bot.sent) < 4:
            await asyncio.sleep(0.05)
    await channel.stop()
    gaps = [b - a for a, b in zip(bot.poll_times, bot.poll_times[1:], strict=False)]
    assert gaps and min(gaps[:3]) >= 0.29


async def test_a_caption_too_long_for_the_photo_follows_as_text(zalo, pipeline):
    env = await zalo()
    path = pipeline.files_dir / "long.png"
    path.write_bytes(PNG)
    caption = "Chú thích dài. " * 200
    assert (await env.channels[0].deliver("u1", "1111", [Reply(image=Image(path, caption))])).ok
    sent = env.bot().sent
    assert sent[0].method == "sendPhoto" and sent[0].text == ""
    assert " ".join(s.text for s in sent[1:]).split() == caption.split()
