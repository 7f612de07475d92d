"""A fake Bot API that enforces Telegram's broadcast limit, for `bench.dispatch`.

`python -m bench._api --limit 30` serves the fake Bot API from `tests/fakebot` in its own
process, but answers 429 (retry_after 1) to a send that would be the 31st in any trailing
1.0 s window, as Telegram does to a bot going over about 30 messages per second. `--limit 0`
lifts the limit. Prints `READY {json}`; when stdin closes, prints `STATS {json}` (the time of
every accepted send, 429s, sends per chat) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import deque
from typing import Any

from tests.fakebot import FakeBotApi
from tests.fakebot.server import BotApiError, UploadedFile

SENDS = {"sendmessage", "sendphoto", "senddocument"}


class StrictApi(FakeBotApi):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.window: deque[float] = deque()
        self.accepted: list[float] = []
        self.per_chat: dict[str, int] = {}
        self.too_many = 0

    async def _run(self, key: str, params: dict[str, Any],
                   files: dict[str, UploadedFile]) -> Any:
        if key in SENDS:
            now = time.monotonic()
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if self.limit and len(self.window) >= self.limit:
                self.too_many += 1
                raise BotApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self.window.append(now)
            result = await super()._run(key, params, files)
            self.accepted.append(now)
            chat = str(params.get("chat_id"))
            self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
            return result
        return await super()._run(key, params, files)

    def stats(self) -> dict[str, Any]:
        times = self.accepted
        peak, j = 0, 0
        for i, t in enumerate(times):  # most sends in any 1 s window
            while t - times[j] >= 1.0:
                j += 1
            peak = max(peak, i - j + 1)
        return {"sends": len(times), "times": times, "too_many": self.too_many,
                "chats": len(self.per_chat),
                "duplicates": sum(n - 1 for n in self.per_chat.values() if n > 1),
                "peak_1s": peak}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=30, help="sends per second; 0: none")
    args = parser.parse_args(argv)
    api = StrictApi(args.limit)
    await api.start()
    print("READY " + json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    print("STATS " + json.dumps(api.stats()), flush=True)
    await api.stop()


if __name__ == "__main__":
    asyncio.run(main())
