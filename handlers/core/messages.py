"""The platform-neutral message model: what arrives, what goes back, and the next state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

Kind = Literal[
    "text", "photo", "location", "contact", "sticker", "voice", "document", "unsupported"
]


@dataclass(frozen=True)
class Incoming:
    channel: str
    user_id: str
    chat_id: str
    message_id: str
    sent_at: datetime
    text: str | None = None
    kind: Kind = "text"
    chat_kind: Literal["private", "group"] = "private"
    # A pressed button: "<version>:<index>" as the platform returned it.
    choice: str | None = None
    location: tuple[float, float] | None = None
    photo: str | None = None
    contact_phone: str | None = None
    display_name: str | None = None
    language_code: str | None = None
    # Which bot of the channel received it (several Zalo bots may share one deployment).
    bot: str = ""

    @property
    def key(self) -> str:
        return f"{self.bot}:{self.message_id}" if self.bot else self.message_id


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class Image:
    path: Path
    caption: str = ""


@dataclass(frozen=True)
class Document:
    path: Path
    filename: str
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    text: str = ""
    choices: tuple[Choice, ...] = ()
    # Several choices may be picked at once ("1 3").
    multi: bool = False
    # The answer may be the user's location: channels that can ask for it show their button.
    ask_location: bool = False
    image: Image | None = None
    document: Document | None = None
    # Set by the pipeline: the conversation version the choices belong to, and the language.
    version: int = 0
    lang: str = "vi"
    # An answer to someone who has not joined (rate-limited; counted apart from the quota).
    to_stranger: bool = False


@dataclass
class State:
    """Where a chat's conversation stands: flow and step, collected data, pending choices."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    multi: bool = False

    @property
    def idle(self) -> bool:
        return self.flow is None


@dataclass
class Result:
    replies: list[Reply]
    # None keeps the current state untouched (a refusal re-asks at the same step).
    state: State | None = None


def keep(*replies: Reply) -> Result:
    return Result(list(replies), None)


def done(*replies: Reply) -> Result:
    return Result(list(replies), State())


def clean_text(text: str) -> str:
    """What every channel does to typed text at the door: PostgreSQL text cannot hold NUL, and
    no person types it."""
    return text.replace("\x00", "")


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
