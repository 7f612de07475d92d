"""Start-up: time from launching `python -m bot` to ready, content validation included.

Each run is a fresh `python -m bot` process (settings from BOT_* variables, as deployed),
against the fake Bot API on 127.0.0.1 (`tests/fakebot`, in a thread of this process).
A `/start` from a new person is waiting before launch, so the first getUpdates returns at
once. "Ready" is that first getUpdates (the fake records a call when it answers it): by then
the bot has imported everything, loaded and validated content, opened and migrated the
database, and called getMe, setMyCommands and the descriptions. "First answer" is the
bot's first sendMessage to that person. Measured with an empty database and with 100k
people stored.
The parts, each in a fresh interpreter: importing the bot, and `load_content()` (validation).
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import dump_json, figure, parse_mode
from tests.fakebot import FakeBotApi, updates

PERSON = 777
ROOT = Path(__file__).resolve().parent.parent


def launch_to_ready(api: FakeBotApi, db: Path) -> tuple[float, float]:
    env = {**os.environ, "BOT_TOKEN": api.token, "BOT_API_BASE_URL": api.base_url,
           "BOT_DATABASE_URL": f"sqlite:///{db}", "BOT_LOG_LEVEL": "WARNING"}
    api.reset()
    api.push_update(updates.command(PERSON, "/start"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        api.wait_for_sync("getUpdates", timeout=60)
        ready = time.perf_counter() - start
        api.wait_for_sync("sendMessage", timeout=60)
        answer = time.perf_counter() - start
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return ready, answer


def in_fresh_python(code: str) -> float:
    """Seconds `code` takes in a new interpreter (it prints its own perf_counter delta)."""
    out = subprocess.run([sys.executable, "-c", "import time; _t = time.perf_counter()\n"
                          + code + "\nprint(time.perf_counter() - _t)"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    repeats, part_repeats = (5, 5) if args.full else (2, 1)
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp, FakeBotApi() as api:
        from bench.dispatch import build_db

        big = Path(tmp) / "u100k.db"
        asyncio.run(build_db(big, 100_000, 1_000))
        for name, db in (("empty_db", None), ("u100k", big)):
            runs = [launch_to_ready(api, db or Path(tmp) / f"empty-{i}.db")
                    for i in range(repeats)]
            for label, times in (("launch_to_ready", [r[0] for r in runs]),
                                 ("launch_to_first_answer", [r[1] for r in runs])):
                figures.append(figure(f"startup.{name}.{label}_ms",
                                      statistics.median(times) * 1000, "ms",
                                      f"median of {repeats}; min {min(times) * 1000:.0f}, "
                                      f"max {max(times) * 1000:.0f}"))
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        figures.append(figure("startup.part.interpreter_ms", (time.perf_counter() - t) * 1000,
                              "ms", "python -c pass, launch to exit"))
        parts = {
            "import_bot": "import bot.telegram.run, bot.cli",
            "import_and_load_content": "import bot.telegram.run\n"
                                       "from bot.content import load_content; load_content()",
        }
        for name, code in parts.items():
            t = statistics.median(in_fresh_python(code) for _ in range(part_repeats))
            figures.append(figure(f"startup.part.{name}_ms", t * 1000, "ms",
                                  "inside a fresh interpreter, after its own start"))
        t = statistics.median(in_fresh_python(
            "import bot.telegram.run\nfrom bot.content import load_content\n"
            "_t = time.perf_counter(); load_content()") for _ in range(part_repeats))
        figures.append(figure("startup.part.load_content_ms", t * 1000, "ms",
                              "load + validate every flow, once imports are done"))
    if args.json:
        dump_json(figures)
    return figures


if __name__ == "__main__":
    main()
