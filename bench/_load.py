"""The other side of the end-to-end benchmark: a fake Bot API plus virtual users, one process.

Run by `bench.e2e` as `python -m bench._load ...`, so the users' and server's CPU never
competes with the bot's interpreter (two cores: the bot on one, this on the other).

Each virtual user is a closed loop: it sends one update (a button tap on the newest keyboard
the bot showed it, a typed message, or a command), waits until the bot has replied (the first
sendMessage/editMessageText/sendDocument to its chat) and has finished handling that update
(the bot's process writes each finished update_id to this process's stdin), then, after an
optional think time, acts again. So a user never has two updates in flight, and a reply is
never credited to the wrong update. Latency is push -> first reply, on this process's clock.

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
        self.done: dict[int, asyncio.Event] = {}
        self.counting = False
        self.api_calls = 0
        self.error_replies = 0
        self.methods: dict[str, int] = {}

    def _record(self, call: Call) -> None:
        super()._record(call)
        if self.counting and call.method != "getUpdates":
            self.api_calls += 1
            self.methods[call.method] = self.methods.get(call.method, 0) + 1
            if "went wrong" in str(call.params.get("text", "")):
                self.error_replies += 1  # the bot's on_error apology: a handler raised
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
                 think: float = 0.0, timeout: float = 10.0) -> None:
        self.think = think
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
                       and b["callback_data"].split(":")[2:3] != ["x"]]
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
            replied, done = asyncio.Event(), asyncio.Event()
            self.api.waiters[user] = replied
            self.api.first_reply.pop(user, None)
            sent = time.perf_counter()
            update_id = self.api.push_update(update)["update_id"]
            self.api.done[update_id] = done
            try:
                await asyncio.wait_for(asyncio.gather(replied.wait(), done.wait()),
                                       self.timeout)
            except TimeoutError:
                self.timeouts += 1
                continue
            finally:
                self.api.done.pop(update_id, None)
            if self.measuring:
                self.latencies.append(self.api.first_reply[user] - sent)
                self.by_kind[what] = self.by_kind.get(what, 0) + 1
            if self.think:
                await asyncio.sleep(rng.expovariate(1 / self.think))

    async def burst(self, rounds: int, gap: float) -> dict[str, Any]:
        """Everyone acts at the same moment, `rounds` times, `gap` s apart (a person's pace).

        The first round (/start, so everyone has a keyboard) is warm-up; then each round
        every user taps a button on the newest keyboard they were shown (typed text if they
        have none). A round lasts from its first push to its last update finished; updates/s
        is all updates over the summed round times (the gaps are not counted).
        """
        rng = [random.Random(i) for i in range(self.count)]
        users = [USER_BASE + i for i in range(self.count)]
        busy, latencies, taps = 0.0, [], 0
        cpu = 0.0
        for round_no in range(rounds + 1):
            pushes = []
            for i, user in enumerate(users):
                if round_no == 0:
                    update = updates.command(user, "/start")
                else:
                    tap = self.pick_button(user, rng[i])
                    update = updates.callback(user, tap[1], tap[0]) if tap else \
                        updates.text(user, rng[i].choice(TYPED))
                    taps += tap is not None
                replied, done = asyncio.Event(), asyncio.Event()
                self.api.waiters[user] = replied
                self.api.first_reply.pop(user, None)
                pushes.append((user, replied, done, update))
            if round_no == 1:
                print("START", flush=True)
                self.api.counting = True
            started, cpu_start = time.perf_counter(), time.process_time()
            for _user, _replied, done, update in pushes:
                self.api.done[self.api.push_update(update)["update_id"]] = done
            try:
                await asyncio.wait_for(asyncio.gather(
                    *(asyncio.gather(r.wait(), d.wait()) for _, r, d, _u in pushes)),
                    self.timeout)
            except TimeoutError:
                self.timeouts += sum(not d.is_set() for _, _r, d, _u in pushes)
            if round_no:
                busy += time.perf_counter() - started
                cpu += time.process_time() - cpu_start
                latencies += [self.api.first_reply[u] - started for u, *_ in pushes
                              if u in self.api.first_reply]
            await asyncio.sleep(gap)
        self.api.counting = False
        print("END", flush=True)
        lat = sorted(latencies)
        return {"updates": len(lat), "elapsed": busy, "latencies_ms": [x * 1000 for x in lat],
                "by_kind": {"tap": taps, "message": len(lat) - taps}, "timeouts": self.timeouts,
                "api_calls": self.api.api_calls, "error_replies": self.api.error_replies,
                "methods": self.api.methods, "load_cpu_share": cpu / max(busy, 1e-9)}

    async def run(self) -> dict[str, Any]:
        stop_at = time.perf_counter() + self.warmup + self.seconds
        tasks = [asyncio.create_task(self.user(i, stop_at)) for i in range(self.count)]
        await asyncio.sleep(self.warmup)
        print("START", flush=True)
        self.measuring = self.api.counting = True
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.sleep(self.seconds)
        cpu = time.process_time() - cpu
        self.measuring = self.api.counting = False
        elapsed = time.perf_counter() - started
        print("END", flush=True)
        await asyncio.gather(*tasks)
        lat = sorted(self.latencies)
        return {"updates": len(lat), "elapsed": elapsed, "latencies_ms": [x * 1000 for x in lat],
                "by_kind": self.by_kind, "timeouts": self.timeouts,
                "api_calls": self.api.api_calls, "error_replies": self.api.error_replies,
                "methods": self.api.methods, "load_cpu_share": cpu / elapsed}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("ours", "echo"), required=True)
    parser.add_argument("--users", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause (s, exponential) after each reply; 0: none")
    parser.add_argument("--burst", type=int, default=0,
                        help="rounds in which every user acts at once (0: closed loop)")
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between bursts")
    args = parser.parse_args(argv)
    api = LoadApi()
    await api.start()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    closed = asyncio.Event()
    listener = asyncio.create_task(_finished_updates(reader, api, closed))
    print("READY " + json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
    await api.wait_for("getUpdates", timeout=30)
    users = Users(api, args.kind, args.users, args.seconds, args.warmup, args.think)
    result = await (users.burst(args.burst, args.gap) if args.burst else users.run())
    print("RESULT " + json.dumps(result), flush=True)
    await closed.wait()
    listener.cancel()
    await api.stop()


async def _finished_updates(reader: asyncio.StreamReader, api: LoadApi,
                            closed: asyncio.Event) -> None:
    """Each line from the bot's process is the update_id of an update it finished handling."""
    while line := await reader.readline():
        event = api.done.get(int(line))
        if event is not None:
            event.set()
    closed.set()


if __name__ == "__main__":
    asyncio.run(main())
