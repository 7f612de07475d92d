"""The unsent letter: the person types the reply they want to send; it leaves the chat at once.

Through the real Application and the fake Bot API: the typed message is deleted from the chat,
only the fact that a letter was written is kept, and not a word of it reaches the database or
its WAL.
"""

from __future__ import annotations

from pathlib import Path

from tests.fakebot import FakeBotApi, updates
from tests.harness import RunningBot, sent_texts

ALICE = 7171
MARKER = "zq-letter-marker-5521"


async def _open_letter(bot: RunningBot) -> None:
    await bot.command(ALICE, "/menu")
    await bot.tap(ALICE, "🧰 More tools")
    await bot.tap(ALICE, "✉️ The unsent letter")


async def test_the_letter_is_deleted_from_the_chat_and_nothing_of_it_is_kept(
        bot: RunningBot, api: FakeBotApi, db_path: Path) -> None:
    await _open_letter(bot)
    letter = f"You never once listened to me. I'm done explaining. {MARKER}"
    calls = await bot.push(updates.text(ALICE, letter, message_id=424242))
    deleted = [c.params for c in api.calls_of("deleteMessage")]
    assert [(int(p["chat_id"]), int(p["message_id"])) for p in deleted] == [(ALICE, 424242)]
    assert all(m.get("message_id") != 424242 for m in api.chat_messages(ALICE))
    assert any(t.startswith("Deleted.") for t in sent_texts(calls))
    assert await bot.store.records(ALICE, ["letter"]) == [("letter", "written")]
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists():
            assert MARKER.encode() not in path.read_bytes(), path.name


async def test_writing_nothing_and_leaving_keeps_nothing(bot: RunningBot, api: FakeBotApi) -> None:
    await _open_letter(bot)
    await bot.tap(ALICE, "I'd rather not write it")
    assert api.calls_of("deleteMessage") == []
    assert await bot.store.records(ALICE, ["letter"]) == []


async def test_text_typed_elsewhere_is_not_deleted(bot: RunningBot, api: FakeBotApi) -> None:
    await bot.command(ALICE, "/menu")
    await bot.push(updates.text(ALICE, "just some words", message_id=515151))
    assert api.calls_of("deleteMessage") == []
