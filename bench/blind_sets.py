"""Score held-out-style fixture sets: recall per kind, false alarms, and which lines miss.

Usage: python -m bench.blind_sets tests/fixtures/risk_blind_a.yaml [...] [--misses]
Counts a kind as caught only when `detect_risks` returns it (`unsure` is not detection),
exactly as the issue's measure does; `unsure` hits are shown apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.safety import Risk, assess, detect_risks

KINDS = [Risk.SELF_HARM, Risk.DANGER, Risk.CHILDREN]


def score(path: Path, show_misses: bool) -> str:
    """One line of figures for a set, plus its misses when asked."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts, misses = [], []
    for kind in KINDS:
        items = data.get(kind.value) or []
        missed = [m for m in items if kind not in detect_risks(m)]
        parts.append(f"{kind.value} {len(items) - len(missed)}/{len(items)}")
        misses += [f"  MISS {kind.value}: {m}  (unsure={assess(m).unsure})" for m in missed]
    ordinary = data.get("ordinary") or []
    alarms = [m for m in ordinary if detect_risks(m)]
    asked = [m for m in ordinary if not detect_risks(m) and assess(m).unsure]
    parts.append(f"false alarms {len(alarms)}/{len(ordinary)} (asked {len(asked)})")
    misses += [f"  ALARM {sorted(k.value for k in detect_risks(m))}: {m}" for m in alarms]
    line = f"{path.name}: " + ", ".join(parts)
    return "\n".join([line, *misses]) if show_misses else line


def main(argv: list[str]) -> None:
    show = "--misses" in argv
    for name in [a for a in argv if not a.startswith("--")]:
        print(score(Path(name), show))


if __name__ == "__main__":
    main(sys.argv[1:])
