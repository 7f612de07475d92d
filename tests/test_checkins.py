"""Daily check-ins: 90 simulated days in four time zones across DST changes, quiet hours,
milestones and graduation, the lateness rule after downtime, hard dates, pauses and the week's
picture. Driven through the real Store and Dispatcher with an injected clock; the Bot is a
recorder, so 90 days take a second.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.content import load_content
from bot.content.checkins import MILESTONES, check_checkins, load_checkins
from bot.safety import load_crisis_directory
from bot.schedule import checkins as plan
from bot.schedule import daily
from bot.schedule.chart import week_chart
from bot.schedule.dispatcher import Dispatcher
from bot.store import Store
from bot.telegram.conversation import Conversation
from bot.telegram.due_delivery import build_dispatcher
from tests.harness import Clock

SCAN = timedelta(seconds=20)
START = date(2026, 2, 20)  # 90 days from here cross the March and April DST changes
#: (tz, chosen time): New York and Berlin spring forward, Sydney falls back, Kolkata has none.
PEOPLE = {
    1: ("America/New_York", "08:00"),
    2: ("Europe/Berlin", "20:00"),
    3: ("Australia/Sydney", "07:30"),
    4: ("Asia/Kolkata", "23:30"),  # inside quiet hours: moves to their end, 07:00
}


@dataclass
class Sent:
    chat_id: int
    at: datetime
    text: str = ""
    photo: bool = False
    buttons: list[str] = field(default_factory=list)


class RecordingBot:
    """Just enough of telegram.Bot for Conversation.send and the summary photo."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self.blocked: set[int] = set()

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None,
                           **_: Any) -> Any:
        from telegram.error import Forbidden

        if chat_id in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        labels = [b.callback_data for row in (reply_markup.inline_keyboard if reply_markup
                                              else ()) for b in row]
        self.sent.append(Sent(chat_id, self.clock(), text, buttons=labels))
        return _Message(len(self.sent))

    async def send_photo(self, chat_id: int, photo: bytes, caption: str = "", **_: Any) -> Any:
        assert photo.startswith(b"\x89PNG")
        self.sent.append(Sent(chat_id, self.clock(), caption, photo=True))
        return _Message(len(self.sent))


@dataclass
class _Message:
    message_id: int


async def _setup(tmp_path: Path, clock: Clock) -> tuple[Store, Dispatcher, RecordingBot]:
    store = await Store.open(tmp_path / "bot.db")
    bot = RecordingBot(clock)
    talk = Conversation(content=load_content(), store=store,
                        directory=load_crisis_directory(), bot=bot,  # type: ignore[arg-type]
                        clock=clock)
    return store, build_dispatcher(talk, scan_seconds=SCAN.total_seconds()), bot


async def _person(store: Store, user_id: int, tz: str, at: str, now: datetime,
                  nc_start: date = START, **more: Any) -> None:
    async with store.transaction():
        await store.ensure_user(user_id, nc_start)
        await store.set_profile(user_id, tz=tz, checkin_time=at, nc_start=nc_start.isoformat(),
                                **more)
        await daily.reschedule(store, user_id, now)


async def _run_until(dispatcher: Dispatcher, clock: Clock, end: datetime,
                     step: timedelta = SCAN) -> None:
    """Scan like the interval job would, jumping over empty stretches (same outcome)."""
    store = dispatcher.store
    while clock.now < end:
        await dispatcher.run_once()
        rows = await store._all("SELECT min(due_at) AS d FROM due WHERE claimed_at IS NULL")
        nxt = rows[0]["d"]
        if nxt is None:
            return
        due = datetime.fromisoformat(nxt)
        # The next scan after the row is due, on the job's own grid of SCAN steps.
        steps = max(1, -(-(due - clock.now) // step))
        clock.now = min(clock.now + steps * step, end)
    await dispatcher.run_once()


def checkins_of(bot: RecordingBot, user_id: int) -> list[Sent]:
    return [s for s in bot.sent if s.chat_id == user_id and not s.photo
            and s.text.split("\n", 1)[0] in ("Daily check-in", "Weekly check-in")]


async def test_ninety_days_in_four_zones_across_dst(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 2, 19, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    texts = load_checkins()
    for user_id, (tz, at) in PEOPLE.items():
        await _person(store, user_id, tz, at, clock.now)
    await _run_until(dispatcher, clock, datetime(2026, 5, 25, tzinfo=UTC))

    for user_id, (tz, at) in PEOPLE.items():
        zone = ZoneInfo(tz)
        got = checkins_of(bot, user_id)
        local = [s.at.astimezone(zone) for s in got]
        days = [d.date() for d in local]
        assert len(got) == 90, (tz, len(got))
        assert len(set(days)) == 90  # never two in one local day
        expected_time = "07:00" if at == "23:30" else at  # moved to the end of quiet hours
        hour, minute = (int(p) for p in expected_time.split(":"))
        for moment in local:
            target = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
            assert timedelta(0) <= moment - target <= SCAN, (tz, moment)
            assert not plan.in_quiet(moment, "22:00", "07:00")
        assert days == [START + timedelta(days=n) for n in range(90)]  # days 1 to 90
        for day, sent in enumerate(got, start=1):
            assert sent.text.startswith("Daily check-in\n\n")
            milestone = texts.milestone.replace("{day}", str(day))
            assert (milestone in sent.text) == (day in MILESTONES), (tz, day)
            assert texts.day(day) in sent.text
            assert (texts.graduation in sent.text) == (day == 90)
            assert "!ci:urge" in sent.buttons  # the panic button on every check-in
        photos = [s for s in bot.sent if s.chat_id == user_id and s.photo]
        notes = [s for s in bot.sent if s.chat_id == user_id and "Weekly summary" in s.text]
        assert len(notes) == 12 and not photos  # no answers recorded: no picture to draw
    await store.close()


async def test_graduation_offers_weekly_until_the_first_year(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 1, 1, 6, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 7, "Europe/Berlin", "09:00", clock.now,
                  nc_start=date(2026, 1, 1) - timedelta(days=89))
    await _run_until(dispatcher, clock, datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    last = checkins_of(bot, 7)[-1]
    assert "!ci:weekly" in last.buttons and "!ci:stop" in last.buttons
    assert await store.pending(7) == []  # daily ends at 90 unless they choose weekly
    async with store.transaction():
        await store.set_profile(7, checkins="weekly")
        slot = await daily.reschedule(store, 7, clock.now)
    assert slot is not None and slot.day == 97
    await _run_until(dispatcher, clock, datetime(2026, 12, 31, tzinfo=UTC))
    weekly = checkins_of(bot, 7)[1:]
    assert all(s.text.startswith("Weekly check-in") for s in weekly)
    assert len(weekly) == (365 - 90) // 7
    await store.close()


async def test_after_downtime_under_three_hours_late_is_sent_older_is_skipped(
        tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 1, "UTC", "08:00", clock.now, nc_start=date(2026, 3, 1))
    await _person(store, 2, "UTC", "08:00", clock.now, nc_start=date(2026, 3, 1))
    clock.now = datetime(2026, 3, 1, 10, 59, tzinfo=UTC)  # down from 06:00: 2h59 late
    await dispatcher.run_once()
    assert len(checkins_of(bot, 1)) == 1
    # Down a whole day and more: the 2nd's check-in is 5 hours late, so skipped.
    clock.now = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    await dispatcher.run_once()
    assert len(checkins_of(bot, 1)) == 1
    pending = await store.pending(1)
    assert [p.ref for p in pending] == ["2026-03-03"]
    assert pending[0].due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    await store.close()


async def test_a_late_check_in_never_makes_two_in_one_local_day(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 1, "UTC", "23:30", clock.now, nc_start=date(2026, 3, 1),
                  quiet_start="00:00", quiet_end="00:00")  # no quiet hours
    clock.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 90 minutes late, the next day
    await dispatcher.run_once()
    assert len(checkins_of(bot, 1)) == 1
    assert [p.ref for p in await store.pending(1)] == ["2026-03-03"]
    await store.close()


async def test_hard_dates_are_named_the_day_before_and_on_the_day(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    texts = load_checkins()
    await _person(store, 1, "UTC", "18:00", clock.now, nc_start=date(2026, 3, 1))
    async with store.transaction():
        await store.add_hard_date(1, "03-04", "their_birthday")
    await _run_until(dispatcher, clock, datetime(2026, 3, 6, tzinfo=UTC))
    got = checkins_of(bot, 1)
    marks = [(texts.hard_tomorrow in s.text, texts.hard_today in s.text) for s in got]
    assert marks == [(False, False), (False, False), (True, False), (False, True),
                     (False, False)]
    await store.close()


async def test_hard_dates_refuse_anything_but_a_date_and_a_label(tmp_path: Path) -> None:
    from bot.store import StoreError

    store = await Store.open(tmp_path / "bot.db")
    await store.ensure_user(1, date(2026, 1, 1))
    for month_day, label in (("03-04", "Mum"), ("my ex's day", "other"), ("3-4", "other")):
        with pytest.raises(StoreError) as refused:
            await store.add_hard_date(1, month_day, label)
        # The store's error names the constraint's code, never the refused values.
        assert refused.value.code.startswith("SQLITE_CONSTRAINT")
        assert month_day not in str(refused.value) and label not in str(refused.value)
    await store.close()


async def test_pause_skips_days_then_resumes_by_itself(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 1, "UTC", "18:00", clock.now, nc_start=date(2026, 3, 1),
                  checkins="paused", paused_until="2026-03-04")
    await _run_until(dispatcher, clock, datetime(2026, 3, 6, tzinfo=UTC))
    assert [s.at.date().isoformat() for s in checkins_of(bot, 1)] == ["2026-03-04",
                                                                       "2026-03-05"]
    await store.close()


async def test_a_blocked_bot_marks_the_person_inactive_and_sends_nothing_more(
        tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 1, "UTC", "18:00", clock.now, nc_start=date(2026, 3, 1))
    bot.blocked.add(1)
    await _run_until(dispatcher, clock, datetime(2026, 3, 1, 19, tzinfo=UTC))
    user = await store.user(1)
    assert user is not None and user["active"] == 0
    assert await store.pending(1) == []
    await store.close()


async def test_the_week_is_drawn_from_the_recorded_answers(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    await _person(store, 1, "UTC", "18:00", clock.now, nc_start=date(2026, 3, 1))
    for n in range(6):
        async with store.transaction():
            await store.record(1, "pull_day", 8 - n, datetime(2026, 3, 1 + n, 19, tzinfo=UTC))
    await _run_until(dispatcher, clock, datetime(2026, 3, 9, tzinfo=UTC))
    photo = next(s for s in bot.sent if s.photo)
    assert photo.at.date() == date(2026, 3, 8)  # with day 8's check-in: days 1-7
    assert photo.text.startswith("Weekly summary")
    assert "Sun 8 · Mon 7 · Tue 6 · Wed 5 · Thu 4 · Fri 3 · Sat –" in photo.text
    await store.close()


def test_the_chart_is_a_valid_png() -> None:
    data = week_chart([3, None, 10, 0, 5, 7, 2])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4:idat])[0]
    raw = zlib.decompress(data[idat + 4:idat + 4 + length])
    assert len(raw) == height * (1 + 3 * width)


def test_a_flow_timer_in_quiet_hours_moves_to_their_end() -> None:
    at = datetime(2026, 3, 1, 22, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    moved = plan.out_of_quiet(at, "Europe/Berlin", "22:00", "07:00")
    assert moved.astimezone(ZoneInfo("Europe/Berlin")) == datetime(
        2026, 3, 2, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    early = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
    assert plan.out_of_quiet(early, "Europe/Berlin", "22:00", "07:00") == datetime(
        2026, 3, 2, 6, 0, tzinfo=UTC)
    assert plan.out_of_quiet(at, "Europe/Berlin", "00:00", "00:00") == at


def test_check_in_content_names_the_file_and_day(tmp_path: Path) -> None:
    from bot.content.loader import DEFAULT_ROOT

    text = (DEFAULT_ROOT / "checkins.yaml").read_text()
    broken = text.replace("  45: >-", "  450: >-").replace("milestones: [1, 3,", "milestones: [3,")
    (tmp_path / "checkins.yaml").write_text(broken)
    _, problems = check_checkins(tmp_path)
    said = [str(p) for p in problems]
    assert "checkins.yaml node 'day 45': missing: every day 1-90 needs one" in said
    assert "checkins.yaml node 'day 450': not a day number from 1 to 90" in said
    assert any("milestones must be exactly" in s for s in said)
