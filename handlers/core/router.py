"""A flow module's router: the commands, conversation steps and free-text handlers it answers.

Each flow module makes one `router = Router()` and decorates its handlers; `handlers/routes.py`
lists every router in one place and joins them into the tables the dispatcher reads (as aiogram's
`include_routers` does). Nothing is registered by being imported."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from handlers.core.context import Context
from handlers.core.messages import Result
from models.keys import fold
from models.members import Role

Handler = Callable[[Context], Awaitable[Result]]
# A step or free-text handler may return None: "not mine" (free text: the next handler tries;
# an optional question: the message is handled as if nothing was pending).
MaybeHandler = Callable[[Context], Awaitable[Result | None]]
TextHandler = MaybeHandler

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
    fn: MaybeHandler
    accepts: frozenset[str]


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    steps: dict[tuple[str, str], Step] = field(default_factory=dict)
    texts: list[tuple[int, TextHandler]] = field(default_factory=list)

    def command(
        self,
        *names: str,
        role: Role | None = Role.VOLUNTEER,
        help: str | None = None,  # noqa: A002 - the help line shown by /trogiup
        words: tuple[str, ...] = (),
        group: bool = False,
        order: int = 100,
    ) -> Callable[[Handler], Handler]:
        """A slash command (the first name is the canonical one) and its plain-word aliases."""

        def register(fn: Handler) -> Handler:
            cmd = Command(names[0], fn, role, help, group, order)
            for name in names:
                _put(self.commands, fold(name), cmd)
            for word in words:
                _put(self.words, fold(word), names[0])
            return fn

        return register

    def step(self, flow: str, name: str, *, accepts: frozenset[str] = TEXT_KINDS):
        """The answer to a pending question of `flow`; returning None means the question was
        optional and the message is handled as if nothing was pending."""

        def register(fn: MaybeHandler) -> MaybeHandler:
            _put(self.steps, (flow, name), Step(fn, accepts))
            return fn

        return register

    def text(self, priority: int = 100):
        """Free text from a member with no flow under way; lower priority runs first."""

        def register(fn: TextHandler) -> TextHandler:
            self.texts.append((priority, fn))
            return fn

        return register

    @classmethod
    def include(cls, routers: Iterable[Router]) -> Router:
        """All routers as one; a command, word or step claimed twice is a programming error."""
        joined = cls()
        for router in routers:
            for key, cmd in router.commands.items():
                _put(joined.commands, key, cmd)
            for key, word in router.words.items():
                _put(joined.words, key, word)
            for key, entry in router.steps.items():
                _put(joined.steps, key, entry)
            joined.texts.extend(router.texts)
        joined.texts.sort(key=lambda item: item[0])
        return joined


def _put(table: dict, key, value) -> None:  # noqa: ANN001
    if key in table and table[key] != value:
        raise ValueError(f"{key!r} is handled twice")
    table[key] = value
