"""When Telegram misbehaves the bot retries what is worth retrying, and never loses a place.

Each test injects one fault into the fake Bot API (429, 403, 400s, 5xx, timeouts, dropped
connections, slow answers) in the middle of a real conversation, then checks what the person
sees and where they are kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine import Start
from tests.fakebot import FakeBotApi, updates
from tests.harness import Clock, RunningBot, sent_texts

ALICE = 5151
APOLOGY = "something went wrong on my side"


async def place(bot: RunningBot, user_id: int = ALICE) -> tuple[str | None, str | None]:
    user = await bot.store.user(user_id)
    assert user is not None
    return user["flow"], user["node"]


def sends(calls: list[dict], ok: bool = True) -> list[dict]:
    return [c for c in calls if c["method"] == "sendMessage"]


def delivered(api: FakeBotApi, since: int = 0) -> list[str]:
    """Texts Telegram actually accepted (status 200) since call number `since`."""
    return [c.params.get("text", "") for c in api.calls[since:]
            if c.method == "sendMessage" and c.status == 200]


async def quiet(api: FakeBotApi, seconds: float = 1.5, within: float = 30) -> None:
    """Wait until no Bot API call (getUpdates aside) for `seconds`: retries pause longer than
    the harness's usual quiet spell."""
    deadline = time.monotonic() + within
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len([c for c in api.calls if c.method != "getUpdates"])
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        await asyncio.sleep(0.05)


@pytest.fixture
async def limited(api: FakeBotApi, db_path: Path, clock: Clock) -> AsyncIterator[RunningBot]:
    """The bot as production builds it: with PacedLimiter (429s retried after retry_after)."""
    running = await RunningBot.start(api, db_path, clock, rate_limit=True)
    yield running
    await running.stop()


# -- 429 Too Many Requests ---------------------------------------------------------------------

async def test_a_429_is_retried_after_retry_after_and_the_screen_arrives_once(
        limited: RunningBot, api: FakeBotApi) -> None:
    await limited.command(ALICE, "/urge")
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=ALICE)
    since = len(api.calls)
    started = time.monotonic()
    await limited.tap(ALICE, "I'm safe")
    await quiet(api)
    attempts = [c for c in api.calls[since:] if c.method == "sendMessage"]
    assert attempts[0].status == 429
    assert attempts[1].at - attempts[0].at >= 0.9  # retry_after was honoured
    assert time.monotonic() - started >= 0.9
    texts = delivered(api, since)
    assert len(texts) == len(set(texts))  # nothing twice
    assert any("0" in t and "10" in t for t in texts)
    assert await place(limited) == ("urge", "rate_before")


async def test_429s_beyond_the_retries_keep_the_place_and_the_next_tap_continues(
        limited: RunningBot, api: FakeBotApi) -> None:
    await limited.command(ALICE, "/urge")
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=ALICE, times=4)
    await limited.tap(ALICE, "I'm safe")  # 1 try + 3 retries, all refused
    await quiet(api)
    assert await place(limited) == ("urge", "rate_before")  # committed before sending
    texts = delivered(api)
    assert APOLOGY in texts[-1]
    # The screen never arrived; an old button (or any tap) redraws where they are.
    calls = await limited.tap(ALICE, "I'm safe")
    assert any("0" in t and "10" in t for t in sent_texts(calls))
    calls = await limited.tap(ALICE, "6")
    assert await limited.store.records(ALICE) == [("pull_before", 6)]


# -- 403 Forbidden: they blocked the bot ----------------------------------------------------

async def test_a_403_deactivates_the_person_and_cancels_their_timers(
        bot: RunningBot, api: FakeBotApi, clock: Clock) -> None:
    talk = bot.app.bot_data["conversation"]
    await talk.handle(ALICE, Start("ride"), fresh=True)
    await bot.settle(0)
    await bot.tap(ALICE, "5 minutes")
    assert len(await bot.store.pending(ALICE)) == 1
    api.block_chat(ALICE)
    await bot.tap(ALICE, "I'm OK now")
    user = await bot.store.user(ALICE)
    assert user is not None and user["active"] == 0
    assert await bot.store.pending(ALICE) == []
    # Nothing is sent to them any more, and the bot carries on for everyone else.
    clock.now = clock.now.replace(hour=23)
    assert await bot.app.bot_data["dispatcher"].run_once() == 0
    texts = sent_texts(await bot.command(ALICE + 1, "/start"))
    assert texts
    # Unblocked and /start: active again, from the start.
    api.block_chat(ALICE, blocked=False)
    assert sent_texts(await bot.command(ALICE, "/start"))
    user = await bot.store.user(ALICE)
    assert user is not None and user["active"] == 1


async def test_a_403_while_a_timer_fires_deactivates_without_stopping_others(
        bot: RunningBot, api: FakeBotApi, clock: Clock) -> None:
    talk = bot.app.bot_data["conversation"]
    for user_id in (ALICE, ALICE + 1):
        await talk.handle(user_id, Start("ride"), fresh=True)
        await bot.settle(0)
        await bot.tap(user_id, "5 minutes")
    api.block_chat(ALICE)
    clock.now = clock.now.replace(hour=13)
    since = len(api.calls)
    assert await bot.app.bot_data["dispatcher"].run_once() == 2
    await bot.settle(since)
    user = await bot.store.user(ALICE)
    assert user is not None and user["active"] == 0
    assert api.sent_texts(ALICE + 1)[-1]  # the other person still got theirs
    assert any(t.startswith("Reminder") for t in delivered(api, since))
    assert await bot.app.bot_data["dispatcher"].run_once() == 0  # never again


# -- 400s on edits ------------------------------------------------------------------------------

async def open_checklist(bot: RunningBot) -> None:
    await bot.app.bot_data["conversation"].handle(ALICE, Start("block"), fresh=True)
    await bot.settle(0)
    await bot.tap(ALICE, "Open the checklist")


async def test_message_is_not_modified_is_quietly_accepted(bot: RunningBot,
                                                           api: FakeBotApi) -> None:
    await open_checklist(bot)
    api.fail_next("editMessageText", description="Bad Request: message is not modified: "
                  "specified new message content and reply markup are exactly the same")
    calls = await bot.tap(ALICE, lambda t: "Block their number" in t)
    assert sends(calls) == []  # no duplicate screen, no apology
    assert await place(bot) == ("block", "list")
    assert ("guard", "number") in {(f, v) for f, v in
                                   await _marks(bot)}


async def test_message_to_edit_not_found_sends_the_screen_afresh(bot: RunningBot,
                                                                 api: FakeBotApi) -> None:
    await open_checklist(bot)
    api.fail_next("editMessageText", description="Bad Request: message to edit not found")
    calls = await bot.tap(ALICE, lambda t: "Block their number" in t)
    texts = sent_texts([c for c in calls if c["method"] == "sendMessage"])
    assert len(texts) == 1 and "Only your ticks are kept" in texts[0]
    assert APOLOGY not in texts[0]
    assert await place(bot) == ("block", "list")


async def _marks(bot: RunningBot) -> list[tuple[str, str]]:
    async with bot.store.db.execute("SELECT field, value FROM marks WHERE user_id = ?",
                                    (ALICE,)) as cur:
        return [(r[0], r[1]) for r in await cur.fetchall()]


# -- 5xx, timeouts, dropped connections --------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503])
async def test_one_5xx_on_a_send_is_retried_once(bot: RunningBot, api: FakeBotApi,
                                                 status: int) -> None:
    await bot.command(ALICE, "/urge")
    api.fail_next("sendMessage", status=status, chat_id=ALICE)
    since = len(api.calls)
    await bot.tap(ALICE, "I'm safe")
    await quiet(api)
    texts = delivered(api, since)
    assert len(texts) == 1 and "10" in texts[0]
    assert APOLOGY not in texts[0]


async def test_a_send_that_keeps_failing_gets_an_apology_and_the_place_is_kept(
        bot: RunningBot, api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    api.fail_next("sendMessage", status=502, chat_id=ALICE, times=2)
    since = len(api.calls)
    await bot.tap(ALICE, "I'm safe")
    await quiet(api)
    assert delivered(api, since) and APOLOGY in delivered(api, since)[-1]
    assert await place(bot) == ("urge", "rate_before")
    await bot.tap(ALICE, "I'm safe")  # the old button redraws the current screen
    await bot.tap(ALICE, "3")
    assert await bot.store.records(ALICE) == [("pull_before", 3)]


async def test_a_dropped_connection_on_a_send_is_retried(bot: RunningBot,
                                                         api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    api.drop_next("sendMessage", chat_id=ALICE)
    since = len(api.calls)
    await bot.tap(ALICE, "I'm safe")
    await quiet(api)
    texts = delivered(api, since)
    assert len(texts) == 1 and "10" in texts[0]


async def test_a_send_that_times_out_is_retried(bot: RunningBot, api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    api.timeout_next("sendMessage", seconds=6, chat_id=ALICE)  # PTB gives up after 5 s
    since = len(api.calls)
    api.push_update(updates.callback(ALICE, bot.find_button(ALICE, "I'm safe")[1],
                                     bot.find_button(ALICE, "I'm safe")[0]))
    await api.wait_for("sendMessage", lambda c: c.status == 200 and c.params.get(
        "chat_id") in (ALICE, str(ALICE)), timeout=15, since=since)
    texts = delivered(api, since)
    assert len(texts) == 1 and "10" in texts[0]


async def test_slow_answers_from_telegram_slow_the_bot_but_lose_nothing(
        bot: RunningBot, api: FakeBotApi) -> None:
    api.delay("*", 0.3)
    try:
        api.push_update(updates.command(ALICE, "/urge"))
        await quiet(api, 1.0)
        message_id, data = bot.find_button(ALICE, "I'm safe")
        api.push_update(updates.callback(ALICE, data, message_id))
        await quiet(api, 1.0)
        message_id, data = bot.find_button(ALICE, "9")
        api.push_update(updates.callback(ALICE, data, message_id))
        await quiet(api, 1.0)
    finally:
        api.delay("*", 0)
    assert await bot.store.records(ALICE) == [("pull_before", 9)]
    assert APOLOGY not in " ".join(delivered(api))


async def test_polling_survives_5xx_and_dropped_getupdates(bot: RunningBot,
                                                           api: FakeBotApi) -> None:
    api.fail_next("getUpdates", status=502)
    api.drop_next("getUpdates")
    calls = await bot.command(ALICE, "/urge")
    assert any("safe right now" in t for t in sent_texts(calls))


async def test_a_callback_query_too_old_to_answer_still_counts(bot: RunningBot,
                                                              api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    api.fail_next("answerCallbackQuery",
                  description="Bad Request: query is too old and response timeout expired")
    await bot.tap(ALICE, "I'm safe")
    assert await place(bot) == ("urge", "rate_before")
    assert APOLOGY not in " ".join(delivered(api))
