"""Picking one area of the commune in chat, however many it has.

A commune with a few areas gets them as choices. With more (Thiệu Trung has 34, a district's
communes more) a phone cannot show them all: the member types part of the name first, and gets
a short list of the best matches, never dozens of numbered choices.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply
from models.communes import villages
from models.keys import fold

# Up to this many areas are offered as choices at once; a phone screen holds about 10 lines.
LIST_MAX = 8
# Matches shown after a search.
SHORT_LIST = 5
# rapidfuzz's ratio (0–100) under which a name is not offered for a typo.
FUZZY_CUTOFF = 75
COMMUNE = "commune"
AGAIN = "again"


@dataclass(frozen=True)
class Picked:
    """An answer at the area step: a chosen area (id None = whole commune) or the next reply."""

    done: bool
    village_id: int | None = None
    name: str = ""
    reply: Reply | None = None


async def _areas(ctx: Context) -> list[tuple[int, str]]:
    return [(v.id, v.name) for v in await villages(ctx.session, commune_id=ctx.member.commune_id)]


def _commune_choice(ctx: Context) -> Choice:
    return Choice(COMMUNE, ctx._("Whole commune"))


async def question(ctx: Context, text: str, *, commune: bool) -> Reply:
    """All areas as choices when few; otherwise ask for part of the name."""
    areas = await _areas(ctx)
    head = [_commune_choice(ctx)] if commune else []
    if len(areas) <= LIST_MAX:
        return Reply(text, tuple(head + [Choice(str(v), n) for v, n in areas]))
    ask = ctx._(
        'There are {n} areas: type part of the name (e.g. "{example}") and I will list the '
        "closest ones.",
        n=ctx.t.num(len(areas)),
        example=areas[0][1],
    )
    return Reply(text + "\n" + ask, tuple(head))


KIND_WORDS = ("to dan pho", "khu pho", "tuyen pho", "thon", "ban", "cho", "xom", "ap", "to")


def _core(name: str) -> str:
    """The name without its leading kind word: "thon na leng" → "na leng"."""
    for word in KIND_WORDS:
        if name.startswith(word + " "):
            return name[len(word) + 1 :]
    return name


def matches(areas: list[tuple[int, str]], typed: str) -> list[tuple[int, str]]:
    """Areas whose name contains the typed words (no diacritics needed), else the closest."""
    key = fold(typed)
    if not key:
        return []
    contains = [(v, n) for v, n in areas if key in fold(n)]
    if contains:
        return contains
    # A typo is forgiven in the name, not in the kind word or the number: "thon 9" must not
    # offer every "Thôn n".
    found = process.extract(
        _core(key),
        {v: _core(fold(n)) for v, n in areas},
        scorer=fuzz.ratio,
        limit=SHORT_LIST,
        score_cutoff=FUZZY_CUTOFF,
    )
    names = dict(areas)
    return [(v, names[v]) for _, _, v in found]


async def answer(ctx: Context, *, commune: bool) -> Picked:
    """Reads the area step: a choice, or a name to search; asks again when unclear."""
    picked = ctx.pick()
    choices = {c.key: c.label for c in ctx.state.choices}
    if picked == COMMUNE and commune:
        return Picked(True, None, choices[COMMUNE])
    if picked == AGAIN:
        return Picked(False, reply=await question(ctx, ctx._("Which area?"), commune=commune))
    if picked is not None:
        return Picked(True, int(picked), choices[picked])
    areas = await _areas(ctx)
    found = matches(areas, ctx.text)
    head = [_commune_choice(ctx)] if commune else []
    if not found:
        text = ctx._(
            'No area is named like "{typed}". Type another part of the name.', typed=ctx.text
        )
        return Picked(False, reply=Reply(text, tuple(head)))
    exact = [(v, n) for v, n in found if fold(n) == fold(ctx.text)]
    if len(found) == 1 or len(exact) == 1:
        village_id, name = (exact or found)[0]
        return Picked(True, village_id, name)
    shown = found[:SHORT_LIST]
    text = ctx.t.ngettext("{n} area matches:", "{n} areas match:", len(found))
    if len(found) > SHORT_LIST:
        text += " " + ctx._(
            "(the first {shown}; type more of the name to narrow)", shown=SHORT_LIST
        )
    rows = [Choice(str(v), n) for v, n in shown]
    return Picked(
        False, reply=Reply(text, tuple(head + rows + [Choice(AGAIN, ctx._("Search again"))]))
    )
