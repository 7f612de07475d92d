"""Words and sends one claimed check-in: its text, its buttons, and the weekly picture.

`bot.schedule.daily` decided (inside the claiming transaction) that this row goes out; here
it becomes a Telegram message sent through `Conversation.send` (pacing, blocked bot, message
ids remembered), and on days 8, 15, ... the past week's chart goes first as a photo. The
buttons' meaning on the way back is in `bot.telegram.checkins`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton
from telegram.error import Forbidden

from bot.content.checkins import CheckinTexts
from bot.schedule import checkins as plan
from bot.schedule import daily
from bot.schedule.chart import week_chart
from bot.schedule.daily import PREFIX, SUMMARY_FIRST_LINE, WEEKLY_FIRST_LINE
from bot.store import DueRow
from bot.telegram.conversation import Conversation

Rows = list[tuple[InlineKeyboardButton, ...]]


def scale_buttons(ref: str) -> Rows:
    scale = [InlineKeyboardButton(str(n), callback_data=f"{PREFIX}{ref}:{n}") for n in range(11)]
    return [tuple(scale[:6]), tuple(scale[6:])]


def help_buttons() -> Rows:
    return [(InlineKeyboardButton("🔥 I want to reply", callback_data=f"{PREFIX}urge"),),
            (InlineKeyboardButton("🆘 Crisis help", callback_data=f"{PREFIX}x"),)]


def wellbeing_buttons() -> Rows:
    buttons = [InlineKeyboardButton(label, callback_data=f"{PREFIX}how:{key}")
               for key, label in daily.WELLBEING_BUTTONS]
    return [tuple(buttons[:2]), (buttons[2],), (buttons[3],)]


def high_pull_buttons() -> Rows:
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
    if daily.asks_wellbeing(day, weekly):
        parts.append(texts.wellbeing_question)
        rows += wellbeing_buttons()
    rows += help_buttons()
    if day == plan.DAYS and not weekly:
        rows += [(InlineKeyboardButton("Weekly until my first year",
                                       callback_data=f"{PREFIX}weekly"),),
                 (InlineKeyboardButton("Stop check-ins here", callback_data=f"{PREFIX}stop"),)]
    return "\n\n".join(parts), tuple(rows)


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
        if daily.summary_due(day):
            await self.send_summary(row.user_id, schedule, ref)
        text, buttons = compose(self.texts, day, row.ref, hard, weekly=weekly)
        await self.talk.send(row.user_id, text, buttons)

    async def send_summary(self, user_id: int, schedule: plan.Plan, ref: date) -> None:
        """The past 7 local days, as a bar picture with the numbers in the caption."""
        days = [ref - timedelta(days=n) for n in range(7, 0, -1)]
        before = [day - timedelta(days=7) for day in days]
        since = datetime.combine(before[0], datetime.min.time(), schedule.zone)
        answers = await self.talk.store.scale_since(user_id, daily.PULL_FIELD, since)
        values = daily.week_values(answers, days, schedule.tz)
        earlier = [v for v in daily.week_values(answers, before, schedule.tz) if v is not None]
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
