"""The poller never spins: a batch it cannot confirm (no usable update_id) is waited on.

Telegram always sends ids, but a proxy or a future API change might not; fetching again at
once would hammer the API and the log. A stand-in Bot answers every long poll with such a
batch; the poller must back off instead of asking again hundreds of times a second.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram.intake import Intake
from bot.telegram.polling import Poller


class JunkBot:
    def __init__(self) -> None:
        self.polls = 0

    async def delete_webhook(self) -> bool:
        return True

    async def _post(self, endpoint: str, data: dict[str, Any], **_: Any) -> Any:
        self.polls += 1
        await asyncio.sleep(0)
        return [{"message": {"text": "no id"}}, "not even a dict"] if data["timeout"] else []


class App:
    def __init__(self) -> None:
        self.bot = JunkBot()
        self.update_queue: asyncio.Queue[Any] = asyncio.Queue()


async def test_a_batch_without_update_ids_is_not_fetched_again_at_once() -> None:
    app = App()
    poller = Poller(app, Intake(app), timeout=10)  # type: ignore[arg-type]
    await poller.start()
    await asyncio.sleep(1.5)
    await poller.stop()
    assert 2 <= app.bot.polls <= 4  # the start-up poll, one junk batch, at most one retry
    assert app.update_queue.empty()
