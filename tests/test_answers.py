"""Typed answers: any text at all is read without an error, and only sensible values go on.

A typed answer is an alternative to buttons. Odd digits ("²", other scripts' digits) and
impossible dates must take the kind "I didn't catch that" path, never an error.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety import load_crisis_directory
from bot.telegram.answers import parse
from tests.harness import RunningBot, sent_texts

DIRECTORY = load_crisis_directory()
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SHAPES = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII),
    "time": re.compile(r"[0-2]\d:[0-5]\d", re.ASCII),
    "monthday": re.compile(r"[01]\d-[0-3]\d", re.ASCII),
    "country": re.compile(r"[a-z]{2}", re.ASCII),
    "localtime": re.compile(r"[A-Za-z0-9_/+-]{1,40}", re.ASCII),
}
#: Text near the shapes people type, so the fuzzing reaches the number parsing.
NEAR_DATES = st.lists(st.sampled_from(
    ["march", "3", "²", "٣", "2020", "0001", "99999", "31", "feb", "-", ".", ":", "pm", "1st",
     "12", "00", " ", "𝟙", "Ⅻ", "9" * 30]), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(SHAPES)), text=st.one_of(st.text(max_size=60), NEAR_DATES))
def test_any_typed_text_is_read_without_an_error(kind: str, text: str) -> None:
    value = parse(kind, text, DIRECTORY, today=TODAY, now=NOW)
    assert value is None or SHAPES[kind].fullmatch(value), value


def test_a_superscript_digit_is_not_a_number() -> None:
    assert parse("date", "march ² 2020", DIRECTORY, today=TODAY) is None
    assert parse("monthday", "² march", DIRECTORY, today=TODAY) is None
    assert parse("time", "٣:٠٠", DIRECTORY, today=TODAY) is None


def test_impossible_and_ancient_start_dates_are_refused() -> None:
    for text in ("0001-01-01", "1.1.1800", "3 march 1066", "31 february 2026", "2027-01-01"):
        assert parse("date", text, DIRECTORY, today=TODAY) is None, text
    assert parse("date", "3 March 2026", DIRECTORY, today=TODAY) == "2026-03-03"
    assert parse("date", "1999-12-31", DIRECTORY, today=TODAY) == "1999-12-31"


async def _at_the_start_date_question(bot: RunningBot, user_id: int) -> None:
    await bot.command(user_id, "/start")
    await bot.tap(user_id, lambda t: t.startswith("Set up"))
    await bot.tap(user_id, "A friend")


async def test_an_odd_or_impossible_start_date_is_asked_again_kindly(bot: RunningBot) -> None:
    await _at_the_start_date_question(bot, 31)
    for typed in ("march ² 2020", "0001-01-01"):
        texts = sent_texts(await bot.say(31, typed))
        assert not any("Sorry" in t for t in texts), texts  # not the error apology
        assert any("When did no contact begin?" in t for t in texts), texts
        assert (await bot.store.user(31) or {}).get("nc_start") is None
    await bot.say(31, "2026-03-01")
    assert (await bot.store.user(31) or {}).get("nc_start") == "2026-03-01"
