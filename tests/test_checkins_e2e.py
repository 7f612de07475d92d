"""Check-ins end to end: set up by buttons, the check-in arrives, its 0-10 answer is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakebot import FakeBotApi
from tests.harness import RunningBot, sent_texts

ALICE = 5151


async def _set_up(bot: RunningBot) -> None:
    await bot.command(ALICE, "/start")
    await bot.tap(ALICE, lambda t: t.startswith("Set up"))
    await bot.tap(ALICE, "A parent")
    await bot.tap(ALICE, "Today")
    await bot.tap(ALICE, "Germany")
    await bot.tap(ALICE, "Evenings (20:00)")
    await bot.tap(ALICE, "22:00 to 07:00")


async def _scan(bot: RunningBot, at: datetime) -> list[dict]:
    bot.clock.now = at
    since = len(bot.api.calls)
    await bot.app.bot_data["dispatcher"].run_once()
    return await bot.settle(since, within=1)


async def test_check_in_arrives_at_the_chosen_local_time_and_its_answer_is_kept(
        bot: RunningBot) -> None:
    await _set_up(bot)
    user = await bot.store.user(ALICE)
    assert user is not None
    assert (user["tz"], user["checkin_time"], user["quiet_start"]) == (
        "Europe/Berlin", "20:00", "22:00")
    # 2026-11-21, 20:00 in Berlin is 19:00 UTC: nothing before, the check-in right after.
    assert await _scan(bot, datetime(2026, 11, 21, 18, 59, tzinfo=UTC)) == []
    calls = await _scan(bot, datetime(2026, 11, 21, 19, 0, 10, tzinfo=UTC))
    texts = sent_texts(calls)
    assert len(texts) == 1 and texts[0].startswith("Daily check-in\n\n")  # neutral preview
    assert "Day one" in texts[0] and "from 0 (none) to 10" in texts[0]
    bot.find_button(ALICE, "🔥 I want to reply")
    calls = await bot.tap(ALICE, "7")
    assert await bot.store.records(ALICE, ["pull_day"]) == [("pull_day", 7)]
    assert any("Noted" in t for t in sent_texts(calls))
    # A second scan the same evening sends nothing more; tomorrow's is queued.
    assert await _scan(bot, datetime(2026, 11, 21, 19, 30, tzinfo=UTC)) == []
    assert [p.ref for p in await bot.store.pending(ALICE)] == ["2026-11-22"]


async def test_a_check_in_never_pulls_someone_out_of_a_flow(bot: RunningBot) -> None:
    await _set_up(bot)
    await bot.command(ALICE, "/urge")
    await bot.tap(ALICE, "I'm safe")
    before = await bot.store.user(ALICE)
    await _scan(bot, datetime(2026, 11, 21, 19, 0, 5, tzinfo=UTC))
    after = await bot.store.user(ALICE)
    assert before is not None and after is not None
    assert (after["flow"], after["node"]) == (before["flow"], before["node"])
    # Their place in the urge flow still answers; the check-in's panic button starts it anew.
    await bot.tap(ALICE, "🔥 I want to reply")
    assert (await bot.store.user(ALICE) or {})["flow"] == "urge"


async def test_checkins_command_pauses_and_resumes(bot: RunningBot) -> None:
    await _set_up(bot)
    await bot.command(ALICE, "/checkins")
    await bot.tap(ALICE, "⏸ Pause for a while")
    await bot.tap(ALICE, "Three days")
    assert [p.ref for p in await bot.store.pending(ALICE)] == ["2026-11-24"]
    await bot.command(ALICE, "/checkins")
    await bot.tap(ALICE, "▶️ Resume daily check-ins")
    assert [p.ref for p in await bot.store.pending(ALICE)] == ["2026-11-21"]
    await bot.command(ALICE, "/checkins")
    await bot.tap(ALICE, "⏹ Stop check-ins")
    assert await bot.store.pending(ALICE) == []


async def test_a_hard_date_typed_in_checkins_is_kept_as_a_date_and_label(
        bot: RunningBot) -> None:
    await _set_up(bot)
    await bot.command(ALICE, "/checkins")
    await bot.tap(ALICE, "🗓 Hard dates")
    await bot.tap(ALICE, "Their birthday")
    await bot.say(ALICE, "22 November")
    assert await bot.store.hard_dates(ALICE) == [("11-22", "their_birthday")]
    calls = await _scan(bot, datetime(2026, 11, 21, 19, 0, 5, tzinfo=UTC))
    assert "tomorrow is one of the dates you marked" in sent_texts(calls)[0]


async def test_typed_local_time_sets_a_zone(bot: RunningBot) -> None:
    await bot.command(ALICE, "/settings")
    await bot.tap(ALICE, "A parent")
    await bot.tap(ALICE, "Today")
    await bot.tap(ALICE, "Skip")  # no country: asked for the local time instead
    await bot.say(ALICE, "15:00")  # the clock says 12:00 UTC
    assert (await bot.store.user(ALICE) or {})["tz"] == "Etc/GMT-3"


async def test_blocked_then_back_with_start(bot: RunningBot, api: FakeBotApi) -> None:
    await _set_up(bot)
    api.block_chat(ALICE)
    await _scan(bot, datetime(2026, 11, 21, 19, 0, 5, tzinfo=UTC))
    user = await bot.store.user(ALICE)
    assert user is not None and user["active"] == 0
    assert await bot.store.pending(ALICE) == []
    assert await _scan(bot, datetime(2026, 11, 22, 19, 0, 5, tzinfo=UTC)) == []
    api.block_chat(ALICE, blocked=False)
    bot.clock.now += timedelta(hours=1)
    await bot.command(ALICE, "/start")
    assert [p.ref for p in await bot.store.pending(ALICE)] == ["2026-11-23"]
