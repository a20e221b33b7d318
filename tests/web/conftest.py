"""The web page through aiohttp's test client, signed in the way a member does: /web in chat."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web import make_web_app
from bot.webui import WebUI, mount_webui
from tests.conftest import TZ

LINK = re.compile(r"https?://\S+(/web/dangnhap/\S+)")


@pytest.fixture
def make_ui(sessionmaker, clock, tmp_path):
    def make(base_url: str = "http://127.0.0.1:8080") -> WebUI:
        return WebUI(sessionmaker, tz=TZ, base_url=base_url, files_dir=tmp_path, clock=clock)

    return make


@pytest.fixture
async def client(make_ui):
    web_app = make_web_app()
    mount_webui(web_app, make_ui())
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as test_client:
        yield test_client


def link_path(chat) -> str:
    found = LINK.search(chat.text)
    assert found, chat.text
    return found.group(1)


async def sign_in(client, path: str) -> str:
    """Open the link, press the button; returns the start page's HTML."""
    asked = await client.get(path)
    assert asked.status == 200, await asked.text()
    response = await client.post(path)
    assert response.status == 200, await response.text()
    return await response.text()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture
def member_client(joined, client):
    """A member of the demo commune signed in through /web in their chat."""

    async def make(user_id: str, role: str, **kw):
        chat = await joined(user_id, role, **kw)
        await chat.say("/web")
        html = await sign_in(client, link_path(chat))
        return chat, html

    return make
