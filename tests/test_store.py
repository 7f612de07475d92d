"""The store on a real SQLite file: what it refuses, what it keeps, and for how long."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def test_the_database_refuses_free_text_in_every_recorded_value(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        async with store.transaction():
            await store.ensure_user(1, date(2026, 11, 21))
        for field, value in (("tactic", "I miss you"), ("tactic", "guilt trip"),
                             ("Tactic", "guilt"), ("tactic", "x" * 41)):
            with pytest.raises(sqlite3.IntegrityError):
                async with store.transaction():
                    await store.record(1, field, value, NOW)
        with pytest.raises(sqlite3.IntegrityError):
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
