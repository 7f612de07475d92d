"""One person never holds up another: per-person order, per-chat pacing, and a store whose
readers never see another person's half-done transaction.

These go through the real parts (a real SQLite file, PTB `Update` objects, the limiter with
a callback standing in for the HTTP call); none of them measures speed.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import RetryAfter

from bot.store import Store
from bot.telegram.pacing import Bucket, PacedLimiter, bulk_sending
from bot.telegram.processor import PerPersonOrder
from tests.fakebot import updates


async def test_a_read_never_sees_another_persons_unfinished_write(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "bot.db")
    try:
        async with store.transaction():
            await store.ensure_user(1, date(2026, 1, 1))
        written, finish = asyncio.Event(), asyncio.Event()

        async def half_done_then_rolled_back() -> None:
            with contextlib.suppress(RuntimeError):
                async with store.transaction():
                    await store.set_profile(1, country="GB")
                    written.set()
                    await finish.wait()  # (a network call, another person's update...)
                    raise RuntimeError("something failed: the write is rolled back")

        writer = asyncio.create_task(half_done_then_rolled_back())
        await written.wait()
        reader = asyncio.create_task(store.user(1))
        await asyncio.sleep(0.05)
        finish.set()
        row = await reader
        await writer
        assert row is not None and row["country"] is None  # never the rolled-back "GB"
        assert (await store.user(1) or {})["country"] is None
    finally:
        await store.close()


def update(user_id: int, text: str = "hi") -> Update:
    return Update.de_json(updates.text(user_id, text), None)


async def test_one_persons_updates_run_in_order_while_a_stranger_is_not_held_up() -> None:
    processor = PerPersonOrder(running=8)
    log: list[str] = []
    stranger_done = asyncio.Event()

    async def slow_first() -> None:
        log.append("ana 1 start")
        # Ana's first update waits on something only the stranger's update releases: with
        # one update at a time this would never finish.
        await asyncio.wait_for(stranger_done.wait(), 5)
        log.append("ana 1 end")

    async def ana(n: int) -> None:
        log.append(f"ana {n} start")
        await asyncio.sleep(0)
        log.append(f"ana {n} end")

    async def ben() -> None:
        log.append("ben")
        stranger_done.set()

    await asyncio.gather(
        processor.process_update(update(1), slow_first()),
        processor.process_update(update(1), ana(2)),
        processor.process_update(update(1), ana(3)),
        processor.process_update(update(2), ben()),
    )
    assert [e for e in log if e.startswith("ana")] == [
        "ana 1 start", "ana 1 end", "ana 2 start", "ana 2 end", "ana 3 start", "ana 3 end"]
    assert log.index("ben") < log.index("ana 1 end")
    assert processor._locks == {}  # nobody waiting: nothing kept


async def test_a_flood_from_one_person_does_not_fill_the_pool_for_everyone() -> None:
    processor = PerPersonOrder(running=2)
    gate = asyncio.Event()
    served: list[int] = []

    async def held() -> None:
        await gate.wait()

    async def other() -> None:
        served.append(2)
        gate.set()

    floods = [processor.process_update(update(1), held()) for _ in range(20)]
    await asyncio.wait_for(asyncio.gather(*floods, processor.process_update(update(2), other())),
                           10)
    assert served == [2]


def test_replies_to_different_chats_never_queue_behind_each_other() -> None:
    now = [0.0]
    chats = Bucket(1.0, burst=4, clock=lambda: now[0])
    assert [chats.reserve(chat) for chat in range(100)] == [0.0] * 100
    # One chat: a screen's few messages at once, then about one a second.
    assert [chats.reserve("ana") for _ in range(6)] == [0.0, 0.0, 0.0, 0.0, 1.0, 2.0]


def test_a_429_pauses_that_chat_only() -> None:
    now = [0.0]
    chats = Bucket(1.0, burst=4, clock=lambda: now[0])
    chats.pause("ana", 20)
    assert chats.reserve("ana") == pytest.approx(20)
    assert chats.reserve("ben") == 0.0


def test_bulk_sends_share_one_budget_of_30_a_second() -> None:
    now = [0.0]
    bulk = Bucket(1 / 30, burst=1, clock=lambda: now[0])
    waits = [bulk.reserve(None) for _ in range(61)]
    assert waits[0] == 0.0 and waits[30] == pytest.approx(1.0) and waits[60] == pytest.approx(2)


async def test_the_limiter_serves_another_chat_while_one_chat_waits_out_a_429() -> None:
    limiter = PacedLimiter()
    told_to_wait = asyncio.Event()

    async def send(chat: int) -> dict[str, Any]:
        if chat == 1 and not told_to_wait.is_set():
            told_to_wait.set()
            raise RetryAfter(20)
        return {"chat": chat}

    def request(chat: int) -> Any:
        return limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat},
                                       None)

    ana = asyncio.create_task(request(1))
    await told_to_wait.wait()
    assert await asyncio.wait_for(request(2), 5) == {"chat": 2}
    assert not ana.done()  # Ana's chat is still waiting out its 20 s
    ana.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ana


async def test_only_bulk_sends_count_against_the_bot_wide_budget() -> None:
    limiter = PacedLimiter()

    async def send(chat: int) -> bool:
        return True

    for chat in range(40):  # replies: no bot-wide budget touched
        await limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
    assert limiter.bulk.reserve(None) == 0.0  # 40 replies later, a check-in may go at once
    with bulk_sending():
        await limiter.process_request(send, (99,), {}, "sendMessage", {"chat_id": 99}, None)
    assert limiter.bulk.reserve(None) > 0  # a bulk send took the budget's next slot


def test_a_late_bulk_send_pushes_the_next_one_back() -> None:
    now = [0.0]
    bulk = Bucket(1 / 30, burst=1, clock=lambda: now[0])
    assert bulk.reserve(None) == 0.0
    assert bulk.reserve(None) == pytest.approx(1 / 30)
    now[0] = 0.05  # the second send's sleep overshot: it leaves at 50 ms, not 33 ms
    bulk.started(None)
    assert bulk.reserve(None) == pytest.approx(1 / 30)  # the third still waits a full slot
