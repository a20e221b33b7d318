"""Fixtures for the Zalo channel: the fake API and environments in polling or webhook mode."""

from __future__ import annotations

import pytest

from tests.fakes.zalo_api import FakeZaloApi
from tests.fakes.zalo_harness import ZaloEnv, start_env


@pytest.fixture
async def fake():
    api = await FakeZaloApi().start()
    yield api
    await api.close()


@pytest.fixture
async def zalo(fake, pipeline):
    """Factory: `env = await zalo(mode="webhook", quota=5, ...)`; stopped after the test."""
    envs: list[ZaloEnv] = []

    async def make(**kw) -> ZaloEnv:
        env = await start_env(fake, pipeline, **kw)
        envs.append(env)
        return env

    yield make
    for env in envs:
        await env.stop()
