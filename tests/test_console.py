"""`python -m bot console` and `python -m bot` without a token, driven as a person would.

The console always runs the real content (found next to the package), whose wording writers
change freely, so nothing here names a message or a label. The route through a whole flow is
found by reading the numbered buttons the console prints, in a search run in-process; the
same keystrokes are then typed into the real subprocess, which must print the same screens.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.console import Console
from bot.content import DEFAULT_ROOT, Content, check_content
from bot.content.callback import decode
from bot.engine import CRISIS_FLOW, Command, Effect, End
from bot.engine.render import CRISIS_KEYS

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
GOODBYE = "(end of input, goodbye)"
BUTTON = re.compile(r"^  \[(\d+)\] (.+)$")
#: The console's timer line shows a clock time, which differs between runs.
TIMER_LINE = re.compile(r"^\(timer set for \d\d:\d\d UTC")
#: Lines the console itself adds between messages; they do not start a new screen.
NOTE = re.compile(r"^\((timer set for |no timer is running|In Telegram I would|end of input)")
MAX_STEPS = 40


class Watched(Console):
    """The console, noting when a flow ends (it prints nothing for End itself)."""

    def __init__(self, content: Content) -> None:
        super().__init__(content, io.StringIO(), clock=lambda: NOW)
        self.ended: list[str] = []

    def _do(self, effect: Effect) -> None:
        if isinstance(effect, End):
            self.ended.append(effect.flow)
        super()._do(effect)


def replay(content: Content, keys: list[str]) -> Watched:
    console = Watched(content)
    console.apply(Command("start"))
    for key in keys:
        console.handle_line(key)
    return console


def printed_buttons(output: str) -> list[int]:
    """The numbers of the buttons on the last screen the console printed.

    A message line starts a new screen; the console's own notes do not.
    """
    numbers: list[int] = []
    for line in output.splitlines():
        match = BUTTON.match(line)
        if match:
            numbers.append(int(match.group(1)))
        elif line.strip() and not NOTE.match(line):
            numbers = []
    return numbers


def leads_to_crisis(content: Content, data: str) -> bool:
    cb = decode(data)
    if cb is None or cb.key in CRISIS_KEYS or cb.flow == CRISIS_FLOW:
        return True
    node = content.node(cb.flow, cb.node)
    if node and cb.key.startswith("b") and cb.key[1:].isdigit():
        return node.buttons[int(cb.key[1:])].action == "crisis"
    return False


def route_to_an_end(content: Content, first: tuple[str, ...] = (),
                    flow: str | None = None) -> tuple[list[str], str]:
    """The shortest keystrokes from the welcome screen (then `first`) to the end of a flow."""
    queue: deque[list[str]] = deque([list(first)])
    seen: set[object] = set()
    while queue:
        keys = queue.popleft()
        console = replay(content, keys)
        if console.ended and (flow is None or flow in console.ended):
            return keys, console.out.getvalue()  # type: ignore[attr-defined]
        place = (replace(console.state, timer=None), console.profile, console.timer is None)
        if place in seen or len(keys) >= MAX_STEPS:
            continue
        seen.add(place)
        output = console.out.getvalue()  # type: ignore[attr-defined]
        shown = printed_buttons(output)
        assert shown == list(range(1, len(console.buttons) + 1)), output
        for number, data in zip(shown, console.buttons, strict=True):
            if not leads_to_crisis(content, data):
                queue.append([*keys, str(number)])
        if console.timer is not None:
            queue.append([*keys, "/wait"])
    raise AssertionError("no flow in the content can be finished from the welcome screen")


@pytest.fixture(scope="module")
def content() -> Content:
    real, problems = check_content(DEFAULT_ROOT)
    assert not problems, "the real content has problems:\n" + "\n".join(map(str, problems))
    return real


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_bot(args: list[str], stdin: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, cwd=cwd,
                          env=clean_env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=60)


def comparable(output: str) -> list[str]:
    return ["(timer)" if TIMER_LINE.match(line) else line for line in output.splitlines()]


def test_console_walks_through_a_whole_flow_to_its_end(content: Content) -> None:
    keys, expected = route_to_an_end(content)
    assert keys, "the welcome screen itself should not be an end"

    result = run_bot(["console"], "".join(f"{k}\n" for k in keys))

    assert result.returncode == 0, result.stderr
    lines = comparable(result.stdout)
    assert lines[-1] == GOODBYE
    assert lines[:-1] == comparable(expected)


def test_console_walks_the_urge_flow_to_its_end(
        content: Content) -> None:
    keys, expected = route_to_an_end(content, ("/urge",), flow="urge")

    result = run_bot(["console"], "".join(f"{k}\n" for k in keys))

    assert result.returncode == 0, result.stderr
    assert comparable(result.stdout) == [*comparable(expected), GOODBYE]


def test_console_opens_on_the_welcome_screen_with_numbered_buttons(content: Content) -> None:
    result = run_bot(["console"], "")
    assert result.returncode == 0, result.stderr
    welcome = replay(content, [])
    assert comparable(result.stdout) == [*comparable(welcome.out.getvalue()), GOODBYE]
    assert printed_buttons(result.stdout) == list(range(1, len(welcome.buttons) + 1))
    assert printed_buttons(result.stdout)


def test_console_answers_a_wait_with_no_timer_and_a_number_off_the_screen(
        content: Content) -> None:
    result = run_bot(["console"], "/wait\n\n/nonsense\n")
    assert result.returncode == 0, result.stderr
    assert "(no timer is running)" in result.stdout
    assert result.stdout.rstrip().endswith(GOODBYE)


def test_without_a_token_the_bot_says_so_once_and_opens_the_console(
        content: Content, tmp_path: Path) -> None:
    assert not (tmp_path / ".env").exists()
    result = run_bot([], "", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(notes) == 1, result.stderr
    assert "BOT_TOKEN" in notes[0] and ".env.example" in notes[0]
    assert "BOT_TOKEN" not in result.stdout
    welcome = replay(content, [])
    assert comparable(result.stdout) == [*comparable(welcome.out.getvalue()), GOODBYE]
