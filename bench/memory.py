"""Memory: peak RSS of the bot's process with 10k and 100k people stored, 1k active in flows.

Each measurement is a fresh interpreter (`python -m bench.memory --child ...`) so nothing
from the parent or an earlier run is counted. The child does what a running bot does: loads
and validates content, opens the store (a database built like `bench.dispatch`'s: users with
daily check-ins, history, 1,000 check-ins due now), builds the real Application against a
fake Bot API in another process, takes `active` people into the urge flow and one tap further
through `Conversation.handle` (state, records and timers written to SQLite; replies sent),
then runs the real dispatcher until nothing is due (1,000 check-ins claimed and sent).
It reports VmHWM (peak RSS) and VmRSS from /proc/self/status, and the RSS after imports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench._common import dump_json, figure, parse_mode, peak_rss_mib, rss_mib


async def child(db: Path, active: int) -> dict[str, float]:
    from bench.dispatch import NOW, start_api, stop_api
    from bot.content import load_content
    from bot.content.callback import CallbackData
    from bot.engine import Choice, Start
    from bot.safety import load_crisis_directory
    from bot.store import Store
    from bot.telegram.app import build_application

    imported = rss_mib()
    proc, address = await start_api(0)
    content = load_content()
    store = await Store.open(db)
    app = build_application(token=address["token"], base_url=address["base_url"],
                            content=content, store=store, directory=load_crisis_directory(),
                            clock=lambda: NOW, rate_limit=False, scan_seconds=3600)
    await app.initialize()
    talk = app.bot_data["conversation"]
    gate = asyncio.Semaphore(32)

    async def person(uid: int) -> None:
        async with gate:
            await talk.handle(uid, Start("urge"), fresh=True)
            state, _ = await store.load(uid, NOW)
            node = content.node(state.flow, state.node)
            if node is not None and node.buttons:
                data = CallbackData(state.flow, state.node, "b0", content.version).encode()
                await talk.handle(uid, Choice(data))

    await asyncio.gather(*(person(uid) for uid in range(1, active + 1)))
    in_flows = await store._one("SELECT count(*) FROM users WHERE flow IS NOT NULL")
    dispatcher = app.bot_data["dispatcher"]
    sent = 0
    while n := await dispatcher.run_once():
        sent += n
    await app.shutdown()
    users = await store._one("SELECT count(*) FROM users")
    await store.close()
    await stop_api(proc)
    return {"peak_mib": peak_rss_mib(), "rss_mib": rss_mib(), "imported_mib": imported,
            "in_flows": in_flows[0] if in_flows else 0, "users": users[0] if users else 0,
            "checkins": sent}


def measure(db: Path, active: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.memory", "--child", str(db),
                          "--active", str(active)], capture_output=True, text=True,
                         timeout=600, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("CHILD "))
    return json.loads(line[6:])


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        parser = argparse.ArgumentParser()
        parser.add_argument("db", type=Path)
        parser.add_argument("--active", type=int, default=1000)
        ns = parser.parse_args(argv[1:])
        print("CHILD " + json.dumps(asyncio.run(child(ns.db, ns.active))), flush=True)
        return []
    args = parse_mode(__doc__, argv)
    from bench.dispatch import build_db

    active = 1000 if args.full else 300
    figures: list[dict[str, Any]] = []
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for users in (10_000, 100_000):
            db = Path(tmp) / f"u{users}.db"
            asyncio.run(build_db(db, users, 1_000))
            r = measure(db, active)
            peaks[users] = r["peak_mib"]
            figures.append(figure(f"memory.u{users // 1000}k.peak_rss_mib", r["peak_mib"], "MiB",
                                  f"{r['users']:,} stored, {r['in_flows']} in flows, "
                                  f"{r['checkins']} check-ins sent; "
                                  f"RSS at end {r['rss_mib']:.1f}, after importing the bot "
                                  f"{r['imported_mib']:.1f}"))
    figures.append(figure("memory.growth_10k_to_100k_mib", peaks[100_000] - peaks[10_000], "MiB",
                          "target < 20"))
    if args.json:
        dump_json(figures)
    return figures


if __name__ == "__main__":
    main()
