"""Import aiogram with its Telegram types built on first use instead of at import.

aiogram declares its ~1.000 types and methods with pydantic's `defer_build`, then rebuilds every
one of them at the end of `aiogram.types` to resolve forward references. That costs ~100 MB and
~2 s of CPU per process (aiogram issue #1513), for a bot that validates a few dozen of them.
While `aiogram.types` imports, that rebuild is skipped and the namespace it would have used is
kept; its names are then added to every aiogram type and method module (they import them only
under TYPE_CHECKING), so pydantic can build any model the first time it validates or
serialises, alone or nested in another. The schemas are the same, built later.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_MODULES = ("aiogram.types.", "aiogram.methods.", "aiogram.client.")


def import_aiogram_lazily() -> None:
    """Import aiogram's types and methods; a no-op once aiogram.types is imported (eager)."""
    if "aiogram.types" in sys.modules:
        return
    original = BaseModel.__dict__["model_rebuild"]
    namespace: dict[str, Any] = {}

    def remember_namespace(cls, *, _types_namespace=None, **kwargs):
        if _types_namespace is None or not cls.__module__.startswith("aiogram."):
            return original.__func__(cls, _types_namespace=_types_namespace, **kwargs)
        namespace.update(_types_namespace)
        return None

    BaseModel.model_rebuild = classmethod(remember_namespace)  # type: ignore[method-assign]
    try:
        import aiogram.methods
        import aiogram.types  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(_MODULES):
            for key, value in namespace.items():
                module.__dict__.setdefault(key, value)
