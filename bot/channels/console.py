"""The console channel: a real chat over the same core, in a terminal or from a script."""

from __future__ import annotations

import asyncio
import uuid
from typing import TextIO

from bot.channels.base import numbered
from bot.pipeline import Pipeline
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Reply
from locales import translator
from models.base import utcnow

CAPS = Capabilities(buttons=False, max_text=100_000, location=False, documents=True)


class ConsoleChat:
    def __init__(self, pipeline: Pipeline, user_id: str, name: str | None = None) -> None:
        self.pipeline = pipeline
        self.user_id = user_id
        self.name = name

    async def say(self, text: str) -> list[Reply]:
        incoming = Incoming(
            channel="console",
            user_id=self.user_id,
            chat_id=self.user_id,
            message_id=uuid.uuid4().hex,
            sent_at=utcnow(),
            text=text,
            display_name=self.name,
        )
        return await self.pipeline.process(incoming, CAPS)

    async def run(self, stdin: TextIO, stdout: TextIO) -> None:
        interactive = stdin.isatty()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if not interactive:
                stdout.write(f"> {line}\n")
            for reply in await self.say(line):
                stdout.write(render(reply) + "\n")
            stdout.flush()


def render(reply: Reply) -> str:
    t = translator(reply.lang)
    parts = [numbered(reply, t)] if (reply.text or reply.choices) else []
    if reply.image is not None:
        if reply.image.caption and reply.image.caption != reply.text:
            parts.append(reply.image.caption)
        parts.append(t._("[image: {path}]", path=reply.image.path))
    if reply.document is not None:
        parts.append(t._("[file: {path}]", path=reply.document.path))
    return "\n".join(parts)
