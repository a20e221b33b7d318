"""Progress of long operator work (imports, plan apply, bench gen, backup, restore): a tqdm bar
on a terminal, a plain line every 10 % or 5 s when the output is a file or a pipe (cron, CI,
`| tee`), and one summary line at the end. Counts only, never what is being processed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO

from tqdm import tqdm

from locales import Translator

STEP_PERCENT = 10
STEP_SECONDS = 5.0


class WorkProgress:
    """`with WorkProgress(t, N_("Backing up"), total=n) as work: work.advance(k)`.

    `label` is a msgid, translated here. `total` may be unknown (None) or set later with
    `reset(total)`. On a clean exit one summary line is printed (`summary` if the caller set it);
    when the work fails, a line says how far it got."""

    def __init__(
        self,
        t: Translator,
        label: str,
        *,
        total: int | None = None,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.t = t
        self.label = t.gettext(label)
        self.total = total
        self.done = 0
        self.summary: str | None = None
        self._stream = stream or sys.stdout
        self._clock = clock
        self._started = clock()
        self._last_line = self._started
        self._next_pct = STEP_PERCENT
        self._bar: tqdm | None = None
        if _is_terminal(self._stream):
            # leave=False: the bar disappears and the summary line takes its place.
            self._bar = tqdm(
                total=total, desc=self.label, file=self._stream, leave=False, dynamic_ncols=True
            )

    def __enter__(self) -> WorkProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(failed=kind is not None)

    def reset(self, total: int | None) -> None:
        """The total became known (or changed) once the work had started."""
        self.total = total
        self._next_pct = _next_step(self.done, total)
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def advance_to(self, done: int) -> None:
        if done > self.done:
            self.advance(done - self.done)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = self._clock()
        pct = self.done * 100 / self.total if self.total else None
        if (pct is not None and pct >= self._next_pct) or now - self._last_line >= STEP_SECONDS:
            self._last_line = now
            self._next_pct = _next_step(self.done, self.total)
            self._print(self._line(pct))

    def elapsed(self) -> str:
        seconds = self._clock() - self._started
        return self.t.gettext("{seconds} s", seconds=self.t.num(seconds, 1))

    def close(self, *, failed: bool = False) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if failed:
            text = self.t.gettext(
                "{label}: stopped after {done} in {elapsed}",
                label=self.label,
                done=self._count(),
                elapsed=self.elapsed(),
            )
        else:
            text = self.summary or self.t.gettext(
                "{label}: done, {done} in {elapsed}",
                label=self.label,
                done=self._count(),
                elapsed=self.elapsed(),
            )
        self._print(text)

    def _count(self) -> str:
        if self.total:
            return self.t.gettext(
                "{done} of {total}", done=self.t.num(self.done), total=self.t.num(self.total)
            )
        return self.t.num(self.done)

    def _line(self, pct: float | None) -> str:
        if pct is None:
            return self.t.gettext(
                "{label}: {done} so far, {elapsed}",
                label=self.label,
                done=self._count(),
                elapsed=self.elapsed(),
            )
        return self.t.gettext(
            "{label}: {done} ({percent}), {elapsed}",
            label=self.label,
            done=self._count(),
            percent=self.t.pct(min(pct, 100), 0),
            elapsed=self.elapsed(),
        )

    def _print(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _next_step(done: int, total: int | None) -> float:
    if not total:
        return float("inf")
    reached = done * 100 / total
    return (int(reached // STEP_PERCENT) + 1) * STEP_PERCENT
