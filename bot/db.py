"""The async engine and session factory; SQLite gets WAL and a busy wait that never blocks
the event loop.

Every engine hides SQL parameters from its exceptions and scrubs what the driver adds to them:
a failed INSERT would otherwise carry names, phones and message text into logs and tracebacks.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
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
        # SQLite's own busy wait would block the event loop: statements run on it
        # (`_InlineCursor`), so a locked database is waited for by `_patiently` instead.
        connect_args = {"timeout": 0, "async_creator_fn": _inline_connect}
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=0")
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


BUSY_TIMEOUT = 30.0  # seconds a statement waits for another process's write lock
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY_RECOVERY}


async def _patiently(run: Any) -> Any:
    """`run()` until SQLite stops answering "database is locked" (another process writes), for
    up to BUSY_TIMEOUT, sleeping on the event loop between tries as SQLite's busy handler
    would sleep in place. A locked statement did nothing, so trying it again is safe;
    SQLITE_BUSY_SNAPSHOT (a read transaction that can no longer write) is not retried."""
    pause, deadline = 0.001, None
    while True:
        try:
            return await run()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _BUSY:
                raise
            now = time.monotonic()
            deadline = deadline or now + BUSY_TIMEOUT
            if now >= deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(2 * pause, 0.05)


class _InlineCursor:
    """aiosqlite's cursor as SQLAlchemy's adapter uses it, with each statement run right here
    on the event loop instead of on the connection's thread (issue 18, docs/benchmarks.md).

    A trip to aiosqlite's thread is a queue put, a thread wake-up, a hand-over of the GIL and
    a callback on the loop — four per statement in SQLAlchemy's adapter — for a statement
    SQLite itself runs in microseconds on a local file. Nothing else uses the connection
    meanwhile: SQLAlchemy awaits each call, and the engine has one connection. What could
    block the loop is waiting for another process's lock; that wait is `_patiently`'s. Commit,
    rollback and close stay on the thread (a commit may checkpoint the WAL: an fsync)."""

    arraysize = 1

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._rows: deque = deque()
        self.description = None
        self.rowcount = -1
        self.lastrowid = None

    async def execute(self, sql: str, parameters: Any = ()) -> _InlineCursor:
        return await self._execute(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Any) -> _InlineCursor:
        return await self._execute(sql, parameters, many=True)

    async def _execute(self, sql: str, parameters: Any, *, many: bool) -> _InlineCursor:
        conn = self._conn._conn

        async def run() -> tuple:
            return _run(conn, sql, parameters, many=many)

        self.description, self.rowcount, self.lastrowid, rows = await _patiently(run)
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
    """The statement, its rows, and the cursor closed."""
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


class _InlineConnection(aiosqlite.Connection):
    @aiosqlite_context.contextmanager
    async def cursor(self) -> _InlineCursor:
        return _InlineCursor(self)

    async def commit(self) -> None:
        await _patiently(super().commit)


def _inline_connect(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """aiosqlite.connect, with the inline cursor (SQLAlchemy's `async_creator_fn`). The
    connection is made on aiosqlite's thread and used from the loop's too, one call at a time
    (SQLite is built serialized: `sqlite3.threadsafety == 3`)."""
    conn = _InlineConnection(
        partial(sqlite3.connect, database, **{**kwargs, "check_same_thread": False}), 64
    )
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
