"""The one door for raw updates, from long polling and from the webhook alike.

Each update is parsed on its own, so one the library cannot read (an older or newer Bot API
shape) is skipped and logged by `update_id` only instead of failing the whole batch, which
would stop the offset moving and silence the bot for everyone. The same `update_id` is
handled once: Telegram re-sends a webhook delivery it thinks failed. The memory of recent ids
is a bounded set in this process; that is enough for one process (Telegram's ids only grow),
and several workers would need the database to share it. Business-account updates never go
further: nobody here asked the bot to act on their business chats.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

BUSINESS_KINDS = ("business_connection", "business_message", "edited_business_message",
                  "deleted_business_messages")
#: Recent update ids remembered for de-duplication (a few minutes of a busy bot).
MEMORY = 4096


class Intake:
    """Parse one raw update, drop repeats and business updates, queue the rest."""

    def __init__(self, app: Application, memory: int = MEMORY) -> None:
        self.app = app
        self.memory = memory
        self._seen: OrderedDict[int, None] = OrderedDict()

    def update_id(self, raw: Any) -> int | None:
        """The id of a raw update, or None when there is no usable one."""
        if not isinstance(raw, dict):
            return None
        value = raw.get("update_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def parse(self, raw: Any) -> Update | None:
        """The Update to handle, or None (skipped; only the id and a reason are logged)."""
        update_id = self.update_id(raw)
        if update_id is None:
            log.warning("skipped an update without a usable update_id")
            return None
        if update_id in self._seen:
            log.info("update %d arrived again: handled once already", update_id)
            return None
        self._remember(update_id)
        if any(kind in raw for kind in BUSINESS_KINDS):
            log.info("update %d is a business-account update: ignored", update_id)
            return None
        try:
            update = Update.de_json(raw, self.app.bot)
            self.app.bot.insert_callback_data(update)
        except Exception as exc:  # any shape the library rejects; never the data itself
            log.warning("update %d could not be read (%s): skipped", update_id,
                        type(exc).__name__)
            return None
        return update

    async def feed(self, raw: Any) -> bool:
        """Queue a raw update for the application; False when it was skipped."""
        update = self.parse(raw)
        if update is None:
            return False
        await self.app.update_queue.put(update)
        return True

    def _remember(self, update_id: int) -> None:
        self._seen[update_id] = None
        while len(self._seen) > self.memory:
            self._seen.popitem(last=False)
