"""Every reply the bot can make, read through one check (issue 20, "done when").

Built on the demo commune (the five seed plans' workbooks had not landed in tests/data/plans/
when this was written): every command each role can use, each of the first choices it offers,
the field-logging flows typed as volunteers type them, and every scheduled push. The check fails
on an indicator code where its name belongs, an English word in a Vietnamese reply, or a
summary longer than a phone screen.

Screen limit: 15 lines for a summary (the same limit as tests/reports/test_phone_screens.py):
what a phone shows without scrolling at the default font size, numbered choices included.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.pushes.collect import BUILDERS, JobContext
from handlers.routes import COMMANDS
from models.communes import Commune, Village
from models.indicators import Indicator
from models.members import Role
from models.members.joining import create_invite
from tests.conftest import TZ, join

SCREEN_LINES = 15
SUMMARIES = {"tiendo", "cuatoi", "doi", "bangxephang", "henlai"}
CHOICES_TRIED = 3
# Words that never belong in a Vietnamese reply (product names such as VNeID, QR, Zalo, Excel
# and 4G are Vietnamese usage and are not here).
ENGLISH = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "please",
        "not",
        "with",
        "for",
        "has",
        "have",
        "this",
        "that",
        "saved",
        "save",
        "report",
        "export",
        "exported",
        "visit",
        "visits",
        "household",
        "households",
        "target",
        "targets",
        "progress",
        "remove",
        "removed",
        "conversion",
        "conversions",
        "member",
        "members",
        "none",
        "done",
        "skip",
        "yes",
        "error",
        "today",
        "week",
        "month",
        "people",
        "customer",
        "code",
        "village",
        "commune",
        "indicator",
        "area",
        "areas",
        "action",
        "edit",
        "undo",
        "note",
        "unknown",
        "system",
        "entry",
        "entries",
        "chart",
        "other",
        "changed",
        "deleted",
        "share",
        "location",
        "send",
        "pick",
        "reply",
        "type",
    ]
)
# Parts of a reply that show what to type: quoted examples, command examples, the list of
# words the quick log understands ("Các chỉ tiêu: dien, nuoc, …").
TYPED = re.compile(
    r'"[^"]*"|“[^”]*”|/[a-z]+(?:@\w+)?(?: (?:[a-z0-9]+|\d+/\d+))*|[Cc]ác chỉ tiêu: [^.\n]*'
    # Invite and link codes are random letters: "THE-4KX" is a code, not an English word.
    r"|\b[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}\b"
)


def problems(text: str, lang: str, codes: list[tuple[str, str]], *, summary: bool) -> list[str]:
    found = []
    if summary and len(text.split("\n")) > SCREEN_LINES:
        found.append(f"{len(text.splitlines())} lines (> {SCREEN_LINES})")
    if lang != "vi":
        return found
    plain = TYPED.sub(" ", text)
    for code, short in codes:
        forms = {code, code.lower()} - {short}
        for form in forms:
            if re.search(rf"(?<![\w/]){re.escape(form)}(?!\w)", plain):
                found.append(f"indicator code {form!r}")
    words = {w.lower() for w in re.findall(r"(?<![\w/@.])[A-Za-z]+(?![\w@])", plain)}
    found += [f"English word {w!r}" for w in sorted(words & ENGLISH)]
    return found


class Reader:
    """Sends through a chat and collects every reply it reads, with what caused it."""

    def __init__(self, codes) -> None:
        self.codes, self.seen, self.bad = codes, 0, []

    async def say(self, chat, text: str, *, summary: bool = False) -> None:
        await chat.say(text)
        for reply in chat.replies:
            self.seen += 1
            shown = "\n".join([reply.text, *(c.label for c in reply.choices)])
            for problem in problems(shown, reply.lang, self.codes, summary=False):
                self.bad.append((chat.user_id, text, problem, reply.text[:300]))
        if summary:
            for problem in problems(chat.text, "en", [], summary=True):
                self.bad.append((chat.user_id, text, problem, chat.text[:300]))

    async def explore(self, chat, command: str) -> None:
        """The command, then (starting again each time) each of its first choices."""
        await self.say(chat, f"/{command}", summary=command in SUMMARIES)
        offered = len(chat.replies[-1].choices) if chat.replies else 0
        for index in range(1, min(offered, CHOICES_TRIED) + 1):
            await chat.say("/huy")
            await self.say(chat, f"/{command}")
            await self.say(chat, str(index))
        await chat.say("/huy")


async def codes_of(sessionmaker) -> list[tuple[str, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(select(Indicator.code, Indicator.short_vi))
        return [tuple(r) for r in rows.all()]


def commands_for(role_rank: int) -> list[str]:
    from models.members import ROLE_RANK

    names = []
    for cmd in sorted({c.name: c for c in COMMANDS.values()}.values(), key=lambda c: c.order):
        if cmd.name in {"huy", "cancel", "start", "ngonngu"}:
            continue
        if cmd.role is None or ROLE_RANK[cmd.role] <= role_rank:
            names.append(cmd.name)
    return names


async def field_work(reader: Reader, lan, hai, clock) -> None:
    """The field-logging paths with their questions, as volunteers type them."""
    for text in ("PA12010000001 dien nuoc", "1", "PA12010000002 qr", "1", "1"):
        await reader.say(lan, text)
    for text in ("/ghinhan", "tran thi hai", "1", "1", "1 3", "2", "3", "xong", "1"):
        await reader.say(lan, text)
    for text in ("/ghinhan", "Hoang Van Muoi", "1", "12", "xong", "4", "3", "xong", "1"):
        await reader.say(lan, text)
    for text in ("PA12010000001 dien", "1", "dienn", "PA12010000003 dien", "/cuatoi", "tiep"):
        await reader.say(hai, text)
    await reader.say(hai, "1")
    clock.advance(days=4)
    await reader.say(lan, "/henlai", summary=True)
    await reader.say(lan, "1")
    await lan.say("/huy")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_every_reply_names_things_in_words_and_summaries_fit_a_phone(
    joined, sessionmaker, clock, demo
):
    reader = Reader(await codes_of(sessionmaker))
    lan = await joined("lan")
    hai = await joined("hai", "leader", "Trần Văn Hải")
    chi = await joined("chi", "official", "Lê Thị Chi")
    await field_work(reader, lan, hai, clock)
    for chat, rank in ((lan, 0), (hai, 1), (chi, 2)):
        for command in commands_for(rank):
            await reader.explore(chat, command)
    day = clock.now.astimezone(TZ).date()
    async with sessionmaker() as session:
        for job, build in BUILDERS.items():
            for out in await build(JobContext(session, demo.commune_id, day, TZ)):
                reader.seen += 1
                for problem in problems(
                    out.reply.text, out.reply.lang, reader.codes, summary=True
                ):
                    reader.bad.append((job, out.chat_id, problem, out.reply.text[:300]))
    assert reader.bad == [], "\n\n".join(map(str, reader.bad))
    assert reader.seen > 120, reader.seen


def test_the_check_catches_what_it_is_for():
    codes = [("DIEN", "Điện"), ("QR", "QR"), ("VNEID", "VNeID")]
    assert problems("Thôn 1 — dien: 1/2", "vi", codes, summary=False) == ["indicator code 'dien'"]
    assert problems("Hoa: export report", "vi", codes, summary=False) == [
        "English word 'export'",
        "English word 'report'",
    ]
    assert problems("\n".join("x" * 16), "vi", codes, summary=True)
    ok = 'Thôn 1 — QR: 41/220 · VNeID · gõ "PA12000123456 dien" · /tiendo dien'
    assert problems(ok, "vi", codes, summary=True) == []
    assert problems("Saved at 09:42.", "en", codes, summary=False) == []


PLANS = sorted((Path(__file__).parents[1] / "data" / "plans").glob("00*.xlsx"))


async def plan_commune(sessionmaker, clock, path: Path) -> tuple[int, dict[str, str]]:
    """Apply one seed plan and make invite codes for a volunteer and a leader of its first
    area and for an official."""
    from models.plan import apply_plan, read_plan

    plan, problems = read_plan(path)
    assert problems == [], problems
    async with sessionmaker() as session, session.begin():
        await apply_plan(session, plan)
        commune = await session.scalar(select(Commune).where(Commune.name == plan.commune.name))
        area = await session.scalar(
            select(Village.id).where(Village.commune_id == commune.id).order_by(Village.id)
        )
        invites = {
            role.value: await create_invite(
                session,
                commune_id=commune.id,
                village_id=None if role == Role.OFFICIAL else area,
                role=role,
                uses=5,
                days=7,
                now=clock.now,
            )  # fmt: skip
            for role in (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)
        }
    return commune.id, invites


@pytest.mark.skipif(not PLANS, reason="the five plan workbooks are not in tests/data/plans yet")
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_every_reply_of_the_five_seed_plans(chat, sessionmaker, clock):
    pytest.importorskip("models.plan")
    assert len(PLANS) == 5
    seen, bad = 0, []
    for n, path in enumerate(PLANS):
        commune_id, invites = await plan_commune(sessionmaker, clock, path)
        reader = Reader(await codes_of(sessionmaker))
        lan = await join(chat(f"v{n}"), invites["volunteer"], "Nguyễn Thị Lan")
        hai = await join(chat(f"l{n}"), invites["leader"], "Trần Văn Hải")
        chi = await join(chat(f"o{n}"), invites["official"], "Lê Thị Chi")
        for text in ("/ghinhan", "Hoang Van Muoi", "1", "12", "xong", "1", "1", "2", "xong"):
            await reader.say(lan, text)
        await reader.say(lan, "1")
        await reader.say(lan, "0912345678")
        await lan.say("/huy")
        for chat_, rank in ((lan, 0), (hai, 1), (chi, 2)):
            for command in commands_for(rank):
                await reader.explore(chat_, command)
        day = clock.now.astimezone(TZ).date()
        async with sessionmaker() as session:
            for job, build in BUILDERS.items():
                for out in await build(JobContext(session, commune_id, day, TZ)):
                    reader.seen += 1
                    for problem in problems(
                        out.reply.text, out.reply.lang, reader.codes, summary=True
                    ):
                        reader.bad.append((path.name, job, problem, out.reply.text[:300]))
        seen += reader.seen
        bad += [(path.name, *item) for item in reader.bad]
    assert bad == [], "\n\n".join(map(str, bad))
    assert seen > 5 * 100, seen
