"""Engine: transitions per second of the pure `step` over the real content.

The workload is every transition a person can make: a breadth-first walk over all flows in
`content/` (every visible button, scale values 0/5/10, checklist toggles, timers, plus typed
text, /menu and /crisis from every screen), for a co-parent and for someone who is not. The
walk is built once; the timed loop replays those (state, event) pairs through `step` only.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

from bench._common import dump_json, figure, parse_mode
from bot.content import Content, load_content
from bot.content.callback import decode
from bot.engine import Choice, Command, Profile, Start, Text, TimerFired, UserState, screen, step

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


def profiles(content: Content) -> list[Profile]:
    marks = frozenset((name, value) for name, spec in content.fields.items()
                      if spec.kind == "marks" for value in spec.values)
    return [Profile(relation="parent", coparent=True, tz="Europe/Berlin", marks=marks,
                    days=12, longest=40, total=95),
            Profile(relation="ex", coparent=False, tz="UTC", days=3, longest=3, total=3)]


def transitions(content: Content) -> list[tuple[UserState, Any, Profile]]:
    """Every (state, event, profile) reachable from the start of every flow."""
    pairs: list[tuple[UserState, Any, Profile]] = []
    for prof in profiles(content):
        seen: set[UserState] = set()
        queue: deque[UserState] = deque()
        for flow in content.flows:
            pairs.append((UserState(), Start(flow), prof))
            state, _ = step(content, UserState(), Start(flow), NOW, prof)
            if state not in seen:
                seen.add(state)
                queue.append(state)
        while queue:
            state = queue.popleft()
            events: list[Any] = [Text(length=40), Command("menu"), Command("crisis")]
            says = screen(content, state, prof)
            if says and says[-1].buttons:
                for row in says[-1].buttons:
                    for button in row:
                        cb = decode(button.data)
                        if cb and cb.key.startswith("s") and cb.key not in ("s0", "s5", "s10"):
                            continue
                        events.append(Choice(button.data))
            if state.timer:
                events.append(TimerFired(state.timer))
            for event in events:
                pairs.append((state, event, prof))
                after, _ = step(content, state, event, NOW, prof)
                if after not in seen and after.flow is not None:
                    seen.add(after)
                    queue.append(after)
    return pairs


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    seconds = 3.0 if args.full else 1.0
    content = load_content()
    pairs = transitions(content)
    figures = [figure("engine.workload", len(pairs), "distinct transitions",
                      f"{len(content.flows)} flows, 2 profiles")]
    for state, event, prof in pairs[:200]:  # warm caches
        step(content, state, event, NOW, prof)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for state, event, prof in pairs:
            step(content, state, event, NOW, prof)
        done += len(pairs)
    elapsed = time.perf_counter() - start
    rate = done / elapsed
    figures.append(figure("engine.transitions_per_s", round(rate), "transitions/s",
                          f"{done:,} in {elapsed:.2f} s, one core"))
    figures.append(figure("engine.us_per_transition", 1e6 / rate, "µs"))
    if args.json:
        dump_json(figures)
    return figures


if __name__ == "__main__":
    main()
