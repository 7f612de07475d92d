"""The due-queue scan keeps its rhythm when the machine's wall clock is stepped back.

The machine's clock is not touched: the wall clock is stepped back an hour for every part
that reads it (the bot's own clock and the scheduler library's `datetime.now`). Scans are
timed by the event loop's monotonic clock, so they carry on; an interval job timed by wall
time would wait out the hour.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import apscheduler.schedulers.base as apscheduler_base
import pytest

from bot.content import load_content
from bot.safety import load_crisis_directory
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.run import serve
from tests.fakebot import FakeBotApi
from tests.harness import Clock

SCAN = 0.05  # seconds between scans in this test (20 s in production)


async def _until(predicate: object, within: float = 10.0) -> None:
    for _ in range(int(within / 0.02)):
        if predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)


async def test_a_backward_wall_clock_step_does_not_stall_the_due_queue(
        api: FakeBotApi, db_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    step_back = [timedelta(0)]

    class SteppedClock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> SteppedClock:  # type: ignore[override]
            return super().now(tz) - step_back[0]

    monkeypatch.setattr(apscheduler_base, "datetime", SteppedClock)
    store = await Store.open(db_path)
    app = build_application(token=api.token, base_url=api.base_url, content=load_content(),
                            store=store, directory=load_crisis_directory(), clock=clock,
                            rate_limit=False, scan_seconds=SCAN)
    dispatcher = app.bot_data["dispatcher"]
    scans = [0]
    scan_once = dispatcher.run_once

    async def counted(limit: int = 500) -> int:
        scans[0] += 1
        return await scan_once(limit)

    dispatcher.run_once = counted
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, stop, poll_timeout=1))
    try:
        await _until(lambda: scans[0] >= 2)
        assert scans[0] >= 2, "the due-queue never scanned"
        step_back[0] = timedelta(hours=1)
        clock.now -= timedelta(hours=1)
        before = scans[0]
        await _until(lambda: scans[0] >= before + 5)
        assert scans[0] >= before + 5, "the scans stalled after the wall clock stepped back"
    finally:
        stop.set()
        await asyncio.wait_for(serving, 15)
        await store.close()
    after = scans[0]
    await asyncio.sleep(SCAN * 4)
    assert scans[0] == after  # the scans end with the application
