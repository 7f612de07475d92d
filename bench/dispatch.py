"""Check-in dispatch: claiming due rows, and sending them at (and without) Telegram's rate.

The database is built like a bot some weeks in: N users, each with daily check-ins
(tz UTC, no-contact day 10, quiet hours 22:00-07:00), three past check-ins claimed and
sent, and one pending row; M of them are due at 20:00 today, the rest at other hours of the
next 24 h. The clock is fixed at 20:00:30.

What is timed:
- `claim_due`: `Store.claim_due(now, limit)` in `store.transaction()`, the SQL alone
  (median of repeats; the claim is undone between repeats). "all due" claims M rows in
  batches of 500, as the dispatcher does.
- `dispatcher claim`: the dispatcher's whole claiming transaction, which also decides each
  row and queues the person's next check-in (`daily.on_claimed`), timed from outside.
- `send`: the real `Dispatcher.run_once` (from `build_application`, rate limiter on as in
  production, or lifted) looped until nothing is due, against `bench._api`: a fake Bot API in
  another process that answers 429 to the 31st send in any 1 s window, as Telegram does.
  Sends/s is accepted sends over the time from the first to the last; duplicates are people
  who got more than one check-in. "2 racing" runs two dispatchers (own connection each)
  on one database at once: the claim must keep every row to one of them.
  "limited" is the limiter exactly as `build_application` makes it (what ships).
  "limited.ptb_default" swaps in PTB's default `AIORateLimiter(max_retries=3)` (a bucket of
  30, what shipped before commit 7b1a622) for comparison.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter

from bench._common import dump_json, figure, parse_mode
from bot.content import load_content
from bot.safety import load_crisis_directory
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.pacing import PacedLimiter

RATE = 30
NOW = datetime(2026, 11, 21, 20, 0, 30, tzinfo=UTC)
TODAY = NOW.date()
HISTORY = 3


async def build_db(path: Path, users: int, due: int, seed: int = 7) -> None:
    """Create the schema with the bot's own migrations, then bulk-load rows.

    With BENCH_DB_CACHE set (`python -m bench` sets it), a database already built with the
    same shape in this run is copied instead of built again.
    """
    cache = os.environ.get("BENCH_DB_CACHE")
    cached = Path(cache) / f"u{users}-d{due}-h{HISTORY}-s{seed}.db" if cache else None
    if cached is not None and cached.exists():
        shutil.copy(cached, path)
        return
    await _build(path, users, due, seed)
    if cached is not None:
        shutil.copy(path, cached)


async def _build(path: Path, users: int, due: int, seed: int) -> None:
    store = await Store.open(path)
    await store.close()
    rng = random.Random(seed)
    due_ids = set(rng.sample(range(1, users + 1), due))
    nc_start = (TODAY - timedelta(days=9)).isoformat()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    with db:
        db.executemany(
            "INSERT INTO users (user_id, created_on, tz, nc_start, checkin_time, checkins) "
            "VALUES (?, ?, 'UTC', ?, ?, 'daily')",
            ((uid, nc_start, nc_start, "20:00" if uid in due_ids else f"{rng.randint(7, 21):02d}:"
              f"{rng.choice(('15', '30', '45'))}") for uid in range(1, users + 1)))
        rows = []
        for uid, hhmm in db.execute("SELECT user_id, checkin_time FROM users"):
            h, m = int(hhmm[:2]), int(hhmm[3:])
            for back in range(HISTORY, 0, -1):
                day = TODAY - timedelta(days=back)
                at = datetime(day.year, day.month, day.day, h, m, tzinfo=UTC).isoformat()
                rows.append((uid, day.isoformat(), at, at, at))
            day = TODAY if uid in due_ids or (h, m) > (20, 0) else TODAY + timedelta(days=1)
            at = datetime(day.year, day.month, day.day, h, m, tzinfo=UTC).isoformat()
            rows.append((uid, day.isoformat(), at, None, None))
        db.executemany("INSERT INTO due (user_id, kind, ref, due_at, claimed_at, sent_at) "
                       "VALUES (?, 'checkin', ?, ?, ?, ?)", rows)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


async def time_claims(path: Path, due: int, repeats: int) -> dict[str, float]:
    store = await Store.open(path)
    stamp = NOW.isoformat()

    async def undo() -> None:
        async with store.transaction():
            await store.db.execute("UPDATE due SET claimed_at = NULL WHERE claimed_at = ?",
                                   (stamp,))

    async def claim(limit: int, batches: bool) -> tuple[float, int]:
        got, start = 0, time.perf_counter()
        while True:
            async with store.transaction():
                rows = await store.claim_due(NOW, limit)
            got += len(rows)
            if not batches or not rows:
                break
        return time.perf_counter() - start, got

    out: dict[str, float] = {}
    for name, limit, batches in (("claim_1000", 1000, False), ("claim_all_500s", 500, True),
                                 ("claim_none_due", 500, False)):
        times = []
        for _ in range(repeats):
            if name == "claim_none_due":
                async with store.transaction():
                    await store.claim_due(NOW, due + 1)  # everything claimed: nothing due
            seconds, got = await claim(limit, batches)
            times.append(seconds)
            out[f"{name}_rows"] = got
            await undo()
        out[name] = statistics.median(times) * 1000
    plan = await store._all("EXPLAIN QUERY PLAN SELECT id FROM due WHERE claimed_at IS NULL "
                            "AND due_at <= ? ORDER BY due_at LIMIT ?", (stamp, 500))
    out["plan"] = "; ".join(r["detail"] for r in plan)  # type: ignore[assignment]
    await store.close()
    return out


async def start_api(limit: int) -> tuple[asyncio.subprocess.Process, dict[str, str]]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._api", "--limit", str(limit),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26)
    assert child.stdout is not None
    line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
    if not line.startswith("READY "):
        raise RuntimeError(f"fake API did not start: {line!r}")
    return child, json.loads(line[6:])


async def stop_api(child: asyncio.subprocess.Process) -> dict[str, Any]:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.close()
    line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
    await child.wait()
    return json.loads(line[6:])


def ptb_default_limiter() -> AIORateLimiter:
    """PTB's default overall limit, 30 per 1 s: a bucket that holds 30 messages.

    After a quiet spell it lets 30 go at once and then 30/s, up to ~60 in the first second.
    This is what `build_application` used before commit 7b1a622; it now builds a bucket of one
    refilled every 1/30 s. Kept as the "before" comparison only.
    """
    return AIORateLimiter(max_retries=3)


def describe_limiter(app: Any) -> str:
    """The overall bucket of the limiter the bot will send through, read off the bot."""
    limiter = app.bot.rate_limiter
    if isinstance(limiter, PacedLimiter):
        return (f"PacedLimiter: bulk one per {limiter.bulk.interval:.4g} s; per chat "
                f"{round(limiter.chats.tolerance / limiter.chats.interval) + 1} at once, then "
                f"one per {limiter.chats.interval:g} s; max_retries={limiter.max_retries}")
    base = getattr(limiter, "_base_limiter", None)
    if base is None:
        return "none"
    return (f"{type(limiter).__name__}: bucket of {base.max_rate:g} per "
            f"{base.time_period:.4g} s, max_retries={getattr(limiter, '_max_retries', '?')}")


async def run_dispatch(path: Path, due: int, rate_limit: bool, racers: int = 1,
                       ptb_default: bool = False) -> dict[str, Any]:
    child, address = await start_api(30 if rate_limit else 0)
    content, directory = load_content(), load_crisis_directory()
    stores, apps = [], []
    for _ in range(racers):
        store = await Store.open(path)
        app = build_application(token=address["token"], base_url=address["base_url"],
                                content=content, store=store, directory=directory,
                                clock=lambda: NOW, rate_limit=rate_limit, scan_seconds=3600)
        if ptb_default:
            # Bench-only swap, before initialize, of the limiter build_application made.
            app.bot._rate_limiter = ptb_default_limiter()  # type: ignore[attr-defined]
        await app.initialize()
        limiter = describe_limiter(app)
        stores.append(store)
        apps.append(app)
    claim_ms: list[float] = []

    async def loop(app: Any) -> int:
        dispatcher = app.bot_data["dispatcher"]
        store = dispatcher.store
        original = store.claim_due

        async def timed_claim(now: datetime, limit: int = 500) -> Any:
            t = time.perf_counter()
            rows = await original(now, limit)
            claim_ms.append((time.perf_counter() - t) * 1000)
            return rows

        store.claim_due = timed_claim
        handled = 0
        while n := await dispatcher.run_once():
            handled += n
        return handled

    cpu, start = time.process_time(), time.perf_counter()
    handled = sum(await asyncio.gather(*(loop(app) for app in apps)))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    for app in apps:
        await app.shutdown()
    sent_rows = 0
    for store in stores:
        async with store.db.execute("SELECT count(*) FROM due WHERE sent_at = ?",
                                    (NOW.isoformat(),)) as cur:
            sent_rows = (await cur.fetchone())[0]
        await store.close()
    stats = await stop_api(child)
    times = stats["times"]
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    steady = [t for t in times if t - times[0] >= 1.0] if times else []
    steady_span = steady[-1] - steady[0] if len(steady) > 1 else 0.0
    return {"due": due, "handled": handled, "sent_rows": sent_rows, "sends": stats["sends"],
            "elapsed": elapsed, "cpu_ms_per_send": cpu * 1000 / max(stats["sends"], 1),
            "per_s": (len(times) - 1) / span if span else 0.0,
            "steady_per_s": (len(steady) - 1) / steady_span if steady_span else 0.0,
            "peak_1s": stats["peak_1s"], "too_many": stats["too_many"],
            "duplicates": stats["duplicates"], "chats": stats["chats"], "limiter": limiter,
            "claim_txn_ms": statistics.median(claim_ms) if claim_ms else 0.0}


async def amain(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    figures: list[dict[str, Any]] = []
    claim_plan = [(10_000, 1_000), (100_000, 1_000)]
    if args.full:
        claim_plan += [(10_000, 10_000), (100_000, 10_000)]
    repeats = 5 if args.full else 3
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as tmp:
        dbs: dict[tuple[int, int], Path] = {}
        for users, due in claim_plan:
            path = Path(tmp) / f"u{users}-d{due}.db"
            t = time.perf_counter()
            await build_db(path, users, due)
            dbs[(users, due)] = path
            c = await time_claims(path, due, repeats)
            tag = f"dispatch.u{users // 1000}k.due{due // 1000}k"
            figures.append(figure(f"{tag}.claim_1000_ms", c["claim_1000"], "ms",
                                  f"{int(c['claim_1000_rows'])} rows; median of {repeats}; "
                                  f"DB of {users * (HISTORY + 1):,} due rows built in "
                                  f"{time.perf_counter() - t:.1f} s"))
            figures.append(figure(f"{tag}.claim_all_ms", c["claim_all_500s"], "ms",
                                  f"{int(c['claim_all_500s_rows'])} rows in batches of 500"))
            figures.append(figure(f"{tag}.claim_none_due_ms", c["claim_none_due"], "ms"))
        figures.append(figure("dispatch.claim_query_plan", str(c["plan"])))

        def fresh(users: int, due: int, name: str) -> Path:
            copy = Path(tmp) / f"{name}.db"
            shutil.copy(dbs[(users, due)], copy)
            return copy

        limited_take = 1_000 if args.full else 75
        runs = [("limited", 100_000, 1_000, True, 1, limited_take),
                ("limited.ptb_default", 100_000, 1_000, True, 1, limited_take),
                ("lifted", 100_000, 1_000, False, 1, 1_000)]
        if args.full:
            runs.append(("lifted", 100_000, 10_000, False, 1, 10_000))
            runs.append(("lifted.2racing", 100_000, 10_000, False, 2, 10_000))
        else:
            runs.append(("lifted.2racing", 100_000, 1_000, False, 2, 1_000))
        for name, users, due, limited, racers, take in runs:
            path = fresh(users, due, name)
            if take < due:  # send only `take` of the due rows: push the rest to tomorrow
                db = sqlite3.connect(path)
                with db:
                    db.execute("UPDATE due SET due_at = ? WHERE id IN (SELECT id FROM due "
                               "WHERE claimed_at IS NULL AND due_at <= ? LIMIT ?)",
                               ((NOW + timedelta(days=1)).isoformat(), NOW.isoformat(),
                                due - take))
                db.close()
            r = await run_dispatch(path, take, limited, racers,
                                   ptb_default=name.endswith("ptb_default"))
            tag = f"dispatch.{name}.u{users // 1000}k.due{take}"
            note = (f"{r['sends']} sent of {take} due, {r['sent_rows']} rows marked sent, "
                    f"{r['elapsed']:.1f} s")
            figures.append(figure(f"{tag}.sends_per_s", r["per_s"], "sends/s", note))
            if limited:
                figures.append(figure(f"{tag}.limiter", r["limiter"]))
                figures.append(figure(f"{tag}.steady_sends_per_s", r["steady_per_s"],
                                      "sends/s", "after the first second; target 28.5-30"))
                figures.append(figure(f"{tag}.share_of_limit", r["steady_per_s"] / RATE * 100,
                                      "%", "target 95-100"))
            figures.append(figure(f"{tag}.peak_sends_in_1s", r["peak_1s"], "sends"))
            figures.append(figure(f"{tag}.http_429", r["too_many"], "responses"))
            figures.append(figure(f"{tag}.duplicates", r["duplicates"], "people sent twice"))
            figures.append(figure(f"{tag}.cpu_ms_per_send", r["cpu_ms_per_send"], "ms CPU"))
            figures.append(figure(f"{tag}.claim_txn_ms", r["claim_txn_ms"], "ms",
                                  "median per batch of <=500, the claim SQL within run_once"))
    if args.json:
        dump_json(figures)
    return figures


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    return asyncio.run(amain(argv))


if __name__ == "__main__":
    main()
