"""Name search in a village of 1.500 households: the old difflib scoring against the stored
folded names + rapidfuzz, the scoring alone and the whole search on a SQLite file.

    .venv/bin/python bench/name_search.py [-n 200] [--households 1500]
Prints the median and p99 per query in milliseconds. "before" is the previous code, kept here
verbatim (difflib twice per household, every household read as a full row).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import make_engine, make_sessionmaker  # noqa: E402
from models.communes import Commune, Village  # noqa: E402
from models.household import Household  # noqa: E402
from models.household_search import _in_village, rank_by_name, search_households  # noqa: E402
from models.keys import fold  # noqa: E402
from models.migrate import upgrade  # noqa: E402

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hai",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Một",
    "Ba",
    "Bốn",
    "Năm",
    "Sáu",
]


def old_score(typed: str, name: str) -> float:
    typed, name = fold(typed), fold(name)
    if typed == name:
        return 1.0
    if typed and (f" {typed} " in f" {name} "):
        return 0.95
    whole = SequenceMatcher(None, typed, name).ratio()
    given = SequenceMatcher(None, typed.rsplit(" ", 1)[-1], name.rsplit(" ", 1)[-1]).ratio()
    return min(whole, given + 0.2)


def old_by_name(rows, typed: str):
    scored = [(old_score(typed, r.head_name), r) for r in rows]
    scored = [(s, r) for s, r in scored if s >= 0.8]
    scored.sort(key=lambda item: -item[0])
    return [r for _, r in scored[:5]]


def names(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(n)]


def typed_queries(rng: random.Random, population: list[str], n: int) -> list[str]:
    out = []
    for _ in range(n):
        name = fold(rng.choice(population))
        if rng.random() < 0.3:  # a typo
            i = rng.randrange(len(name))
            name = name[:i] + rng.choice("aeiouy") + name[i + 1 :]
        out.append(name)
    return out


def timed(fn, queries) -> list[float]:
    out = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


async def atimed(fn, queries) -> list[float]:
    out = []
    for q in queries:
        start = time.perf_counter()
        await fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:<44} median {statistics.median(ms):8.3f} ms   p99 {p99:8.3f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--households", type=int, default=1500)
    args = parser.parse_args()
    rng = random.Random(20)
    population = names(rng, args.households)
    queries = typed_queries(rng, population, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")
        await upgrade(engine)
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            commune = Commune(name="Bench", name_key="bench")
            session.add(commune)
            await session.flush()
            village = Village(commune_id=commune.id, name="Thôn 1", name_key="thon 1")
            session.add(village)
            await session.flush()
            session.add_all(
                Household(
                    commune_id=commune.id, village_id=village.id, head_name=n, name_key=fold(n)
                )
                for n in population
            )
        async with sessionmaker() as session:
            rows = await _in_village(session, village.id)
            keys = [fold(r.head_name) for r in rows]
            print(f"{args.households} households, {args.n} queries (30 % with a typo)")
            show(
                "scoring only, before (difflib ×2 per row)",
                timed(lambda q: old_by_name(rows, q), queries),
            )
            show(
                "scoring only, after (rapidfuzz, folded)",
                timed(lambda q: rank_by_name(q, keys), queries),
            )

            async def before(q):
                return old_by_name(await _in_village(session, village.id), q)

            async def after(q):
                return await search_households(
                    session, commune_id=commune.id, village_id=village.id, text=q
                )

            show("whole search on SQLite, before", await atimed(before, queries))
            show("whole search on SQLite, after", await atimed(after, queries))
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
