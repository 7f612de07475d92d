"""Detection: time to read one message (`assess`: risks, unsure, whose words, tactic).

The workload is every message in the project's fixtures (risk corpus, unseen-style
statements, hoovers) plus each one disguised (zero-width, look-alike letters, leetspeak,
no spaces), so the repairs in `normalise` are timed too. Phrase loading is timed apart: it
happens once at start-up (`bot.safety.risk.warm`), not on a person's first message. A
4,096-character message (Telegram's longest) is timed on its own.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import yaml

from bench._common import dump_json, figure, parse_mode, percentile

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
LEET = str.maketrans({"i": "1", "e": "3", "o": "0", "a": "4"})
LOOK = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і"})


def _texts(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def workload() -> list[str]:
    plain: list[str] = []
    names = ["risk_corpus.yaml", "hoover_messages.yaml", "hoover_messages_blind.yaml"]
    names += sorted(p.name for p in FIXTURES.glob("risk_unseen*.yaml"))
    names += sorted(p.name for p in FIXTURES.glob("risk_blind_*.yaml"))
    for name in names:
        plain += _texts(yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8")))
    tricked = []
    for text in plain:
        tricked += [" ".join("\u200b".join(w) for w in text.split(" ")), text.translate(LOOK),
                    text.translate(LEET), re.sub(r"[^\w]", "", text)]
    return plain + tricked


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_mode(__doc__, argv)
    rounds = 5 if args.full else 1
    start, start_cpu = time.perf_counter(), time.process_time()
    from bot.safety import assess
    from bot.safety.risk import warm

    warm()
    load_ms = (time.perf_counter() - start) * 1e3
    load_cpu_ms = (time.process_time() - start_cpu) * 1e3
    messages = workload()
    figures = [figure("detection.load_ms", load_ms, "ms", "import + compile every phrase, once "
                      "at start-up; wall"),
               figure("detection.load_cpu_ms", load_cpu_ms, "ms", "the same, CPU time")]
    # Wall time is what a person waits, but on a shared machine it mostly measures the
    # neighbours; CPU time of this thread is the detector's own work. Both are printed, and
    # the best of the rounds per message (the steady state) besides.
    wall: list[float] = []
    cpu: list[float] = []
    best = [float("inf")] * len(messages)
    for _ in range(rounds):
        for i, text in enumerate(messages):
            c, t = time.thread_time(), time.perf_counter()
            assess(text)
            w = (time.perf_counter() - t) * 1e3
            cpu.append((time.thread_time() - c) * 1e3)
            wall.append(w)
            best[i] = min(best[i], w)
    figures.append(figure("detection.workload", len(messages), "messages",
                          f"x{rounds} rounds; fixtures + 4 disguised forms of each"))
    for q in (50, 95, 99):
        figures.append(figure(f"detection.p{q}_ms", percentile(wall, q), "ms", "wall"))
    figures.append(figure("detection.max_ms", max(wall), "ms", "wall"))
    figures.append(figure("detection.cpu_p99_ms", percentile(cpu, 99), "ms",
                          "CPU time of the thread"))
    figures.append(figure("detection.best_p99_ms", percentile(best, 99), "ms",
                          f"each message's best wall time of {rounds} rounds"))
    figures.append(figure("detection.load_average", os.getloadavg()[0], "",
                          f"1-minute load on {os.cpu_count()} cores while measuring"))
    long_text = ("I had a long day and wanted to write it all down. " * 90)[:4096]
    long_times, long_cpu = [], []
    for _ in range(3 * rounds):
        c, t = time.thread_time(), time.perf_counter()
        assess(long_text)
        long_times.append((time.perf_counter() - t) * 1e3)
        long_cpu.append((time.thread_time() - c) * 1e3)
    figures.append(figure("detection.longest_message_ms", min(long_times), "ms",
                          "4,096 characters, best wall time of the runs"))
    figures.append(figure("detection.longest_message_cpu_ms", min(long_cpu), "ms",
                          "the same, CPU time"))
    if args.json:
        dump_json(figures)
    return figures


if __name__ == "__main__":
    main()
