"""A realistic synthetic dataset for benchmarks (`cdsbot bench gen`, bench/*.py, tests):
communes, villages, members, households, targets, visits and conversions, bulk-loaded through
the raw driver (sqlite3 executemany or asyncpg COPY) because the ORM would take many minutes for
millions of rows.

The database must be migrated; ids continue after the current maximum, so it can be run twice.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from locales import N_
from models.indicators import COUNTED_UNITS
from models.seed import ensure_catalogue

Progress = Callable[[str], AbstractContextManager[Any]]
BUILD = N_("Building synthetic rows")
LOAD = N_("Loading rows")
PERSON_FACTOR = 3  # people per household for person-unit populations


@dataclass(frozen=True)
class Plan:
    communes: int = 1
    villages_per: int = 10
    households_per: int = 500
    members_per: int = 8
    days: int = 90
    conversions_per: float = 4.0  # per household, over 9 indicators (unique per indicator)
    visits_per: float = 2.0
    seed: int = 1


class Ids:
    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]


def _spread(rng: random.Random, mean: float, cap: int) -> int:
    return min(cap, int(rng.uniform(0, 2 * mean) + 0.5))


def build(
    plan: Plan,
    indicators: list[tuple[int, str]],
    start: dict[str, int],
    now: datetime,
    on_commune: Callable[[], None] = lambda: None,
):
    """All rows as {table: (columns, [tuples])}; datetimes are naive UTC."""
    rng = random.Random(plan.seed)
    ids = Ids(start)
    today = now.date()
    since = now - timedelta(days=plan.days)
    span = int((now - since).total_seconds())
    naive_now = now.replace(tzinfo=None)
    out: dict[str, list[tuple]] = {
        t: [] for t in ("commune", "village", "member", "household", "target", "visit")
    }
    out["conversion"] = []
    for c in range(plan.communes):
        commune_id = ids.take("commune")
        name = f"Xã Thử {commune_id}"
        out["commune"].append(
            (commune_id, name, name.lower(), "Asia/Ho_Chi_Minh", "{}", naive_now)
        )
        totals: dict[int, list[int]] = {i: [0, 0] for i, _ in indicators}
        for v in range(plan.villages_per):
            village_id = ids.take("village")
            vname = f"Thôn {v + 1}"
            out["village"].append((village_id, commune_id, vname, f"thon {v + 1}", naive_now))
            members = []
            for m in range(plan.members_per):
                member_id = ids.take("member")
                members.append(member_id)
                role = "leader" if m == 0 else "volunteer"
                out["member"].append(
                    (member_id, commune_id, village_id, f"Thành viên {member_id}", role, naive_now)
                )
            for h in range(plan.households_per):
                household_id = ids.take("household")
                out["household"].append(
                    (
                        household_id,
                        commune_id,
                        village_id,
                        f"Hộ {household_id}",
                        f"ho {household_id}",
                        str(h + 1),
                        f"PA{c % 90 + 10:02d}{household_id:09d}",
                        naive_now,
                    )
                )
                for _ in range(_spread(rng, plan.visits_per, 8)):
                    at = since + timedelta(seconds=rng.randrange(span))
                    out["visit"].append(
                        (
                            ids.take("visit"),
                            rng.choice(members),
                            household_id,
                            village_id,
                            commune_id,
                            at.replace(tzinfo=None),
                            "met",
                            naive_now,
                        )
                    )
                k = _spread(rng, plan.conversions_per, len(indicators))
                for indicator_id, unit in rng.sample(indicators, k):
                    at = since + timedelta(seconds=rng.randrange(span))
                    people = rng.randint(1, 4) if unit in COUNTED_UNITS else 1
                    out["conversion"].append(
                        (
                            ids.take("conversion"),
                            household_id,
                            indicator_id,
                            people,
                            rng.choice(members),
                            village_id,
                            commune_id,
                            at.replace(tzinfo=None),
                            naive_now,
                        )
                    )
            for indicator_id, unit in indicators:
                population = plan.households_per * (PERSON_FACTOR if unit in COUNTED_UNITS else 1)
                baseline = int(population * rng.uniform(0.1, 0.3))
                totals[indicator_id][0] += population
                totals[indicator_id][1] += baseline
                out["target"].append(
                    _target(
                        ids,
                        commune_id,
                        village_id,
                        indicator_id,
                        population,
                        baseline,
                        today,
                        plan,
                    )
                )
        for indicator_id, (population, baseline) in totals.items():
            out["target"].append(
                _target(ids, commune_id, None, indicator_id, population, baseline, today, plan)
            )
        on_commune()
    return out


def _target(ids, commune_id, village_id, indicator_id, population, baseline, today, plan):  # noqa: PLR0917
    return (
        ids.take("target"),
        commune_id,
        village_id,
        indicator_id,
        population,
        baseline,
        today - timedelta(days=plan.days),
        70.0,
        today + timedelta(days=92),
        datetime.now(UTC).replace(tzinfo=None),
    )


COLUMNS = {
    "commune": ("id", "name", "name_key", "timezone", "settings", "created_at"),
    "village": ("id", "commune_id", "name", "name_key", "created_at"),
    "member": ("id", "commune_id", "village_id", "name", "role", "created_at"),
    "household": (
        "id",
        "commune_id",
        "village_id",
        "head_name",
        "name_key",
        "house_number",
        "customer_code",
        "created_at",
    ),
    "target": (
        "id",
        "commune_id",
        "village_id",
        "indicator_id",
        "population",
        "baseline",
        "baseline_date",
        "target_percent",
        "deadline",
        "created_at",
    ),
    "visit": (
        "id",
        "member_id",
        "household_id",
        "village_id",
        "commune_id",
        "at",
        "outcome",
        "created_at",
    ),
    "conversion": (
        "id",
        "household_id",
        "indicator_id",
        "people",
        "member_id",
        "village_id",
        "commune_id",
        "at",
        "created_at",
    ),
}
# Defaults the raw loader must fill because server defaults are not declared in the schema.
DEFAULTS = {
    "member": {"locale": "vi", "active": True, "reminders": True, "phone": None},
    "household": {"is_business": False},
    "visit": {"revisit_done": False},
    "conversion": {"seq": 0},
}


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def generate(
    engine: AsyncEngine,
    plan: Plan,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> dict:
    """Create the dataset; returns row counts and seconds spent building and loading.

    `progress(label)` opens the progress display of each step (communes built, rows loaded)."""
    step = progress or (lambda _label: contextlib.nullcontext())
    now = now or datetime.now(UTC)
    started = time.perf_counter()
    async with engine.begin() as conn:
        start = {}
        for table in COLUMNS:
            start[table] = (await conn.scalar(text(f"SELECT max(id) FROM {table}"))) or 0
    from sqlalchemy.ext.asyncio import async_sessionmaker

    async with async_sessionmaker(engine)() as session, session.begin():
        codes = await ensure_catalogue(session)
        units = dict((await session.execute(text("SELECT id, unit FROM indicator"))).all())
    indicators = [(i, units[i]) for i in codes.values()]
    with step(BUILD) as work:
        if work is not None:
            work.reset(plan.communes)
        rows = build(plan, indicators, start, now, work.advance if work else lambda: None)
    built = time.perf_counter()
    with step(LOAD) as work:
        if work is not None:
            work.reset(sum(len(r) for r in rows.values()))
        loaded = work.advance if work else lambda _n: None
        if engine.dialect.name == "sqlite":
            _load_sqlite(make_url(str(engine.url)).database, rows, loaded)
        else:
            await _load_pg(engine, rows, loaded)
    return {
        "rows": {t: len(r) for t, r in rows.items()},
        "build_s": round(built - started, 1),
        "load_s": round(time.perf_counter() - built, 1),
    }


def _with_defaults(table: str, rows: list[tuple]) -> tuple[tuple[str, ...], list[tuple]]:
    extra = DEFAULTS.get(table, {})
    cols = COLUMNS[table] + tuple(extra)
    tail = tuple(extra.values())
    return cols, [r + tail for r in rows] if tail else rows


BIG = ("household", "visit", "conversion")
CHUNK = 50_000  # rows per executemany/COPY: progress between them, no measurable cost


def _chunks(data: list[tuple]):
    for i in range(0, len(data), CHUNK):
        yield data[i : i + CHUNK]


def _load_sqlite(path: str, rows: dict[str, list[tuple]], loaded: Callable[[int], None]) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    # Building the secondary indexes once after the load is several times faster than
    # maintaining them row by row.
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN {BIG}"
    ).fetchall()
    with db:
        for name, _sql in indexes:
            db.execute(f'DROP INDEX "{name}"')
        for table, given in rows.items():
            cols, data = _with_defaults(table, given)
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for chunk in _chunks(data):
                db.executemany(sql, ([_sqlite_value(v) for v in r] for r in chunk))
                loaded(len(chunk))
        for _name, sql in indexes:
            db.execute(sql)
    db.execute("ANALYZE")
    db.close()


async def _load_pg(
    engine: AsyncEngine, rows: dict[str, list[tuple]], loaded: Callable[[int], None]
) -> None:
    async with engine.begin() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        # Plain indexes are rebuilt after the load; those behind constraints stay.
        indexes = await driver.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY($1::text[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conname = indexname)",
            list(BIG),
        )
        for index in indexes:
            await driver.execute(f'DROP INDEX "{index["indexname"]}"')
        for table, given in rows.items():
            cols, data = _with_defaults(table, given)
            for chunk in _chunks(data):
                await driver.copy_records_to_table(table, records=chunk, columns=list(cols))
                loaded(len(chunk))
            await driver.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        for index in indexes:
            await driver.execute(index["indexdef"])
    # VACUUM cannot run in a transaction; it also sets the visibility map for index-only scans.
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute("VACUUM ANALYZE")
