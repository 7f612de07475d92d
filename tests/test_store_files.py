"""BOT_DATABASE_URL names the bot's own file, or nothing yet: anything else is left untouched.

A wrong setting (someone else's database, a text file, a symbolic link) must not be chmod-ed,
migrated into or followed; the bot refuses it with one line. A folder of the bot's own is
made owner-only even when it already existed with wider modes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.sqlite import NotOurFile
from tests.test_reliability_settings import assert_one_clear_line, run_bot


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def exists(name: str) -> bool:
    return os.path.lexists(name)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def someone_elses_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('my diary')")
    con.commit()
    con.close()
    os.chmod(path, 0o644)
    return path


async def test_someone_elses_database_is_refused_and_left_exactly_as_it_was(
        tmp_path: Path) -> None:
    theirs = someone_elses_database(tmp_path / "other-app" / "app.db")
    before = digest(theirs)
    with pytest.raises(NotOurFile):
        await Store.open(theirs)
    assert mode(theirs) == 0o644
    assert digest(theirs) == before  # no tables of ours, no WAL mode written into it
    assert not exists(f"{theirs}-wal")


async def test_a_symbolic_link_is_refused_and_what_it_names_is_not_chmod_ed(
        tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "file"
    target.parent.mkdir()
    target.write_bytes(b"")
    os.chmod(target, 0o644)
    link = tmp_path / "data" / "bot.db"
    link.parent.mkdir()
    link.symlink_to(target)
    with pytest.raises(NotOurFile):
        await Store.open(link)
    assert mode(target) == 0o644
    assert target.read_bytes() == b""


async def test_a_file_that_is_not_sqlite_keeps_its_mode(tmp_path: Path) -> None:
    notes = tmp_path / "data" / "bot.db"
    notes.parent.mkdir()
    notes.write_text("shopping list\n")
    os.chmod(notes, 0o644)
    with pytest.raises(NotOurFile):
        await Store.open(notes)
    assert mode(notes) == 0o644
    assert notes.read_text() == "shopping list\n"


def test_the_running_bot_refuses_another_programs_database_in_one_line(
        tmp_path: Path) -> None:
    theirs = someone_elses_database(tmp_path / "data" / "bot.db")
    before = digest(theirs)
    result = run_bot(tmp_path)
    line = assert_one_clear_line(result, "BOT_DATABASE_URL")
    assert "another program" in line
    assert mode(theirs) == 0o644 and digest(theirs) == before


async def test_an_existing_data_folder_is_made_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    os.chmod(folder, 0o755)
    store = await Store.open(folder / "bot.db")
    await store.close()
    assert mode(folder) == 0o700
    assert mode(folder / "bot.db") == 0o600


async def test_a_folder_shared_with_other_files_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "home"
    shared.mkdir()
    (shared / "notes.txt").write_text("not the bot's")
    os.chmod(shared, 0o755)
    store = await Store.open(shared / "bot.db")
    await store.close()
    assert mode(shared) == 0o755
    assert mode(shared / "bot.db") == 0o600


async def test_our_database_opens_again_even_from_before_it_was_marked_ours(
        tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.db"
    store = await Store.open(path)
    async with store.transaction():
        await store.ensure_user(1, date(2026, 11, 21))
    await store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 0")  # as an earlier version of the bot left it
    con.close()
    store = await Store.open(path)
    try:
        assert await store.user(1) is not None
    finally:
        await store.close()
