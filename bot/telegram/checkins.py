"""Buttons under a check-in message (`!ci:...`), answered outside any flow.

A check-in arrives whatever the person is doing, so it never moves them: their place in a
flow stays where it was. Its buttons are built-ins: the 0-10 answer is recorded directly
(`pull_day`); "I want to reply" and crisis help start those screens only when tapped.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.content.checkins import CheckinTexts, load_checkins
from bot.engine import Command, Start
from bot.schedule import daily
from bot.telegram.conversation import Conversation

_ANSWER = re.compile(r"^!ci:(\d{4}-\d{2}-\d{2}):(\d{1,2})$")


async def on_button(talk: Conversation, user_id: int, data: str, tapped: int | None) -> None:
    texts = _texts(talk)
    if data == "!ci:urge":
        await talk.handle(user_id, Start("urge"))
        return
    if data == "!ci:x":
        await talk.handle(user_id, Command("crisis"))
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
                reply_markup=InlineKeyboardMarkup(daily.help_buttons()))
    await talk.send(user_id, f"{texts.answered} ({match.group(2)}/10)")


@cache
def _load() -> CheckinTexts:
    return load_checkins()


def _texts(talk: Conversation) -> CheckinTexts:
    return _load()
