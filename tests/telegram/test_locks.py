"""Turns in one chat run one after another, in arrival order; other chats are not held up."""

from __future__ import annotations

import asyncio

from bot.channels.locks import ChatLocks


async def test_turns_in_one_chat_keep_their_order_and_locks_are_dropped():
    locks, order = ChatLocks(), []

    async def turn(chat: str, n: int, pause: float) -> None:
        async with locks.hold(chat):
            await asyncio.sleep(pause)
            order.append((chat, n))

    await asyncio.gather(turn("a", 1, 0.05), turn("a", 2, 0), turn("a", 3, 0), turn("b", 1, 0))
    assert [n for c, n in order if c == "a"] == [1, 2, 3]
    assert order[0] == ("b", 1)
    assert locks._locks == {}
