"""`python -m bot stats` on a large store: the operator's report must answer in under 2 s.

The store holds a generated population (tests/population.py: people over 120 days, with
check-in answers, urges, slips and sent check-ins, about 35 rows each). Writing 100,000 people
takes minutes on a shared machine, so the file is kept in BENCH_DB_CACHE (or the system's
temporary folder) and reused. Timed: the whole `python -m bot stats` process (fresh
interpreter: imports, opening the store, the SQL, the text), and `Store.outcomes` alone.
CPU seconds are given beside wall time: on a shared machine the wall time mostly measures
the other processes. `--quick` uses 2,000 people so `python -m bench` stays short; `--full`
uses 100,000.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import dump_json, figure, parse_mode
from bot.store import Store
from tests.population import NOW, generate, write

ROOT = Path(__file__).resolve().parent.parent


async def prepare(people: int) -> Path:
    cache = Path(os.environ.get("BENCH_DB_CACHE") or tempfile.gettempdir())
    path = cache / f"bench-stats-{people}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 (set-up, not timed)
    store = await Store.open(partial)
    await store.close()
    started = time.perf_counter()
    write(generate(people), partial)
    print(f"wrote {people:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    partial.rename(path)
    return path


async def outcomes_seconds(path: Path, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU of the whole process: aiosqlite's thread included) per run."""
    store = await Store.open(path)
    try:
        times = []
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            await store.outcomes(NOW)
            times.append((time.perf_counter() - started, time.process_time() - cpu))
        return times
    finally:
        await store.close()


def cli_seconds(path: Path) -> tuple[float, float]:
    """(wall, CPU of the child process) for one `python -m bot stats`."""
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{path}"}
    before = os.times()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "stats"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, (after.children_user - before.children_user
                  + after.children_system - before.children_system)


def main() -> None:
    args = parse_mode(__doc__)
    people = 100_000 if args.full else 2_000
    runs = 5 if args.full else 3
    path = asyncio.run(prepare(people))
    inner = asyncio.run(outcomes_seconds(path, runs))
    cli = [cli_seconds(path) for _ in range(runs)]
    rows = f"{people:,} people, {path.stat().st_size / 2**20:.0f} MiB"
    figures = [
        figure("stats.cli_median", statistics.median(w for w, _ in cli), "s",
               f"`python -m bot stats`, whole process, wall, {rows}, median of {runs}"),
        figure("stats.cli_cpu_median", statistics.median(c for _, c in cli), "s",
               "the same, CPU seconds of the process"),
        figure("stats.outcomes_median", statistics.median(w for w, _ in inner), "s",
               f"Store.outcomes alone, wall, median of {runs}"),
        figure("stats.outcomes_cpu_median", statistics.median(c for _, c in inner), "s",
               "Store.outcomes alone, CPU seconds"),
    ]
    if args.json:
        dump_json(figures)


if __name__ == "__main__":
    main()
