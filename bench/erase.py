"""`python -m bench.erase [--quick|--full]`: what /delete costs, and whom it holds up.

- `erase, nobody reading`: Store.delete_user for one person with a few hundred rows, when
  the WAL folds at once (the person is told "erased").
- `erase, a reader holding the WAL`: the same while another connection holds a read
  transaction: how long /delete waits (its brief retries) before saying what is pending.
- `another person's write during that erase`: from the moment the erase has committed its
  deletes to the moment a second person's write transaction commits on the shared
  connection. (Before, the checkpoint held the shared connection and lock for the 5 s busy
  timeout.)
- `fold after the reader lets go`: from releasing the reader to the WAL being empty (the
  background retry; its pause grows from 0.5 s to 5 s).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench._common import figure, parse_mode, percentile
from bot.store import Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def _person(store: Store, user_id: int, records: int = 300) -> None:
    async with store.transaction():
        await store.ensure_user(user_id, date(2026, 11, 21))
        for _ in range(records):
            await store.record(user_id, "pull_before", 5, NOW)


async def _one_round(folder: Path) -> tuple[float, float, float, float]:
    store = await Store.open(folder / "bot.db")
    try:
        await _person(store, 1)
        await _person(store, 2)
        await _person(store, 3, records=1)
        t = time.perf_counter()
        assert await store.delete_user(1)
        free = time.perf_counter() - t

        reader = sqlite3.connect(folder / "bot.db", isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM users").fetchone()
        committed = asyncio.Event()
        other: list[float] = []

        async def someone_else() -> None:
            await committed.wait()
            t0 = time.perf_counter()
            async with store.transaction():
                await store.set_active(3, False)
            other.append(time.perf_counter() - t0)

        async def erase() -> bool:
            async with store.transaction():
                await store.db.execute("DELETE FROM records WHERE user_id = 2")
                await store.db.execute("DELETE FROM users WHERE user_id = 2")
            committed.set()
            return await store.fold_wal()

        t = time.perf_counter()
        folded, _ = await asyncio.gather(erase(), someone_else())
        held = time.perf_counter() - t
        assert not folded
        reader.rollback()
        reader.close()
        t = time.perf_counter()
        await store.wait_folded()
        later = time.perf_counter() - t
        return free, held, other[0], later
    finally:
        await store.close()


async def main(rounds: int) -> None:
    results = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(await _one_round(Path(tmp)))
    for i, name in enumerate(("erase, nobody reading", "erase, a reader holding the WAL",
                              "another person's write during that erase",
                              "fold after the reader lets go")):
        values = [r[i] * 1000 for r in results]
        figure(name, percentile(values, 50), "ms",
               f"median of {rounds}; max {max(values):.1f} ms")


if __name__ == "__main__":
    args = parse_mode(__doc__)
    asyncio.run(main(10 if args.full else 3))
