"""A broken safety file stops start-up with one line, and check-content lists it.

Each test copies the package and its content to a temporary folder, breaks one file there
and runs the real command in a fresh process, exactly as an operator would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BREAKS = {
    "risk_phrases.yaml": [
        ("self_harm: [\n  - kill myself\n", "not valid YAML"),
        ("danger:\n  - he hit me\nchildren:\n  - took the kids\n", "'self_harm' must be"),
        ("self_harm:\n  - kill myself\ndanger:\n  - he hit me\nchildren:\n  - he_ hit\n",
         "phrase does not compile"),
    ],
    "tactic_phrases.yaml": [
        ("priority: [guilt\n", "not valid YAML"),
        ("priority: [guilt]\ntactics: {}\n", "'priority' must list exactly"),
    ],
    "crisis_lines.yaml": [
        ("countries: [\n", "not valid YAML"),
        ("checked: 2026-11-21\n", "crisis_lines.yaml: "),
    ],
}
CASES = [(name, text, expected) for name, items in BREAKS.items() for text, expected in items]


def _copy(tmp: Path) -> Path:
    shutil.copytree(ROOT / "bot", tmp / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "content", tmp / "content")
    return tmp


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["PYTHONPATH"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _break_tactic_unknown(tmp: Path) -> None:
    path = tmp / "content" / "tactic_phrases.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  flattery:\n    strong: [you are great]\n",
                    encoding="utf-8")


@pytest.mark.parametrize(("name", "text", "expected"), CASES,
                         ids=[f"{n}-{e}" for n, _, e in CASES])
def test_broken_safety_file_stops_start_up_with_one_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    tmp = _copy(tmp_path)
    (tmp / "content" / name).write_text(text, encoding="utf-8")
    run = _run(tmp, "run")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert name in lines[0] and expected in lines[0]
    check = _run(tmp, "check-content")
    assert check.returncode == 1
    assert any(name in line and expected in line for line in check.stdout.splitlines())
    assert "content OK" not in check.stdout


def test_an_unknown_tactic_is_named(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    _break_tactic_unknown(tmp)
    run = _run(tmp, "run")
    assert run.returncode == 2
    assert run.stderr.strip() == "error: tactic_phrases.yaml: unknown tactic 'flattery'"


def test_intact_files_pass_the_check(tmp_path: Path) -> None:
    check = _run(_copy(tmp_path), "check-content")
    assert check.returncode == 0, check.stdout
    assert "content OK" in check.stdout
