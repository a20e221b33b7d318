"""CPU per turn of `Pipeline.process` alone — no HTTP, no Bot API — for comparing checkouts.

    .venv/bin/python -m bench.turns [--pg URL] [--no-sqlite] [-n 400] [--rounds 3]
        [--kinds visit /trogiup …] --code before=DIR after=.

The webhook benchmark's CPU per update moves with the machine's load (a starved worker handles
fewer updates per wake-up); one process doing turns back to back, one at a time, is steadier.
Each checkout runs in its own interpreter (PYTHONPATH = that checkout), the checkouts
alternate (each round starting with the next), `--rounds` times, on the same database (the
median, with the rounds' range in brackets): the throughput benchmark's generated commune and
Telegram accounts. The turns, round robin over the members: /trogiup (the cheapest member
turn: bookkeeping and a text), /cuatoi, /tiendo, a bad input, /start from someone who never
joined, and "visit": a whole visit as the throughput benchmark's members log it (`/ghinhan
<code>` and 8 answers to "Lưu", 9 turns; the column is CPU per turn, and nine of every ten
updates of the benchmark's mix are such turns). CPU = the process's user + system time over
the timed turns.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("/trogiup", "/cuatoi", "/tiendo", "???", "stranger", "visit")


async def measure(url: str, n: int, kinds: tuple[str, ...] = KINDS) -> dict[str, float]:
    """In the child: ms of CPU per turn, per kind (after a warm-up of every kind)."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from bench.loadgen import VISIT_PRESSES
    from bench.throughput import load_users
    from bot.channels.telegram.adapter import CAPS as TELEGRAM
    from bot.db import make_engine, make_sessionmaker
    from bot.pipeline import Pipeline
    from handlers.core.context import Capabilities
    from handlers.core.messages import Incoming
    from models.keys import fold

    engine = make_engine(url)
    async with engine.connect() as conn:
        users = [row[0] for row in await conn.execute(text(
            "SELECT user_id FROM channel_account WHERE channel = 'telegram' ORDER BY user_id"
        ))]  # fmt: skip
    households = {str(u.user_id): u.households for u in await load_users(url)}
    pipeline = Pipeline(make_sessionmaker(engine))
    caps = Capabilities(buttons=True, max_text=4096)
    run = uuid.uuid4().hex[:8]
    turns = itertools.count()

    async def visit(i: int) -> int:
        """One visit as the load generator logs it; the number of turns it took."""
        user = users[i % len(users)]
        found = households.get(user)
        if not found:
            return 0

        def say(text: str | None = None, choice: str | None = None) -> Incoming:
            return Incoming("telegram", user, user, f"{run}-v{next(turns)}", datetime.now(UTC),
                            text=text, choice=choice)  # fmt: skip

        replies = await pipeline.process(say(f"/ghinhan {found[i % len(found)]}"), TELEGRAM)
        for label in VISIT_PRESSES:
            asking = [r for r in replies if r.choices or r.ask_location][-1]
            if asking.ask_location:  # the location question: its reply keyboard sends text
                replies = await pipeline.process(say("Bỏ qua"), TELEGRAM)
                continue
            index = next(n for n, c in enumerate(asking.choices) if label in fold(c.label))
            replies = await pipeline.process(say(choice=f"{asking.version}:{index}"), TELEGRAM)
        if "Đã lưu" not in replies[-1].text:
            raise SystemExit(f"a visit did not save: {replies[-1].text[:80]}")
        return 1 + len(VISIT_PRESSES)

    def incoming(i: int, kind: str) -> Incoming:
        user = f"s-{run}-{i}" if kind == "stranger" else users[i % len(users)]
        words = "/start" if kind == "stranger" else kind
        return Incoming("telegram", user, user, f"{run}-{kind}-{i}", datetime.now(UTC),
                        text=words)  # fmt: skip

    out = {}
    for kind in kinds:
        if kind == "visit":
            for i in range(3):
                await visit(len(users) - 1 - i)
            cpu, done = time.process_time(), 0
            for i in range(max(1, n // 9)):
                done += await visit(i)
            out[kind] = 1000 * (time.process_time() - cpu) / max(done, 1)
            continue
        for i in range(20):
            await pipeline.process(incoming(-1 - i, kind), caps)
        cpu = time.process_time()
        for i in range(n):
            await pipeline.process(incoming(i, kind), caps)
        out[kind] = 1000 * (time.process_time() - cpu) / n
    await engine.dispose()
    return out


def child(code: Path, url: str, n: int, kinds: list[str]) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code), "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", url, "-n", str(n),
           "--kinds", *kinds]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=code)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("-n", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", nargs="+", default=["=."])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--child")
    args = parser.parse_args(argv)
    if args.child:
        import uvloop

        print(json.dumps(uvloop.run(measure(args.child, args.n, tuple(args.kinds)))))
        return

    from bench.throughput import _code, prepare

    codes = [_code(spec) for spec in args.code]
    sqlite = Path(tempfile.mkdtemp(prefix="cdsbot-turns-")) / "turns.sqlite3"
    urls = (
        {} if args.no_sqlite else {"SQLite": asyncio.run(prepare(f"sqlite+aiosqlite:///{sqlite}"))}
    )
    if args.pg:
        urls["PostgreSQL"] = asyncio.run(prepare(args.pg))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    results: dict[tuple[str, str], list[dict]] = {}
    for r in range(args.rounds):
        for db, url in urls.items():
            # Each round starts with another checkout: the database grows as they run (visits,
            # conversions), and a fixed order would always give the last the largest.
            for label, code in codes[r % len(codes) :] + codes[: r % len(codes)]:
                results.setdefault((db, label), []).append(child(code, url, args.n, args.kinds))
                print(f"  round {r + 1} {db} {label} done, load "
                      f"{os.getloadavg()[0]:.1f}", file=sys.stderr)  # fmt: skip
    print("| database | code | " + " | ".join(args.kinds) + " |")
    print("|---|---|" + "---|" * len(args.kinds))
    for (db, label), runs in results.items():
        cells = [
            f"{statistics.median(r[k] for r in runs):.2f} "
            f"({min(r[k] for r in runs):.2f}–{max(r[k] for r in runs):.2f})"
            for k in args.kinds
        ]
        print(f"| {db} | {label or '.'} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
