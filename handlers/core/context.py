"""What a handler sees of one incoming message: who, where, the state, and the session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.choices import from_button, resolve, resolve_many
from handlers.core.messages import Incoming, State
from locales import Translator
from models.members import ROLE_RANK, Role

# Messages written offline may arrive days later; older than this we no longer trust the date.
MAX_BACKDATE = timedelta(days=7)


@dataclass(frozen=True)
class Capabilities:
    buttons: bool = False
    max_text: int = 4096
    location: bool = False
    documents: bool = False
    edit: bool = False
    # Whether images/files can reach the user at all (Zalo needs a public link).
    images: bool = True
    files: bool = True


@dataclass(frozen=True)
class MemberView:
    id: int
    commune_id: int
    village_id: int | None
    name: str
    role: str
    locale: str
    reminders: bool
    commune_name: str
    village_name: str | None
    commune_kind: str = "xa"
    commune_demo: bool = False

    def at_least(self, role: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]


@dataclass
class Context:
    session: AsyncSession
    incoming: Incoming
    t: Translator
    now: datetime
    state: State
    version: int
    caps: Capabilities = field(default_factory=Capabilities)
    member: MemberView | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    files_dir: Path = Path("data/files")
    args: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Every command, set by the dispatcher (handlers/routes.py) for /trogiup's list.
    commands: dict[str, Any] = field(default_factory=dict)

    @property
    def _(self):  # noqa: ANN202 - shorthand so Babel extracts ctx._("…")
        return self.t._

    @property
    def text(self) -> str:
        return (self.incoming.text or "").strip()

    @property
    def written_at(self) -> datetime:
        """When the user wrote the message: the platform's date, within sane bounds."""
        sent = self.incoming.sent_at
        if sent > self.now or self.now - sent > MAX_BACKDATE:
            return self.now
        return sent

    def local(self, moment: datetime | None = None) -> datetime:
        return (moment or self.now).astimezone(self.tz)

    def pick(self) -> str | None:
        """The key of the pending choice this message picks, or None."""
        if self.incoming.choice is not None:
            return from_button(self.incoming.choice, self.state.choices, self.version)
        return resolve(self.text, self.state.choices) if self.text else None

    def pick_many(self) -> list[str] | None:
        if self.incoming.choice is not None:
            key = from_button(self.incoming.choice, self.state.choices, self.version)
            return [key] if key else None
        return resolve_many(self.text, self.state.choices) if self.text else None
