"""The async engine and session factory; SQLite gets WAL and a busy timeout.

Every engine hides SQL parameters from its exceptions and scrubs what the driver adds to them:
a failed INSERT would otherwise carry names, phones and message text into logs and tracebacks.
"""

from __future__ import annotations

import re
import sqlite3
from collections import deque
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite import context as aiosqlite_context
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.metrics import TimedPool

# asyncpg: "invalid input for query argument $2: 'Nguyễn Thị Lan' (…)" and, from PostgreSQL,
# "DETAIL:  Failing row contains (…)" / "Key (phone)=(0912…) already exists".
_ARGUMENT = re.compile(r"(invalid input for query argument \$\d+[^:]*):.*", re.DOTALL)
_DETAIL = re.compile(r"\n?DETAIL:.*", re.DOTALL)


def make_engine(url: str, **kwargs) -> AsyncEngine:
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    # The usual pool, timed: waits for a free connection show in /metrics.
    kwargs.setdefault("poolclass", TimedPool)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection, handed out in turn: SQLite writes one transaction at a time anyway,
        # and queueing in the pool is fair where SQLite's busy-wait retries are not (p99 of
        # seconds under load with several connections; docs/benchmarks.md).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        connect_args = {"timeout": 30, "async_creator_fn": _one_hop_connect}
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        if parsed.database and parsed.database != ":memory:":
            watch_file(engine, Path(parsed.database))

    else:
        # No pool_pre_ping: with asyncpg it is BEGIN, a query and ROLLBACK, three round trips
        # on every checkout (5–12 % of a busy worker; docs/benchmarks.md, issue 18). A
        # connection the server closed (a restart, pg_terminate_backend) is seen at checkout
        # without a round trip (`_closed_by_server`), and one that dies under a turn's first
        # statement makes the pipeline run the turn again on a new one (bot/pipeline.py).
        engine = create_async_engine(url, pool_size=10, max_overflow=10, **kwargs)
        event.listen(engine.sync_engine, "checkout", _closed_by_server)
    event.listen(engine.sync_engine, "handle_error", scrub_error)
    return engine


class _OneHopCursor:
    """aiosqlite's cursor as SQLAlchemy's adapter uses it, one trip to the connection's thread
    per statement instead of four (cursor, execute, fetchall, close: each a queue put, a
    thread wake-up and a callback on the event loop; issue 18, docs/benchmarks.md). The rows
    are fetched on the thread with the statement; fetch* then hand them out."""

    arraysize = 1

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._rows: deque = deque()
        self.description = None
        self.rowcount = -1
        self.lastrowid = None

    async def execute(self, sql: str, parameters: Any = ()) -> _OneHopCursor:
        done = await self._conn._execute(_run, self._conn._conn, sql, parameters, many=False)
        self.description, self.rowcount, self.lastrowid, rows = done
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Any) -> _OneHopCursor:
        done = await self._conn._execute(_run, self._conn._conn, sql, parameters, many=True)
        self.description, self.rowcount, self.lastrowid, rows = done
        self._rows = deque(rows)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list:
        rows = self._rows
        return [rows.popleft() for _ in range(min(size or self.arraysize, len(rows)))]

    async def fetchall(self) -> list:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        self._rows = deque()


def _run(conn: sqlite3.Connection, sql: str, parameters: Any, *, many: bool) -> tuple:
    """On the connection's thread: the statement, its rows, and the cursor closed."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _OneHopConnection(aiosqlite.Connection):
    @aiosqlite_context.contextmanager
    async def cursor(self) -> _OneHopCursor:  # no trip to the thread: made there per statement
        return _OneHopCursor(self)


def _one_hop_connect(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """aiosqlite.connect, with the one-hop cursor (SQLAlchemy's `async_creator_fn`)."""
    conn = _OneHopConnection(partial(sqlite3.connect, database, **kwargs), 64)
    conn._thread.daemon = True  # as SQLAlchemy's own connect does
    return conn


def _closed_by_server(dbapi_conn, _record, _proxy) -> None:  # noqa: ANN001
    """The pool hands out no connection whose socket the server has closed: asyncpg reads the
    server's goodbye (and the end of the stream) as soon as it arrives, even while idle."""
    if dbapi_conn.driver_connection.is_closed():
        raise DisconnectionError("the server closed the connection")


def watch_file(engine: AsyncEngine, path: Path) -> None:
    """An open SQLite connection keeps writing to its file even after the file was moved,
    deleted or replaced (a restore), and every write then goes nowhere. So each checkout
    checks that the path still names the file the connection opened; if not, the connection
    is dropped, and a missing file is an error (the pipeline spools the message), not a new
    empty database."""
    opened: dict[str, int] = {}

    def inode() -> int | None:
        try:
            return path.stat().st_ino
        except FileNotFoundError:
            return None

    @event.listens_for(engine.sync_engine, "do_connect")
    def _no_new_file(dialect, _record, _cargs, _cparams):  # noqa: ANN001, ANN202
        if opened and inode() is None:
            raise dialect.loaded_dbapi.OperationalError("database file is missing")
        # connect as usual

    @event.listens_for(engine.sync_engine, "connect")
    def _remember(_dbapi_conn, record) -> None:  # noqa: ANN001
        record.info["inode"] = opened["inode"] = inode() or 0

    @event.listens_for(engine.sync_engine, "checkout")
    def _same_file(_dbapi_conn, record, _proxy) -> None:  # noqa: ANN001
        if record.info.get("inode") != inode():
            raise DisconnectionError("the database file was moved or replaced")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def scrub_error(ctx: ExceptionContext) -> None:
    """Remove row values from the exception and every exception chained to it, in place."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [ctx.sqlalchemy_exception, ctx.original_exception]
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        scrub(exc)
        pending += [exc.__cause__, exc.__context__, getattr(exc, "orig", None)]


def scrub(exc: BaseException) -> None:
    try:
        if getattr(exc, "detail", None) and not isinstance(exc.detail, list):
            exc.detail = None  # asyncpg (and SQLAlchemy's asyncpg adapter) print it with str()
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (scrub_text(exc.args[0]), *exc.args[1:])
    except (AttributeError, TypeError):  # an immutable exception type: leave it
        pass


def scrub_text(message: str) -> str:
    message = _ARGUMENT.sub(r"\1 (value hidden)", message)
    return _DETAIL.sub("", message)
