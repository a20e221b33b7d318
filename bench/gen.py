"""Generate a benchmark dataset into DATABASE URL (migrated first).

    .venv/bin/python bench/gen.py sqlite+aiosqlite:///bench/province.sqlite3 \
        --communes 100 --villages-per 10 --households-per 500
Same as `cdsbot bench gen …` but with the URL on the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.benchgen import Plan, generate  # noqa: E402
from bot.db import make_engine  # noqa: E402
from models.migrate import upgrade  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--communes", type=int, default=1)
    parser.add_argument("--villages-per", type=int, default=10)
    parser.add_argument("--households-per", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    engine = make_engine(args.url)
    await upgrade(engine)
    plan = Plan(args.communes, args.villages_per, args.households_per, days=args.days)
    print(await generate(engine, plan))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
