"""A fake Telegram Bot API on 127.0.0.1 for end-to-end tests and benchmarks of the bot.

It exists so e2e tests drive the real PTB ``Application`` without network or a real token::

    async with FakeBotApi() as api:
        app = Application.builder().token(api.token).base_url(api.base_url).build()
        ...  # add handlers, start polling
        api.push_update(updates.command(42, "/start"))
        call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 42)

From another process: ``python -m tests.fakebot --port 0`` prints a JSON line with ``url``,
``base_url`` and ``token``; drive it with ``FakeBotClient(url)`` (the ``/_control/`` API).
"""

from . import updates
from .client import FakeBotClient
from .server import DEFAULT_TOKEN, BotApiError, Call, FakeBotApi, UploadedFile

__all__ = [
    "DEFAULT_TOKEN",
    "BotApiError",
    "Call",
    "FakeBotApi",
    "FakeBotClient",
    "UploadedFile",
    "updates",
]
