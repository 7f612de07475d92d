"""A test-only bot process that drains the due-queue at a fixed clock, for crash tests.

    python -m tests.checkin_worker DB BASE_URL TOKEN NOW_ISO [--hang-after-claim]

It claims and delivers through the real Dispatcher and DueDelivery (real Store, real
telegram.Bot against the fake Bot API) until nothing is due. With --hang-after-claim it
prints "CLAIMED" once a batch is claimed and then hangs before sending, so the test can kill
it between claim and send.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from telegram import Bot

from bot.content import load_content
from bot.safety import load_crisis_directory
from bot.schedule import daily
from bot.store import Store
from bot.telegram.conversation import Conversation
from bot.telegram.due_delivery import build_dispatcher


async def main(db: str, base_url: str, token: str, now_iso: str, hang: bool) -> None:
    now = datetime.fromisoformat(now_iso)
    store = await Store.open(Path(db))
    async with Bot(token, base_url=base_url) as bot:
        talk = Conversation(content=load_content(), store=store,
                            directory=load_crisis_directory(), bot=bot, clock=lambda: now)
        dispatcher = build_dispatcher(talk)
        if hang:
            async def stuck(row: object) -> None:
                print("CLAIMED", flush=True)
                await asyncio.sleep(3600)

            dispatcher.deliver = stuck
        handled = 0
        while (n := await dispatcher.run_once(limit=7)) > 0:
            handled += n
        print(f"DONE {handled}", flush=True)
    await store.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(main(*args, hang="--hang-after-claim" in sys.argv))
    _ = daily  # imported so a broken check-in module fails loudly here
