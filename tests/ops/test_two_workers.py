"""Two real `cdsbot run` workers on one PostgreSQL, metrics on, JSON logs: a conversation goes
through one of them, and each worker's own /metrics says which one holds the scheduler lock."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_harness import SECRET, TelegramUser, free_port

ROOT = Path(__file__).parent.parent.parent
WAIT = 60.0  # seconds any one condition may take on a busy machine

pytestmark = pytest.mark.skipif(PG_URL is None, reason="PostgreSQL suite: set TEST_DATABASE_URL")


class Worker:
    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.env = name, env
        self.ops = f"http://127.0.0.1:{env['METRICS_PORT']}"
        self.err = folder / f"{name}.err"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.err.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    async def metrics(self, http: aiohttp.ClientSession) -> dict[tuple, float]:
        async with http.get(self.ops + "/metrics") as response:
            assert response.status == 200
            body = await response.text()
        self.last_body = body
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body)
            for s in family.samples
        }

    async def until(self, http, check, what: str) -> dict[tuple, float]:
        """Poll this worker's /metrics until `check(samples)` holds (bounded)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while loop.time() < deadline:
            assert self.proc is not None and self.proc.returncode is None, self.err.read_text()
            try:
                got = await self.metrics(http)
                if check(got):
                    return got
            except aiohttp.ClientConnectionError:
                pass  # not listening yet
            await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name}: {what} within {WAIT}s\n{self.err.read_text()[-3000:]}")


def leader(got: dict) -> float | None:
    return got.get(("cdsbot_scheduler_leader", ()))


def ticks(got: dict) -> float:
    return got.get(("cdsbot_scheduler_ticks_total", ()), 0)


async def test_two_workers_share_a_database_and_only_one_leads(tmp_path):
    name = f"cds_workers_{uuid.uuid4().hex[:8]}"
    base = make_url(PG_URL)
    admin = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(False))
    await admin.execute(f"CREATE DATABASE {name}")
    url = base.set(database=name).render_as_string(hide_password=False)
    fake = FakeTelegram()
    workers: list[Worker] = []
    try:
        common = {
            **os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url,
            "DATA_DIR": str(tmp_path / "data"),
        }  # fmt: skip
        demo = subprocess.run(
            [sys.executable, "-m", "bot", "demo"], env=common, cwd=ROOT,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert demo.returncode == 0, demo.stderr
        code = re.search(r"^volunteer\s+(\S+)", demo.stdout, re.M)[1]
        api = await fake.start()
        web_a = free_port()
        common |= {
            "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE": api,
            # Telegram posts every update to one address: worker A's.
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_a}", "WEBHOOK_SECRET": SECRET,
            "WEB_HOST": "127.0.0.1", "METRICS": "on", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
        }  # fmt: skip
        a = Worker("a", {**common, "WEB_PORT": str(web_a), "METRICS_PORT": str(free_port())},
                   tmp_path)  # fmt: skip
        b = Worker("b", {**common, "WEB_PORT": str(free_port()),
                         "METRICS_PORT": str(free_port())}, tmp_path)  # fmt: skip
        workers = [a, b]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            await a.start()
            await a.until(http, lambda got: leader(got) == 1, "A leads")
            await b.start()
            # B has tried for the lock at least once (its first tick runs at start) and lost.
            got_b = await b.until(http, lambda got: ticks(got) >= 1, "B ticked")
            async with http.get(b.ops + "/readyz") as response:
                assert response.status == 200, await response.text()

            lan = TelegramUser(fake, 880_000_000 + os.getpid() % 1000, "Nguyễn Thị Lan")
            assert await lan.send("/start") == 200
            assert "mã mời" in lan.last_text
            assert await lan.send(code) == 200
            if "?" in lan.last_text and lan.fake.sent(lan.chat_id)[-1].get("reply_markup"):
                await lan.send("2")  # "another name", as a person would type it
            await lan.send("Nguyễn Thị Lan")
            assert "🎉" in "\n".join(lan.texts), lan.texts
            await lan.send("/tiendo")

            got_a = await a.until(
                http,
                lambda got: got.get(
                    ("cdsbot_updates_total", (("channel", "telegram"), ("kind", "command")))
                ) == 2,
                "A counted the two commands",
            )  # fmt: skip
            got_b = await b.metrics(http)
            assert leader(got_a) == 1 and leader(got_b) == 0 and ticks(got_b) >= 1
            # B answered nobody: every update went to A.
            assert (
                got_b.get(("cdsbot_updates_total", (("channel", "telegram"), ("kind", "command"))))
                == 0
            )
            assert got_a[("cdsbot_turn_seconds_count", (("channel", "telegram"),))] >= 4
            for body in (a.last_body, b.last_body):
                assert lan.chat_id not in body and "Lan" not in body
    finally:
        for worker in workers:
            await worker.stop()
        await fake.close()
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()
    # LOG_FORMAT=json: every line either worker wrote is one JSON object.
    for worker in workers:
        lines = worker.err.read_text(encoding="utf-8").splitlines()
        assert lines, f"{worker.name} logged nothing"
        entries = [json.loads(line) for line in lines]
        assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
        assert any(e["message"].startswith("running: telegram") for e in entries)
    assert any(
        e["message"] == "scheduler: leading"
        for e in map(json.loads, workers[0].err.read_text(encoding="utf-8").splitlines())
    )
