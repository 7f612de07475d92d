"""No update can stop the bot: one the library cannot parse is skipped, and nobody waits.

The real `python -m bot` runs against the fake Bot API with every log at DEBUG. Someone's
poll arrives in the shape an older Bot API server sends (no `persistent_id`, which
python-telegram-bot 22 refuses), followed in the same batch by another person writing that
they want to kill themselves, and by a second unreadable update as the last of the batch.
That person gets the crisis card at once, polling goes on (no spinning on the same batch),
the offset moves past both unreadable updates, and the log holds no name, username or text.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.fakebot import FakeBotApi, updates
from tests.runtime_proc import BotProcess

ALICE, BEA = 5101, 5102
MARKERS = ("MARKERNAMEQ77", "markeruserq77", "MARKERPOLLQ77", "MARKEROPTQ77", "MARKERTEXTQ77")


def old_shape_poll(user_id: int) -> dict:
    """A poll message as a Bot API server before 9.6 sends it: options lack persistent_id."""
    update = updates.text(user_id, "x")
    message = update["message"]
    del message["text"]
    message["from"].update(first_name="MARKERNAMEQ77", username="markeruserq77")
    message["chat"].update(first_name="MARKERNAMEQ77", username="markeruserq77")
    message["poll"] = {
        "id": "9001", "question": "MARKERPOLLQ77 should I answer?",
        "options": [{"text": "MARKEROPTQ77 yes", "voter_count": 0},
                    {"text": "no", "voter_count": 0}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False,
    }
    return update


async def wait_until(condition, within: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def test_an_unreadable_update_delays_nobody_and_leaves_no_text_in_the_log(
        api: FakeBotApi, tmp_path: Path) -> None:
    bot = BotProcess(tmp_path, BOT_TOKEN=api.token, BOT_API_BASE_URL=api.base_url).start()
    try:
        await api.wait_for("getUpdates", timeout=30)  # the start-up short poll
        await asyncio.sleep(0.3)                      # the long poll is parked
        started = time.time()
        first = api.push_update(old_shape_poll(ALICE))
        api.push_update(updates.text(BEA, "I want to kill myself MARKERTEXTQ77"))
        last = api.push_update(old_shape_poll(ALICE))  # unreadable and last of the batch

        card = await api.wait_for(
            "sendMessage", lambda c: c.params.get("chat_id") == BEA and c.result is not None,
            timeout=10)
        delay = card.at - started
        assert "findahelpline.com" in card.params["text"]
        assert delay < 5, f"the crisis card took {delay:.1f} s"

        # The offset moved past both unreadable updates, the last one included...
        assert await wait_until(lambda: not api.pending_updates, within=5), \
            api.pending_updates
        # ...and polling is not spinning on them: the long poll is parked again.
        polls = len(api.calls_of("getUpdates"))
        await asyncio.sleep(2)
        assert len(api.calls_of("getUpdates")) - polls <= 2

        # Alice's next readable message is answered as usual.
        since = len(api.calls)
        api.push_update(updates.command(ALICE, "/crisis"))
        reply = await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == ALICE,
                                   since=since, timeout=10)
        assert "findahelpline.com" in reply.params["text"]
    finally:
        code = await asyncio.to_thread(bot.stop)
    log = bot.log()
    assert code == 0, log[-2000:]
    for marker in MARKERS:
        assert marker.lower() not in log.lower(), f"{marker} reached the log"
    assert "I want to kill myself" not in log
    assert "Traceback" not in log
    for skipped in (first, last):
        assert f"update {skipped['update_id']} could not be read" in log
    print(f"\ncrisis card {delay:.2f} s after an unreadable update in the same batch")
