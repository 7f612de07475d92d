"""Buttons under a check-in message (`!ci:...`), answered outside any flow.

A check-in arrives whatever the person is doing, so it never moves them: their place in a
flow stays where it was. Its buttons are built-ins: the 0-10 answer is recorded directly
(`pull_day`); "I want to reply" and crisis help start those screens only when tapped. A high
answer gets "ride it out" and crisis help. The how-are-you answers are never stored: each
gets its reply, and "thoughts of not wanting to live" opens crisis help at once.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.content.checkins import CheckinTexts, load_checkins
from bot.engine import Command, Start
from bot.schedule import daily
from bot.telegram import checkin_sender
from bot.telegram.conversation import Conversation

_ANSWER = re.compile(r"^!ci:(\d{4}-\d{2}-\d{2}):(\d{1,2})$")
_HOW = re.compile(r"^!ci:how:([a-z]{1,8})$")


async def on_button(talk: Conversation, user_id: int, data: str, tapped: int | None) -> None:
    texts = _texts(talk)
    if data == "!ci:urge":
        await talk.handle(user_id, Start("urge"))
        return
    if data == "!ci:x":
        await talk.handle(user_id, Command("crisis"))
        return
    if data in ("!ci:ride", "!ci:plan"):
        await talk.handle(user_id, Start("ride" if data == "!ci:ride" else "myplan"))
        return
    how = _HOW.match(data)
    if how is not None:
        await _wellbeing(talk, user_id, texts, how.group(1))
        return
    if data in ("!ci:weekly", "!ci:stop"):
        mode = "weekly" if data == "!ci:weekly" else "off"
        async with talk.store.transaction():
            if await talk.store.user(user_id) is None:
                return
            await talk.store.set_profile(user_id, checkins=mode, paused_until=None)
            await daily.reschedule(talk.store, user_id, talk.clock())
        await talk.send(user_id, "Weekly check-ins until the end of your first year. /checkins "
                        "changes that any time." if mode == "weekly" else texts.stopped)
        return
    match = _ANSWER.match(data)
    if match is None or int(match.group(2)) > 10:
        return
    async with talk.store.transaction():
        if await talk.store.user(user_id) is None:
            return
        await talk.store.record(user_id, daily.PULL_FIELD, int(match.group(2)), talk.clock())
    if tapped:
        # Drop the scale from the answered message; keep its help buttons.
        with contextlib.suppress(TelegramError):
            await talk.bot.edit_message_reply_markup(
                chat_id=user_id, message_id=tapped,
                reply_markup=InlineKeyboardMarkup(checkin_sender.help_buttons()))
    value = int(match.group(2))
    if value >= daily.HIGH_PULL:
        await talk.send(user_id, f"{texts.answered_high} ({value}/10)",
                        tuple(checkin_sender.high_pull_buttons()))
        return
    await talk.send(user_id, f"{texts.answered} ({value}/10)")


async def _wellbeing(talk: Conversation, user_id: int, texts: CheckinTexts, key: str) -> None:
    """Answer how they are; nothing is recorded. 'dark' is followed by the crisis card."""
    reply = texts.wellbeing.get(key)
    if reply is None:
        return
    if key == "dark":
        await talk.send(user_id, reply)
        await talk.handle(user_id, Command("crisis"))
        return
    rows = checkin_sender.help_buttons()
    if key == "low":
        rows = [(InlineKeyboardButton("🌙 My plan for dark moments", callback_data="!ci:plan"),),
                *rows]
    await talk.send(user_id, reply, tuple(rows))


@cache
def _load() -> CheckinTexts:
    return load_checkins()


def _texts(talk: Conversation) -> CheckinTexts:
    return _load()
