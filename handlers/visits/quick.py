"""Quick log in one message: household key + indicators (+ people), e.g. "0912345678 vneid 3".

Parsed into the visit flow's data, so it ends at the same confirmation screen (1. Save 2. Edit
3. Cancel). Parts it cannot read are named in the reply; an ambiguous household is asked about.

| message                          | key            | then                          |
|----------------------------------|----------------|-------------------------------|
| PA12000123456 dien nuoc          | customer code  | confirm                       |
| 0912345678 vneid 3               | phone          | confirm; "how many more" if   |
|                                  |                | the household has some already |
| so 12 xom 3 dien                 | house + group  | confirm, or pick if several   |
| Nguyen Van Ba thon 2 tktt        | name (+ village) | pick, then count, confirm   |
| Le Van Tu cho duc pho dien       | name (+ area)  | any area of the commune by its |
|                                  |                | name ("tdp 5" = "tổ dân phố 5") |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches

from handlers import units
from handlers.core.context import Context
from handlers.core.messages import Reply, Result, keep
from handlers.core.router import Router
from handlers.numbers import is_number, parse_int
from handlers.visits import lookup_limit
from handlers.visits.ask import advance
from handlers.visits.fieldlog import aliases, codes_hint
from handlers.visits.visit import new_household, no_village, present, start_data
from models.communes import Village, villages
from models.fieldwork import IndicatorRow, indicators
from models.household_search import (
    by_key,
    parse_address,
    search_households,
)
from models.keys import fold, normalize_customer_code, normalize_phone
from models.visit import Outcome

router = Router()

MAX_KEY_TOKENS = 5
# Longest area name matched in a message, in words ("đường chính phường Phổ Ninh").
MAX_AREA_TOKENS = 8
# Short forms people type for an area's kind.
AREA_SHORT = {"tdp": "to dan pho", "kp": "khu pho"}


@dataclass
class Parsed:
    kind: str | None = None
    key: str = ""
    inds: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    village: str | None = None
    unknown: list[str] = field(default_factory=list)
    bad_count: str | None = None  # the code whose typed count is out of bounds


def _area_at(tokens: list[str], i: int, areas: frozenset[str]) -> tuple[str, int] | None:
    """The commune's area named at tokens[i:] (longest first), and how many tokens name it."""
    for n in range(min(MAX_AREA_TOKENS, len(tokens) - i), 0, -1):
        phrase = " ".join(AREA_SHORT.get(fold(t), fold(t)) for t in tokens[i : i + n])
        if phrase in areas:
            return phrase, n
    return None


def _key(
    tokens: list[str], words: dict[str, IndicatorRow], areas: frozenset[str]
) -> tuple[str | None, str, int]:
    """The household key at the start of the message: kind, text, tokens used."""
    for k in range(min(MAX_KEY_TOKENS, len(tokens)), 0, -1):
        # "pa12 01 0000001" or "0912 345 678": groups after the first are digits only.
        if not all(is_number(t.lstrip("+")) for t in tokens[1:k]):
            continue
        joined = "".join(tokens[:k])
        if normalize_customer_code(joined):
            return "code", joined, k
        if normalize_phone(joined):
            return "phone", joined, k
    for k in range(min(MAX_KEY_TOKENS, len(tokens)), 1, -1):
        if parse_address(" ".join(tokens[:k])):
            return "address", " ".join(tokens[:k]), k
    k = 0
    while (
        k < len(tokens)
        and fold(tokens[k]) not in words
        and fold(tokens[k]) != "thon"
        and _area_at(tokens, k, areas) is None
    ):
        k += 1
    return ("name", " ".join(tokens[:k]), k) if k else (None, "", 0)


def parse(text: str, inds: list[IndicatorRow], areas: frozenset[str] = frozenset()) -> Parsed:
    """`areas`: the commune's area name keys ("thon 2", "cho duc pho"), any of which may follow
    the household to say where it is."""
    words = {a: i for i in inds for a in aliases(i) if " " not in a}
    tokens = text.split()
    kind, key, used = _key(tokens, words, areas)
    out = Parsed(kind, key)
    rest = tokens[used:]
    i = 0
    while i < len(rest):
        word = fold(rest[i])
        last = words.get(fold(rest[i - 1])) if i else None
        area = _area_at(rest, i, areas)
        if area is not None:
            out.village, i = area[0], i + area[1]
            continue
        if word == "thon" and i + 1 < len(rest):
            out.village, i = f"thon {fold(rest[i + 1])}", i + 2
            continue
        if word in words:
            code = words[word].code
            out.inds += [code] if code not in out.inds else []
        elif is_number(word.lstrip("-")) and last is not None and units.counted(last):
            n = parse_int(word, lo=1, hi=units.cap(last))
            if n is None:
                out.bad_count = out.bad_count or last.code
            out.counts[last.code] = n or 0
        else:
            out.unknown.append(rest[i])
        i += 1
    return out


def _looks_like_log(parsed: Parsed, words: list[str]) -> bool:
    if parsed.kind in ("code", "phone", "address"):
        return True
    if parsed.inds:
        return True
    # "Nguyen Van Ba dienn": a last word close to an indicator is a typo worth naming.
    last = parsed.key.split()[-1:] if parsed.key else []
    if last and get_close_matches(fold(last[0]), words, n=1, cutoff=0.75):
        parsed.unknown.append(last[0])
        return True
    return False


@router.text(50)
async def quick_log(ctx: Context) -> Result | None:
    if ctx.member is None:
        return None
    inds = await indicators(ctx.session, ctx.member.commune_id)
    areas = await villages(ctx.session, commune_id=ctx.member.commune_id)
    parsed = parse(ctx.text, inds, frozenset(v.name_key for v in areas))
    if parsed.kind is None or not _looks_like_log(parsed, [fold(i.code) for i in inds]):
        return None
    refused = no_village(ctx)
    if refused:
        return refused
    if parsed.unknown:
        text = ctx._(
            'I did not understand "{parts}". Indicators: {codes}.',
            parts=" ".join(parsed.unknown),
            codes=codes_hint(inds),
        )
        return keep(Reply(text))
    if parsed.bad_count:
        ind = next(i for i in inds if i.code == parsed.bad_count)
        return keep(Reply(units.refusal(ctx, ind, None)))
    data = start_data(ctx)
    if parsed.inds:
        # One message means met and converted; the optional note and location are skipped.
        data.update(outcome=Outcome.MET, inds=parsed.inds, counts=parsed.counts)
        data.update(asked=["note", "loc"], quick=True)
    return await _household(ctx, data, parsed, areas)


async def _household(ctx: Context, data: dict, parsed: Parsed, areas: list[Village]) -> Result:
    member = ctx.member
    village_id = member.village_id
    if parsed.village:
        area = next((v for v in areas if v.name_key == fold(parsed.village)), None)
        if area is None:
            return keep(Reply(ctx._('There is no village "{name}".', name=parsed.village)))
        village_id = area.id
        if area.id != member.village_id:
            # A household not found there is added there, not in the member's own area.
            data.update(area_id=area.id, area_name=area.name)
    if parsed.kind in ("code", "phone"):
        value = normalize_customer_code(parsed.key) or normalize_phone(parsed.key)
        row = await by_key(
            ctx.session,
            commune_id=member.commune_id,
            code=value if parsed.kind == "code" else None,
            phone=value if parsed.kind == "phone" else None,
        )
        refused = await lookup_limit.key_refusal(ctx, row)
        if refused:
            return keep(refused)
        if row is None:
            data["typed"] = {parsed.kind: value}
            result = await new_household(ctx, data)
            note = ctx._("This household is new. Let us add it.")
            result.replies.insert(0, Reply(note))
            return result
        data["hh"] = row.id
        return await advance(ctx, data)
    found = await search_households(
        ctx.session, commune_id=member.commune_id, village_id=village_id, text=parsed.key
    )
    # Candidates of another village are listed with names: each counts as reached.
    refused = await lookup_limit.refusal(ctx, found.rows)
    if refused:
        return keep(refused)
    exact = [r for r in found.rows if fold(r.head_name) == fold(parsed.key)]
    sure = (found.kind == "address" and len(found.rows) == 1) or (
        len(found.rows) == 1 and len(exact) == 1
    )
    return await present(ctx, data, found, sure=sure)
