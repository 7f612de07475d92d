"""Replies with the limiter as shipped: 100 people tapping at once, against the CPU-bound rate.

Two processes, as in `bench.e2e` (whose `run_config` this reuses): this one runs the real bot
(`build_application` + `serve`, with the update processor and the rate limiter exactly as
`build_application` makes them), `bench._load --burst` runs the fake Bot API and 100 users.
In each round all 100 act at the same moment: a tap on the newest keyboard they were shown
(after a first, unmeasured round of /start). Rounds are `GAP` s apart, about a person's pace.
A round lasts from its first update pushed to its last update finished; updates/s is all
measured updates over the summed round times.

Configurations:
- "shipped": `build_application(rate_limit=True)` as `python -m bot` runs it (per-person
  order, `PacedLimiter`: per-chat pacing, bot-wide 30/s only for bulk sends).
- "cpu_bound": the same with the rate limiter off: what the CPU allows.
- "before": what shipped before (PTB's one update at a time and `AIORateLimiter` counting
  every reply against one message per 1/30 s).

Check-ins (bulk) stay under 30/s with the shipped limiter: `python -m bench.dispatch`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter, Application

from bench._common import dump_json, figure, parse_mode
from bench.e2e import Sequential, run_config
from bot.telegram.processor import PerPersonOrder

USERS = 100
GAP = 2.0


class ShippedOrder(PerPersonOrder):
    """The bot's own processor, telling the load process when each update is finished."""

    notify = staticmethod(lambda update: None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async def then_notify() -> None:
            try:
                await coroutine
            finally:
                self.notify(update)

        await super().do_process_update(update, then_notify())


def _before(app: Application) -> None:
    """Swap in the limiter that shipped before (PTB's, every reply counted against 30/s)."""
    app.bot._rate_limiter = AIORateLimiter(  # type: ignore[attr-defined]
        overall_max_rate=1, overall_time_period=1 / 30, max_retries=3)


CONFIGS = (("shipped", True, ShippedOrder(), None),
           ("cpu_bound", False, ShippedOrder(), None),
           ("before", True, Sequential(), _before))


async def amain(argv: list[str] | None = None) -> list[dict[str, Any]]:
    names = [a for a in (argv if argv is not None else sys.argv[1:]) if not a.startswith("-")]
    args = parse_mode(__doc__, [a for a in (argv if argv is not None else sys.argv[1:])
                                if a.startswith("-")])
    args.only = names
    rounds = 8 if args.full else 3
    load = ("--burst", str(rounds), "--gap", str(GAP))
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-replies-") as tmp:
        chosen = [c for c in CONFIGS if not args.only or c[0] in args.only]
        for name, limited, processor, tweak in chosen:
            r = await run_config("ours", USERS, 120, 0, False, Path(tmp), rate_limit=limited,
                                 processor=processor, load_args=load, tweak=tweak)
            lat = r["p50_ms"], r["p99_ms"]
            figures.append(figure(
                f"replies.{name}.updates_per_s", r["per_s"], "updates/s",
                f"{USERS} people at once x {rounds} rounds, {r['updates']} updates "
                f"({r['by_kind'].get('tap', 0)} taps), {r['timeouts']} timeouts, "
                f"{r['error_replies']} error replies; first reply p50 {lat[0]:.0f} ms, "
                f"p99 {lat[1]:.0f} ms; {r['api_calls_per_update']:.2f} Bot API calls per update; "
                f"bot "
                f"CPU {r['cpu_ms_per_update']:.2f} ms/update, busy {r['bot_cpu_share']:.0%} of "
                f"a core"))
    if args.json:
        dump_json(figures)
    return figures


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    return asyncio.run(amain(argv))


if __name__ == "__main__":
    main()
