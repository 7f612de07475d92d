"""One repeating job claims due rows from the store and delivers them.

The queue in the database is the source of truth, not jobs in memory, so a restart loses
nothing: rows due while the bot was down are claimed on the first scan. A row is claimed
before it is sent (at-most-once): after a crash between claim and send that one message is
skipped rather than sent twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.ext import Application, ContextTypes

from bot.engine import TimerFired
from bot.store import DueRow

if TYPE_CHECKING:
    from bot.telegram.conversation import Conversation

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, talk: Conversation, scan_seconds: float = 20.0) -> None:
        self.talk = talk
        self.scan_seconds = scan_seconds

    def start(self, app: Application) -> None:
        if app.job_queue is None:
            raise RuntimeError("python-telegram-bot[job-queue] is required")
        app.job_queue.run_repeating(self._job, interval=self.scan_seconds, first=0.5,
                                    name="due-queue",
                                    job_kwargs={"misfire_grace_time": 300, "coalesce": True,
                                                "max_instances": 1})

    async def _job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run_once()

    async def run_once(self, limit: int = 500) -> int:
        """Claim and deliver what is due now; returns how many rows were handled."""
        now = self.talk.clock()
        async with self.talk.store.transaction():
            rows = await self.talk.store.claim_due(now, limit)
        for row in rows:
            try:
                await self.deliver(row)
            except Exception as exc:  # one person's failure must not stop everyone else's
                log.error("due row %s (%s) failed: %s", row.id, row.kind, type(exc).__name__)
            async with self.talk.store.transaction():
                await self.talk.store.mark_sent(row.id, self.talk.clock())
        return len(rows)

    async def deliver(self, row: DueRow) -> None:
        user = await self.talk.store.user(row.user_id)
        if user is None or not user["active"]:
            return
        if row.kind == "timer":
            await self.talk.handle(row.user_id, TimerFired(row.ref), by_bot=True)
