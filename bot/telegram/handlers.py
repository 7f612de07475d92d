"""One handler per user intent: Telegram updates in, engine events out.

Handlers only translate. Everything the bot decides is in the engine; everything it stores or
sends goes through `Conversation`. No handler logs or keeps message text.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.engine import Command, Unsupported
from bot.engine.core import COMMAND_FLOWS
from bot.engine.events import Choice, Event
from bot.reading import read_text
from bot.safety import crisis_card
from bot.schedule import daily
from bot.store import StoreError
from bot.telegram import checkins
from bot.telegram.conversation import Conversation
from bot.telegram.erase import erase_person
from bot.telegram.operator import send_stats
from bot.telegram.region import region_hint

log = logging.getLogger(__name__)

ENGINE_COMMANDS = ("crisis", *COMMAND_FLOWS)
PRIVATE_ONLY = ("I only work in a private chat, so nothing you share is seen by others. "
                "Open a direct chat with me instead. I'm leaving this group now.")
DELETE_ASK = ("This erases everything I keep about you: your set-up, your recorded answers, "
              "check-ins and timers. It cannot be undone. Erase it all?")
DATABASE_SORRY = ("Sorry, I couldn't save that just now, so we are still where we were. "
                  "Please try again in a minute. If you need help now, /crisis shows the "
                  "lines where you are.")
WIPED = "I deleted {n} of my recent messages in this chat. (Telegram lets me do that for 48 hours.)"


def conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    return context.application.bot_data["conversation"]


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return
    name = message.text.split()[0].lstrip("/").split("@")[0].lower()
    talk = conversation(context)
    if name == "start":
        async with talk.store.transaction():
            await talk.store.ensure_user(user.id, talk.clock().date())
            await talk.store.set_active(user.id, True)
            await daily.reschedule(talk.store, user.id, talk.clock())  # back after a block
    if name in ENGINE_COMMANDS:
        await talk.handle(user.id, Command(name), region_hint=region_hint(user.language_code),
                          fresh=True)
    elif name == "mydata":
        await _send_my_data(talk, user.id)
    elif name == "delete":
        await talk.send(user.id, DELETE_ASK, (
            (InlineKeyboardButton("Yes, erase everything", callback_data="!delete:yes"),),
            (InlineKeyboardButton("No, keep it", callback_data="!delete:no"),)))
    elif name == "stats" and user.id in context.application.bot_data.get("admin_ids", ()):
        await send_stats(talk, user.id)  # anyone else: the ordinary unknown-command reply
    elif name == "wipe":
        gone = await talk.wipe(user.id)
        await talk.send(user.id, WIPED.format(n=gone))
    else:
        await talk.handle(user.id, Unsupported("command"), fresh=True)


async def _send_my_data(talk: Conversation, user_id: int) -> None:
    if await talk.store.user(user_id) is None:
        await talk.send(user_id, "I keep nothing about you right now.")
        return
    await talk.bot.send_document(user_id, await talk.export_file(user_id),
                                 caption="Everything I keep about you.")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    await conversation(context).handle_text(
        user.id, message.text, message.message_id, theirs=message.forward_origin is not None,
        region_hint=region_hint(user.language_code))


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit is read for risk like any text (safety first), then answered kindly."""
    message = update.edited_message
    user = update.effective_user
    if message is None or user is None:
        return
    event = _risk_or(message.text or message.caption, "edit")
    await conversation(context).handle(user.id, event)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: a caption is read for risk; otherwise a kind note."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    event = _risk_or(message.caption, _media_kind(message))
    await conversation(context).handle(user.id, event, fresh=True)


def _risk_or(text: str | None, kind: str) -> Event:
    """Text we cannot use is still read for risk (safety first); otherwise a kind note."""
    facts = read_text(text) if text else None
    return facts if facts and facts.risk else Unsupported(kind)


def _media_kind(message: object) -> str:
    for kind in ("sticker", "photo", "voice", "video", "video_note", "audio", "document",
                 "location", "contact", "poll", "animation"):
        if getattr(message, kind, None):
            return kind
    return "other"


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    with contextlib.suppress(TelegramError):
        await query.answer()  # an old query can no longer be answered; the tap still counts
    data = query.data or ""
    talk = conversation(context)
    tapped = query.message.message_id if query.message else None
    if data.startswith("!"):
        await _builtin(talk, user.id, data, tapped)
        return
    await talk.handle(user.id, Choice(data), tapped=tapped,
                      region_hint=region_hint(user.language_code))


async def _builtin(talk: Conversation, user_id: int, data: str, tapped: int | None) -> None:
    """Buttons the bot draws itself: delete confirmation, deleting a pasted message."""
    if data == "!delete:yes":
        await erase_person(talk, user_id)
        return
    if data == "!delete:no":
        await talk.send(user_id, "Nothing was erased.")
        await talk.handle(user_id, Command("menu"))
        return
    if data.startswith(daily.PREFIX):
        await checkins.on_button(talk, user_id, data, tapped)
        return
    if data.startswith("!del:") and data[5:].isdigit():
        try:
            await talk.bot.delete_message(user_id, int(data[5:]))
            note = "Deleted. It is gone from this chat."
        except (BadRequest, Forbidden):
            note = "I couldn't delete it (Telegram allows that only for 48 hours)."
        await talk.send(user_id, note)
        return
    await talk.handle(user_id, Choice(data), tapped=tapped)


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say once that the bot is private-only, then leave the group.

    Risk words typed in the group first get the crisis card: general (no country, nobody
    named or quoted), because leaving without it could abandon someone in danger.
    """
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    text = (message.text or message.caption) if message is not None else None
    risk = read_text(text).risk if text else None
    try:
        if risk:
            card = crisis_card(conversation(context).directory, None, risk)
            await context.bot.send_message(chat.id, card)
        await context.bot.send_message(chat.id, PRIVATE_ONLY)
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.info("could not leave group: %s", type(exc).__name__)


async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The person blocked the bot (or unblocked it): stop or allow messages."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        if change is not None and change.new_chat_member.status in (
                ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
            await on_group(update, context)
        return
    talk = conversation(context)
    gone = change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    if gone and await talk.store.user(change.chat.id):
        await talk.deactivate(change.chat.id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error class and update kind only: never the update, never the text."""
    error = context.error
    kind = _update_kind(update)
    database = isinstance(error, StoreError)
    if database:
        # The code name only (SQLITE_BUSY, SQLITE_FULL, SQLITE_READONLY): never values.
        log.error("database error %s while handling a %s update: nothing was saved",
                  error.code, kind)
    else:
        log.error("error %s while handling a %s update", type(error).__name__, kind,
                  exc_info=None)
    if isinstance(update, Update) and update.effective_chat and \
            update.effective_chat.type == "private":
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id, DATABASE_SORRY if database else
                "Sorry, something went wrong on my side. Your place is kept. "
                "If you need help now, /crisis shows the lines where you are.")


def _update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in ("message", "edited_message", "callback_query", "my_chat_member",
                 "channel_post", "inline_query"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"
