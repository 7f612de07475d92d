"""Nothing a person types is stored or logged: proven by searching every file afterwards.

Whole conversations carry unique marker strings through every way text can arrive (typed,
pasted, edited, captioned, forwarded, as a command argument, as an answer the bot expected,
as forged button data), with logging at DEBUG. Then the database, its WAL and journal, and
the captured log output must contain no marker and no token.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import NOISY, setup_logging
from tests.fakebot import FakeBotApi, updates
from tests.harness import Clock, RunningBot

USER = 777001


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Production logging (setup_logging) at DEBUG, then the worst case: libraries at DEBUG."""
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    levels = {name: logging.getLogger(name).level for name in NOISY}
    setup_logging("DEBUG", secrets=[FakeBotApi().token], stream=buffer)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in levels.items():  # later tests must not inherit DEBUG libraries
        logging.getLogger(name).setLevel(level)


def marker() -> str:
    return f"MARK{uuid.uuid4().hex[:12]}"


def files_of(db_path: Path) -> list[Path]:
    return [p for p in db_path.parent.iterdir() if p.is_file()]


def assert_absent(needles: list[str], db_path: Path, log_text: str) -> None:
    haystacks = {str(p): p.read_bytes() for p in files_of(db_path)}
    haystacks["log output"] = log_text.encode()
    for needle in needles:
        for where, data in haystacks.items():
            assert needle.encode() not in data, f"{needle!r} found in {where}"


async def test_typed_text_never_reaches_the_database_or_the_logs(
        api: FakeBotApi, db_path: Path, clock: Clock, debug_log: io.StringIO) -> None:
    bot = await RunningBot.start(api, db_path, clock)
    marks: list[str] = []

    def m() -> str:
        marks.append(marker())
        return marks[-1]

    try:
        await bot.say(USER, f"hello {m()}")                                  # before /start
        await bot.command(USER, "/start")
        await bot.command(USER, f"/start {m()}")                             # command argument
        await bot.tap(USER, lambda t: t.startswith("Set up"))
        await bot.tap(USER, "An ex or former partner")
        await bot.tap(USER, "Yes, we share children")
        await bot.say(USER, f"not a date {m()}")                             # a failed answer
        await bot.say(USER, "2026-01-02")
        await bot.say(USER, f"atlantis {m()}")                               # unknown country
        await bot.tap(USER, "Skip")
        await bot.command(USER, "/urge")
        await bot.tap(USER, "I'm safe")
        await bot.say(USER, f"i miss you so much, come back {m()}")          # a pasted hoover
        await bot.tap(USER, "Yes, show me")
        await bot.say(USER, f"random words mid-flow {m()}")
        await bot.push(updates.edited_text(USER, 1_000_001, f"edited {m()}"))
        await bot.push(updates.photo(USER, caption=f"caption {m()}"))
        await bot.push(updates.forwarded_text(USER, f"forwarded {m()}"))
        await bot.push(updates.forwarded_text(                              # their threat
            USER, f"answer me or I'll kill myself {m()}"))
        await bot.tap(USER, "Next")                                          # its explanation
        await bot.say(USER, f"{m()} " + "very long " * 600)                  # huge text
        message_id, data = bot.find_button(USER, lambda t: True)
        await bot.push(updates.callback(USER, f"urge:safe:{m()}:x", message_id))  # forged data
        await bot.say(USER, f"i want to kill myself {m()}")                  # risk: crisis card
        await bot.command(USER, "/mydata")
        # While running: the WAL holds the latest writes.
        assert_absent(marks + [api.token], db_path, debug_log.getvalue())
    finally:
        await bot.stop()
    assert_absent(marks + [api.token], db_path, debug_log.getvalue())
    # The test must be able to fail: the conversation really happened and was logged.
    assert await _user_exists(db_path)
    assert "DEBUG" in debug_log.getvalue() or "INFO" in debug_log.getvalue()


async def _user_exists(db_path: Path) -> bool:
    import sqlite3

    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT count(*) FROM users WHERE user_id = ?",
                          (USER,)).fetchone()[0] == 1
    finally:
        db.close()


def test_the_token_is_scrubbed_even_from_a_library_error(debug_log: io.StringIO) -> None:
    token = FakeBotApi().token
    logging.getLogger("telegram.ext.Application").critical("InvalidToken: %s rejected", token)
    logging.getLogger("bot.test").error("url https://api.telegram.org/bot%s/getMe", token)
    text = debug_log.getvalue()
    assert token not in text
    assert text.count("[redacted") == 1           # our own line: the token is redacted
    assert "InvalidToken: %s rejected" in text    # the library's: its template, no arguments


def test_library_debug_lines_that_carry_updates_are_dropped(debug_log: io.StringIO) -> None:
    secret = marker()
    logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint with %s", secret)
    logging.getLogger("aiosqlite").debug("executing with params (%r,)", secret)
    logging.getLogger("httpx").info("HTTP Request: POST .../sendMessage %s", secret)
    logging.getLogger("bot.telegram").debug("our own line, ids only")
    text = debug_log.getvalue()
    assert secret not in text
    assert "our own line" in text
