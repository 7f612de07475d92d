"""Check-ins across real processes: killed between claim and send, and two at once.

The fake Bot API runs in the test; the bot processes (tests/checkin_worker.py) share one
SQLite file. Delivery is at-most-once: a row is claimed (and the next day's row queued) in one
transaction before the send, so a kill loses only what was in flight and repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.schedule import daily
from bot.store import Store
from tests.fakebot import FakeBotApi

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 10, 18, 1, tzinfo=UTC)


async def _people(db: Path, count: int) -> None:
    store = await Store.open(db)
    before = NOW - timedelta(hours=1)
    for user_id in range(1, count + 1):
        async with store.transaction():
            await store.ensure_user(user_id, date(2026, 3, 1))
            await store.set_profile(user_id, tz="UTC", checkin_time="18:00",
                                    nc_start="2026-03-01")
            await daily.reschedule(store, user_id, before)
    await store.close()


async def _worker(db: Path, api: FakeBotApi, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.checkin_worker", str(db), api.base_url, api.token,
        NOW.isoformat(), *extra, cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})


def _checkins(api: FakeBotApi) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in api.calls_of("sendMessage")
                   if str(c.params.get("text", "")).startswith("Daily check-in"))


async def _pending(db: Path) -> list[tuple[int, str]]:
    store = await Store.open(db)
    rows = await store._all("SELECT user_id, ref FROM due WHERE claimed_at IS NULL "
                            "ORDER BY user_id")
    await store.close()
    return [(r["user_id"], r["ref"]) for r in rows]


async def test_killed_between_claim_and_send_loses_only_what_was_in_flight(
        tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "bot.db"
    await _people(db, 20)
    crashing = await _worker(db, api, "--hang-after-claim")
    assert crashing.stdout is not None
    line = await asyncio.wait_for(crashing.stdout.readline(), 30)
    assert line.strip() == b"CLAIMED"
    crashing.send_signal(signal.SIGKILL)
    await crashing.wait()
    assert _checkins(api) == Counter()  # killed before any send

    restarted = await _worker(db, api)
    out, _ = await asyncio.wait_for(restarted.communicate(), 60)
    assert b"DONE" in out
    sent = _checkins(api)
    assert max(sent.values()) == 1  # nothing sent twice
    in_flight = 7  # the batch the killed process had claimed (run_once limit=7)
    assert len(sent) == 20 - in_flight
    # Nobody lost their future: every person, the in-flight ones too, has tomorrow queued.
    assert await _pending(db) == [(u, "2026-03-11") for u in range(1, 21)]


async def test_two_processes_on_one_database_never_send_a_row_twice(
        tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "bot.db"
    await _people(db, 150)
    workers = [await _worker(db, api) for _ in range(2)]
    outs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)
    handled = [int(o.split()[-1]) for o, _ in outs]
    sent = _checkins(api)
    assert sum(handled) == 150 and len(sent) == 150
    assert set(sent.values()) == {1}
    with contextlib.suppress(AssertionError):
        assert min(handled) > 0  # usually both took a share; not guaranteed, so not required
    assert await _pending(db) == [(u, "2026-03-11") for u in range(1, 151)]
