"""A real `cdsbot run` process on loopback, talking to fake platform servers in the test's own
event loop: started, killed (SIGKILL or SIGTERM) and started again on the same database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.fakes.zalo_harness import free_port

ROOT = Path(__file__).parent.parent.parent
SECRET = "intake-test-webhook-secret-0123456789abcdef"


@dataclass
class BotProcess:
    workdir: Path
    db_url: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None
    runs: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / f"run-{self.runs}.log"

    async def start(self, ready) -> None:  # noqa: ANN001 - async () -> bool
        """Start `cdsbot run` and wait until it serves and `ready()` says the platform knows it."""
        self.runs += 1
        env = {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "DATA_DIR": str(self.workdir / "data"),
            "PYTHONPATH": str(ROOT),
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(self.port),
            "PUBLIC_BASE_URL": self.base,
            "WEBHOOK_SECRET": SECRET,
            "LOG_LEVEL": "INFO",
            # After a kill, replies the dead process had not confirmed go out 2 s later.
            "REPLY_LEASE_SECONDS": "2",
            **self.env,
        }
        for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKENS"):
            if name not in self.env:
                env.pop(name, None)
        out = self.log.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=self.workdir, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out,
        )  # fmt: skip
        out.close()
        async with aiohttp.ClientSession() as http:
            for _ in range(300):  # 30 s
                assert self.proc.returncode is None, self.log.read_text()[-3000:]
                try:
                    async with http.get(self.base + "/healthz") as r:
                        if r.status == 200 and await ready():
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("cdsbot run did not start:\n" + self.log.read_text()[-3000:])

    async def kill(self, sig: int = signal.SIGKILL) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), 60)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            await self.kill(signal.SIGKILL)


async def post(url: str, body: dict, headers: dict[str, str]) -> int:
    """One webhook call as the platform makes it; 0 when the connection failed."""
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json=body, headers=headers, timeout=aiohttp.ClientTimeout(30)) as r,
        ):
            await r.read()
            return r.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


async def until(check, seconds: float = 30.0) -> bool:  # noqa: ANN001 - () -> bool
    for _ in range(int(seconds / 0.1)):
        if check():
            return True
        await asyncio.sleep(0.1)
    return check()
