"""Check-ins, second edition (issue 13 #3): what a person in a hard week actually gets back.

Through the real Application against the fake Bot API: a high pull is met with "ride it out"
and crisis help, the how-are-you question leads to crisis help and stores nothing. And the
texts themselves: the days a clinician-editor flagged, and the weekly texts after day 90.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.content.checkins import load_checkins
from bot.schedule import daily
from bot.telegram import checkin_sender
from tests.harness import RunningBot, sent_texts
from tests.test_checkins_e2e import ALICE, _scan, _set_up

TEXTS = load_checkins()
DAY_ONE = datetime(2026, 11, 21, 19, 0, 10, tzinfo=UTC)  # 20:00 in Berlin, set-up's choice


def _labels(calls: list[dict]) -> list[str]:
    return [b["text"] for c in calls if c.get("reply_markup")
            for row in c["reply_markup"].get("inline_keyboard", []) for b in row]


async def test_a_pull_of_nine_is_met_with_ride_it_out_and_crisis_help(bot: RunningBot) -> None:
    await _set_up(bot)
    await _scan(bot, DAY_ONE)
    calls = await bot.tap(ALICE, "9")
    said = " ".join(sent_texts(calls))
    assert "strong pull" in said and "Noted" not in said
    assert {"🌊 Ride it out with me", "🆘 Crisis help"} <= set(_labels(calls))
    assert await bot.store.records(ALICE, ["pull_day"]) == [("pull_day", 9)]
    await bot.tap(ALICE, "🌊 Ride it out with me")
    assert (await bot.store.user(ALICE) or {})["flow"] == "ride"


async def test_a_low_pull_is_simply_thanked(bot: RunningBot) -> None:
    await _set_up(bot)
    await _scan(bot, DAY_ONE)
    calls = await bot.tap(ALICE, "3")
    assert any("Noted" in t for t in sent_texts(calls))
    assert "🌊 Ride it out with me" not in _labels(calls)


async def test_thoughts_of_not_wanting_to_live_open_crisis_help_and_nothing_is_kept(
        bot: RunningBot) -> None:
    await _set_up(bot)
    async with bot.store.transaction():  # day 5 of no contact: the how-are-you day
        await bot.store.set_profile(ALICE, nc_start="2026-11-17")
        await daily.reschedule(bot.store, ALICE, bot.clock())
    calls = await _scan(bot, DAY_ONE)
    assert "how are you, apart from the pull" in sent_texts(calls)[0]
    calls = await bot.tap(ALICE, "⚠️ Thoughts of not wanting to live")
    texts = sent_texts(calls)
    assert "deserve help" in texts[0]
    assert any("findahelpline.com" in t for t in texts[1:])  # the crisis card itself
    calls = await bot.tap(ALICE, "🌧 Low most days")
    assert "doctor" in sent_texts(calls)[0] and "🆘 Crisis help" in _labels(calls)
    await bot.tap(ALICE, "🌙 My plan for dark moments")
    assert (await bot.store.user(ALICE) or {})["flow"] == "myplan"
    assert await bot.store.records(ALICE) == []  # no answer to "how are you" is stored


def test_the_how_are_you_question_comes_once_a_week() -> None:
    asked = [day for day in range(1, 91) if daily.asks_wellbeing(day, weekly=False)]
    assert asked == list(range(5, 91, 7))
    text, rows = checkin_sender.compose(TEXTS, 12, "2026-01-12", None)
    assert TEXTS.wellbeing_question in text
    assert any(b.callback_data == "!ci:how:dark" for row in rows for b in row)
    text, rows = checkin_sender.compose(TEXTS, 13, "2026-01-13", None)
    assert TEXTS.wellbeing_question not in text
    text, _ = checkin_sender.compose(TEXTS, 97, "2026-04-07", None, weekly=True)
    assert TEXTS.wellbeing_question in text


def test_flagged_days_agree_with_the_sources_and_fit_a_parent() -> None:
    early = " ".join(TEXTS.day(d) for d in (8, 30, 37)).lower()
    assert "settle" not in early and "steadier" not in early and "quiet is safe" not in early
    assert "hardest" in TEXTS.day(8) and "hardest" in TEXTS.day(30)
    assert "relationship" not in TEXTS.day(35)


def test_weekly_check_ins_after_day_90_follow_the_first_year() -> None:
    weekly_days = range(97, 366, 7)
    texts = [TEXTS.week(d) for d in weekly_days]
    assert TEXTS.weekly not in texts  # no week falls back to the one generic line
    assert texts[0] == TEXTS.after90["months3_6"][0]
    assert TEXTS.week(181) == TEXTS.after90["months6_12"][0]
    assert set(TEXTS.after90["months3_6"]) <= set(texts)
    assert set(TEXTS.after90["months6_12"]) <= set(texts)
    text, _ = checkin_sender.compose(TEXTS, 104, date(2026, 4, 14).isoformat(), None, weekly=True)
    assert TEXTS.after90["months3_6"][1] in text
