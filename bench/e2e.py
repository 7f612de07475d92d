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
from collections.abc import Awaitable, Callable
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


class Sequential(BaseUpdateProcessor):
    """PTB's default (one update at a time), plus telling the load process each finished id.

    `notify` is set by `run_config`; it writes one line to a pipe (microseconds), the same
    for the echo bot and ours, so the harness does not tilt the comparison.
    """

    notify: Callable[[object], None] = staticmethod(lambda update: None)

    def __init__(self, max_concurrent_updates: int = 1) -> None:
        super().__init__(max_concurrent_updates)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            self.notify(update)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class PerUserOrder(Sequential):
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
            await super().do_process_update(update, coroutine)
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
                await super().do_process_update(update, coroutine)
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
                self._last_started.pop(key, None)
            else:
                self._locks[key] = (lock, users - 1)

class _Address:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url, token


async def run_config(kind: str, users: int, seconds: float, warmup: float, concurrent: bool,
                     workdir: Path, rate_limit: bool = False, think: float = 0.0,
                     processor: BaseUpdateProcessor | None = None, load_args: tuple[str, ...] = (),
                     tweak: Callable[[Application], None] | None = None) -> dict[str, Any]:
    """One configuration. `processor` replaces seq/conc (bench.replies passes the shipped
    one); `load_args` go to bench._load (e.g. --burst); `tweak` edits the app before start."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._load", "--kind", kind, "--users", str(users),
        "--seconds", str(seconds), "--warmup", str(warmup), "--think", str(think), *load_args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26)
    assert child.stdout is not None and child.stdin is not None
    line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
    if not line.startswith("READY "):
        raise RuntimeError(f"load process did not start: {line!r}")
    address = json.loads(line[6:])
    store = None
    if processor is None:
        processor = PerUserOrder() if concurrent else Sequential()

    def notify(update: object) -> None:
        if isinstance(update, Update) and not child.stdin.is_closing():
            child.stdin.write(b"%d\n" % update.update_id)

    processor.notify = notify  # type: ignore[attr-defined]
    if kind == "ours":
        store = await Store.open(workdir / f"e2e-{users}-{int(concurrent)}-{time.time_ns()}.db")
        app = build_application(token=address["token"], base_url=address["base_url"],
                                content=load_content(), store=store,
                                directory=load_crisis_directory(), rate_limit=rate_limit,
                                scan_seconds=3600)
    else:
        app = build_echo_app(_Address(address["base_url"], address["token"]))
    # build_application has no knob for this yet; swapping before initialize is what
    # ApplicationBuilder.concurrent_updates(processor) would have done.
    app._update_processor = processor  # type: ignore[attr-defined]
    if tweak is not None:
        tweak(app)
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
        "think": think, "api_calls_per_update": result["api_calls"] / n,
        "updates": result["updates"], "timeouts": result["timeouts"],
        "error_replies": result["error_replies"], "methods": result["methods"],
        "load_cpu_share": result["load_cpu_share"],
        "bot_cpu_share": (cpu["end"] - cpu["start"]) / result["elapsed"],
        "per_s": result["updates"] / result["elapsed"],
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
        "max_ms": max(lat) if lat else 0.0,
        "cpu_ms_per_update": (cpu["end"] - cpu["start"]) * 1000 / n,
        "by_kind": result["by_kind"],
        "out_of_order": getattr(processor, "out_of_order", 0),
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


def tag(users: int, concurrent: bool, think: float) -> str:
    return f"{'conc' if concurrent else 'seq'}.u{users}" + (f".think{think:g}s" if think else "")


def show(r: dict[str, Any]) -> list[dict[str, Any]]:
    name = f"e2e.{r['kind']}.{tag(r['users'], r['concurrent'], r['think'])}" \
           f"{'.ratelimited' if r['rate_limit'] else ''}"
    mix = ", ".join(f"{k} {v}" for k, v in sorted(r["by_kind"].items()))
    out = [figure(f"{name}.updates_per_s", r["per_s"], "updates/s",
                  f"{r['updates']} updates: {mix}; {r['timeouts']} timeouts, "
                  f"{r['error_replies']} error replies"),
           figure(f"{name}.p50_ms", r["p50_ms"], "ms"),
           figure(f"{name}.p99_ms", r["p99_ms"], "ms", f"max {r['max_ms']:.1f} ms"),
           figure(f"{name}.cpu_ms_per_update", r["cpu_ms_per_update"], "ms CPU",
                  f"{r['api_calls_per_update']:.2f} Bot API calls per update; busy: bot "
                  f"{r['bot_cpu_share']:.0%} of a core, fake API + users "
                  f"{r['load_cpu_share']:.0%}")]
    if r["concurrent"]:
        out.append(figure(f"{name}.out_of_order", r["out_of_order"], "updates"))
    return out


async def amain(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    seconds, warmup = (10.0, 2.0) if args.full else (1.2, 0.4)
    # (users, concurrent, think): no queueing; saturation; saturation with concurrency; in
    # full mode also a steady load well under capacity (each user acts about once a second).
    plan = [(1, False, 0.0), (20, False, 0.0), (20, True, 0.0)]
    if args.full:
        plan += [(50, False, 0.0), (50, True, 0.0), (100, False, 1.0), (100, True, 1.0)]
    figures: list[dict[str, Any]] = []
    results: dict[tuple[int, bool, float], dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        for users, concurrent, think in plan:
            for kind in ("echo", "ours"):
                r = await run_config(kind, users, seconds, warmup, concurrent, Path(tmp),
                                     think=think)
                results.setdefault((users, concurrent, think), {})[kind] = r
                figures += show(r)
        if args.full:
            r = await run_config("ours", 1, seconds, warmup, False, Path(tmp), rate_limit=True)
            figures += show(r)
    for (users, concurrent, think), pair in results.items():
        ours, echo = pair["ours"], pair["echo"]
        name = f"e2e.ratio.{tag(users, concurrent, think)}"
        figures.append(figure(f"{name}.cpu_per_update",
                              ours["cpu_ms_per_update"] / echo["cpu_ms_per_update"], "x echo",
                              "target <= 2"))
        figures.append(figure(f"{name}.wall_per_update", echo["per_s"] / ours["per_s"],
                              "x echo", "echo's updates/s over ours"))
    if args.json:
        dump_json(figures)
    return figures


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    return asyncio.run(amain(argv))


if __name__ == "__main__":
    main()
