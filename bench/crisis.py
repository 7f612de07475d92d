"""How long the crisis card takes when things go wrong, through the real `python -m bot`.

The bot runs as people run it (a subprocess, the limiter and update processor as shipped)
against the fake Bot API (`tests/fakebot`) in this process. Each figure is seconds from
pushing the update to the card's successful `sendMessage`, and whether an apology followed:

- `stranger_behind_429`: Ana's chat is answered 429 with `retry_after` 20 s; then Ben sends
  /crisis. (The same faults as tests/test_crisis_path.py, which asserts the limits.)
- `stranger_behind_hang`: Ana's call hangs for 20 s instead.
- `after_502s.N`: the card's first N sends answered 502 Bad Gateway.
- `db_overwritten.risk` / `.crisis`: the database file (and WAL, SHM) overwritten on disk.
- `no_tz_data.crisis`: the process runs with no tz data at all (`PYTHONTZPATH` empty).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import dump_json, figure, parse_mode
from tests.fakebot import FakeBotApi, updates
from tests.test_reliability_crash import BotProcess

ANA, BEN = 8181, 8282
RISK = "i want to kill myself"
SORRY = ("Sorry, I couldn't save", "Sorry, something went wrong")


async def card_after(api: FakeBotApi, update: dict[str, Any], chat: int) -> tuple[float, bool]:
    """Seconds until `chat`'s card is delivered, and whether an apology came (within 2 s)."""
    since, pushed = len(api.calls), time.monotonic()
    api.push_update(update)
    card = await api.wait_for("sendMessage", lambda c: c.status == 200 and
                              c.params.get("chat_id") == chat and
                              "findahelpline.com" in c.params.get("text", ""),
                              timeout=40, since=since)
    waited = time.monotonic() - pushed
    await asyncio.sleep(2)
    sorry = any(c.method == "sendMessage" and c.params.get("chat_id") == chat and
                str(c.params.get("text", "")).startswith(SORRY) for c in api.calls[since:])
    del card
    return waited, sorry


async def started(api: FakeBotApi, workdir: Path, env: dict[str, str] | None = None
                  ) -> BotProcess:
    proc = BotProcess(api, _folder(workdir))
    if env:
        spawn = proc._spawn
        proc._spawn = lambda e: spawn({**e, **env})  # type: ignore[method-assign]
    await proc.start()
    return proc


async def measure() -> list[dict[str, Any]]:
    figures: list[dict[str, Any]] = []

    def show(name: str, result: tuple[float, bool], note: str) -> None:
        waited, sorry = result
        figures.append(figure(f"crisis.{name}", waited, "s",
                              f"{note}; {'AN APOLOGY FOLLOWED' if sorry else 'no apology'}"))

    with tempfile.TemporaryDirectory(prefix="bench-crisis-") as tmp:
        for n, trouble in enumerate(("429", "hang")):
            async with FakeBotApi() as api:
                proc = await started(api, Path(tmp) / f"s{n}")
                try:
                    if trouble == "429":
                        api.fail_next("sendMessage", status=429, retry_after=20, chat_id=ANA)
                    else:
                        api.timeout_next("sendMessage", seconds=20, chat_id=ANA)
                    api.push_update(updates.command(ANA, "/urge"))
                    await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == ANA,
                                       timeout=10)
                    await asyncio.sleep(0.3)
                    show(f"stranger_behind_{trouble}",
                         await card_after(api, updates.command(BEN, "/crisis"), BEN),
                         f"Ben's /crisis while Ana's chat is held ({trouble}, 20 s)")
                finally:
                    proc.kill()
        for fails in (2, 3):
            async with FakeBotApi() as api:
                proc = await started(api, Path(tmp) / f"f{fails}")
                try:
                    api.fail_next("sendMessage", status=502, times=fails, chat_id=ANA)
                    show(f"after_502s.{fails}",
                         await card_after(api, updates.text(ANA, RISK), ANA),
                         f"risk words; the first {fails} sends answered 502")
                finally:
                    proc.kill()
        async with FakeBotApi() as api:
            proc = await started(api, Path(tmp) / "db")
            try:
                api.push_update(updates.command(ANA, "/urge"))
                await api.wait_for("sendMessage", timeout=10)
                await asyncio.sleep(0.5)
                _overwrite(proc.db)
                show("db_overwritten.risk", await card_after(api, updates.text(ANA, RISK), ANA),
                     "risk words, database file overwritten")
                show("db_overwritten.crisis",
                     await card_after(api, updates.command(ANA, "/crisis"), ANA),
                     "/crisis, database file overwritten")
            finally:
                proc.kill()
        async with FakeBotApi() as api:
            proc = await started(api, Path(tmp) / "tz",
                                 {"PYTHONTZPATH": str(_folder(Path(tmp) / "no-zones"))})
            try:
                show("no_tz_data.crisis",
                     await card_after(api, updates.command(ANA, "/crisis"), ANA),
                     "/crisis, no tz data on the host")
                show("no_tz_data.risk", await card_after(api, updates.text(BEN, RISK), BEN),
                     "risk words, no tz data on the host")
            finally:
                proc.kill()
    return figures


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _overwrite(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{db}{suffix}")
        if target.exists():
            target.write_bytes(b"this is not a database any more\n" * 4096)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    figures = asyncio.run(measure())
    if args.json:
        dump_json(figures)
    return figures


if __name__ == "__main__":
    main()
