"""`cdsbot run` wiring: one Zalo channel per token, file links only with a public URL."""

from __future__ import annotations

from aiohttp import web

from bot.app import build_app, make_channels
from bot.channels.zalo.channel import ZaloChannel
from bot.settings import Settings
from bot.web import make_web_app


async def test_one_channel_per_token_with_links_under_the_public_url(tmp_path):
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=str(tmp_path),
        zalo_bot_tokens="111:aaa-secret, 222:bbb-secret",
        public_base_url="https://bot.example.vn/",
        webhook_secret="w" * 32,
        zalo_monthly_quota=500,
    )
    app = await build_app(settings)
    try:
        channels = make_channels(app)
        assert [type(c) for c in channels] == [ZaloChannel, ZaloChannel]
        assert [(c.bot, c.path, c.quota) for c in channels] == [
            ("111", "/zalo/111", 500),
            ("222", "/zalo/222", 500),
        ]
        assert all(c.caps.images and c.caps.files and c.caps.max_text == 2000 for c in channels)
        web_app: web.Application = make_web_app()
        for channel in channels:
            channel.mount(web_app)  # the file route is added once for both bots
        paths = sorted({r.resource.canonical for r in web_app.router.routes()})
        assert paths == ["/files/{name}", "/healthz", "/zalo/111", "/zalo/222"]
        url = channels[0].links.url_for(app.files_dir / "a.png")
        assert url.startswith("https://bot.example.vn/files/a.png?e=")
        assert "secret" not in url
        for channel in channels:
            await channel.client.close()
    finally:
        await app.close()


async def test_without_public_url_zalo_has_no_images_or_files(tmp_path):
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=str(tmp_path),
        zalo_bot_tokens="111:aaa",
    )
    app = await build_app(settings)
    try:
        [channel] = make_channels(app)
        assert channel.links is None and not channel.caps.images and not channel.caps.files
        await channel.client.close()
    finally:
        await app.close()
