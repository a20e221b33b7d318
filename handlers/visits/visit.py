"""Logging a visit (/ghinhan): find or add the household; the rest is in details.py.

| step      | waits for                                   | next                          |
|-----------|---------------------------------------------|-------------------------------|
| find      | code, phone, "so 12 xom 3" or a name        | pick / outcome / notfound     |
| pick      | one of ≤5 candidates, "new", "search again" | outcome / new_name / find     |
| notfound  | 1 = add new, 2 = search again               | new_name / find               |
| new_name  | the head's full name                        | new_place                     |
| new_place | house number and/or group: "12 xom 3"       | dup / new_keys                |
| dup       | an existing household or "new"              | new_keys / outcome            |
| new_keys  | phone or customer code, or "xong"           | outcome                       |
| outcome … confirm: see details.py                                                          |
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, done, keep
from handlers.core.router import Router
from handlers.numbers import is_number
from handlers.visits import lookup_limit
from handlers.visits.ask import FLOW, advance, area_id, area_name, ask, find_question
from handlers.visits.fieldlog import has_words, household_line, is_skip
from locales import N_
from models.household_search import (
    Search,
    by_key,
    near_duplicates,
    parse_address,
    parse_house,
    search_households,
)
from models.keys import head_name, normalize_customer_code, normalize_phone

router = Router()


def start_data(ctx: Context) -> dict:
    # The visit happened when the message was written, not when it reached us.
    return {"at": ctx.written_at.isoformat(), "hh": None, "new": None}


def no_village(ctx: Context) -> Result | None:
    if ctx.member is None or ctx.member.village_id is None:
        return done(Reply(ctx._("Logging visits is for team members of a village.")))
    return None


@router.command(
    "ghinhan",
    "tham",
    "visit",
    help=N_("/ghinhan — log a visit"),
    words=("ghi nhan", "tham"),
    order=10,
)
async def visit(ctx: Context) -> Result:
    refused = no_village(ctx)
    if refused:
        return refused
    data = start_data(ctx)
    if ctx.args:
        return await _search(ctx, data, ctx.args)
    return ask(ctx, "find", data, find_question(ctx))


@router.step(FLOW, "find")
async def on_find(ctx: Context) -> Result:
    if not has_words(ctx.text):
        return keep(find_question(ctx))
    return await _search(ctx, dict(ctx.state.data), ctx.text)


async def _search(ctx: Context, data: dict, text: str) -> Result:
    member = ctx.member
    found = await search_households(
        ctx.session, commune_id=member.commune_id, village_id=member.village_id, text=text
    )
    if found.kind in ("code", "phone") and not found.rows:
        refused = await lookup_limit.key_refusal(ctx, None)  # unknown looks like known
    else:
        refused = await lookup_limit.refusal(ctx, found.rows)
    if refused:
        # Another household of the own village may still be typed at this step.
        return ask(ctx, "find", data, refused)
    return await present(ctx, data, found)


async def present(ctx: Context, data: dict, found: Search, *, sure: bool = False) -> Result:
    """One sure match goes on to the outcome; several are listed; none offers a new one."""
    if found.rows and (sure or found.kind in ("code", "phone")):
        data["hh"] = found.rows[0].id
        return await advance(ctx, data)
    # What was typed becomes the new household's details if nobody matches.
    data["typed"] = {found.kind: found.value, "house": found.house, "hamlet": found.hamlet}
    if not found.rows:
        choices = (
            Choice("new", ctx._("Add a new household")),
            Choice("again", ctx._("Search again")),
        )
        text = ctx._("No household found in {village}.", village=area_name(ctx, data))
        return ask(ctx, "notfound", data, Reply(text, choices))
    choices = tuple(Choice(f"h{r.id}", household_line(ctx, r)) for r in found.rows)
    choices += (Choice("new", ctx._("New household")), Choice("again", ctx._("Search again")))
    text = ctx.t.ngettext("{n} household matches:", "{n} households match:", len(found.rows))
    return ask(ctx, "pick", data, Reply(text, choices))


@router.step(FLOW, "pick")
async def on_pick(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked is None and _new_search(ctx):
        return await _search(ctx, data, ctx.text)
    if picked is None:
        return keep(Reply(ctx._("Please pick one of the households."), tuple(ctx.state.choices)))
    if picked == "again":
        return ask(ctx, "find", data, find_question(ctx))
    if picked == "new":
        return await new_household(ctx, data)
    data["hh"] = int(picked[1:])
    return await advance(ctx, data)


@router.step(FLOW, "notfound")
async def on_notfound(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked == "new":
        return await new_household(ctx, data)
    if picked == "again":
        return ask(ctx, "find", data, find_question(ctx))
    if _new_search(ctx):
        return await _search(ctx, data, ctx.text)
    return keep(Reply(ctx._("Please answer 1 or 2."), tuple(ctx.state.choices)))


def _new_search(ctx: Context) -> bool:
    """Typing another name or code instead of a number searches again."""
    text = ctx.text
    return (
        ctx.incoming.choice is None and len(text) >= 3 and has_words(text) and not is_number(text)
    )


async def new_household(ctx: Context, data: dict) -> Result:
    typed = data.pop("typed", {}) or {}
    data["new"] = {
        # What was searched for becomes the name only if it is one ("=1+2" is not).
        "name": head_name(typed.get("name") or ""),
        "house": typed.get("house"),
        "hamlet": typed.get("hamlet"),
        "phone": typed.get("phone"),
        "code": typed.get("code"),
        "village": data.get("area_name"),
    }
    if not data["new"]["name"]:
        return ask(ctx, "new_name", data, Reply(ctx._("The household head's full name?")))
    return await _ask_place(ctx, data)


async def _ask_keys(ctx: Context, data: dict) -> Result:
    # A household found missing by its code or phone already has the key: ask nothing more.
    if data["new"].get("code") or data["new"].get("phone"):
        return await advance(ctx, data)
    return ask(ctx, "new_keys", data, _keys_question(ctx))


async def _ask_place(ctx: Context, data: dict) -> Result:
    if data["new"].get("hamlet"):
        return await _check_twins(ctx, data)
    text = ctx._('House number and group, e.g. "12 xom 3", "xom 3" or "12". Type "xong" to skip.')
    return ask(ctx, "new_place", data, Reply(text))


@router.step(FLOW, "new_name")
async def on_new_name(ctx: Context) -> Result:
    name = head_name(ctx.text)
    if name is None:
        return keep(Reply(ctx._("Please type the head's name in letters, e.g. Lê Văn Một.")))
    data = dict(ctx.state.data)
    data["new"] = {**data["new"], "name": name}
    return await _ask_place(ctx, data)


@router.step(FLOW, "new_place")
async def on_new_place(ctx: Context) -> Result:
    house = parse_house(ctx.text)
    address = (None, None) if is_skip(ctx.text) else parse_address(ctx.text)
    if address is None and house is None:
        return keep(Reply(ctx._('I could not read that. Type e.g. "12 xom 3", "xom 3" or "12".')))
    data = dict(ctx.state.data)
    house, hamlet = address or (house, None)
    data["new"] = {**data["new"], "house": house, "hamlet": hamlet}
    return await _check_twins(ctx, data)


async def _check_twins(ctx: Context, data: dict) -> Result:
    """A near-identical name at the same house number is offered before adding a new one."""
    new = data["new"]
    twins = await near_duplicates(
        ctx.session, village_id=area_id(ctx, data), name=new["name"], house=new.get("house")
    )
    if twins:
        choices = tuple(Choice(f"h{r.id}", household_line(ctx, r)) for r in twins)
        choices += (Choice("new", ctx._("No, a new household")),)
        return ask(ctx, "dup", data, Reply(ctx._("Is it this household?"), choices))
    return await _ask_keys(ctx, data)


@router.step(FLOW, "dup")
async def on_dup(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked is None:
        return keep(Reply(ctx._("Please pick one of the households."), tuple(ctx.state.choices)))
    if picked == "new":
        return await _ask_keys(ctx, data)
    data["new"], data["hh"] = None, int(picked[1:])
    return await advance(ctx, data)


def _keys_question(ctx: Context) -> Reply:
    return Reply(
        ctx._('Phone or customer code (optional). Type "xong" to skip.'),
        (Choice("skip", ctx._("Skip")),),
    )


@router.step(FLOW, "new_keys")
async def on_new_keys(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    if ctx.pick() == "skip" or is_skip(ctx.text):
        return await advance(ctx, data)
    code, phone = normalize_customer_code(ctx.text), normalize_phone(ctx.text)
    if not code and not phone:
        return keep(
            Reply(
                ctx._('That is not a phone number or customer code. Type "xong" to skip.'),
                tuple(ctx.state.choices),
            )
        )
    same = await by_key(ctx.session, commune_id=ctx.member.commune_id, code=code, phone=phone)
    refused = await lookup_limit.key_refusal(ctx, same)
    if refused:
        return keep(Reply(refused.text, tuple(ctx.state.choices)))
    if same is not None:
        # The same code or phone anywhere in the commune is the same household.
        data["new"], data["hh"] = None, same.id
        result = await advance(ctx, data)
        note = ctx._("Already known: {household}.", household=household_line(ctx, same))
        result.replies.insert(0, Reply(note))
        return result
    data["new"] = {**data["new"], "code": code or data["new"].get("code")}
    data["new"]["phone"] = phone or data["new"].get("phone")
    return await advance(ctx, data)
