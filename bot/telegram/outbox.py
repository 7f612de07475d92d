"""How hard a send is retried: crisis lines much harder than anything else.

An ordinary screen is retried once: the person can tap again, and a duplicate screen after a
lost answer is a nuisance. Crisis lines are retried with backoff for about ten seconds: a
duplicate card is harmless, a missing one is not. 429s are the rate limiter's business
(`bot.telegram.pacing`), not retried here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram.error import BadRequest, NetworkError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    """Pauses between attempts (seconds); one more attempt than pauses.

    `read_timeout` bounds one attempt's wait for Telegram's answer (None: the bot's default,
    5 s), so that a hanging call does not eat the whole budget.
    """

    pauses: tuple[float, ...]
    read_timeout: float | None = None


ORDINARY = Policy(pauses=(0.5,))
#: Four attempts in about 3.5 s of pauses plus up to 3 s per hanging attempt: ~10 s at worst.
CRISIS = Policy(pauses=(0.5, 1.0, 2.0), read_timeout=3.0)


async def attempt(call: Callable[..., Awaitable[T]], policy: Policy) -> T:
    """Run `call(**timeouts)`, retrying network errors, timeouts and 5xx per `policy`.

    A BadRequest (Telegram refused the content) is never retried: it would fail again.
    (`read_timeout=None` would mean "wait forever" to PTB, so it is passed only when set.)
    """
    timeouts = {"read_timeout": policy.read_timeout} if policy.read_timeout else {}
    for pause in (*policy.pauses, None):
        try:
            return await call(**timeouts)
        except NetworkError as exc:
            if isinstance(exc, BadRequest) or pause is None:
                raise
            log.warning("send failed (%s); retrying in %.1f s", type(exc).__name__, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")  # the last pause is None: returns or raises
