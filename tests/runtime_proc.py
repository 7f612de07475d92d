"""`python -m bot` as a child process against the fake Bot API, for the runtime tests.

The process is started as an operator starts it (settings from the environment only), its
whole output goes to a log file the tests search, and it is stopped with SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bot_env(workdir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(ROOT), "BOT_DATABASE_URL": f"sqlite:///{workdir}/data/bot.db",
                "BOT_LOG_LEVEL": "DEBUG"})
    env.update(settings)
    return env


class BotProcess:
    def __init__(self, workdir: Path, **settings: str) -> None:
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.env = bot_env(workdir, **settings)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=self.workdir,
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        return self

    def stop(self) -> int:
        """SIGTERM, then the exit code (killed after 20 s if it does not stop)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def run_once(workdir: Path, timeout: float = 60,
             **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot run` to completion (for start-up failures)."""
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=workdir,
                          env=bot_env(workdir, **settings), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
