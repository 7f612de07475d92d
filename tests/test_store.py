"""The store on a real SQLite file: what it refuses, what it keeps, and for how long."""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store, StoreError

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def test_the_database_refuses_free_text_in_every_recorded_value(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        async with store.transaction():
            await store.ensure_user(1, date(2026, 11, 21))
        for field, value in (("tactic", "I miss you"), ("tactic", "guilt trip"),
                             ("Tactic", "guilt"), ("tactic", "x" * 41)):
            with pytest.raises(StoreError, match="^SQLITE_CONSTRAINT"):
                async with store.transaction():
                    await store.record(1, field, value, NOW)
        with pytest.raises(StoreError, match="^SQLITE_CONSTRAINT"):
            async with store.transaction():
                await store.record(1, "pull_before", 11, NOW)
        assert await store.records(1) == []
    finally:
        await store.close()


async def test_database_file_and_folder_are_owner_only(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_path.parent).st_mode) == 0o700


async def test_message_ids_older_than_telegrams_delete_window_are_dropped(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        async with store.transaction():
            await store.ensure_user(1, date(2026, 11, 21))
            await store.remember_message(1, 10, NOW - timedelta(hours=49))
            await store.remember_message(1, 11, NOW - timedelta(hours=2))
            await store.remember_message(1, 12, NOW)
        kept = (await store.export(1))["bot_messages"]
        assert [row["message_id"] for row in kept] == [11, 12]
    finally:
        await store.close()


# -- the due-queue: claiming, releasing, cancelling ---------------------------------------


async def _with_rows(store: Store, n: int, due: datetime = NOW) -> None:
    async with store.transaction():
        for user_id in range(1, n + 1):
            await store.ensure_user(user_id, date(2026, 11, 21))
            await store.schedule(user_id, "timer", "urge.ride", due)


async def test_a_claimed_row_is_not_claimed_twice(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        await _with_rows(store, 3)
        async with store.transaction():
            await store.schedule(1, "timer", "later", NOW + timedelta(hours=1))
            first = await store.claim_due(NOW)
            again = await store.claim_due(NOW + timedelta(minutes=5))
        assert sorted(r.user_id for r in first) == [1, 2, 3]  # not the one due later
        assert again == []
        assert [r.ref for r in await store.pending(1)] == ["later"]
    finally:
        await store.close()


async def test_two_processes_claiming_at_once_never_share_a_row(db_path: Path) -> None:
    """Two stores on one file (as two workers would be) race for 200 rows in small batches."""
    first = await Store.open(db_path)
    second = await Store.open(db_path)
    try:
        await _with_rows(first, 200)

        async def claim_all(store: Store) -> list[int]:
            got: list[int] = []
            while True:
                async with store.transaction():
                    rows = await store.claim_due(NOW, limit=7)
                if not rows:
                    return got
                got += [r.id for r in rows]

        a, b = await asyncio.gather(claim_all(first), claim_all(second))
        assert not set(a) & set(b)
        assert len(a) + len(b) == 200
    finally:
        await first.close()
        await second.close()


async def test_release_hands_an_unsent_row_back_but_never_a_sent_one(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        await _with_rows(store, 2)
        async with store.transaction():
            claimed = {r.user_id: r for r in await store.claim_due(NOW)}
            await store.mark_sent(claimed[2].id, NOW)
            await store.release(claimed[1].id)
            await store.release(claimed[2].id)  # sent already: stays claimed
            again = await store.claim_due(NOW)
        assert [r.user_id for r in again] == [1]
    finally:
        await store.close()


async def test_cancel_removes_pending_rows_but_not_claimed_ones(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        async with store.transaction():
            await store.ensure_user(1, date(2026, 11, 21))
            await store.schedule(1, "timer", "a", NOW)
            await store.schedule(1, "timer", "b", NOW + timedelta(hours=1))
            await store.schedule(1, "timer", "c", NOW + timedelta(hours=2))
            await store.schedule(1, "checkin", "2026-11-22", NOW + timedelta(days=1))
            claimed = await store.claim_due(NOW)
            await store.cancel(1, "timer", "b")
        assert [r.ref for r in await store.pending(1)] == ["c", "2026-11-22"]
        async with store.transaction():
            await store.cancel(1, "timer")
        assert [r.ref for r in await store.pending(1)] == ["2026-11-22"]
        rows = (await store.export(1))["due"]
        assert [r["ref"] for r in rows if r["claimed_at"]] == [claimed[0].ref] == ["a"]
    finally:
        await store.close()
