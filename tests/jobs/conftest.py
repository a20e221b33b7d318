"""Fixtures for the scheduled pushes: a seeded team, recording channels, a sender."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.outbox import TELEGRAM_LIMITS, ChannelLimits, Sender
from tests.jobs.helpers import RecordingChannel


@pytest.fixture
def telegram() -> RecordingChannel:
    return RecordingChannel("telegram")


@pytest.fixture
def zalo() -> RecordingChannel:
    return RecordingChannel("zalo")


@pytest.fixture
def sender(sessionmaker, telegram, zalo, clock):
    return Sender(
        sessionmaker,
        {"telegram": telegram, "zalo": zalo},
        # The overall limit only: per-chat pacing is tested on its own (it needs real time).
        limits={name: ChannelLimits(TELEGRAM_LIMITS.overall) for name in ("telegram", "zalo")},
        clock=clock,
        lease=timedelta(seconds=30),
        poll=0.05,
    )


@pytest.fixture
async def team(joined):
    """Thôn 1 of the demo commune: two volunteers (Telegram, Zalo), a leader, an official."""
    return {
        "lan": await joined("tg-lan", "volunteer", "Nguyễn Thị Lan", channel="telegram"),
        "hai": await joined("zl-hai", "volunteer", "Trần Văn Hải", channel="zalo"),
        "nam": await joined("tg-nam", "leader", "Lê Văn Nam", channel="telegram"),
        "hoa": await joined("tg-hoa", "official", "Phạm Thị Hoa", channel="telegram"),
    }
