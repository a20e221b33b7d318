"""What every channel shares: the Channel protocol, numbered choices, text splitting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiohttp import web as aiohttp_web

from handlers.core.context import Capabilities
from handlers.core.messages import Reply
from locales import Translator


def answer_hint(t: Translator, count: int) -> str:
    if count == 1:
        return t._("Reply 1.")
    if count == 2:
        return t._("Reply 1 or 2.")
    if count == 3:
        return t._("Reply 1, 2 or 3.")
    return t._("Reply with a number from 1 to {last}.", last=count)


def numbered(reply: Reply, t: Translator) -> str:
    """Choices as a numbered list with a one-line hint: the fallback where there are no buttons."""
    if not reply.choices:
        return reply.text
    lines = [reply.text] if reply.text else []
    lines += [f"{i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
    if reply.multi:
        lines.append(t._('Type one or more numbers, e.g. "1 3".'))
    else:
        lines.append(answer_hint(t, len(reply.choices)))
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Split on paragraph, then line, then word boundaries so each part fits `limit`."""
    if len(text) <= limit:
        return [text]
    for sep in ("\n\n", "\n", " "):
        parts, current = [], ""
        for piece in text.split(sep):
            candidate = f"{current}{sep}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
                continue
            if current:
                parts.append(current)
            current = piece
        if current:
            parts.append(current)
        if all(len(p) <= limit for p in parts):
            return parts
    return [text[i : i + limit] for i in range(0, len(text), limit)]


@dataclass(frozen=True)
class Delivery:
    """What happened to one send: the outbox decides from this whether to retry."""

    ok: bool
    # Seconds the platform asked us to wait (HTTP 429).
    retry_after: float | None = None
    # The user blocked the bot or the chat is gone: stop sending until they write again.
    unreachable: bool = False
    # That was recorded already (bot/delivery.unreachable, around the channel's send): the
    # sender records only what a channel reported without recording it.
    recorded: bool = False
    # A transient failure (5xx, timeout, connection dropped): retry with backoff.
    transient: bool = False
    error: str | None = None


class Channel(Protocol):
    """A platform adapter. `cdsbot run` starts every configured channel."""

    name: str
    caps: Capabilities

    def mount(self, web: aiohttp_web.Application) -> None:
        """Add webhook or file routes to the shared web server (may do nothing)."""

    async def start(self) -> None:
        """Begin receiving: long polling task, or register the webhook."""

    async def stop(self) -> None: ...

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        """Send replies to a chat outside a conversation turn (used by the outbox)."""
        ...
