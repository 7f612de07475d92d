"""Strange and excessive input: huge messages and a flood from one person are answered calmly,
risk words are still found, nothing typed is kept, and memory does not grow with the flood."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import tracemalloc
from pathlib import Path

import pytest
from telegram import Update

from bot.safety import crisis_card, load_crisis_directory
from tests.fakebot import FakeBotApi, updates
from tests.harness import RunningBot, sent_texts

ALICE = 8181

HUGE = {
    "at Telegram's limit": "a" * 4096,
    "far past it": ("words that go on " * 6000),
    "emoji": "🙂" * 20_000,
    "combining marks": "a\u0301\u0302\u0303" * 5000,
    "control characters": "\x00\x01\x1b[31m\u202e\ufeff" * 2000,
    "one long word": "x" * 200_000,
}


@pytest.mark.parametrize("name", list(HUGE))
async def test_a_huge_message_is_answered_calmly_and_not_kept(bot: RunningBot, db_path: Path,
                                                              name: str) -> None:
    await bot.command(ALICE, "/urge")
    started = time.monotonic()
    texts = sent_texts(await bot.say(ALICE, HUGE[name] + " Zq1Marker"))
    assert time.monotonic() - started < 5
    assert texts and "safe right now" in texts[-1]  # the current screen again, kindly
    stored = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert b"Zq1Marker" not in stored


async def test_risk_words_at_the_end_of_a_huge_message_still_show_crisis_lines(
        bot: RunningBot) -> None:
    texts = sent_texts(await bot.say(ALICE, "so tired of all this " * 190 + "i want to die"))
    # Own thoughts get the self-harm card; words of unclear voice the neutral one (then the
    # whose-words question). Either way the lines come first.
    directory = load_crisis_directory()
    assert texts[0] in (crisis_card(directory, None, "self_harm"),
                        crisis_card(directory, None, None))


async def test_a_huge_caption_and_a_huge_command_are_answered(bot: RunningBot) -> None:
    assert sent_texts(await bot.push(updates.photo(ALICE, caption="c" * 1024)))
    assert sent_texts(await bot.command(ALICE, "/urge " + "y" * 4000))


async def test_a_flood_from_one_person_is_all_answered_without_errors(
        bot: RunningBot, api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    """300 messages at once (Telegram would never deliver that many): every one answered."""
    await bot.command(ALICE, "/urge")
    since = len(api.calls)
    started = time.monotonic()
    for n in range(300):
        api.push_update(updates.text(ALICE, f"please answer {n}"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answered = [c for c in api.calls[since:] if c.method == "sendMessage"]
        if len(answered) >= 600:  # a kind note and the current screen, for each one
            break
        await asyncio.sleep(0.1)
    elapsed = time.monotonic() - started
    answered = [c for c in api.calls[since:] if c.method == "sendMessage"]
    assert len(answered) == 600, len(answered)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    user = await bot.store.user(ALICE)
    assert user is not None and (user["flow"], user["node"]) == ("urge", "safe")
    print(f"flood: 300 updates answered in {elapsed:.1f} s")


async def test_memory_does_not_grow_with_a_flood(bot: RunningBot, api: FakeBotApi) -> None:
    """Thousands of updates through the real handlers: memory held stops growing (the fake
    Bot API's own call log is cleared as it goes)."""
    app = bot.app

    async def burst(count: int) -> None:
        for n in range(count):
            kind = n % 4
            if kind == 0:
                data = updates.text(ALICE, f"flood {n}")
            elif kind == 1:
                data = updates.command(ALICE, "/urge")
            elif kind == 2:
                data = updates.sticker(ALICE)
            else:
                message_id, button = bot.find_button(ALICE, "I'm safe")
                data = updates.callback(ALICE, button, message_id)
            await app.process_update(Update.de_json(api.push_update(data), app.bot))
            if n % 100 == 99:
                api.reset()
                await app.process_update(Update.de_json(
                    api.push_update(updates.command(ALICE, "/urge")), app.bot))

    await burst(400)  # warm up caches, connection pools, statement caches
    # Log handlers left by other tests (or pytest's capture) keep every record in memory:
    # that is the test run's memory, not the bot's, so logging is off while measuring.
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        held = []
        for _ in range(3):
            api.reset()
            gc.collect()
            held.append(_held())
            await burst(400)
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    first, second = held[1] - held[0], held[2] - held[1]
    print(f"memory held: +{first / 1024:.0f} KiB over 400 updates, "
          f"then +{second / 1024:.0f} KiB over 400 more")
    # Bounded caches fill during the first stretch. Keeping anything message-sized per update
    # (a text, an Update, a task) would cost well over 1 KiB each; under 256 bytes is allowed
    # for the residue measured (~90 B/update, not yet explained).
    assert second < 400 * 256


def _held() -> int:
    # pytest's own log capture keeps every record of the test: not the bot's memory.
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, "*/logging/*"), tracemalloc.Filter(False, "*/_pytest/*")])
    return sum(stat.size for stat in snapshot.statistics("filename"))
