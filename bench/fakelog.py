"""Figures from the fake Telegram server's own log: accepted, lost, duplicated, 429s, rate."""

from __future__ import annotations

from collections import Counter

from tests.fakes.telegram_api import FakeTelegram


def accepted(fake: FakeTelegram) -> list[tuple[float, str]]:
    """(time, text) of every sendMessage the server accepted, in order."""
    return [
        (c.at, str(c.params.get("text")))
        for c in fake.calls
        if c.method == "sendMessage" and c.status == 200
    ]


def report(fake: FakeTelegram, expected: list[str]) -> dict:
    got = accepted(fake)
    texts = Counter(text for _, text in got)
    rejected = [c.at for c in fake.calls if c.method == "sendMessage" and c.status == 429]
    times = [t for t, _ in got]
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    limit = fake.limits.overall_per_second or 30
    return {
        "received": len(got),
        "unique": len(texts),
        "lost": len(set(expected) - set(texts)),
        "duplicated": sorted(k for k, n in texts.items() if n > 1),
        "rejected_429": len(rejected),
        "rejected_after_first": sum(1 for t in rejected if t > rejected[0] + 1.0),
        "max_in_any_second": fake.max_rate(1.0),
        "seconds": round(span, 2),
        # Messages per second from the first arrival to one pacing step after the last.
        "rate": round(len(times) / (span + 1 / limit), 2) if span else 0.0,
    }
