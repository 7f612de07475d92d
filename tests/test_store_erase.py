"""/delete through the real bot: the chat is wiped first, the rows and every copy of them go,
the person is told only what is true, and nothing but their own typing brings them back.

The database holds ids, never text, so "erased" is checked by searching the database file and
its WAL for the person's Telegram id, in both ways SQLite writes an integer: as a 6-byte
big-endian value in a record, and as a varint where it is a table's row id.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.engine import TimerFired
from bot.store import Store, StoreBusy
from tests.fakebot import FakeBotApi, updates
from tests.harness import RunningBot, sent_texts

#: A 6-byte id (as real Telegram ids are), distinctive enough to search for in the files.
ALICE = 0x6BA5E1D74C39


def _varint(n: int) -> bytes:
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes(reversed(out))


def traces(db_path: Path, user_id: int) -> list[str]:
    """The files (database, WAL, SHM) that still hold the person's id in any form."""
    patterns = (user_id.to_bytes(6, "big"), _varint(user_id))
    found = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            data = path.read_bytes()
            if any(p in data for p in patterns):
                found.append(path.name)
    return found


async def _use_the_bot(bot: RunningBot) -> None:
    await bot.command(ALICE, "/start")
    await bot.tap(ALICE, lambda t: t.startswith("Set up"))
    await bot.tap(ALICE, "A friend")
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    await bot.tap(ALICE, "9")


async def _erase(bot: RunningBot) -> list[dict[str, object]]:
    """Tap "Yes, erase everything"; the calls it caused, up to and including the last word."""
    since = len(bot.api.calls)
    message_id, data = bot.find_button(ALICE, "Yes, erase everything")
    bot.api.push_update(updates.callback(ALICE, data, message_id))
    await bot.api.wait_for("sendMessage", lambda c: "erased" in c.params.get("text", ""),
                           timeout=10, since=since)
    return await bot.settle(since)


def _hold_a_read_transaction(db_path: Path) -> sqlite3.Connection:
    """Another program reading the database (a backup, a second worker, the sqlite3 shell)."""
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM users").fetchone()
    return reader


async def test_erase_is_announced_only_when_no_copy_is_left(bot: RunningBot) -> None:
    await _use_the_bot(bot)
    await bot.command(ALICE, "/delete")
    texts = sent_texts(await _erase(bot))
    assert texts[-1].startswith("Done. Everything I kept about you is erased.")
    assert traces(bot.db_path, ALICE) == []  # already gone when the person reads "erased"


async def test_an_erase_the_database_refuses_says_nothing_was_erased(
        bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await _use_the_bot(bot)
    await bot.command(ALICE, "/delete")

    async def busy(user_id: int) -> bool:
        raise StoreBusy("SQLITE_BUSY")

    monkeypatch.setattr(bot.store, "delete_user", busy)
    since = len(bot.api.calls)
    message_id, data = bot.find_button(ALICE, "Yes, erase everything")
    bot.api.push_update(updates.callback(ALICE, data, message_id))
    await bot.api.wait_for("sendMessage", lambda c: "/delete again" in c.params.get("text", ""),
                           timeout=10, since=since)
    texts = sent_texts(await bot.settle(since))
    assert not any("is erased" in t for t in texts)  # never "erased" when it was not
    monkeypatch.undo()
    assert traces(bot.db_path, ALICE)  # still there: they are not told otherwise


async def test_while_another_program_reads_the_database_erase_says_what_is_pending(
        bot: RunningBot) -> None:
    await _use_the_bot(bot)
    reader = _hold_a_read_transaction(bot.db_path)
    try:
        assert traces(bot.db_path, ALICE)  # the search finds the person before the erase
        await bot.command(ALICE, "/delete")
        texts = sent_texts(await _erase(bot))
        said = texts[-1]
        assert "Done" not in said and "journal" in said and "/start" in said
        assert bot.store.fold_pending
        assert await bot.store.user(ALICE) is None  # the rows themselves are gone already
    finally:
        reader.rollback()
        reader.close()
    for _ in range(100):  # the background retry folds the WAL once the reader lets go
        if not bot.store.fold_pending:
            break
        await asyncio.sleep(0.1)
    assert not bot.store.fold_pending
    assert traces(bot.db_path, ALICE) == []


async def test_an_erase_held_up_by_a_reader_does_not_hold_up_other_people(
        db_path: Path) -> None:
    """The checkpoint waits on the reader off the shared connection and without its lock.

    Before, it ran on the shared connection under the write lock with a 5 s busy timeout,
    so another person's write waited for it; now that write lands while the erase is still
    retrying (about 0.75 s of short tries).
    """
    store = await Store.open(db_path)
    try:
        async with store.transaction():
            await store.ensure_user(ALICE, date(2026, 11, 21))
            await store.ensure_user(2, date(2026, 11, 21))
        reader = _hold_a_read_transaction(db_path)
        order: list[str] = []

        async def erase() -> None:
            await store.delete_user(ALICE)
            order.append("erase")

        async def someone_else() -> None:
            for _ in range(500):
                if await store.user(ALICE) is None:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # the erase has moved on to folding the WAL by now
            async with store.transaction():
                await store.set_active(2, False)
            order.append("someone else")

        try:
            await asyncio.gather(erase(), someone_else())
        finally:
            reader.rollback()
            reader.close()
        assert order == ["someone else", "erase"]
        assert (await store.user(2) or {}).get("active") == 0
    finally:
        await store.close()


async def test_delete_wipes_the_bots_messages_first_while_their_ids_are_known(
        bot: RunningBot, api: FakeBotApi) -> None:
    await _use_the_bot(bot)
    await bot.command(ALICE, "/delete")
    shown = [m["message_id"] for m in _bots(api)]
    calls = await _erase(bot)
    deleted = {i for c in calls if c["method"] == "deleteMessages" for i in c["message_ids"]}
    assert set(shown) <= deleted  # the question "Erase it all?" too
    last = sent_texts(calls)[-1]
    assert f"deleted {len(deleted)} of my recent messages" in last
    assert [m.get("text") for m in _bots(api)] == [last]  # only this is left


def _bots(api: FakeBotApi) -> list[dict[str, object]]:
    return [m for m in api.chat_messages(ALICE) if (m.get("from") or {}).get("is_bot")]


async def test_a_late_tap_after_delete_does_not_bring_the_person_back(
        bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    old_screen, old_data = bot.find_button(ALICE, "I'm safe")
    crisis_screen, crisis_data = bot.find_button(ALICE, "I'm not safe")
    await bot.command(ALICE, "/delete")
    await _erase(bot)

    texts = sent_texts(await bot.push(updates.callback(ALICE, old_data, old_screen)))
    assert len(texts) == 1 and "/start" in texts[0]
    assert await bot.store.user(ALICE) is None
    # Crisis lines stay one tap away, even on an old button, and still make no row.
    texts = sent_texts(await bot.push(updates.callback(ALICE, crisis_data, crisis_screen)))
    assert any("findahelpline.com" in t for t in texts)
    # A check-in's buttons, and an edit of an old message, do not bring them back either.
    await bot.push(updates.callback(ALICE, "!ci:urge", old_screen))
    await bot.push(updates.callback(ALICE, "!ci:2026-11-21:4", old_screen))
    await bot.push(updates.edited_text(ALICE, 1_000_000, "hello"))
    assert await bot.store.user(ALICE) is None
    assert await bot.store.export(ALICE) == {}


async def test_a_timer_due_after_delete_says_nothing_and_makes_no_row(
        bot: RunningBot, api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    await bot.command(ALICE, "/delete")
    await _erase(bot)
    since = len(api.calls)
    # As if the due-queue had claimed the person's timer just before /delete ran.
    await bot.app.bot_data["conversation"].handle(ALICE, TimerFired("urge.x"), by_bot=True)
    assert await bot.settle(since, within=0.5) == []
    assert await bot.store.user(ALICE) is None


async def test_start_after_delete_begins_again(bot: RunningBot) -> None:
    await _use_the_bot(bot)
    await bot.command(ALICE, "/delete")
    await _erase(bot)
    await bot.command(ALICE, "/start")
    assert await bot.store.user(ALICE) is not None
    assert await bot.store.records(ALICE) == []
