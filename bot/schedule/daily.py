"""Daily check-ins on the due-queue: keep one pending row per person, send what is claimed.

The decisions are in `bot.schedule.checkins` (pure); this module applies them to the store
and talks to Telegram through `Conversation.send` (rate limiter, blocked-bot handling).

Ordering, so a crash loses at most the one message in flight and never sends one twice:
the claim of a row, the decision to send or skip it, and the insertion of the next row all
commit in one transaction; only then is the message sent. UNIQUE(user_id, kind, ref) with
ref = the local date makes a second check-in on one local day impossible.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton
from telegram.error import Forbidden

from bot.content.checkins import CheckinTexts
from bot.schedule import checkins as plan
from bot.schedule.chart import week_chart
from bot.store import DueRow, Store

if TYPE_CHECKING:
    from bot.telegram.conversation import Conversation

log = logging.getLogger(__name__)

KIND = "checkin"
PULL_FIELD = "pull_day"
WEEKLY_FIRST_LINE = "Weekly check-in"
SUMMARY_FIRST_LINE = "Weekly summary"
PREFIX = "!ci:"


async def reschedule(store: Store, user_id: int, now: datetime) -> plan.Slot | None:
    """Replace the person's pending check-in with the next one their settings give.

    Call inside `store.transaction()`. A local day that already had its check-in (claimed)
    is never given a second one.
    """
    await store.cancel(user_id, KIND)
    user = await store.user(user_id)
    schedule = plan.plan_for(user)
    if schedule is None:
        return None
    last = await store.last_claimed(user_id, KIND)
    slot = plan.next_checkin(schedule, now, after=date.fromisoformat(last) if last else None)
    if slot is not None:
        await store.schedule(user_id, KIND, slot.local_date.isoformat(), slot.due)
    return slot


async def on_claimed(store: Store, row: DueRow, now: datetime) -> bool:
    """Decide, inside the claiming transaction, whether to send `row`; queue the next one.

    After downtime a check-in less than 3 hours late is still sent (unless it would now land
    in quiet hours); an older one is skipped. Either way the next one is queued for a later
    local day than both the row's day and today, so no local day gets two.
    """
    user = await store.user(row.user_id)
    schedule = plan.plan_for(user)
    if schedule is None:
        return False
    local_today = now.astimezone(schedule.zone).date()
    ref = date.fromisoformat(row.ref)
    send = (plan.deliverable(schedule, row.due_at, now)
            and plan.wanted(schedule, plan.day_number(schedule, ref)))
    after = max(ref, local_today) if send else ref
    await store.cancel(row.user_id, KIND)
    slot = plan.next_checkin(schedule, now, after=after)
    if slot is not None:
        await store.schedule(row.user_id, KIND, slot.local_date.isoformat(), slot.due)
    return send


def scale_buttons(ref: str) -> list[tuple[InlineKeyboardButton, ...]]:
    scale = [InlineKeyboardButton(str(n), callback_data=f"{PREFIX}{ref}:{n}") for n in range(11)]
    return [tuple(scale[:6]), tuple(scale[6:])]


def help_buttons() -> list[tuple[InlineKeyboardButton, ...]]:
    return [(InlineKeyboardButton("🔥 I want to reply", callback_data=f"{PREFIX}urge"),),
            (InlineKeyboardButton("🆘 Crisis help", callback_data=f"{PREFIX}x"),)]


#: A pull from here up is answered with "ride it out" and crisis help, not just "noted".
HIGH_PULL = 8
#: The how-are-you answers (004 step 9 and 11); none is stored, "dark" opens crisis help.
WELLBEING_BUTTONS = (("ok", "🙂 Getting by"), ("sleep", "😴 Sleeping badly"),
                     ("low", "🌧 Low most days"), ("dark", "⚠️ Thoughts of not wanting to live"))


def asks_wellbeing(day: int, weekly: bool) -> bool:
    """Once a week: every weekly check-in, and days 5, 12, 19 ... of the first ninety."""
    return weekly or day % 7 == 5


def wellbeing_buttons() -> list[tuple[InlineKeyboardButton, ...]]:
    buttons = [InlineKeyboardButton(label, callback_data=f"{PREFIX}how:{key}")
               for key, label in WELLBEING_BUTTONS]
    return [tuple(buttons[:2]), (buttons[2],), (buttons[3],)]


def high_pull_buttons() -> list[tuple[InlineKeyboardButton, ...]]:
    return [(InlineKeyboardButton("🌊 Ride it out with me", callback_data=f"{PREFIX}ride"),),
            *help_buttons()]


def compose(texts: CheckinTexts, day: int, ref: str, hard: str | None,
            weekly: bool = False) -> tuple[str, tuple[tuple[InlineKeyboardButton, ...], ...]]:
    """The check-in message: neutral first line, milestone, the day's words, the question."""
    parts = [WEEKLY_FIRST_LINE if weekly else texts.first_line]
    if day in texts.milestones and not weekly:
        parts.append(texts.milestone.replace("{day}", str(day)))
    parts.append(texts.week(day) if weekly else texts.day(day))
    if hard == "tomorrow":
        parts.append(texts.hard_tomorrow)
    elif hard == "today":
        parts.append(texts.hard_today)
    if day == plan.DAYS and not weekly:
        parts.append(texts.graduation)
    parts.append(texts.question)
    rows = scale_buttons(ref)
    if asks_wellbeing(day, weekly):
        parts.append(texts.wellbeing_question)
        rows += wellbeing_buttons()
    rows += help_buttons()
    if day == plan.DAYS and not weekly:
        rows += [(InlineKeyboardButton("Weekly until my first year",
                                       callback_data=f"{PREFIX}weekly"),),
                 (InlineKeyboardButton("Stop check-ins here", callback_data=f"{PREFIX}stop"),)]
    return "\n\n".join(parts), tuple(rows)


def week_values(answers: list[tuple[datetime, int]], days: list[date],
                tz: str) -> list[int | None]:
    """The last answer given on each local day (None where there was none)."""
    zone = plan.zone(tz)
    by_day: dict[date, int] = {}
    for at, value in answers:
        by_day[at.astimezone(zone).date()] = value
    return [by_day.get(d) for d in days]


class CheckinSender:
    """Sends one claimed check-in (and, every 7th day, the week's picture)."""

    def __init__(self, talk: Conversation, texts: CheckinTexts) -> None:
        self.talk = talk
        self.texts = texts

    async def deliver(self, row: DueRow) -> None:
        store = self.talk.store
        user = await store.user(row.user_id)
        schedule = plan.plan_for(user)
        if schedule is None:
            return
        ref = date.fromisoformat(row.ref)
        day = plan.day_number(schedule, ref)
        hard = plan.near_hard_date(ref, [md for md, _ in await store.hard_dates(row.user_id)])
        weekly = day > plan.DAYS
        if day > 1 and day % 7 == 1 and not weekly:  # days 8, 15, ...: the week just done
            await self.send_summary(row.user_id, schedule, ref)
        text, buttons = compose(self.texts, day, row.ref, hard, weekly=weekly)
        await self.talk.send(row.user_id, text, buttons)

    async def send_summary(self, user_id: int, schedule: plan.Plan, ref: date) -> None:
        """The past 7 local days, as a bar picture with the numbers in the caption."""
        days = [ref - timedelta(days=n) for n in range(7, 0, -1)]
        before = [day - timedelta(days=7) for day in days]
        since = datetime.combine(before[0], datetime.min.time(), schedule.zone)
        answers = await self.talk.store.scale_since(user_id, PULL_FIELD, since)
        values = week_values(answers, days, schedule.tz)
        earlier = [v for v in week_values(answers, before, schedule.tz) if v is not None]
        last_week = sum(earlier) / len(earlier) if earlier else None
        if all(v is None for v in values):
            await self.talk.send(user_id, f"{SUMMARY_FIRST_LINE}\n\n{self.texts.summary_empty}")
            return
        numbers = " · ".join(f"{d.strftime('%a')} {'–' if v is None else v}"
                             for d, v in zip(days, values, strict=True))
        caption = f"{SUMMARY_FIRST_LINE}\n\n{self.texts.summary}\n{numbers}"
        try:
            picture = week_chart(values, [d.strftime("%a") for d in days], last_week)
            await self.talk.bot.send_photo(user_id, picture, caption=caption)
        except Forbidden:
            await self.talk.deactivate(user_id)


#: Quiet-hours choices in set-up and /checkins ("none": start == end, no quiet hours).
QUIET = {"q22_07": ("22:00", "07:00"), "q23_08": ("23:00", "08:00"),
         "q21_06": ("21:00", "06:00"), "q00_06": ("00:00", "06:00"), "none": ("00:00", "00:00")}
PAUSE_DAYS = {"d1": 1, "d3": 3, "d7": 7, "d14": 14, "d30": 30}
HARD_LABELS = ("my_birthday", "their_birthday", "anniversary", "breakup", "holiday", "other")
#: Recorded fields after which the pending check-in is worked out again.
RESCHEDULE = {"country", "tz", "tz_zone", "checkin_time", "quiet", "checkins_mode", "pause",
              "nc_start", "nc_since", "run"}


async def record_setting(store: Store, user_id: int, name: str, value: str | int,
                         today: date) -> bool:
    """Store a check-in setting recorded by a flow; False if `name` is not one of them."""
    from bot.schedule.zones import ZONES

    value = str(value)
    if name == "tz_zone" and value in ZONES:
        await store.set_profile(user_id, tz=ZONES[value])
    elif name == "quiet" and value in QUIET:
        start, end = QUIET[value]
        await store.set_profile(user_id, quiet_start=start, quiet_end=end)
    elif name == "checkins_mode" and value in ("daily", "weekly", "off", "resume"):
        mode = "daily" if value == "resume" else value
        await store.set_profile(user_id, checkins=mode, paused_until=None)
    elif name == "pause" and value in PAUSE_DAYS:
        until = today + timedelta(days=PAUSE_DAYS[value])
        await store.set_profile(user_id, checkins="paused", paused_until=until.isoformat())
    elif name.startswith("hard_") and name[5:] in HARD_LABELS:
        if len(value) == 5 and value[2] == "-":
            await store.add_hard_date(user_id, value, name[5:])
    elif name == "hard_clear":
        await store.clear_hard_dates(user_id)
    else:
        return False
    return True


async def setting_changed(store: Store, user_id: int, name: str, value: str | int,
                          now: datetime) -> None:
    """After a recorded setting: a country with one zone sets it; the check-in is re-planned."""
    if name not in RESCHEDULE:
        return
    if name == "country":
        from bot.schedule.zones import country_tz

        zone_name = country_tz(str(value))
        if zone_name:
            await store.set_profile(user_id, tz=zone_name)
    await reschedule(store, user_id, now)
