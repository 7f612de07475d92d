"""Every library record, at every level, is scrubbed like ours: no text, names, raw JSON, token.

The libraries are forced to DEBUG and made to log their worst: python-telegram-bot's CRITICAL
dump of a whole raw batch when one update fails to parse (the real library, against the fake
Bot API), and records with personal data in their arguments, in pre-formatted (f-string)
messages and in exception messages, from every library logger the bot runs with.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from telegram import Bot

from bot.logs import protect
from tests.fakebot import FakeBotApi, updates
from tests.test_runtime_poison import old_shape_poll

LIBRARIES = ("telegram", "telegram.ext.Updater", "telegram.Bot", "httpx", "httpcore",
             "tornado.application", "tornado.access", "tornado.general", "apscheduler",
             "apscheduler.scheduler", "aiosqlite", "asyncio")
MARKERS = ("MARKERNAMEQ77", "markeruserq77", "MARKERPOLLQ77", "MARKERTEXTQ91")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Our handler on the root logger, then every library logger forced down to DEBUG."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    protect(handler, secrets=[])
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in (*LIBRARIES, "")}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def assert_clean(log: str, *secrets: str) -> None:
    for marker in (*MARKERS, *secrets):
        assert marker.lower() not in log.lower(), f"{marker!r} reached the log:\n{log[-1500:]}"
    assert "Traceback" not in log
    assert "update_id" not in log  # no raw update JSON at all


async def test_the_librarys_critical_dump_of_a_raw_batch_reaches_the_log_without_data(
        api: FakeBotApi, captured: io.StringIO) -> None:
    api.push_update(old_shape_poll(5201))
    api.push_update(updates.text(5202, "I want to kill myself MARKERTEXTQ91"))
    async with Bot(api.token, base_url=api.base_url) as bot:
        with pytest.raises(TypeError):
            await bot.get_updates(timeout=0)  # PTB logs the raw batch at CRITICAL, then raises
    log = captured.getvalue()
    assert "CRITICAL telegram.Bot: Error while parsing updates!" in log  # written, scrubbed
    assert_clean(log, api.token)


@pytest.mark.parametrize("name", LIBRARIES)
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING,
                                   logging.ERROR, logging.CRITICAL])
def test_library_records_keep_no_arguments_formatted_text_or_exception_message(
        captured: io.StringIO, name: str, level: int) -> None:
    library = logging.getLogger(name)
    raw = {"update_id": 7, "message": {"from": {"first_name": "MARKERNAMEQ77",
                                                "username": "markeruserq77"},
                                       "text": "MARKERTEXTQ91"}}
    library.log(level, "Received data was %r", raw)
    library.log(level, f"Received data was {raw}")  # noqa: G004 (a library that formats early)
    try:
        raise ValueError(f"cannot parse {raw}")
    except ValueError:
        library.log(level, "Something went wrong", exc_info=True)
    log = captured.getvalue()
    assert log.count("\n") == 3  # all three records are written, reduced
    assert "Received data was %r" in log and "[ValueError]" in log
    assert_clean(log)


def test_our_own_records_pass_as_written(captured: io.StringIO) -> None:
    logging.getLogger("bot.telegram.intake").warning("update %d could not be read (%s)", 42,
                                                     "TypeError")
    assert "update 42 could not be read (TypeError)" in captured.getvalue()
