"""Replies are paced per chat; only bulk sends (check-ins, reminders) share the bot's budget.

Telegram's limits are two different things: about one message a second *in one chat* (short
bursts are tolerated), and about 30 messages a second *for the whole bot* when it broadcasts
notifications. PTB's `AIORateLimiter` counted every reply against the 30/s (capping the bot
at ~19 updates/s whatever the CPU can do) and paused *all* sending during any 429's
`retry_after`, so one person's 429 held up a stranger's crisis card for 20 s.

Here:
- every message to a chat passes that chat's own bucket (`CHAT_BURST` at once, then one per
  `CHAT_INTERVAL` s); a 429 for a chat pauses that chat only;
- sends made while `bulk_sending()` is active (the due-queue: check-ins, flow reminders) also
  pass the bot-wide bucket (one per 1/30 s: no bursts, so Telegram never sees a 31st in a
  second); a 429 on a bulk send pauses bulk sends only.

Both buckets are GCRA ("virtual scheduling"): one float per key, no background task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

CHAT_INTERVAL = 1.0  # seconds between messages in one chat, on average (Telegram's guidance)
CHAT_BURST = 4  # a screen is up to ~3 messages (card + follow-up, note + question)
BULK_INTERVAL = 1 / 30  # the bot-wide budget for notifications
MAX_RETRIES = 3
#: A 429 asking for a longer wait than this is not waited out: the call fails instead, so
#: one person's flood control never holds their later updates for minutes.
MAX_RETRY_AFTER = 30.0
#: Methods that put something in a chat; everything else (answerCallbackQuery, getUpdates,
#: deleteMessage, leaveChat...) is not paced.
PACED_PREFIXES = ("send", "edit", "copy", "forward")

_bulk: ContextVar[bool] = ContextVar("bulk_sending", default=False)


@contextlib.contextmanager
def bulk_sending() -> Iterator[None]:
    """Everything sent inside counts against the bot-wide bulk budget too."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


class Bucket:
    """GCRA: `interval` s per unit on average, `burst` units at once; `pause` for a 429."""

    def __init__(self, interval: float, burst: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.tolerance = interval * (burst - 1)
        self.clock = clock
        self._tat: dict[Any, float] = {}  # key -> theoretical arrival time of the next unit

    def reserve(self, key: Any) -> float:
        """Take one unit for `key`; returns how long to wait before using it (0: now).

        No await between the read and the write, so concurrent callers never share a unit.
        """
        now = self.clock()
        tat = max(self._tat.get(key, now), now)
        self._tat[key] = tat + self.interval
        if len(self._tat) > 10_000:
            self._forget_idle(now)
        return max(0.0, tat - self.tolerance - now)

    def started(self, key: Any) -> None:
        """The unit is used now: the next waits a full interval from *now*.

        A sleep that overshoots (a busy event loop) would otherwise let the next send follow
        closer than the interval, and Telegram counts what arrives in a second.
        """
        now = self.clock()
        self._tat[key] = max(self._tat.get(key, now), now + self.interval)

    def pause(self, key: Any, seconds: float) -> None:
        """Telegram said wait: nothing for `key` before `seconds` from now."""
        now = self.clock()
        self._tat[key] = max(self._tat.get(key, now), now + seconds + self.tolerance)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, tat in self._tat.items() if tat <= now]:
            del self._tat[key]


class PacedLimiter(BaseRateLimiter[int]):
    """Per-chat pacing for every message; the bot-wide budget for bulk sends only."""

    def __init__(self, chat_interval: float = CHAT_INTERVAL, chat_burst: int = CHAT_BURST,
                 bulk_interval: float = BULK_INTERVAL, max_retries: int = MAX_RETRIES) -> None:
        self.chats = Bucket(chat_interval, chat_burst)
        self.bulk = Bucket(bulk_interval, 1)
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        paced = chat is not None and endpoint.lower().startswith(PACED_PREFIXES)
        bulk = paced and _bulk.get()
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            if paced:
                wait = self.chats.reserve(str(chat))
                if bulk:
                    wait = max(wait, self.bulk.reserve(None))
                if wait:
                    await asyncio.sleep(wait)
                if bulk:
                    self.bulk.started(None)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc)
                if paced:
                    self.chats.pause(str(chat), seconds)
                if bulk:
                    self.bulk.pause(None, seconds)
                if attempt == retries or seconds > MAX_RETRY_AFTER:
                    raise
                log.info("429 on %s: that %s waits %.0f s", endpoint,
                         "bulk budget" if bulk else "chat", seconds)
                if not paced:
                    await asyncio.sleep(seconds)
        raise AssertionError("unreachable")  # the loop always returns or raises


def _seconds(exc: RetryAfter) -> float:
    """retry_after in seconds (PTB 22 warns on the public attribute while it changes type)."""
    wait = getattr(exc, "_retry_after", None)
    if isinstance(wait, timedelta):
        return wait.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
