"""The one place the `Application` is built: handlers, update order, pacing, dispatcher.

Long polling, webhook mode and the end-to-end tests all start the bot through
`build_application`, so what is tested is what runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import httpx
from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.content import Content
from bot.safety import CrisisDirectory
from bot.store import Store
from bot.telegram import handlers
from bot.telegram.conversation import Conversation
from bot.telegram.due_delivery import build_dispatcher
from bot.telegram.pacing import PacedLimiter
from bot.telegram.processor import MAX_RUNNING, PerPersonOrder

COMMANDS = [
    ("urge", "I want to reply: the panic button"),
    ("crisis", "Crisis lines where you are"),
    ("start", "Start, or start again"),
    ("help", "What I can do"),
    ("checkins", "Daily check-ins"),
    ("settings", "Change your set-up"),
    ("mydata", "Everything I keep about you"),
    ("wipe", "Delete my recent messages in this chat"),
    ("delete", "Erase everything I keep about you"),
]
#: Neutral wording on purpose: the bot's profile may be seen by someone checking the phone.
DESCRIPTION = "A quiet companion for hard moments. Nothing you type is stored."
SHORT_DESCRIPTION = "A quiet companion for hard moments."


def build_application(
    *,
    token: str,
    base_url: str,
    content: Content,
    store: Store,
    directory: CrisisDirectory,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    rate_limit: bool = True,
    scan_seconds: float = 20.0,
    admin_ids: Iterable[int] = (),
) -> Application:
    # Different people at once, each person's updates in order: one person's 429 or hanging
    # call never holds up a stranger's crisis card.
    builder = Application.builder().token(token).base_url(base_url) \
        .concurrent_updates(PerPersonOrder()).request(_api_connections())
    if rate_limit:
        # Replies paced per chat; the bot-wide 30/s (one per 1/30 s, no bursts: measured in
        # bench/dispatch.py at 98% of the rate with no 429s) only for check-ins and reminders.
        builder = builder.rate_limiter(PacedLimiter())
    app = builder.build()
    talk = Conversation(content=content, store=store, directory=directory, bot=app.bot,
                        clock=clock)
    app.bot_data["conversation"] = talk
    app.bot_data["dispatcher"] = build_dispatcher(talk, scan_seconds=scan_seconds)
    app.bot_data["admin_ids"] = frozenset(admin_ids)  # who may ask for /stats

    private = filters.ChatType.PRIVATE
    app.add_handler(ChatMemberHandler(handlers.on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS | filters.ChatType.CHANNEL,
                                   handlers.on_group))
    app.add_handler(MessageHandler(private & filters.UpdateType.EDITED, handlers.on_edit))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_command))
    app.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(private & ~filters.TEXT, handlers.on_media))
    app.add_handler(CallbackQueryHandler(handlers.on_callback))
    app.add_error_handler(handlers.on_error)
    return app


def _api_connections() -> HTTPXRequest:
    """Keep as many connections alive as updates may run at once.

    httpx keeps only 20 idle connections by default: with dozens of updates at once every
    burst opened (and closed) new ones, a TCP (and, to Telegram, TLS) handshake each, and
    the bot spent its time connecting rather than answering.
    """
    size = MAX_RUNNING + 32  # the updates' calls, plus the due-queue's and start-up's
    return HTTPXRequest(connection_pool_size=size, httpx_kwargs={
        "limits": httpx.Limits(max_connections=size, max_keepalive_connections=size)})


async def announce(app: Application) -> None:
    """Start-up calls that need the network: commands, neutral description, the due-queue."""
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
    await app.bot.set_my_description(DESCRIPTION)
    await app.bot.set_my_short_description(SHORT_DESCRIPTION)
    app.bot_data["dispatcher"].start()


async def retire(app: Application) -> None:
    """The counterpart of `announce`, after `app.stop()`: end the due-queue scans."""
    await app.bot_data["dispatcher"].stop()


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY,
                   Update.MY_CHAT_MEMBER]
