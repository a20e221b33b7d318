"""The web page in a real browser: Debian's Chromium driven through Playwright's Python API.

Signs in with a one-time link, reads the demo commune's figures, edits a target through the form,
sees the new figure, signs out and finds the old link refused; screenshots at desktop and phone
widths (set WEB_SCREENSHOTS=dir to keep them).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.db import make_sessionmaker
from bot.web import make_web_app
from bot.webui import WebUI, mount_webui
from models import Indicator, Member, Village
from models.members import Role
from models.seed import ensure_demo
from models.websession import create_login
from tests.conftest import TZ
from tests.reports import factories as f

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not shutil.which("chromium"),
    reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium to run the browser test)",
)


async def _demo_with_work(sessionmaker, clock) -> int:
    """The demo commune three weeks into its campaign, with conversions on most days."""
    start = clock.now.astimezone(TZ).date()
    async with sessionmaker() as session, session.begin():
        demo = await ensure_demo(session, today=start, now=clock.now)
        villages = await f.ids(session, Village)
        indicators = await f.ids(session, Indicator)
        someone = await f.member(
            session, commune_id=demo.commune_id, village_id=villages["Thôn 1"], name="Tình Nguyện"
        )
        names = sorted(villages)
        for day in range(21):
            for n in range((day * 7) % 5 + 3):
                await f.convert(
                    session,
                    member_row=someone,
                    village_id=villages[names[(day + n) % len(names)]],
                    indicator_id=indicators["DIEN" if n % 3 else "NUOC"],
                    at=f.local(start + timedelta(days=day), 9),
                )
    clock.advance(days=20, hours=10)
    return demo.commune_id


async def test_official_in_a_real_browser(sqlite_engine, clock, tmp_path):
    playwright_api = pytest.importorskip("playwright.async_api")
    sessionmaker = make_sessionmaker(sqlite_engine)
    commune_id = await _demo_with_work(sessionmaker, clock)
    async with sessionmaker() as session, session.begin():
        token = await create_login(
            session, commune_id=commune_id, role=Role.OFFICIAL, now=clock.now
        )
        assert await session.scalar(select(Member.id)) is not None
    shots = Path(os.environ.get("WEB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    web_app = make_web_app()
    mount_webui(web_app, WebUI(sessionmaker, tz=TZ, files_dir=tmp_path, clock=clock))
    server = TestServer(web_app, host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    link = f"{base}/web/dangnhap/{token}"
    try:
        async with playwright_api.async_playwright() as pw:
            try:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            except Exception as exc:  # e.g. a Chromium too old for this Playwright
                pytest.skip(f"Chromium at {CHROMIUM} did not start: {type(exc).__name__}")
            page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "console",
                lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
            )

            await page.goto(link)
            await page.click("#signin")
            await page.wait_for_url(re.compile(r"/web/tiendo"))
            card = page.locator('article[data-code="DIEN"]')
            assert "/1.857" in await card.locator(".big").inner_text()
            before = await card.locator(".target").inner_text()
            assert "70% = 1.300" in before
            current = int((await card.locator(".current").inner_text()).replace(".", ""))
            assert current > 532  # the baseline plus three weeks of conversions
            rows = page.locator("#areas tbody tr")
            assert await rows.count() == 4
            # Sorting by percent puts the best area first (plain JavaScript under the CSP).
            pct_header = page.locator("#areas th").nth(2)
            await pct_header.click()
            await pct_header.click()
            assert await pct_header.get_attribute("aria-sort") == "descending"
            values = [
                float(v)
                for v in await page.locator("#areas tbody td:nth-child(3)").evaluate_all(
                    "cells => cells.map(c => c.dataset.value)"
                )
            ]
            assert values == sorted(values, reverse=True)
            await page.screenshot(path=str(shots / "web-progress-desktop.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})
            await page.screenshot(path=str(shots / "web-progress-phone.png"), full_page=True)
            await page.set_viewport_size({"width": 1280, "height": 900})
            # Printed on A4 for a meeting: no navigation, and the cards, chart and 4 areas on
            # one sheet.
            await page.emulate_media(media="print")
            assert not await page.locator("header.top nav").is_visible()
            pdf = await page.pdf(format="A4", print_background=False)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pages == 1, pages
            await page.set_viewport_size({"width": 794, "height": 1123})
            await page.screenshot(path=str(shots / "web-progress-print.png"), full_page=True)
            await page.emulate_media(media="screen")
            await page.set_viewport_size({"width": 1280, "height": 900})

            await page.click("text=Mục tiêu")
            await page.locator('#targets tr[data-code="DIEN"][data-area=""] a').click()
            await page.fill('input[name="goal"]', "75%")
            await page.click("#save")
            await page.wait_for_selector("#saved")
            await page.click("text=Tiến độ")
            after = await page.locator('article[data-code="DIEN"] .target').inner_text()
            assert "75% = 1.393" in after  # ⌈0,75 × 1.857⌉

            await page.click("#signout")
            await page.wait_for_selector("#signedout")
            response = await page.goto(f"{base}/web/tiendo")
            assert response.status == 401
            response = await page.goto(link)
            assert response.status == 403
            assert await page.locator("#refused").count() == 1
            assert not errors, errors  # no script blocked by the CSP, no JS errors
            await browser.close()
    finally:
        await server.close()
    for name in ("web-progress-desktop.png", "web-progress-phone.png"):
        assert (shots / name).stat().st_size > 10_000
