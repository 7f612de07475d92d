"""A fake Telegram Bot API on 127.0.0.1 for end-to-end tests and benchmarks of the bot."""

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
