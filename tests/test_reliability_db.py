"""When the database fails the person gets a kind reply, crisis lines still work, nothing is
half-saved, and everything recovers by itself once the fault clears.

How each fault is made real (tests run as root, and root ignores file modes):

- locked: a second sqlite3 connection holds `BEGIN EXCLUSIVE`, exactly what another process
  writing would do; the bot's busy_timeout is lowered from 5 s to 0.3 s so the test is quick.
- read-only: `PRAGMA query_only=ON` on the bot's own connection; SQLite then refuses every
  write with SQLITE_READONLY, the same code a read-only file or mount gives.
- disk full: `PRAGMA max_page_count` set to the file's current size; SQLite refuses to grow
  the file with SQLITE_FULL ("database or disk is full"), the same code and the same
  automatic rollback as a full disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.engine import Start, TimerFired
from bot.safety import crisis_card, load_crisis_directory
from bot.store import StoreFull, StoreReadOnly
from bot.telegram.handlers import DATABASE_SORRY
from tests.fakebot import FakeBotApi, updates
from tests.harness import Clock, RunningBot, sent_texts

ALICE = 6161
SORRY = DATABASE_SORRY.split(",")[0]


async def place(bot: RunningBot, user_id: int = ALICE) -> tuple[str | None, str | None]:
    user = await bot.store.user(user_id)
    assert user is not None
    return user["flow"], user["node"]


def healthy(db_path: Path) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@contextmanager
def locked(db_path: Path) -> Iterator[None]:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def run_under(bot: RunningBot, fault: str) -> None:
    if fault == "readonly":
        await bot.store.db.execute("PRAGMA query_only=ON")
    elif fault == "full":
        async with bot.store.db.execute("PRAGMA page_count") as cur:
            pages = (await cur.fetchone())[0]
        await bot.store.db.execute(f"PRAGMA max_page_count={pages}")
        # Fill what room is left in the file with someone else's rows, as a full disk would.
        await bot.store.db.execute("INSERT OR IGNORE INTO users (user_id, created_on) "
                                   "VALUES (999, '2026-01-01')")
        with contextlib.suppress(sqlite3.OperationalError):
            for _ in range(100_000):
                await bot.store.db.execute(
                    "INSERT INTO records (user_id, at, field, value_int) VALUES "
                    "(999, '2026-01-01T00:00:00+00:00', 'pull_before', 5)")
        with contextlib.suppress(sqlite3.OperationalError):
            for filler in range(1_000_000, 1_100_000):
                await bot.store.db.execute("INSERT INTO users (user_id, created_on) "
                                           "VALUES (?, '2026-01-01')", (filler,))


async def clear(bot: RunningBot, fault: str) -> None:
    if fault == "readonly":
        await bot.store.db.execute("PRAGMA query_only=OFF")
    elif fault == "full":
        await bot.store.db.execute("PRAGMA max_page_count=1073741823")


async def exchange(bot: RunningBot, update: dict, replies: int) -> list[str]:
    """Push an update and wait for `replies` messages (the busy wait outlasts settle's)."""
    start = since = len(bot.api.calls)
    bot.api.push_update(update)
    for _ in range(replies):
        call = await bot.api.wait_for("sendMessage", since=since, timeout=10)
        since = bot.api.calls.index(call) + 1
    await asyncio.sleep(0.3)  # and nothing more comes
    return [c.params.get("text", "") for c in bot.api.calls[start:] if c.method == "sendMessage"]


async def test_a_locked_database_gets_a_kind_reply_and_recovers(
        bot: RunningBot, db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    await bot.command(ALICE, "/urge")
    await bot.store.db.execute("PRAGMA busy_timeout=300")
    with caplog.at_level(logging.ERROR), locked(db_path):
        message_id, data = bot.find_button(ALICE, "I'm safe")
        texts = await exchange(bot, updates.callback(ALICE, data, message_id), 1)
        assert texts == [DATABASE_SORRY]
        # Crisis help never waits on the database: /crisis and risk words still show lines,
        # instead of the apology (an apology after them would only bury them).
        texts = await exchange(bot, updates.command(ALICE, "/crisis"), 1)
        assert len(texts) == 1 and "findahelpline.com" in texts[0]
        card = crisis_card(load_crisis_directory(), None, "self_harm")
        texts = await exchange(bot, updates.text(ALICE, "i want to kill myself"), 1)
        assert texts == [card]
    lines = [r.getMessage() for r in caplog.records if "database error" in r.getMessage()]
    assert lines and "SQLITE_BUSY" in lines[0] and "nothing was saved" in lines[0]
    assert not any("kill" in r.getMessage() for r in caplog.records)
    assert await place(bot) == ("urge", "safe")  # nothing half-moved
    await bot.tap(ALICE, "I'm safe")  # the same button works once the lock is gone
    await bot.tap(ALICE, "4")
    assert await bot.store.records(ALICE) == [("pull_before", 4)]
    healthy(db_path)


@pytest.mark.parametrize("fault", ["readonly", "full"])
async def test_a_write_refused_mid_flow_keeps_the_place_and_recovers(
        bot: RunningBot, db_path: Path, fault: str, caplog: pytest.LogCaptureFixture) -> None:
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    code = {"readonly": "SQLITE_READONLY", "full": "SQLITE_FULL"}[fault]
    await run_under(bot, fault)
    refused = 0
    with caplog.at_level(logging.ERROR):
        if fault == "full":  # someone new cannot be written either
            texts = sent_texts(await bot.command(ALICE + 1, "/urge"))
            assert texts == [DATABASE_SORRY]
            refused = 1
        assert sent_texts(await bot.tap(ALICE, "7")) == [DATABASE_SORRY]
        assert await place(bot) == ("urge", "rate_before")
        if fault == "readonly":  # (a full disk still allows writes that need no new page)
            texts = sent_texts(await bot.command(ALICE, "/crisis"))
            assert len(texts) == 1 and "findahelpline.com" in texts[0]  # no apology after it
    assert any(code in r.getMessage() for r in caplog.records), \
        [r.getMessage() for r in caplog.records]
    await clear(bot, fault)
    await bot.tap(ALICE, "7")
    assert await bot.store.records(ALICE) == [("pull_before", 7)]
    if refused:  # the person who was refused is welcomed properly now
        texts = sent_texts(await bot.command(ALICE + refused, "/urge"))
        assert texts != [DATABASE_SORRY] and any("safe right now" in t for t in texts)
    healthy(db_path)


async def test_a_timer_due_while_the_database_refuses_writes_is_sent_once_later(
        bot: RunningBot, db_path: Path, clock: Clock) -> None:
    talk = bot.app.bot_data["conversation"]
    dispatcher = bot.app.bot_data["dispatcher"]
    await talk.handle(ALICE, Start("ride"), fresh=True)
    await bot.settle(0)
    await bot.tap(ALICE, "5 minutes")
    clock.now += timedelta(minutes=10)
    await run_under(bot, "readonly")
    with pytest.raises(StoreReadOnly):  # the scan job's error handler logs it
        await dispatcher.run_once()
    await clear(bot, "readonly")
    since = len(bot.api.calls)
    assert await dispatcher.run_once() == 1
    texts = sent_texts(await bot.settle(since))
    assert texts and texts[0].startswith("Reminder")
    assert await dispatcher.run_once() == 0
    healthy(db_path)


async def test_a_timer_whose_write_fails_after_its_claim_is_retried_not_lost(
        bot: RunningBot, api: FakeBotApi, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    talk = bot.app.bot_data["conversation"]
    dispatcher = bot.app.bot_data["dispatcher"]
    await talk.handle(ALICE, Start("ride"), fresh=True)
    await bot.settle(0)
    await bot.tap(ALICE, "5 minutes")
    clock.now += timedelta(minutes=10)
    real_handle = talk.handle
    failures = []

    async def full_once(user_id: int, event: object, **kwargs: object) -> None:
        if isinstance(event, TimerFired) and not failures:
            failures.append(event)
            raise StoreFull("SQLITE_FULL")
        await real_handle(user_id, event, **kwargs)

    monkeypatch.setattr(talk, "handle", full_once)
    since = len(api.calls)
    assert await dispatcher.run_once() == 1  # claimed, write failed, handed back
    assert not [c for c in api.calls[since:] if c.method == "sendMessage"]  # nothing sent
    assert await dispatcher.run_once() == 1  # the next scan delivers it
    texts = sent_texts(await bot.settle(since))
    assert sum(t.startswith("Reminder") for t in texts) == 1
    assert await dispatcher.run_once() == 0
