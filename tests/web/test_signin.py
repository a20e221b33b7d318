"""Sign-in from the chat: one-time links, sessions, sign-out, and each refusal."""

from __future__ import annotations

from sqlalchemy import select

from models import Commune
from models.members import Member, Role
from models.websession import WebLogin, WebSession, create_login
from tests.web.conftest import csrf_of, link_path, sign_in


async def test_web_link_signs_an_official_in_to_the_progress_page(joined, client):
    chat = await joined("off", "official", name="Trần Văn Cán")
    await chat.say("/web")
    assert "15" in chat.text and "/web dangxuat" in chat.text
    html = await sign_in(client, link_path(chat))
    assert "Tiến độ" in html and "1.857" in html  # the demo's DIEN customer codes


async def test_session_cookie_is_httponly_lax_for_eight_hours(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    path = link_path(chat)
    await client.get(path)
    response = await client.post(path, allow_redirects=False)
    assert response.status == 303
    cookie = response.cookies["cdsweb"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/web"
    assert cookie["max-age"] == str(8 * 3600)
    assert not cookie["secure"]  # plain http on loopback; https below


async def test_cookie_is_secure_behind_https(joined, make_ui):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web import make_web_app
    from bot.webui import mount_webui

    web_app = make_web_app()
    mount_webui(web_app, make_ui("https://cds.example.vn"))
    chat = await joined("off", "official")
    await chat.say("/web")
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.post(link_path(chat), allow_redirects=False)
        assert response.cookies["cdsweb"]["secure"]
        assert "Strict-Transport-Security" in response.headers


async def test_a_used_link_is_refused(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    path = link_path(chat)
    await sign_in(client, path)
    client.session.cookie_jar.clear()
    again = await client.get(path)
    assert again.status == 403
    assert (await client.post(path)).status == 403
    assert (await client.get("/web/tiendo")).status == 401


async def test_an_expired_link_is_refused(joined, client, clock):
    chat = await joined("off", "official")
    await chat.say("/web")
    clock.advance(minutes=16)
    assert (await client.get(link_path(chat))).status == 403
    assert (await client.post(link_path(chat))).status == 403


async def test_a_new_link_retires_the_older_unused_one(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    first = link_path(chat)
    await chat.say("/web")
    assert (await client.post(first)).status == 403
    await sign_in(client, link_path(chat))


async def test_a_forged_cookie_is_refused(joined, client):
    client.session.cookie_jar.update_cookies({"cdsweb": "forged-token-value"})
    response = await client.get("/web/tiendo")
    assert response.status == 401
    assert "1.857" not in await response.text()


async def test_tokens_are_stored_only_as_hashes(joined, client, sessionmaker):
    chat = await joined("off", "official")
    await chat.say("/web")
    path = link_path(chat)
    token = path.rsplit("/", 1)[1]
    await sign_in(client, path)
    session_token = client.session.cookie_jar.filter_cookies(client.make_url("/web/"))["cdsweb"]
    async with sessionmaker() as session:
        stored = [
            *(await session.scalars(select(WebLogin.token_hash))),
            *(await session.scalars(select(WebSession.token_hash))),
        ]
    assert len(stored) == 2
    assert token not in stored and session_token.value not in stored


async def test_session_ends_after_eight_hours(joined, client, clock):
    chat = await joined("off", "official")
    await chat.say("/web")
    await sign_in(client, link_path(chat))
    clock.advance(hours=7, minutes=59)
    assert (await client.get("/web/tiendo")).status == 200
    clock.advance(minutes=2)
    assert (await client.get("/web/tiendo")).status == 401


async def test_sign_out_button_ends_the_session(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    html = await sign_in(client, link_path(chat))
    token = client.session.cookie_jar.filter_cookies(client.make_url("/web/"))["cdsweb"].value
    response = await client.post("/web/dangxuat", data={"csrf": csrf_of(html)})
    assert response.status == 200
    assert (await client.get("/web/tiendo")).status == 401
    # The old cookie, kept by someone, no longer works either.
    client.session.cookie_jar.update_cookies({"cdsweb": token})
    assert (await client.get("/web/tiendo")).status == 401


async def test_sign_out_without_the_csrf_token_is_refused(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    await sign_in(client, link_path(chat))
    assert (await client.post("/web/dangxuat")).status == 403
    assert (await client.post("/web/dangxuat", data={"csrf": "0" * 64})).status == 403
    assert (await client.get("/web/tiendo")).status == 200


async def test_web_dangxuat_in_chat_signs_out_everywhere(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    await sign_in(client, link_path(chat))
    await chat.say("/web dangxuat")
    assert "1" in chat.text
    assert (await client.get("/web/tiendo")).status == 401


async def test_a_removed_member_loses_the_page(joined, client, sessionmaker, clock):
    chat = await joined("lead", "leader", name="Lê Văn Tổ")
    await chat.say("/web")
    await sign_in(client, link_path(chat))
    assert (await client.get("/web/diaban")).status == 200
    async with sessionmaker() as session, session.begin():
        member = (await session.scalars(select(Member).where(Member.name == "Lê Văn Tổ"))).one()
        member.active, member.removed_at = False, clock.now
    assert (await client.get("/web/diaban")).status == 401


async def test_pages_carry_strict_security_headers(joined, client):
    chat = await joined("off", "official")
    await chat.say("/web")
    await sign_in(client, link_path(chat))
    for path in ("/web/tiendo", "/web/khongco", "/web/dangnhap/abc"):
        response = await client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_web_command_is_not_answered_in_a_group(joined, chat):
    await joined("off", "official")
    group = chat("off", chat_id="-100", chat_kind="group")
    await group.say("/web")
    assert "/web/dangnhap/" not in group.text


async def test_admin_link_from_the_cli_opens_every_commune(demo, client, sessionmaker, clock):
    async with sessionmaker() as session, session.begin():
        other = Commune(name="Thiệu Trung", name_key="thieu trung")
        session.add(other)
        await session.flush()
        token = await create_login(
            session, commune_id=demo.commune_id, role=Role.ADMIN, now=clock.now
        )
    html = await sign_in(client, f"/web/dangnhap/{token}")
    assert "Tiến độ Quảng Trường" in html and "1.857" in html
    assert 'id="commune-switch"' in html and "Thiệu Trung" in html
    switched = await client.post(
        "/web/xa", data={"csrf": csrf_of(html), "commune": str(other.id), "next": "/web/tiendo"}
    )
    page = await switched.text()
    assert "Tiến độ Thiệu Trung" in page and "1.857" not in page


async def test_official_has_no_commune_switch(joined, client, demo, sessionmaker):
    async with sessionmaker() as session, session.begin():
        other = Commune(name="Thiệu Trung", name_key="thieu trung")
        session.add(other)
    chat = await joined("off", "official")
    await chat.say("/web")
    html = await sign_in(client, link_path(chat))
    assert 'id="commune-switch"' not in html
    refused = await client.post("/web/xa", data={"csrf": csrf_of(html), "commune": str(other.id)})
    assert refused.status == 403
    assert "Tiến độ Quảng Trường" in await (await client.get("/web/tiendo")).text()
