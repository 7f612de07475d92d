"""`python -m bench [--quick | --full]`: every measurement, one fresh process each.

Quick (the default) is for CI and a glance: under a minute on 2 cores, figures noisier and
runs shorter. `--full` is what BENCHMARKS.md records. No thresholds are asserted here: a
figure off target is for a person to read, not a red build. Exit 1 if a script fails or
prints no figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from bench._common import FIGURE, machine

SCRIPTS = ("engine", "e2e", "replies", "crisis", "dispatch", "memory", "startup",
           "detection", "stats")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    unknown = [a for a in argv if a not in ("--quick", "--full") and a not in SCRIPTS]
    if unknown:
        print(f"usage: python -m bench [--quick|--full] [{'|'.join(SCRIPTS)} ...]",
              file=sys.stderr)
        return 2
    mode = "--full" if "--full" in argv else "--quick"
    chosen = [a for a in argv if a in SCRIPTS] or list(SCRIPTS)
    print(f"bench {mode[2:]} on {machine()}", flush=True)
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
        env = {**os.environ, "BENCH_DB_CACHE": cache}
        for name in chosen:
            t = time.perf_counter()
            print(f"== bench.{name}", flush=True)
            proc = subprocess.run([sys.executable, "-m", f"bench.{name}", mode], env=env,
                                  capture_output=True, text=True)
            sys.stdout.write(proc.stdout)
            figures = sum(line.startswith(FIGURE) for line in proc.stdout.splitlines())
            if proc.returncode != 0 or figures == 0:
                failed.append(name)
                sys.stdout.write(proc.stderr[-4000:])
            print(f"== bench.{name}: {figures} figures in {time.perf_counter() - t:.1f} s"
                  + ("" if name not in failed else " FAILED"), flush=True)
    print(f"bench {mode[2:]}: {len(chosen) - len(failed)}/{len(chosen)} scripts ran in "
          f"{time.perf_counter() - started:.1f} s" + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
