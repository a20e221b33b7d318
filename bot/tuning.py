"""Process-wide speed settings for `cdsbot run`: the event loop, JSON and the garbage collector.

Each lever is on by default and can be switched off with `CDSBOT_TUNING` (a comma-separated
subset of `uvloop,orjson,gc`, or `none`), so its effect can be measured on its own
(`docs/benchmarks.md`, issue 18) and an operator can fall back if one misbehaves.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
from collections.abc import Callable
from typing import Any

LEVERS = ("uvloop", "orjson", "gc")
# Young-generation collections every 10.000 allocations instead of 700: a turn allocates
# thousands of short-lived objects (pydantic models, SQLAlchemy rows), almost none in cycles,
# and the default threshold ran the collector several times per update. 50.000 held up to
# 50.000 objects: 6–7 MB more RSS at peak for no CPU gain measurable here (issue 18).
GC_THRESHOLDS = (10_000, 20, 100)


def enabled() -> set[str]:
    raw = os.environ.get("CDSBOT_TUNING")
    if raw is None:
        return set(LEVERS)
    return {part.strip() for part in raw.split(",")} & set(LEVERS)


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when installed and wanted; None means asyncio's default loop."""
    if "uvloop" not in enabled():
        return None
    try:
        import uvloop
    except ImportError:  # not on this platform (e.g. Windows): the standard loop
        return None
    return uvloop.new_event_loop


def run(coro) -> Any:  # noqa: ANN001 - a coroutine
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)


def json_codec() -> tuple[Callable[[Any], Any], Callable[[Any], str]]:
    """(loads, dumps) for aiogram's session: orjson's when installed and wanted."""
    if "orjson" in enabled():
        try:
            import orjson
        except ImportError:
            pass
        else:
            return orjson.loads, _orjson_dumps(orjson)
    return json.loads, json.dumps


def _orjson_dumps(orjson) -> Callable[[Any], str]:  # noqa: ANN001 - the module
    def dumps(value: Any) -> str:
        # Non-string keys as json.dumps allows them; Vietnamese stays UTF-8, not \u escapes.
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()

    return dumps


def tune_gc() -> None:
    if "gc" in enabled():
        gc.set_threshold(*GC_THRESHOLDS)
