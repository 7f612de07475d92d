"""One repeating scan claims due rows from the store and delivers them.

The queue in the database is the source of truth, not jobs in memory, so a restart loses
nothing: rows due while the bot was down are claimed on the first scan. A row is claimed
before it is sent (at-most-once): after a crash between claim and send that one message is
skipped rather than sent twice.

The scan runs on the event loop's monotonic clock (`asyncio.sleep`), not a wall-clock
scheduler: when the machine's clock is stepped back an hour, APScheduler's interval job
waits that hour; this loop does not notice. Wall time only decides what is due.

Sending is not this module's job: it is handed a `Deliver` (in the bot, the Telegram-side
`bot.telegram.due_delivery.DueDelivery`), so the queue never names Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from bot.schedule import daily
from bot.store import DueRow, Store, StoreError

log = logging.getLogger(__name__)


#: Seconds from start-up to the first scan: rows due while the bot was down go out promptly.
FIRST_SCAN = 0.5


class Deliver(Protocol):
    """Sends one claimed row (a flow timer, or a check-in that passed the rules)."""

    async def __call__(self, row: DueRow) -> None: ...


class Dispatcher:
    def __init__(self, store: Store, clock: Callable[[], datetime], deliver: Deliver,
                 scan_seconds: float = 20.0,
                 sending: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
                 ) -> None:
        self.store = store
        self.clock = clock
        self.deliver = deliver
        #: Wraps each scan's sends (the bot: `bulk_sending`, the bot-wide 30/s budget).
        self.sending = sending
        self.scan_seconds = scan_seconds
        self._task: asyncio.Task[None] | None = None
        #: Claimed check-in rows that passed the lateness and quiet-hours rules.
        self._send_ok: set[int] = set()
        #: The first scan takes back timer rows a crashed process claimed but never sent.
        self._timers_recovered = False

    def start(self) -> None:
        """Begin scanning (with the Application's start); `stop` ends it."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="due-queue")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        """Scan every `scan_seconds` of monotonic time; a late scan is not made up twice."""
        loop = asyncio.get_running_loop()
        next_at = loop.time() + FIRST_SCAN
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            try:
                await self.run_once()
            except Exception as exc:  # the next scan tries again; the loop must not die
                log.error("due-queue scan failed: %s", _reason(exc))
            next_at = max(next_at + self.scan_seconds, loop.time())

    async def run_once(self, limit: int = 500) -> int:
        """Claim and deliver what is due now; returns how many rows were handled.

        Everything it sends is bulk: it shares the bot-wide 30/s budget, replies do not.
        """
        with self.sending():
            return await self._run_once(limit)

    async def _run_once(self, limit: int) -> int:
        now = self.clock()
        async with self.store.transaction():
            if not self._timers_recovered:
                # Safe to send again: a timer only fires while the person's state still
                # names it, and firing clears it in the same transaction, so a second
                # delivery of a row that did fire says nothing.
                await self.store.release_unsent("timer")
            rows = await self.store.claim_due(now, limit)
            for row in rows:
                # Decided and the next check-in queued before anything is sent (see daily).
                if row.kind == daily.KIND and await daily.on_claimed(self.store, row, now):
                    self._send_ok.add(row.id)
        self._timers_recovered = True
        for row in rows:
            if row.kind == daily.KIND and row.id not in self._send_ok:
                continue  # skipped (too late, quiet hours, stopped): claimed, never sent
            self._send_ok.discard(row.id)
            try:
                await self.deliver(row)
            except StoreError as exc:
                # A timer's write commits before its message goes out, so a database error
                # means nothing was sent: hand the row back for the next scan.
                if row.kind == "timer" and await self._release(row):
                    continue
                log.error("due row %s (%s) failed: %s", row.id, row.kind, exc.code)
            except Exception as exc:  # one person's failure must not stop everyone else's
                log.error("due row %s (%s) failed: %s", row.id, row.kind, type(exc).__name__)
            try:
                async with self.store.transaction():
                    await self.store.mark_sent(row.id, self.clock())
            except StoreError as exc:  # claimed stays claimed: never sent twice
                log.error("due row %s: could not mark it sent (%s)", row.id, exc.code)
        return len(rows)

    async def _release(self, row: DueRow) -> bool:
        try:
            async with self.store.transaction():
                await self.store.release(row.id)
        except StoreError:
            return False
        log.warning("due row %s (timer): database error, nothing sent; retried next scan",
                    row.id)
        return True


def _reason(exc: BaseException) -> str:
    """The database's code name, or the error's class: never any values."""
    return exc.code if isinstance(exc, StoreError) else type(exc).__name__
