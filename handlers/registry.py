"""Tables of commands, conversation steps and free-text handlers that flow modules fill in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.context import Context
from handlers.messages import Result
from models.keys import fold
from models.member import Role

Handler = Callable[[Context], Awaitable[Result]]
TextHandler = Callable[[Context], Awaitable[Result | None]]

TEXT_KINDS = frozenset({"text"})


@dataclass(frozen=True)
class Command:
    name: str
    fn: Handler
    # Least role allowed; None lets people who have not joined yet use it.
    role: Role | None
    help: str | None
    group: bool
    order: int


@dataclass(frozen=True)
class Step:
    fn: Handler
    accepts: frozenset[str]


COMMANDS: dict[str, Command] = {}
WORDS: dict[str, str] = {}
STEPS: dict[tuple[str, str], Step] = {}
TEXT_HANDLERS: list[tuple[int, TextHandler]] = []


def command(
    *names: str,
    role: Role | None = Role.VOLUNTEER,
    help: str | None = None,  # noqa: A002 - the help line shown by /trogiup
    words: tuple[str, ...] = (),
    group: bool = False,
    order: int = 100,
) -> Callable[[Handler], Handler]:
    """Register a slash command (first name is the canonical one) and its plain-word aliases."""

    def register(fn: Handler) -> Handler:
        cmd = Command(names[0], fn, role, help, group, order)
        for name in names:
            COMMANDS[fold(name)] = cmd
        for word in words:
            WORDS[fold(word)] = names[0]
        return fn

    return register


def step(flow: str, name: str, *, accepts: frozenset[str] = TEXT_KINDS):
    def register(fn: Handler) -> Handler:
        STEPS[(flow, name)] = Step(fn, accepts)
        return fn

    return register


def text_handler(priority: int = 100):
    """Free text from a member with no flow under way; lower priority runs first."""

    def register(fn: TextHandler) -> TextHandler:
        TEXT_HANDLERS.append((priority, fn))
        TEXT_HANDLERS.sort(key=lambda item: item[0])
        return fn

    return register
