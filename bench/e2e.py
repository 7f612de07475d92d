"""Updates end to end: the real `Application` with SQLite against the fake Bot API on loopback.

Two processes: this one runs the bot (`build_application` + `serve`, exactly as the tests and
`python -m bot` start it, long polling, a fresh SQLite file); `bench._load` runs the fake
Bot API and the virtual users (see its docstring for what a user does and what latency is).
The same harness then runs the minimal PTB echo bot (`tests/fakebot/echo.py`) as baseline.

Figures per configuration: updates/s, p50/p99 latency update -> first reply, and CPU time of
the bot's process per update (`time.process_time`, all its threads: PTB, httpx, aiosqlite).
"Cost ratio" is our CPU per update over the echo bot's, at the same load.

Configurations: 1 user (latency with no queueing) and many users (saturation), each with
PTB's default one-update-at-a-time processing and with `PerUserOrder`, a custom update
processor that runs different users' updates concurrently and one user's strictly in order.
The rate limiter is off in these runs (as in the test harness): with it on, Telegram's
30 messages/s caps throughput whatever the code does; `bench.dispatch` measures it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bench._common import dump_json, figure, parse_mode, percentile
from bot.content import load_content
from bot.safety import load_crisis_directory
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.run import serve
from tests.fakebot.echo import build_echo_app


class PerUserOrder(BaseUpdateProcessor):
    """Different people's updates run concurrently; one person's run one at a time, in order.

    PTB's fetcher creates one task per update in arrival order; each task reaches
    `do_process_update` in that order (the semaphore is FIFO and does not yield while free)
    and queues on its person's `asyncio.Lock`, which is FIFO too. So for one person, update
    n+1 starts only after update n has finished, while other people are not held up.
    `out_of_order` counts any person whose update ids started out of sequence (should be 0).
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._last_started: dict[int, int] = {}
        self.out_of_order = 0

    @staticmethod
    def _key(update: object) -> int | None:
        if isinstance(update, Update):
            if update.effective_user is not None:
                return update.effective_user.id
            if update.effective_chat is not None:
                return update.effective_chat.id
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                update_id = update.update_id if isinstance(update, Update) else 0
                if update_id < self._last_started.get(key, -1):
                    self.out_of_order += 1
                self._last_started[key] = update_id
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
                self._last_started.pop(key, None)
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class _Address:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url, token


async def run_config(kind: str, users: int, seconds: float, warmup: float, concurrent: bool,
                     workdir: Path, rate_limit: bool = False) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._load", "--kind", kind, "--users", str(users),
        "--seconds", str(seconds), "--warmup", str(warmup),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None and child.stdin is not None
    line = (await child.stdout.readline()).decode()
    if not line.startswith("READY "):
        raise RuntimeError(f"load process did not start: {line!r}")
    address = json.loads(line[6:])
    store = None
    processor = PerUserOrder() if concurrent else None
    if kind == "ours":
        store = await Store.open(workdir / f"e2e-{users}-{int(concurrent)}-{time.time_ns()}.db")
        app = build_application(token=address["token"], base_url=address["base_url"],
                                content=load_content(), store=store,
                                directory=load_crisis_directory(), rate_limit=rate_limit,
                                scan_seconds=3600)
    else:
        app = build_echo_app(_Address(address["base_url"], address["token"]))
    if processor is not None:
        # build_application has no knob for this yet; swapping before initialize is what
        # ApplicationBuilder.concurrent_updates(processor) would have done.
        app._update_processor = processor  # type: ignore[attr-defined]
    stop = asyncio.Event()
    task = asyncio.create_task(_serve(app, stop, kind))
    cpu: dict[str, float] = {}
    result: dict[str, Any] = {}
    try:
        while True:
            raw = await asyncio.wait_for(child.stdout.readline(), warmup + seconds + 60)
            if not raw:
                raise RuntimeError("load process ended early")
            text = raw.decode()
            if text.startswith("START"):
                cpu["start"] = time.process_time()
            elif text.startswith("END"):
                cpu["end"] = time.process_time()
            elif text.startswith("RESULT "):
                result = json.loads(text[7:])
                break
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        if store is not None:
            await store.close()
        child.stdin.close()
        await child.wait()
    lat = result["latencies_ms"]
    n = max(result["updates"], 1)
    return {
        "kind": kind, "users": users, "concurrent": concurrent, "rate_limit": rate_limit,
        "updates": result["updates"], "timeouts": result["timeouts"],
        "per_s": result["updates"] / result["elapsed"],
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
        "max_ms": max(lat) if lat else 0.0,
        "cpu_ms_per_update": (cpu["end"] - cpu["start"]) * 1000 / n,
        "by_kind": result["by_kind"],
        "out_of_order": processor.out_of_order if processor else 0,
    }


async def _serve(app: Application, stop: asyncio.Event, kind: str) -> None:
    if kind == "ours":
        await serve(app, stop, poll_timeout=1)
        return
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


def show(r: dict[str, Any]) -> list[dict[str, Any]]:
    name = f"e2e.{r['kind']}.{'conc' if r['concurrent'] else 'seq'}" \
           f"{'.ratelimited' if r['rate_limit'] else ''}.u{r['users']}"
    mix = ", ".join(f"{k} {v}" for k, v in sorted(r["by_kind"].items()))
    out = [figure(f"{name}.updates_per_s", r["per_s"], "updates/s",
                  f"{r['updates']} updates: {mix}; {r['timeouts']} timeouts"),
           figure(f"{name}.p50_ms", r["p50_ms"], "ms"),
           figure(f"{name}.p99_ms", r["p99_ms"], "ms", f"max {r['max_ms']:.1f} ms"),
           figure(f"{name}.cpu_ms_per_update", r["cpu_ms_per_update"], "ms CPU")]
    if r["concurrent"]:
        out.append(figure(f"{name}.out_of_order", r["out_of_order"], "updates"))
    return out


async def amain(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    seconds, warmup = (10.0, 2.0) if args.full else (2.5, 1.0)
    many = 50 if args.full else 20
    plan = [(1, False), (many, False), (many, True)]
    figures: list[dict[str, Any]] = []
    results: dict[tuple[str, int, bool], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        for users, concurrent in plan:
            for kind in ("echo", "ours"):
                r = await run_config(kind, users, seconds, warmup, concurrent, Path(tmp))
                results[(kind, users, concurrent)] = r
                figures += show(r)
        if args.full:
            r = await run_config("ours", 1, seconds, warmup, False, Path(tmp), rate_limit=True)
            figures += show(r)
    for users, concurrent in plan:
        ours, echo = results[("ours", users, concurrent)], results[("echo", users, concurrent)]
        tag = f"{'conc' if concurrent else 'seq'}.u{users}"
        figures.append(figure(f"e2e.ratio.{tag}.cpu_per_update",
                              ours["cpu_ms_per_update"] / echo["cpu_ms_per_update"], "x echo",
                              "target <= 2"))
        figures.append(figure(f"e2e.ratio.{tag}.wall_per_update",
                              echo["per_s"] / ours["per_s"], "x echo"))
    if args.json:
        dump_json(figures)
    return figures


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    return asyncio.run(amain(argv))


if __name__ == "__main__":
    main()
