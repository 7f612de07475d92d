"""Walk one person through an urge, waiting for each screen before tapping its button.

Each step waits for the text of the screen it expects before tapping, so a tap can never hit
the same label on an older screen, and the walk says which screen did not come.
"""

from __future__ import annotations

import asyncio
import time

from tests.harness import RunningBot


async def wait_text(bot: RunningBot, user_id: int, part: str, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not any(part in t for t in bot.texts(user_id)[-3:]):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {part!r} for {user_id}; last: {bot.texts(user_id)[-3:]}")
        await asyncio.sleep(0.02)


async def ride_out_an_urge(bot: RunningBot, user_id: int, before: int, after: int) -> None:
    """/urge, safe, pull `before`, a casual "hey", breathing, pull `after`, did not reply."""
    steps = [("What did they send?", "👋 Just a casual \"hey\""),
             ("A casual \"hey\" costs them nothing", "Next"),
             ("Now pick one thing to do", "🫁 Breathe with me"),
             ("Do that five times", "Done"),
             ("name three things you can see", "Done"),
             ("And the pull now", str(after)),
             ("Where are you now?", "I did not reply")]
    await bot.command(user_id, "/urge")
    await wait_text(bot, user_id, "You opened me instead of replying")
    await bot.tap(user_id, "I'm safe")
    await wait_text(bot, user_id, "How strong is the pull")
    await bot.tap(user_id, str(before))
    for text, label in steps:
        await wait_text(bot, user_id, text)
        await bot.tap(user_id, label)
    await wait_text(bot, user_id, "You didn't reply")
