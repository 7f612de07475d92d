"""Different people's updates run at the same time; one person's run strictly in order.

With python-telegram-bot's default (one update at a time) a single slow call (a 429's
`retry_after`, a hanging request) holds up every stranger's update behind it, a crisis card
included. Here each person has a FIFO `asyncio.Lock`: PTB's fetcher starts one task per update
in arrival order, each task queues on its person's lock before anything else can yield, so
update n+1 of a person starts only after update n has finished.

The person's lock is taken *before* a slot of the bounded pool: one person flooding the bot
queues on their own lock and never fills the pool that everyone else needs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

#: Updates handled at once. They mostly wait on the network; the store is one connection and
#: the interpreter one core, so more would only contend (measured: bench/replies.py).
MAX_RUNNING = 16
#: Updates accepted and waiting (their person's lock, or a slot) before PTB's fetcher waits.
MAX_WAITING = 4096


class PerPersonOrder(BaseUpdateProcessor):
    """Order per person, concurrency across people, at most `running` handlers at once."""

    def __init__(self, running: int = MAX_RUNNING, waiting: int = MAX_WAITING) -> None:
        super().__init__(max(running, waiting))
        self._slots = asyncio.BoundedSemaphore(running)
        #: person -> (their lock, how many of their updates hold or wait for it)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @staticmethod
    def person(update: object) -> int | None:
        """Whose update this is: the user, else the chat (a channel post), else nobody."""
        if isinstance(update, Update):
            if update.effective_user is not None:
                return update.effective_user.id
            if update.effective_chat is not None:
                return update.effective_chat.id
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # (A repeated update_id never gets here: `Intake` drops it at the door.)
        key = self.person(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock, holders = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, holders + 1)
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            lock, holders = self._locks[key]
            if holders <= 1:
                del self._locks[key]  # nobody waits: forget them (memory stays flat)
            else:
                self._locks[key] = (lock, holders - 1)

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to tear down: PTB waits for running updates before calling this."""

