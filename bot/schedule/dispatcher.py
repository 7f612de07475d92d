"""One repeating scan claims due rows from the store and delivers them.

The queue in the database is the source of truth, not jobs in memory, so a restart loses
nothing: rows due while the bot was down are claimed on the first scan. A row is claimed
before it is sent (at-most-once): after a crash between claim and send that one message is
skipped rather than sent twice.

The scan runs on the event loop's monotonic clock (`asyncio.sleep`), not a wall-clock
scheduler: when the machine's clock is stepped back an hour, APScheduler's interval job
waits that hour; this loop does not notice. Wall time only decides what is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from typing import TYPE_CHECKING

from bot.content.checkins import CheckinTexts, load_checkins
from bot.engine import TimerFired
from bot.schedule import daily
from bot.store import DueRow
from bot.telegram.pacing import bulk_sending

if TYPE_CHECKING:
    from bot.telegram.conversation import Conversation

log = logging.getLogger(__name__)


#: Seconds from start-up to the first scan: rows due while the bot was down go out promptly.
FIRST_SCAN = 0.5


class Dispatcher:
    def __init__(self, talk: Conversation, scan_seconds: float = 20.0,
                 checkins: CheckinTexts | None = None) -> None:
        self.talk = talk
        self.scan_seconds = scan_seconds
        self._task: asyncio.Task[None] | None = None
        self.checkins = daily.CheckinSender(talk, checkins or load_checkins())
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
                log.error("due-queue scan failed: %s", type(exc).__name__)
            next_at = max(next_at + self.scan_seconds, loop.time())

    async def run_once(self, limit: int = 500) -> int:
        """Claim and deliver what is due now; returns how many rows were handled.

        Everything it sends is bulk: it shares the bot-wide 30/s budget, replies do not.
        """
        with bulk_sending():
            return await self._run_once(limit)

    async def _run_once(self, limit: int) -> int:
        now = self.talk.clock()
        async with self.talk.store.transaction():
            if not self._timers_recovered:
                # Safe to send again: a timer only fires while the person's state still
                # names it, and firing clears it in the same transaction, so a second
                # delivery of a row that did fire says nothing.
                await self.talk.store.release_unsent("timer")
            rows = await self.talk.store.claim_due(now, limit)
            for row in rows:
                # Decided and the next check-in queued before anything is sent (see daily).
                if row.kind == daily.KIND and await daily.on_claimed(self.talk.store, row, now):
                    self._send_ok.add(row.id)
        self._timers_recovered = True
        for row in rows:
            if row.kind == daily.KIND and row.id not in self._send_ok:
                continue  # skipped (too late, quiet hours, stopped): claimed, never sent
            try:
                await self.deliver(row)
            except sqlite3.Error as exc:
                # A timer's write commits before its message goes out, so a database error
                # means nothing was sent: hand the row back for the next scan.
                if row.kind == "timer" and await self._release(row):
                    continue
                log.error("due row %s (%s) failed: %s", row.id, row.kind, type(exc).__name__)
            except Exception as exc:  # one person's failure must not stop everyone else's
                log.error("due row %s (%s) failed: %s", row.id, row.kind, type(exc).__name__)
            try:
                async with self.talk.store.transaction():
                    await self.talk.store.mark_sent(row.id, self.talk.clock())
            except sqlite3.Error as exc:  # claimed stays claimed: never sent twice
                log.error("due row %s: could not mark it sent (%s)", row.id, type(exc).__name__)
        return len(rows)

    async def _release(self, row: DueRow) -> bool:
        try:
            async with self.talk.store.transaction():
                await self.talk.store.release(row.id)
        except sqlite3.Error:
            return False
        log.warning("due row %s (timer): database error, nothing sent; retried next scan",
                    row.id)
        return True

    async def deliver(self, row: DueRow) -> None:
        user = await self.talk.store.user(row.user_id)
        if user is None or not user["active"]:
            return
        if row.kind == "timer":
            await self.talk.handle(row.user_id, TimerFired(row.ref), by_bot=True)
        elif row.kind == daily.KIND and row.id in self._send_ok:
            self._send_ok.discard(row.id)
            await self.checkins.deliver(row)
