"""One pushed message: who gets it (a member's account or a group chat) and what."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.messages import Reply


@dataclass(frozen=True)
class Outgoing:
    channel: str
    bot: str
    chat_id: str
    reply: Reply
    # None for a group chat; part of the outbox key so a re-run never queues twice.
    member_id: int | None = None
    # Distinguishes several messages to one chat in one run (e.g. one group per village).
    tag: str = ""

    @property
    def recipient_key(self) -> str:
        who = f"m{self.member_id}" if self.member_id is not None else f"c{self.chat_id}"
        return f"{who}:{self.tag}" if self.tag else who
