"""The local spool: messages that arrived while the database was unreachable.

A message the pipeline could neither handle nor record as failed is appended (one JSON line,
fsync'ed) to DATA_DIR/spool/inbound.jsonl before the platform hears anything. When the
database answers again, `drain` moves each line into the database as a failed message and
replays it (replies go out through the outbox), so nothing typed is lost and nothing is
handled twice: the database's dedupe key decides, the spool only carries the message there.

Several workers may share DATA_DIR: a writer holds an exclusive lock on the file while it
appends, and a drainer renames the file away and takes the same lock before reading it, so a
line is either in the renamed file it reads or in the next file.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.core.messages import Incoming
from locales import Translator
from models.base import utcnow
from models.inbound import failed_id, keep_failed

log = logging.getLogger(__name__)

CURRENT = "inbound.jsonl"
DRAINING = "draining-"


def payload_of(incoming: Incoming) -> dict[str, Any]:
    """The JSON form of a message, as failed and pending rows keep it (see bot/replay.py)."""
    payload = asdict(incoming)
    payload["sent_at"] = incoming.sent_at.isoformat()
    return payload


def saved_for_later(t: Translator) -> str:
    return t._(
        "Your message has been received, but it cannot be handled right now. It will be "
        "handled automatically as soon as the system is back: no need to send it again."
    )


class Spool:
    def __init__(self, directory: Path) -> None:
        self.dir = directory

    @property
    def path(self) -> Path:
        return self.dir / CURRENT

    async def keep(self, incoming: Incoming) -> None:
        """Append one message durably; raises OSError when the disk cannot take it."""
        line = json.dumps(payload_of(incoming), ensure_ascii=False) + "\n"
        await asyncio.to_thread(self._append, line.encode())
        log.warning("message %s/%s kept in the local spool", incoming.channel, incoming.key)

    def _append(self, data: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        for _ in range(10):  # a drainer renamed the file under us: write to the new one
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
                except FileNotFoundError:
                    same = False
                if not same:
                    continue
                os.write(fd, data)
                os.fsync(fd)
                return
            finally:
                os.close(fd)  # also releases the lock
        raise OSError("spool file kept moving")

    def waiting(self) -> bool:
        return self.path.exists() or any(self.dir.glob(DRAINING + "*"))

    async def drain(self, engine: AsyncEngine, replay) -> int:  # noqa: ANN001 - see background
        """Move every spooled message into the database and replay it; the number moved.
        Raises when the database is still unreachable (the files stay for the next try)."""
        if not self.dir.exists():
            return 0
        with contextlib.suppress(FileNotFoundError):
            os.rename(self.path, self.dir / f"{DRAINING}{uuid.uuid4().hex}.jsonl")
        moved = 0
        for path in sorted(self.dir.glob(DRAINING + "*")):
            fd = await asyncio.to_thread(_lock, path)
            if fd is None:
                continue  # another worker drains this one
            try:
                lines = path.read_bytes().splitlines()
                ids = await self._to_database(engine, lines)
                log.info("spool: %d message(s) moved to the database, replaying", len(lines))
                # Replayed before the file goes: a crash in between repeats the move, which
                # finds the rows already handled (the dedupe key) and replays nothing twice.
                if ids:
                    await replay(ids)
                path.unlink()
                moved += len(lines)
            finally:
                os.close(fd)
        return moved

    async def _to_database(self, engine: AsyncEngine, lines: list[bytes]) -> list[int]:
        ids: list[int] = []
        async with engine.begin() as conn:
            for raw in lines:
                try:
                    payload = json.loads(raw)
                    channel, key = payload["channel"], _key(payload)
                except (ValueError, KeyError, TypeError):
                    log.error("spool: an unreadable line was skipped")
                    continue
                await keep_failed(conn, channel=channel, key=key, payload=payload, now=utcnow())
                found = await failed_id(conn, channel=channel, key=key)
                if found is not None and found not in ids:
                    ids.append(found)
        return ids


def _key(payload: dict[str, Any]) -> str:
    bot, message_id = payload.get("bot") or "", str(payload["message_id"])
    return f"{bot}:{message_id}" if bot else message_id


def _lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        # A writer that opened it before the rename may still be appending: wait for it,
        # unless a drainer holds it (then it is theirs).
        os.close(fd)
        return None
    if not path.exists():
        os.close(fd)
        return None
    return fd
