"""`make run` with no token: the console demo also serves the page and prints a sign-in link."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp

from tests.fakes.telegram_harness import free_port

ROOT = Path(__file__).parent.parent.parent


async def test_demo_run_prints_a_link_that_opens_the_officials_page(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "DATA_DIR": str(tmp_path / "data"),
        "WEB_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("ZALO_BOT_TOKENS", None)
    env.pop("PUBLIC_BASE_URL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        link = None
        for _ in range(20):
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, "cdsbot run ended before printing the link"
            found = re.search(rf"http://127\.0\.0\.1:{port}/web/dangnhap/\S+", line)
            if found:
                link = found.group()
                break
        assert link, "no sign-in link printed"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(link) as asked:
                assert asked.status == 200
            async with http.post(link) as signed_in:
                html = await signed_in.text()
                assert signed_in.status == 200
        assert "Tiến độ Quảng Trường" in html and "1.857" in html
    finally:
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()
