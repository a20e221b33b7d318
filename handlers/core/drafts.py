"""Unsaved entries survive commands: a visit interrupted by /cuatoi or /tiendo is kept.

A command typed in the middle of a visit is answered, and the visit stays where it was (the
reply says so and that "tiếp" shows the question again). A command that starts its own flow
carries the visit along in its data under `_draft`; when that flow ends, the visit comes back.
A new visit started over an unsaved one replaces it, and says so.
Nothing here knows the visit flow's steps: a snapshot is the whole stored state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State
from models.keys import fold

# Flows whose state is work the user typed and has not saved yet.
DRAFT_FLOWS = frozenset({"visit"})
RESUME_WORDS = frozenset({"tiep", "tiep tuc", "quay lai", "resume", "continue"})
DRAFT_KEY = "_draft"
ASK_KEY = "_ask"
MAX_ASK = 1500


def is_resume(text: str) -> bool:
    return fold(text).strip(".!") in RESUME_WORDS


def snapshot(state: State) -> dict[str, Any]:
    return {
        "flow": state.flow,
        "step": state.step,
        "data": state.data,
        "choices": [[c.key, c.label] for c in state.choices],
        "multi": state.multi,
    }


def _restore(draft: dict[str, Any]) -> State:
    return State(
        draft["flow"],
        draft["step"],
        dict(draft["data"]),
        [Choice(k, label) for k, label in draft.get("choices") or []],
        bool(draft.get("multi")),
    )


def question(ctx: Context, state: State) -> Reply:
    """The question the state waits on, as it was last asked, with its choices."""
    text = state.data.get(ASK_KEY) or ctx._("Please answer the question above.")
    return Reply(text, tuple(state.choices), multi=state.multi)


def resume(ctx: Context) -> Result:
    """ "tiếp": ask the pending question again (or say there is nothing to go back to)."""
    if ctx.state.idle:
        return Result([Reply(ctx._("There is nothing unsaved to go back to."))], None)
    return Result([question(ctx, ctx.state)], None)


def _typed(draft: dict[str, Any]) -> bool:
    """Whether the entry holds anything typed beyond the command (a household at least)."""
    return bool(draft["data"].get("hh") or draft["data"].get("new"))


def settle(ctx: Context, before: State, result: Result, *, command: bool) -> Result:
    """Keep or bring back the unsaved entry around one turn's result."""
    carried = before.data.get(DRAFT_KEY) if before.flow else None
    draft = snapshot(before) if command and before.flow in DRAFT_FLOWS else carried
    new = result.state
    if draft is not None:
        if new is not None and new.flow in DRAFT_FLOWS:
            # A new visit replaces the unsaved one: one entry at a time, and the user is told.
            new.data.pop(DRAFT_KEY, None)
            if _typed(draft):
                result.replies.append(
                    Reply(ctx._("📝 The unsaved entry you started before was dropped."))
                )
        elif new is not None and new.flow is not None:
            new.data[DRAFT_KEY] = draft
        elif command or new is not None:
            # The command answered, or the flow in front ended: the entry is back in front.
            restored = _restore(draft)
            if command:
                # The command's own options are not pending any more: shown as plain lines.
                result.replies[:] = [_plain(r) for r in result.replies]
                result.replies.append(Reply(ctx._(
                    '📝 Your unsaved entry is kept. Type "tiếp" to go back to it, '
                    "or /huy to drop it."
                )))  # fmt: skip
            else:
                result.replies.append(Reply(ctx._("📝 Back to your unsaved entry:")))
                result.replies.append(question(ctx, restored))
            result.state = new = restored
            return result
    _remember_question(result)
    return result


def _plain(reply: Reply) -> Reply:
    if not reply.choices:
        return reply
    lines = [reply.text, *(f"• {c.label}" for c in reply.choices)]
    return replace(reply, text="\n".join(line for line in lines if line), choices=())


def _remember_question(result: Result) -> None:
    state = result.state
    if state is None or state.flow is None:
        return
    asking = next((r for r in reversed(result.replies) if r.text), None)
    if asking is not None:
        state.data[ASK_KEY] = asking.text[:MAX_ASK]
