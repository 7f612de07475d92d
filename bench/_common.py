"""What every benchmark shares: mode flags, percentiles, one way to print a figure."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from typing import Any

#: Every figure line starts with this, so `python -m bench` (and its smoke test) can find them.
FIGURE = "FIGURE"


def parse_mode(description: str | None, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="short run (the default)")
    group.add_argument("--full", action="store_true", help="the run recorded in BENCHMARKS.md")
    parser.add_argument("--json", action="store_true", help="also print figures as one JSON line")
    return parser.parse_args(argv)


def figure(name: str, value: float | int | str, unit: str = "", note: str = "") -> dict[str, Any]:
    """Print one figure as `FIGURE name = value unit  (note)` and return it as a dict."""
    shown = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else (
        f"{value:,}" if isinstance(value, int) else value)
    tail = f"  ({note})" if note else ""
    print(f"{FIGURE} {name} = {shown} {unit}{tail}".rstrip(), flush=True)
    return {"name": name, "value": value, "unit": unit, "note": note}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine() -> str:
    mem_kib = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {mem_kib / 1024 / 1024:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()}")


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def dump_json(figures: list[dict[str, Any]]) -> None:
    print("JSON " + json.dumps(figures), flush=True)


def python() -> str:
    return sys.executable
