"""'My progress': a person's own numbers, beside 'My last urges' in the menu.

Numbers only, their own, and only numbers that mean something: no day count without a start
date, no average without an urge rated before and after, nothing about slips.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.progress import EMPTY, progress_text
from tests.harness import RunningBot
from tests.urge_walk import ride_out_an_urge, wait_text

PERSON = 777004


def test_nothing_recorded_shows_no_numbers_at_all() -> None:
    assert progress_text([], has_start=False, days=0, longest=0, total=0) == EMPTY


def test_no_start_date_means_no_day_count() -> None:
    text = progress_text([("pull_before", 7), ("pull_after", 4), ("outcome", "did_not_reply")],
                         has_start=False, days=0, longest=0, total=0)
    assert "Day" not in text
    assert "Urges you rode out without replying: 1." in text
    assert "dropped by 3.0 (from 7.0 to 4.0 out of 10, over 1 urge you rated" in text


def test_days_longest_and_total_are_shown_only_when_they_add_something() -> None:
    assert "Day 12 of keeping your distance." in progress_text(
        [], has_start=True, days=12, longest=12, total=12)
    text = progress_text([], has_start=True, days=3, longest=40, total=55)
    assert "Day 3 of keeping your distance (longest run 40 days, 55 days in all)." in text


def test_slips_are_not_counted_and_a_rise_is_not_called_a_drop() -> None:
    records = [("pull_before", 4), ("pull_after", 6), ("outcome", "replied"), ("slip", "met"),
               ("pull_day", 5), ("pull_day", 2)]
    text = progress_text(records, has_start=False, days=0, longest=0, total=0)
    assert "dropped" not in text and "slip" not in text.lower()
    assert "rode out" not in text  # they replied that time: no count of 0 either
    assert "Average pull: 4.0 before, 6.0 after" in text
    assert "Check-ins answered: 2." in text


async def progress_shown(bot: RunningBot) -> str:
    before = len(bot.texts(PERSON))
    await bot.tap(PERSON, "📈 My progress")
    for _ in range(500):  # up to 10 s: the answer may come after the harness's quiet window
        shown = [t for t in bot.texts(PERSON)[before:] if "Your progress" in t]
        if shown:
            return shown[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no progress shown; last: {bot.texts(PERSON)[-3:]}")


async def test_my_progress_in_the_menu_shows_the_persons_own_numbers(bot: RunningBot) -> None:
    await bot.command(PERSON, "/start")
    await ride_out_an_urge(bot, PERSON, before=9, after=4)
    await bot.command(PERSON, "/menu")
    await wait_text(bot, PERSON, "What would help right now?")
    text = await progress_shown(bot)
    assert "Urges you rode out without replying: 1." in text
    assert "dropped by 5.0 (from 9.0 to 4.0" in text
    assert "Day" not in text  # no start date given in set-up: no day count

    start = bot.clock.now.date() - timedelta(days=20)
    async with bot.store.transaction():
        await bot.store.set_profile(PERSON, nc_start=start.isoformat())
    await bot.command(PERSON, "/menu")
    await wait_text(bot, PERSON, "What would help right now?")
    text = await progress_shown(bot)
    assert f"Day {(bot.clock.now.date() - start).days} of keeping your distance." in text
    assert isinstance(start, date)
