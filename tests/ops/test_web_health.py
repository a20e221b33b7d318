"""The shared web server as a platform or a prober sees it, on loopback."""

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web import MAX_BODY, make_web_app


async def test_health_says_only_that_it_is_up():
    async with TestClient(TestServer(make_web_app(), host="127.0.0.1")) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"ok": True}
        # No server banner details beyond aiohttp's default, and nothing else is served.
        assert (await client.get("/")).status == 404
        assert (await client.get("/healthz/../admin")).status == 404


async def test_health_refuses_other_methods():
    async with TestClient(TestServer(make_web_app(), host="127.0.0.1")) as client:
        assert (await client.post("/healthz", data=b"x")).status == 405
        assert (await client.delete("/healthz")).status == 405


async def test_bodies_over_the_limit_are_refused_before_a_handler_sees_them():
    # The webhook routes arrive with the channel branches; the limit is the app's own.
    web_app = make_web_app()
    seen = []

    async def hook(request: web.Request) -> web.Response:
        seen.append(len(await request.read()))
        return web.json_response({"ok": True})

    web_app.router.add_post("/hook", hook)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        assert (await client.post("/hook", data=b"x" * 1000)).status == 200
        assert (await client.post("/hook", data=b"x" * (MAX_BODY + 1))).status == 413
    assert seen == [1000]
