"""Long polling that no single update can stop.

python-telegram-bot's own poller parses a whole getUpdates batch at once: one update it cannot
read fails the batch, the offset never moves, the same batch is fetched forever and the raw
JSON (everyone's messages) is logged at CRITICAL each time. This poller fetches the raw batch,
hands each update to `Intake` separately, and always moves the offset past the highest id it
received, readable or not. Errors are one log line with the error class, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.telegram.intake import Intake

log = logging.getLogger(__name__)

#: Extra seconds the HTTP read may take beyond the long-poll timeout before we give up on it.
READ_SLACK = 5.0
MAX_BACKOFF = 30.0


class Poller:
    """`start()` is part of start-up (its errors end start-up); then polls until `stop()`."""

    def __init__(self, app: Application, intake: Intake, *, timeout: int = 10,
                 allowed_updates: Sequence[str] | None = None) -> None:
        self.app = app
        self.intake = intake
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Remove any webhook and make one short poll, so a refused token or another running
        instance (409) is reported at start-up rather than retried in the background."""
        await self.app.bot.delete_webhook()
        await self._handle(await self._fetch(wait=0))
        self._task = asyncio.create_task(self._loop(), name="bot.telegram.polling")

    async def stop(self) -> None:
        """Stop polling, then confirm the last offset so handled updates are not fetched again."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.offset is not None:
            with contextlib.suppress(TelegramError, OSError):
                await self.app.bot._post("getUpdates", {"offset": self.offset, "timeout": 0},
                                         read_timeout=READ_SLACK)

    async def _loop(self) -> None:
        backoff = 0.0
        while True:
            try:
                if await self._handle(await self._fetch(wait=self.timeout)):
                    backoff = 0.0
                    continue
                # Updates came but none had an id to confirm: fetching again at once would
                # spin on the same batch, so wait as after an error.
                wait = backoff = min(max(backoff * 2, 1.0), MAX_BACKOFF)
                log.error("getUpdates: a batch without usable update ids; retrying in %.0f s",
                          wait)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                log.warning("getUpdates: 429, waiting %.0f s", wait)
            except Conflict:
                wait = backoff = min(max(backoff * 2, 1.0), MAX_BACKOFF)
                log.warning("getUpdates: 409 Conflict (another instance polls with this token, "
                            "or a webhook is set); retrying in %.0f s", wait)
            except (InvalidToken, Forbidden) as exc:
                wait = backoff = MAX_BACKOFF
                log.error("getUpdates: refused (%s); retrying in %.0f s", type(exc).__name__,
                          wait)
            except TelegramError as exc:  # network errors, 5xx, timeouts
                wait = backoff = min(max(backoff * 2, 0.5), MAX_BACKOFF)
                log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__,
                            wait)
            except Exception as exc:  # a body that is not JSON, a proxy's error page...
                wait = backoff = min(max(backoff * 2, 0.5), MAX_BACKOFF)
                log.error("getUpdates answer unusable (%s); retrying in %.1f s",
                          type(exc).__name__, wait)
            await asyncio.sleep(wait)

    async def _fetch(self, wait: int) -> Any:
        data: dict[str, Any] = {"timeout": wait}
        if self.offset is not None:
            data["offset"] = self.offset
        if self.allowed_updates is not None:
            data["allowed_updates"] = self.allowed_updates
        # `_post` rather than `Bot.get_updates`: the public method parses the whole batch at
        # once, which is exactly the failure this module exists to avoid.
        return await self.app.bot._post("getUpdates", data, read_timeout=wait + READ_SLACK)

    async def _handle(self, batch: Any) -> bool:
        """Feed each update; False when a non-empty batch gave no id to move the offset."""
        if not isinstance(batch, list):
            log.error("getUpdates answered something that is not a list: ignored")
            return False
        before = self.offset
        for raw in batch:
            update_id = self.intake.update_id(raw)
            if update_id is not None and (self.offset is None or update_id >= self.offset):
                self.offset = update_id + 1  # moves past unreadable updates too
            await self.intake.feed(raw)
        return not batch or self.offset != before


def _seconds(value: Any) -> float:
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value)
    return max(seconds, 0.5)
