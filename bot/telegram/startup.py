"""Start-up steps that talk to the Bot API, and the one line each failure becomes.

Before the bot runs, an API error is a configuration problem the operator must fix (another
instance polling with the token, a revoked token, a webhook URL Telegram refuses), so it ends
start-up with one line naming the call and the likely cause, and exit code 2; no traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

_MAX_REASON = 160


class StartupFailed(Exception):
    """A start-up step failed; `line()` is what the operator reads."""

    def __init__(self, step: str, error: BaseException, setting: str | None = None) -> None:
        super().__init__(step)
        self.step = step
        self.error = error
        self.setting = setting

    def line(self) -> str:
        exc, step = self.error, self.step
        reason = " ".join(str(exc).split())[:_MAX_REASON]
        if isinstance(exc, InvalidToken):
            return "error: BOT_TOKEN: refused by Telegram (check it with @BotFather)"
        if isinstance(exc, Conflict):
            return (f"error: BOT_TOKEN: {step} got 409 Conflict: another instance of this bot "
                    f"is running with the same token (stop it first) [{reason}]")
        if isinstance(exc, Forbidden):
            return (f"error: BOT_TOKEN: {step} got 403 Forbidden: Telegram refuses this bot "
                    f"[{reason}]")
        if isinstance(exc, RetryAfter):
            return f"error: Bot API: {step} got 429 Too Many Requests; start again later"
        if isinstance(exc, BadRequest):
            return f"error: {self.setting or 'Bot API'}: {step} was refused [{reason}]"
        if isinstance(exc, TimedOut | NetworkError):
            return (f"error: BOT_API_BASE_URL: cannot reach the Bot API ({step}: "
                    f"{type(exc).__name__})")
        if isinstance(exc, TelegramError):
            return f"error: Bot API: {step} failed ({type(exc).__name__}) [{reason}]"
        if isinstance(exc, OSError):  # the webhook port is taken or not ours to bind
            return (f"error: {self.setting or 'settings'}: {step} could not start "
                    f"({exc.strerror or type(exc).__name__})")
        return f"error: {self.setting or 'Bot API'}: {step} failed ({type(exc).__name__})"


class Steps:
    """Names the start-up step in progress, so its failure can be reported by name."""

    @contextlib.asynccontextmanager
    async def step(self, name: str, setting: str | None = None) -> AsyncIterator[None]:
        try:
            yield
        except (TelegramError, OSError) as exc:
            raise StartupFailed(name, exc, setting) from None
