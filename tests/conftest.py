"""Shared fixtures: a fake Bot API on 127.0.0.1 and the real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakebot import FakeBotApi
from tests.harness import Clock, RunningBot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.db"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(api: FakeBotApi, db_path: Path, clock: Clock) -> AsyncIterator[RunningBot]:
    running = await RunningBot.start(api, db_path, clock)
    yield running
    await running.stop()
