"""One turn at a time per chat, on every channel, so a chat's messages keep their order."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager


class ChatLocks:
    """One turn at a time per chat, so concurrent webhook calls keep a chat's order."""

    def __init__(self) -> None:
        # chat → (lock, how many turns hold or wait for it); dropped when nobody does.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: str):
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)
