"""Webhook routes of both platforms: secret required and checked, POST only, 1 MiB limit."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.channels.telegram.channel import TelegramChannel, TelegramError
from bot.channels.telegram.webhook import GuardedRequestHandler
from bot.channels.zalo.channel import SECRET_HEADER, ZaloChannel
from bot.web import MAX_BODY
from tests.fakes.telegram_harness import SECRET as TG_SECRET
from tests.fakes.telegram_harness import running
from tests.fakes.zalo_api import FakeZaloApi
from tests.fakes.zalo_harness import start_env

TG_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def URL_PARTS(url: str) -> tuple[str, int, str]:  # noqa: N802 - reads like a constant helper
    parts = urlsplit(url)
    return parts.hostname, parts.port, parts.path


@pytest.fixture
async def routes(pipeline, sessionmaker):
    """(url, secret header, secret) of each platform's webhook, served on loopback."""
    tg, tg_runner = await running(pipeline, sessionmaker, "webhook")
    fake = await FakeZaloApi().start()
    zalo = await start_env(fake, pipeline, mode="webhook")
    bot = zalo.bot()
    yield {
        "telegram": (tg.channel.webhook_url, TG_HEADER, TG_SECRET),
        "zalo": (bot.webhook_url, SECRET_HEADER, bot.webhook_secret),
    }
    await zalo.stop()
    await fake.close()
    await tg.channel.stop()
    await tg_runner.cleanup()
    await tg.fake.close()


def test_telegram_refuses_webhook_mode_without_a_usable_secret(pipeline, sessionmaker):
    for secret in (None, "", "has space", "sécret", "x" * 257):
        with pytest.raises(TelegramError, match="WEBHOOK_SECRET"):
            TelegramChannel(
                pipeline, sessionmaker, token="1:x", public_base_url="https://bot.example",
                webhook_secret=secret,
            )  # fmt: skip


def test_telegram_handler_without_a_secret_opens_for_nobody():
    handler = GuardedRequestHandler.__new__(GuardedRequestHandler)
    handler.secret_token = None
    assert handler.verify_secret("", None) is False
    assert handler.verify_secret("anything", None) is False


def test_zalo_webhook_always_has_a_secret_even_without_webhook_secret(pipeline):
    # Without WEBHOOK_SECRET each start draws a random one (and registers it with Zalo).
    kw = {"api_base": "http://127.0.0.1:9", "public_base_url": "https://bot.example"}
    a = ZaloChannel("1111:a", pipeline, webhook_secret=None, **kw)
    b = ZaloChannel("1111:a", pipeline, webhook_secret=None, **kw)
    assert len(a.secret) == 64 and a.secret != b.secret
    # One secret per bot: the header of one bot opens no other.
    c = ZaloChannel("2222:c", pipeline, webhook_secret="same-base-secret", **kw)
    d = ZaloChannel("3333:d", pipeline, webhook_secret="same-base-secret", **kw)
    assert c.secret != d.secret


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_webhook_needs_the_right_secret(routes, platform):
    url, header, secret = routes[platform]
    async with aiohttp.ClientSession() as http:
        for given in (None, "", "wrong", secret[:-1], secret + "x", "sécret-ü"):
            headers = {} if given is None else {header: given}
            async with http.post(url, json={"update_id": 1}, headers=headers) as r:
                assert r.status == 401, (given, r.status)
        async with http.post(url, json={"update_id": 1}, headers={header: secret}) as r:
            assert r.status == 200


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_raw_non_utf8_secret_bytes_get_401_not_500(routes, platform):
    # An HTTP client would not send these; a raw socket can, and the header arrives as
    # surrogates that a plain str.encode() or str compare_digest turns into a 500.
    url, header, _ = routes[platform]
    host, port, path = URL_PARTS(url)
    reader, writer = await asyncio.open_connection(host, port)
    body = b'{"update_id": 1}'
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n".encode()
        + header.encode() + b": \xff\xfe\x80secret\r\n\r\n" + body
    )  # fmt: skip
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"401", status_line


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_webhook_answers_post_only(routes, platform):
    url, header, secret = routes[platform]
    async with aiohttp.ClientSession() as http:
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            async with http.request(method, url, headers={header: secret}) as r:
                assert r.status == 405, (method, r.status)
                assert secret not in await r.text()


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_webhook_refuses_bodies_over_one_mebibyte(routes, platform):
    url, header, secret = routes[platform]
    body = b'{"update_id": 1, "x": "' + b"a" * MAX_BODY + b'"}'
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=body, headers={header: secret}) as r,
    ):
        assert r.status == 413


async def test_health_next_to_the_webhooks_shows_no_data(routes, joined):
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    base = routes["zalo"][0].split("/", 3)[:3]
    async with aiohttp.ClientSession() as http, http.get("/".join(base) + "/healthz") as r:
        assert r.status == 200 and await r.json() == {"ok": True}
