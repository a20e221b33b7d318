"""Route one incoming message: a command, the pending step, or free text."""

from __future__ import annotations

import logging
from dataclasses import replace

from handlers.core import drafts, stranger_limit
from handlers.core.context import Context
from handlers.core.messages import Reply, Result, State, done, keep
from handlers.routes import COMMANDS, STEPS, TEXT_HANDLERS, WORDS
from models.keys import fold

log = logging.getLogger(__name__)

MAX_TEXT = 4000
CANCEL = {"huy", "cancel"}


def split_command(text: str) -> tuple[str, str] | None:
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    # Telegram groups send "/tiendo@cdsbot".
    return fold(head.split("@", 1)[0]), rest.strip()


async def handle(ctx: Context) -> Result:
    if ctx.member is not None or stranger_limit.proven(ctx):
        return await _settled(ctx)
    limited = await stranger_limit.gate(ctx)
    if limited is not None:
        result = limited
    else:
        result = await _settled(ctx)
        if result.replies:
            await stranger_limit.count(ctx)
    # Marked so a channel with a message quota counts them apart from members' answers.
    result.replies = [replace(r, to_stranger=True) for r in result.replies]
    return result


async def _settled(ctx: Context) -> Result:
    before = ctx.state
    parsed = split_command(ctx.text)
    result = await _route(ctx, parsed)
    command = parsed is not None and parsed[0] not in CANCEL
    return drafts.settle(ctx, before, result, command=command)


async def _route(ctx: Context, parsed: tuple[str, str] | None) -> Result:
    incoming = ctx.incoming
    if len(incoming.text or "") > MAX_TEXT:
        return keep(Reply(ctx._("That message is too long. Please send a shorter one.")))
    if parsed is not None:
        return await _command(ctx, *parsed)
    if not ctx.state.idle:
        if ctx.incoming.choice is None and drafts.is_resume(ctx.text):
            return drafts.resume(ctx)
        return await _step(ctx)
    if incoming.choice is not None:
        return keep(Reply(ctx._("This question has closed.")))
    if incoming.chat_kind == "group":
        return keep()  # in groups the bot answers commands only
    if ctx.member is None:
        return await COMMANDS["start"].fn(ctx)
    word = WORDS.get(fold(ctx.text))
    if word:
        return await _command(ctx, word, "")
    if incoming.kind != "text" or not ctx.text:
        return keep(_not_text(ctx))
    if drafts.is_resume(ctx.text):
        return drafts.resume(ctx)
    for _priority, fn in TEXT_HANDLERS:
        result = await fn(ctx)
        if result is not None:
            return result
    return keep(Reply(ctx._("Sorry, I did not understand. Type /trogiup to see what I can do.")))


async def _command(ctx: Context, name: str, args: str) -> Result:
    if name in CANCEL:
        if ctx.state.idle:
            return done(Reply(ctx._("Nothing to cancel.")))
        return done(Reply(ctx._("Cancelled. Nothing was saved.")))
    cmd = COMMANDS.get(name)
    if cmd is None:
        return keep(Reply(ctx._("Unknown command. Type /trogiup to see the commands.")))
    if ctx.incoming.chat_kind == "group" and not cmd.group:
        return keep(Reply(ctx._("Please use this command in a private chat with the bot.")))
    if cmd.role is not None:
        if ctx.member is None:
            return keep(Reply(ctx._("Please join first: send /start and your invite code.")))
        if not ctx.member.at_least(cmd.role):
            return keep(Reply(ctx._("This command is not available for your role.")))
    ctx.args = args
    ctx.commands = COMMANDS  # /trogiup lists them
    result = await cmd.fn(ctx)
    # A command started mid-flow abandons that flow unless it set its own state.
    if result.state is None and not ctx.state.idle:
        result.state = State()
    return result


async def _step(ctx: Context) -> Result:
    state = ctx.state
    entry = STEPS.get((state.flow or "", state.step or ""))
    if entry is None:
        log.warning("unknown step %s/%s: resetting", state.flow, state.step)
        return done(Reply(ctx._("Sorry, let us start again. Type /trogiup to see the commands.")))
    if ctx.incoming.choice is not None and ctx.pick() is None:
        return keep(Reply(ctx._("This question has closed.")))
    if ctx.incoming.kind not in entry.accepts:
        return keep(_not_text(ctx))
    result = await entry.fn(ctx)
    if result is None:
        # An optional question (e.g. /tiendo's options): handle it as if nothing was pending.
        ctx.state = State()
        result = await _settled(ctx)
        if result.state is None:
            result.state = State()
    return result


def _not_text(ctx: Context) -> Reply:
    kind = ctx.incoming.kind
    if kind == "sticker":
        return Reply(ctx._("I cannot read stickers yet 🙂 Please answer with words or numbers."))
    if kind == "voice":
        return Reply(ctx._("I cannot listen to voice messages yet. Please type your answer."))
    return Reply(ctx._("I cannot read this kind of message. Please type your answer."))
