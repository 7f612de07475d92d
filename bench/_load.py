"""The other side of the end-to-end benchmark: a fake Bot API plus virtual users, one process.

Run by `bench.e2e` as `python -m bench._load ...`, so the users' and server's CPU never
competes with the bot's interpreter (two cores: the bot on one, this on the other).

Each virtual user is a closed loop: it sends one update (a button tap on the newest keyboard
the bot showed it, a typed message, or a command), waits for the bot's reply (the first
sendMessage/editMessageText/sendDocument to its chat), then waits until its chat has been
quiet for `READ_S` (so a reply of two messages is not taken as the answer to the next update)
and acts again. Latency is push -> first reply, measured on this process's monotonic clock.

Protocol on stdout: `READY {json}` once listening; `START` and `END` around the measured
window (after warm-up); `RESULT {json}`. It exits when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from typing import Any

from tests.fakebot import FakeBotApi, updates
from tests.fakebot.server import Call

REPLY_METHODS = {"sendMessage", "editMessageText", "sendDocument"}
READ_S = 0.02
USER_BASE = 10_000_000
TYPED = ("I keep thinking about answering", "they wrote again", "ok", "not sure what to do",
         "hi")
COMMANDS = ("/urge", "/menu", "/help", "/crisis", "/start")


class LoadApi(FakeBotApi):
    """The fake Bot API, telling waiting users when the bot calls about their chat."""

    def __init__(self) -> None:
        super().__init__()
        self.waiters: dict[int, asyncio.Event] = {}
        self.last_call: dict[int, float] = {}
        self.first_reply: dict[int, float] = {}

    def _record(self, call: Call) -> None:
        super()._record(call)
        raw = call.params.get("chat_id")
        try:
            chat = int(raw)
        except (TypeError, ValueError):
            return
        now = time.perf_counter()
        self.last_call[chat] = now
        if call.method in REPLY_METHODS and chat not in self.first_reply:
            self.first_reply[chat] = now
            event = self.waiters.get(chat)
            if event is not None:
                event.set()


class Users:
    def __init__(self, api: LoadApi, kind: str, count: int, seconds: float, warmup: float,
                 timeout: float = 10.0) -> None:
        self.api, self.kind, self.count = api, kind, count
        self.seconds, self.warmup, self.timeout = seconds, warmup, timeout
        self.measuring = False
        self.latencies: list[float] = []
        self.by_kind: dict[str, int] = {}
        self.timeouts = 0

    def next_update(self, user: int, rng: random.Random, first: bool) -> tuple[str, dict]:
        if self.kind == "echo":
            return "message", updates.text(user, rng.choice(TYPED))
        if first:
            return "command", updates.command(user, "/start")
        roll = rng.random()
        if roll < 0.6:
            tap = self.pick_button(user, rng)
            if tap is not None:
                return "tap", updates.callback(user, tap[1], tap[0])
        if roll < 0.85:
            return "message", updates.text(user, rng.choice(TYPED))
        return "command", updates.command(user, rng.choice(COMMANDS))

    def pick_button(self, user: int, rng: random.Random) -> tuple[int, str] | None:
        # The server's own dict, not chat_messages(): that deep-copies the whole chat per call.
        for message in reversed(list(self.api._messages.get(user, {}).values())):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = [b["callback_data"] for row in rows for b in row
                       if b.get("callback_data") and not b["callback_data"].startswith("!")
                       and not b["callback_data"].split(":")[2:3] == ["x"]]
            if buttons:
                return message["message_id"], rng.choice(buttons)
        return None

    async def user(self, index: int, stop_at: float) -> None:
        user = USER_BASE + index
        rng = random.Random(index)
        first = True
        while time.perf_counter() < stop_at:
            what, update = self.next_update(user, rng, first)
            first = False
            event = asyncio.Event()
            self.api.waiters[user] = event
            self.api.first_reply.pop(user, None)
            sent = time.perf_counter()
            self.api.push_update(update)
            try:
                await asyncio.wait_for(event.wait(), self.timeout)
            except TimeoutError:
                self.timeouts += 1
                continue
            if self.measuring:
                self.latencies.append(self.api.first_reply[user] - sent)
                self.by_kind[what] = self.by_kind.get(what, 0) + 1
            while time.perf_counter() - self.api.last_call.get(user, 0) < READ_S:
                await asyncio.sleep(READ_S / 2)

    async def run(self) -> dict[str, Any]:
        stop_at = time.perf_counter() + self.warmup + self.seconds
        tasks = [asyncio.create_task(self.user(i, stop_at)) for i in range(self.count)]
        await asyncio.sleep(self.warmup)
        print("START", flush=True)
        self.measuring = True
        started = time.perf_counter()
        await asyncio.sleep(self.seconds)
        self.measuring = False
        elapsed = time.perf_counter() - started
        print("END", flush=True)
        await asyncio.gather(*tasks)
        lat = sorted(self.latencies)
        return {"updates": len(lat), "elapsed": elapsed, "latencies_ms": [x * 1000 for x in lat],
                "by_kind": self.by_kind, "timeouts": self.timeouts}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("ours", "echo"), required=True)
    parser.add_argument("--users", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args(argv)
    api = LoadApi()
    await api.start()
    print("READY " + json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
    await api.wait_for("getUpdates", timeout=30)
    result = await Users(api, args.kind, args.users, args.seconds, args.warmup).run()
    print("RESULT " + json.dumps(result), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await api.stop()


if __name__ == "__main__":
    asyncio.run(main())
