"""/stats in Telegram: the operator gets the report and picture; nobody else gets anything.

Through the real Application against the fake Bot API. The privacy test holds a whole
conversation full of marker strings first (urges rated, a pasted hoover, a slip), then
searches the operator's report text and picture for the markers and for the person's id.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

from PIL import Image

from tests.fakebot import FakeBotApi
from tests.harness import Clock, RunningBot, sent_texts
from tests.population import Person, write
from tests.urge_walk import ride_out_an_urge

ADMIN = 424242
PERSON = 777003
CROWD_FIRST_ID = 8_000_000


async def _start(api: FakeBotApi, db_path: Path, clock: Clock) -> RunningBot:
    return await RunningBot.start(api, db_path, clock, admin_ids=(ADMIN,))


def _crowd(size: int, clock: Clock) -> list[Person]:
    """People who used the bot before, so the report has figures above the threshold."""
    joined = clock.now.date().replace(day=1)
    return [Person(CROWD_FIRST_ID + i, joined, joined, "20:00", "daily", checkin_days=[1, 2],
                   sent_days=[1, 2], urges=[(1, 7, "hey", "ride", 4, "did_not_reply")])
            for i in range(size)]


async def test_the_operator_gets_the_report_and_the_picture(
        api: FakeBotApi, db_path: Path, clock: Clock) -> None:
    bot = await _start(api, db_path, clock)
    try:
        await asyncio.to_thread(write, _crowd(12, clock), db_path)
        calls = await bot.command(ADMIN, "/stats")
        text = "\n".join(sent_texts(calls))
        assert "Is it helping?" in text and "Started, all weeks: 12" in text
        assert "Average pull before 7.0, after 4.0" in text
        photo = await api.wait_for("sendPhoto", timeout=10)
        assert photo.params["chat_id"] == ADMIN and len(api.calls_of("sendPhoto")) == 1
        image = Image.open(io.BytesIO(photo.files["photo"].content))
        assert image.format == "PNG" and image.size == (900, 420)
    finally:
        await bot.stop()


async def test_anyone_else_gets_the_ordinary_unknown_command_reply(
        api: FakeBotApi, db_path: Path, clock: Clock) -> None:
    bot = await _start(api, db_path, clock)
    try:
        await bot.command(PERSON, "/start")
        await asyncio.to_thread(write, _crowd(12, clock), db_path)
        unknown = sent_texts(await bot.command(PERSON, "/nosuchcommand"))
        calls = await bot.command(PERSON, "/stats")
        assert sent_texts(calls) == unknown
        assert "I don't know that command" in unknown[0]
        assert not api.calls_of("sendPhoto")
        assert not any("Is it helping" in t or "person-weeks" in t
                       for t in api.sent_texts(PERSON))
    finally:
        await bot.stop()


async def test_the_report_carries_no_typed_words_and_no_id(
        api: FakeBotApi, db_path: Path, clock: Clock) -> None:
    bot = await _start(api, db_path, clock)
    marks = [f"MARK{uuid.uuid4().hex[:12]}" for _ in range(4)]
    try:
        await asyncio.to_thread(write, _crowd(12, clock), db_path)
        await bot.command(PERSON, f"/start {marks[0]}")
        await bot.say(PERSON, f"i miss you so much, come back {marks[1]}")  # a pasted hoover
        await ride_out_an_urge(bot, PERSON, before=8, after=3)
        await bot.say(PERSON, f"typed after the urge {marks[2]}")
        await bot.say(PERSON, f"thanks {marks[3]}")
        calls = await bot.command(ADMIN, "/stats")
        text = "\n".join(sent_texts(calls))
        picture = (await api.wait_for("sendPhoto", timeout=10)).files["photo"].content
        assert "Started, all weeks: 13" in text  # the person is counted, their urge too...
        assert "Started: 13 · finished: 13" in text
        for needle in [*marks, str(PERSON), str(ADMIN)]:  # ...and nothing of theirs shows
            assert needle not in text
            assert needle.encode() not in picture
    finally:
        await bot.stop()
