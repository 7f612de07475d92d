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


#: Test modules that start real processes, kill them, or wait out retries (seconds each,
#: measured with --durations=60): `-m "not slow"` leaves them out locally; CI runs all.
SLOW_MODULES = frozenset({
    "test_checkins_processes", "test_crisis_path", "test_reliability_crash",
    "test_reliability_properties", "test_reliability_settings", "test_reliability_telegram",
    "test_runtime_poison", "test_runtime_startup", "test_runtime_tzdata",
    "test_runtime_webhook", "test_safety_files",
})
#: Single slow tests in otherwise fast modules (memory flood, a process start).
SLOW_TESTS = frozenset({
    "test_memory_does_not_grow_with_a_flood",
    "test_a_flood_from_one_person_is_all_answered_without_errors",
    "test_without_a_token_the_bot_says_so_once_and_opens_the_console",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests `slow` in one place (see SLOW_MODULES, SLOW_TESTS)."""
    for item in items:
        module = item.module.__name__.rpartition(".")[2] if item.module else ""
        if module in SLOW_MODULES or getattr(item, "originalname", item.name) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
