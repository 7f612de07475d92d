"""What the due-queue claimed, delivered through Telegram: flow timers and check-ins.

`bot.schedule.dispatcher` claims rows and decides which check-ins still go out; it never
names Telegram. `build_dispatcher` hands it a `DueDelivery`, which sends a timer through
`Conversation.handle` (the engine decides what it says) and a check-in through
`CheckinSender`; all of it inside `bulk_sending()`, so it shares the bot-wide 30/s budget.
"""

from __future__ import annotations

from bot.content.checkins import CheckinTexts, load_checkins
from bot.engine import TimerFired
from bot.schedule import daily
from bot.schedule.dispatcher import Dispatcher
from bot.store import DueRow
from bot.telegram.checkin_sender import CheckinSender
from bot.telegram.conversation import Conversation
from bot.telegram.pacing import bulk_sending


class DueDelivery:
    """Sends one claimed row to its person, unless they blocked the bot since."""

    def __init__(self, talk: Conversation, texts: CheckinTexts) -> None:
        self.talk = talk
        self.checkins = CheckinSender(talk, texts)

    async def __call__(self, row: DueRow) -> None:
        user = await self.talk.store.user(row.user_id)
        if user is None or not user["active"]:
            return
        if row.kind == "timer":
            await self.talk.handle(row.user_id, TimerFired(row.ref), by_bot=True)
        elif row.kind == daily.KIND:
            await self.checkins.deliver(row)


def build_dispatcher(talk: Conversation, scan_seconds: float = 20.0,
                     checkins: CheckinTexts | None = None) -> Dispatcher:
    """The due-queue scanner wired to Telegram: the one place the two meet."""
    delivery = DueDelivery(talk, checkins or load_checkins())
    return Dispatcher(talk.store, talk.clock, delivery, scan_seconds=scan_seconds,
                      sending=bulk_sending)
