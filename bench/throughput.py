"""Webhook throughput of real `cdsbot run` workers against a bare aiogram echo bot.

    .venv/bin/python -m bench.throughput [--pg URL] [--workers 1 4] [--seconds 20]
For each target: a fresh generated commune (1 commune, 10 villages, 8 members each, members'
Telegram accounts inserted directly), N `cdsbot run` processes on one port (reuse_port) in
webhook mode, replies to the in-process fake Bot API (`bench/loadgen.py`). Measures the peak
(closed loop, --concurrency members) then p50/p99 at 80 % of that peak (open loop, fixed rate),
and every worker's RSS (max over the run, sampled every 0,25 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.gen import Plan, generate  # noqa: E402
from bench.loadgen import SECRET, LeanFake, Load, User  # noqa: E402
from bot.db import make_engine  # noqa: E402
from models.migrate import upgrade  # noqa: E402

BENCH_DB = "cdsbot_bench_tp"
USER_BASE = 5_000_000
PLAN = Plan(communes=1, villages_per=10, households_per=200, days=60)


async def prepare(url: str) -> str:
    """A fresh database with the generated commune and every member joined on Telegram."""
    if url.startswith("postgresql"):
        base = make_url(url)
        admin = make_engine(base.set(database="postgres").render_as_string(False))
        async with admin.connect() as raw:
            conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
            await conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
        await admin.dispose()
        url = base.set(database=BENCH_DB).render_as_string(False)
    engine = make_engine(url)
    await upgrade(engine)
    await generate(engine, PLAN)
    now = datetime.now(UTC).replace(tzinfo=None)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO channel_account (member_id, channel, user_id, chat_id, bot, "
                "display_name, created_at) SELECT id, 'telegram', "
                f"CAST(id + {USER_BASE} AS VARCHAR), CAST(id + {USER_BASE} AS VARCHAR), '', "
                "name, :now FROM member WHERE village_id IS NOT NULL"
            ),
            {"now": now},
        )
    await engine.dispose()
    return url


async def load_users(url: str) -> list[User]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        members = (await conn.execute(text("SELECT id, village_id FROM member"))).all()
        codes: dict[int, list[str]] = {}
        for village_id, code in await conn.execute(
            text("SELECT village_id, customer_code FROM household")
        ):
            codes.setdefault(village_id, []).append(code)
    await engine.dispose()
    users = [User(USER_BASE + m, codes[v]) for m, v in members if v in codes]
    return users


async def prepare_as(code: Path, url: str) -> str:
    """`prepare` by another checkout, so that its database has that checkout's migrations
    (a worker refuses to start on a schema newer than its code)."""
    script = "import asyncio, sys; from bench.throughput import prepare; "
    script += "print(asyncio.run(prepare(sys.argv[1])))"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, url, cwd=code, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(code), "LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"preparing the database with {code} failed")
    return out.decode().strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_workers(
    n: int,
    url: str,
    fake: LeanFake,
    port: int,
    data: str,
    *,
    tuning: str | None = None,
    code: Path = ROOT,
) -> list[psutil.Popen]:
    env = {
        **os.environ,
        # The code under test: the venv's editable install points at one checkout (maybe
        # another worktree's), so the workers import this one's (or --code's) first.
        "PYTHONPATH": str(code),
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE": fake.base,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "WEBHOOK_SECRET": SECRET,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "DATA_DIR": data,
        "LOG_LEVEL": "WARNING",
        # No catch-up of today's pushes at start (a fresh commune at 20:30 would queue its
        # whole team's digests): the scheduler and the outbox still run, as in production.
        "JOB_GRACE_HOURS": "0",
    }
    if tuning is not None:  # bot/tuning.py's levers, to measure each against the others
        env["CDSBOT_TUNING"] = tuning
    cmd = [str(ROOT / ".venv/bin/cdsbot"), "run"]
    if os.environ.get("BENCH_PROFILE"):  # a cProfile dump per worker, for finding hot spots
        cmd = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"], *cmd]
    # cwd = the data dir, so no developer .env is read.
    return [psutil.Popen(cmd, env=env, cwd=data) for _ in range(n)]


def spawn_echo(fake: LeanFake, port: int) -> list[psutil.Popen]:
    cmd = [sys.executable, str(ROOT / "bench/echo.py"), str(port), fake.base, fake.token, SECRET]
    return [psutil.Popen(cmd)]


async def wait_ready(port: int, fake: LeanFake, webhooks: int, procs: list) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(1200):  # 4 workers importing on a busy 2-core machine take a while
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200 and fake.setwebhooks >= webhooks:
                        return
            if any(p.poll() is not None for p in procs):
                break
            await asyncio.sleep(0.1)
    for proc in procs:
        proc.kill()
    raise SystemExit("workers did not start")


class RssSampler:
    def __init__(self, procs: list[psutil.Popen]) -> None:
        self.procs, self.max = procs, [0] * len(procs)
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            for i, proc in enumerate(self.procs):
                with contextlib.suppress(psutil.Error):
                    self.max[i] = max(self.max[i], proc.memory_info().rss)
            await asyncio.sleep(0.25)

    async def stop(self) -> float:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        return max(self.max) / 2**20


class CountingFake(LeanFake):
    setwebhooks = 0

    async def _m_setWebhook(self, params: dict):
        self.setwebhooks += 1
        return await super()._m_setWebhook(params)


async def run_target(
    name: str,
    url: str | None,
    workers: int,
    args: argparse.Namespace,
    tuning: str | None = None,
    *,
    code: Path = ROOT,
) -> dict:
    """One line of the table: peak, then 80 % of it open-loop, and the largest worker RSS."""
    data = tempfile.mkdtemp(prefix="cdsbot-bench-")
    fake = CountingFake()
    await fake.start()
    port = free_port()
    if url is None:  # the echo bot needs no database; the same users' update shapes
        users = [User(USER_BASE + i, ["x"]) for i in range(args.concurrency * 4)]
        procs = spawn_echo(fake, port)
        await wait_ready(port, fake, 0, procs)
    else:
        db_url = await prepare(url) if code == ROOT else await prepare_as(code, url)
        users = await load_users(db_url)
        procs = spawn_workers(workers, db_url, fake, port, data, tuning=tuning, code=code)
        await wait_ready(port, fake, workers, procs)
    log(f"{name}: ready")
    load = Load(fake, f"http://127.0.0.1:{port}/telegram", users, echo=url is None)
    rss = RssSampler(procs)
    me = psutil.Process()
    try:
        await load.closed(args.concurrency, args.warmup)
        cpu0, bot0 = sum(me.cpu_times()[:2]), bot_cpu(procs)
        peak = await load.closed(args.concurrency, args.seconds)
        gen_cpu = (sum(me.cpu_times()[:2]) - cpu0) / args.seconds
        # CPU seconds the bot's processes spent per update at peak (all workers together).
        peak["cpu_ms"] = 1000 * (bot_cpu(procs) - bot0) / max(peak["updates"], 1)
        log(f"{name}: peak done")
        steady = await load.open(0.8 * peak["rate"], args.seconds) if url else None
        log(f"{name}: 80 % done")
        if args.fixed:
            # The same offered rate for every target: CPU per update without the starvation
            # that moves the peak's figure (a saturated worker handles fewer updates per
            # wake-up of its loop), so two checkouts compare on equal terms.
            bot0 = bot_cpu(procs)
            fixed = await load.open(args.fixed, args.seconds)
            peak["fixed_cpu_ms"] = 1000 * (bot_cpu(procs) - bot0) / max(fixed["updates"], 1)
            log(f"{name}: {args.fixed:.0f} upd/s done")
    finally:
        mb = await rss.stop()
        await shut_down(procs, load, fake)
        log(f"{name}: stopped")
    return {"name": name, "peak": peak, "steady": steady, "rss_mb": mb, "gen_cpu": gen_cpu}


async def shut_down(procs: list[psutil.Popen], load: Load, fake: LeanFake) -> None:
    """Workers get SIGTERM (a clean stop, as systemd does) and 15 s; then the load and fake."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        with contextlib.suppress(psutil.TimeoutExpired):
            proc.wait(15)
    await load.close()
    await fake.close()


def bot_cpu(procs: list[psutil.Popen]) -> float:
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += sum(proc.cpu_times()[:2])
    return total


def log(line: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


Target = tuple[str, str | None, int, str | None, Path]


def targets(args: argparse.Namespace) -> list[Target]:
    """(name, database URL, workers, CDSBOT_TUNING, code); every tuning variant and every
    checkout of the code (`--code before=DIR after=.`) in the same run, after the echo bot."""
    out: list[Target] = []
    if "echo" in args.targets:
        out.append(("echo bot (aiogram, no DB)", None, 1, None, ROOT))
    codes = [_code(spec) for spec in args.code or ["=."]]
    for label, code in codes:
        for tuning in args.tuning or [None]:
            tag = f" [{tuning or 'none'}]" if tuning is not None else ""
            tag += f" [{label}]" if label else ""
            sqlite = Path(tempfile.mkdtemp(prefix="cdsbot-tp-")) / "tp.sqlite3"  # fresh
            if "sqlite" in args.targets:
                url = f"sqlite+aiosqlite:///{sqlite}"
                out.append((f"SQLite, 1 worker{tag}", url, 1, tuning, code))
            if args.pg and "pg" in args.targets:
                out += [
                    (f"PostgreSQL, {n} worker(s){tag}", args.pg, n, tuning, code)
                    for n in args.workers
                ]
    return out


def _code(spec: str) -> tuple[str, Path]:
    """ "label=DIR" → (label, the checkout's root); "." is this one."""
    label, _, where = spec.rpartition("=")
    return label, (ROOT if where in ("", ".") else Path(where).resolve())


def table(results: list[dict]) -> str:
    echo = results[0]["peak"]["rate"] if results[0]["steady"] is None else 0
    lines = [
        "| target | peak upd/s (% of echo) | p50 / p99 ms at peak | offered → done upd/s "
        "| p50 / p99 ms at 80 % | errors | max worker RSS MB | bot CPU ms/update "
        "| load generator CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        p, s = r["peak"], r["steady"]
        at80 = (
            f"{s['offered']:.0f} → {s['rate']:.0f} | {s['p50']:.0f} / {s['p99']:.0f}"
            if s
            else "— | —"
        )
        errs = (
            p["errors"] + p["failed_sessions"] + (s["errors"] + s["failed_sessions"] if s else 0)
        )
        lines.append(
            f"| {r['name']} | {p['rate']:.0f} ({100 * p['rate'] / (echo or p['rate']):.0f} %) | "
            f"{p['p50']:.0f} / {p['p99']:.0f} | {at80} | {errs} | {r['rss_mb']:.0f} | "
            f"{p['cpu_ms']:.1f} | {100 * r['gen_cpu']:.0f} % |"
            + (f" {p['fixed_cpu_ms']:.2f} |" if "fixed_cpu_ms" in p else "")
        )
    if any("fixed_cpu_ms" in r["peak"] for r in results):
        lines[0] += " bot CPU ms/update at the fixed rate |"
        lines[1] += "---|"
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--targets", nargs="+", default=["echo", "sqlite", "pg"])
    # CDSBOT_TUNING values to compare, e.g. `--tuning "" uvloop orjson gc uvloop,orjson,gc`.
    parser.add_argument("--tuning", nargs="+")
    # Checkouts to compare in one run, each as label=DIR (e.g. a worktree of main): the
    # workers import that directory's code (`before=/tmp/main after=.`).
    parser.add_argument("--code", nargs="+")
    # An extra phase at this many updates/s for every target, reporting CPU per update there.
    parser.add_argument("--fixed", type=float)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> list[dict]:
    results = []
    for name, url, workers, tuning, code in targets(args):
        started = time.perf_counter()
        results.append(await run_target(name, url, workers, args, tuning, code=code))
        log(f"{name}: {time.perf_counter() - started:.0f} s")
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs", file=sys.stderr)
    print(table(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
