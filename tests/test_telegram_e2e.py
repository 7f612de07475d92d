"""The real Application against the fake Bot API: whole conversations, as a person has them."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from bot.telegram.conversation import STALE_WINDOW
from tests.fakebot import FakeBotApi, updates
from tests.harness import Clock, RunningBot, sent_texts

ALICE = 4242


def crisis_label(text: str) -> bool:
    return "Crisis help" in text


async def test_start_offers_the_panic_flow_in_one_tap_before_any_setup(bot: RunningBot) -> None:
    calls = await bot.command(ALICE, "/start")
    texts = sent_texts(calls)
    assert any("never store what you type" in t for t in texts)
    # The very first screen has the panic button and crisis help, before any question.
    bot.find_button(ALICE, lambda t: "want to reply" in t)
    bot.find_button(ALICE, crisis_label)
    calls = await bot.tap(ALICE, lambda t: "want to reply" in t)
    assert any("safe right now" in t for t in sent_texts(calls))


async def test_setup_by_buttons_alone_adapts_the_wording(bot: RunningBot) -> None:
    await bot.command(ALICE, "/start")
    await bot.tap(ALICE, lambda t: t.startswith("Set up"))
    await bot.tap(ALICE, "A parent")
    await bot.tap(ALICE, "About a month ago")
    await bot.tap(ALICE, "Germany")
    user = await bot.store.user(ALICE)
    assert user is not None
    assert (user["relation"], user["country"]) == ("parent", "DE")
    assert user["nc_start"] == (bot.clock.now.date() - timedelta(days=30)).isoformat()
    calls = await bot.command(ALICE, "/crisis")
    card = sent_texts(calls)[0]
    assert "112" in card  # Germany's emergency number, not someone else's


async def test_setup_accepts_a_typed_country_and_date(bot: RunningBot) -> None:
    await bot.command(ALICE, "/settings")
    await bot.tap(ALICE, "An ex or former partner")
    await bot.tap(ALICE, "No / skip")
    await bot.say(ALICE, "2026-05-01")
    await bot.say(ALICE, "new zealand")
    user = await bot.store.user(ALICE)
    assert user is not None
    assert (user["nc_start"], user["country"]) == ("2026-05-01", "NZ")


async def test_a_whole_urge_is_recorded_as_numbers_and_ids(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    await bot.tap(ALICE, "8")
    records = await bot.store.records(ALICE)
    assert records == [("pull_before", 8)]


async def test_tap_on_an_old_button_shows_the_current_screen(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    old_message, old_data = bot.find_button(ALICE, "I'm safe")
    await bot.tap(ALICE, "I'm safe")
    calls = await bot.push(updates.callback(ALICE, old_data, old_message))
    (answer,) = sent_texts(calls)  # one message: the note above the current question
    assert "earlier screen" in answer
    assert "0 (none) to 10" in answer or "from 0" in answer


async def test_button_from_an_older_content_version_expires_kindly(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    message_id, data = bot.find_button(ALICE, "I'm safe")
    forged = data.rsplit(":", 1)[0] + ":000000"
    calls = await bot.push(updates.callback(ALICE, forged, message_id))
    assert "expired" in sent_texts(calls)[0]
    bot.clock.now += timedelta(seconds=STALE_WINDOW)  # not a repeat tap: answered again
    calls = await bot.push(updates.callback(ALICE, "garbage-data", message_id))
    assert "expired" in sent_texts(calls)[0]


async def test_crisis_button_on_an_old_message_still_works(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    message_id, data = bot.find_button(ALICE, lambda t: "not safe" in t)
    await bot.tap(ALICE, "I'm safe")
    calls = await bot.push(updates.callback(ALICE, data, message_id))
    assert "findahelpline.com" in sent_texts(calls)[0]
    call = next(c for c in calls if c["method"] == "sendMessage")
    assert not call.get("protect_content")  # people must be able to copy a number


async def test_media_and_edits_get_a_kind_reply_and_the_current_screen(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    for update in (updates.sticker(ALICE), updates.photo(ALICE), updates.voice(ALICE),
                   updates.document(ALICE), updates.location(ALICE)):
        texts = sent_texts(await bot.push(update))
        assert "haven't kept it" in texts[0]
        assert any("safe right now" in t for t in texts[1:])
    texts = sent_texts(await bot.push(updates.edited_text(ALICE, 1_000_000, "edited")))
    assert "edited" in texts[0]


async def test_unknown_command_is_answered_and_nothing_breaks(bot: RunningBot) -> None:
    texts = sent_texts(await bot.command(ALICE, "/frobnicate"))
    assert "don't know that command" in texts[0]


async def test_in_a_group_the_bot_says_it_is_private_only_and_leaves(bot: RunningBot) -> None:
    calls = await bot.push(updates.group_text(ALICE, -1001, "hello bot"))
    assert any("private chat" in t for t in sent_texts(calls))
    assert any(c["method"] == "leaveChat" for c in calls)


async def test_mydata_sends_everything_stored_as_json(bot: RunningBot, api: FakeBotApi) -> None:
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    await bot.tap(ALICE, "6")
    await bot.command(ALICE, "/mydata")
    call = await api.wait_for("sendDocument")
    payload = json.loads(next(iter(call.files.values())).content)
    assert payload["user"]["user_id"] == ALICE
    assert [r["value_int"] for r in payload["records"]] == [6]


async def test_delete_erases_every_row_about_the_person(bot: RunningBot) -> None:
    await bot.command(ALICE, "/start")
    await bot.tap(ALICE, lambda t: t.startswith("Set up"))
    await bot.tap(ALICE, "A friend")
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    await bot.tap(ALICE, "9")
    calls = await bot.command(ALICE, "/delete")
    assert "cannot be undone" in sent_texts(calls)[0]
    calls = await bot.tap(ALICE, "Yes, erase everything")
    assert "erased" in sent_texts(calls)[0]
    db = sqlite3.connect(bot.db_path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            if "user_id" in columns:
                count = db.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?",
                                   (ALICE,)).fetchone()[0]
                assert count == 0, table
    finally:
        db.close()


async def test_delete_can_be_declined(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    await bot.command(ALICE, "/delete")
    calls = await bot.tap(ALICE, "No, keep it")
    assert "Nothing was erased" in sent_texts(calls)[0]
    assert await bot.store.user(ALICE) is not None


async def test_restart_mid_flow_the_next_tap_continues(api: FakeBotApi, db_path,
                                                       clock: Clock) -> None:
    first = await RunningBot.start(api, db_path, clock)
    await first.command(ALICE, "/urge")
    await first.tap(ALICE, "I'm safe")
    await first.stop()
    second = await RunningBot.start(api, db_path, clock)
    try:
        calls = await second.tap(ALICE, "7")
        assert "earlier screen" not in " ".join(sent_texts(calls))
        assert await second.store.records(ALICE) == [("pull_before", 7)]
    finally:
        await second.stop()


async def test_a_flow_timer_survives_a_restart_and_fires_once(api: FakeBotApi, db_path,
                                                             clock: Clock) -> None:
    first = await RunningBot.start(api, db_path, clock)
    await first.command(ALICE, "/urge")
    await first.tap(ALICE, "I'm safe")
    await first.tap(ALICE, "5")
    await first.tap(ALICE, lambda t: "miss you" in t)
    pending_before = await first.store.pending(ALICE)
    await first.stop()
    assert pending_before == []  # no timer yet: we only reached the tactic screen
    second = await RunningBot.start(api, db_path, clock)
    try:
        from bot.engine import Start

        talk = second.app.bot_data["conversation"]
        await talk.handle(ALICE, Start("ride"))
        rows = await second.store.pending(ALICE)
        if not rows:
            await second.tap(ALICE, lambda t: "5" in t and "min" in t)
            rows = await second.store.pending(ALICE)
        assert len(rows) == 1 and rows[0].kind == "timer"
    finally:
        await second.stop()
    clock.now = clock.now + timedelta(hours=1)
    third = await RunningBot.start(api, db_path, clock)
    try:
        dispatcher = third.app.bot_data["dispatcher"]
        since = len(api.calls)
        assert await dispatcher.run_once() == 1
        calls = await third.settle(since)
        texts = sent_texts(calls)
        assert texts and texts[0].startswith("Reminder")  # neutral lock-screen line
        assert await dispatcher.run_once() == 0  # never twice
    finally:
        await third.stop()


async def test_a_whole_urge_is_shown_back_in_my_last_urges(bot: RunningBot) -> None:
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    await bot.tap(ALICE, "8")
    await bot.tap(ALICE, lambda t: "Guilt or pity" in t)
    await bot.tap(ALICE, "Next")
    await bot.tap(ALICE, lambda t: "Ride out the wave" in t)
    assert len(await bot.store.pending(ALICE)) == 1          # the ten-minute timer
    await bot.tap(ALICE, "I'm ready now")
    assert await bot.store.pending(ALICE) == []              # leaving cancels it
    await bot.tap(ALICE, "3")
    await bot.tap(ALICE, "I did not reply")
    texts = sent_texts(await bot.tap(ALICE, "📊 My last urges"))
    summary = texts[0]
    assert "8.0 before, 3.0 after" in summary
    assert "held off 1 of 1" in summary
    assert "guilt or pity" in summary
    assert await bot.store.records(ALICE) == [
        ("pull_before", 8), ("tactic", "guilt"), ("tool", "ride"), ("pull_after", 3),
        ("outcome", "did_not_reply")]
