"""A terminal chat over the same engine and content, for trying flows without Telegram.

Buttons are numbered; type the number. `/wait` fires a pending timer at once (the console
does not make you sit out ten real minutes). Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TextIO

from bot.content import Content
from bot.engine import (
    Cancel,
    Choice,
    Command,
    Effect,
    Mark,
    OfferDelete,
    Profile,
    Record,
    Say,
    Schedule,
    ShowCrisis,
    ShowSummary,
    TimerFired,
    UserState,
    step,
    with_records,
)
from bot.engine.events import Event
from bot.progress import progress_text
from bot.reading import read_text
from bot.summary import urge_summary

PROMPT = "> "


class Console:
    """One person's session in the terminal; state lives in memory only."""

    def __init__(self, content: Content, out: TextIO,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.content = content
        self.out = out
        self.clock = clock
        self.state = UserState()
        self.profile = Profile()
        self.records: list[tuple[str, str | int]] = []
        self.buttons: list[str] = []
        self.timer: str | None = None

    def handle_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        event: Event
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            event = Choice(self.buttons[int(line) - 1])
        elif line == "/wait":
            if self.timer is None:
                self._print("(no timer is running)")
                return
            event = TimerFired(self.timer)
        elif line.startswith("/"):
            event = Command(line[1:].split()[0].lower())
        else:
            event = read_text(line)
        self.apply(event)

    def apply(self, event: Event) -> None:
        self.state, effects = step(self.content, self.state, event, self.clock(), self.profile)
        for effect in effects:
            self._do(effect)

    def _do(self, effect: Effect) -> None:
        match effect:
            case Say(text, buttons, _):
                self._print(text)
                self.buttons = []
                for row in buttons:
                    for button in row:
                        self.buttons.append(button.data)
                        self._print(f"  [{len(self.buttons)}] {button.label}")
            case Record(field, value):
                self.records.append((field, value))
                self.profile = with_records(self.profile, {field: str(value)})
            case Mark(field, value, on):
                marks = set(self.profile.marks)
                (marks.add if on else marks.discard)((field, value))
                self.profile = replace(self.profile, marks=frozenset(marks))
            case Schedule(at, timer_id):
                self.timer = timer_id
                self._print(f"(timer set for {at:%H:%M} UTC; type /wait to skip ahead)")
            case Cancel():
                self.timer = None
            case ShowCrisis(risk, country):
                self._print(self._crisis_card(risk, country or self.profile.country))
            case ShowSummary(what="progress"):
                p = self.profile
                self._print(progress_text(self.records, has_start=p.total > 0, days=p.days,
                                          longest=p.longest, total=p.total))
            case ShowSummary():
                self._print(urge_summary(self.records))
            case OfferDelete():
                self._print("(In Telegram I would offer to delete the message you pasted.)")

    def _crisis_card(self, risk: str | None, country: str | None) -> str:
        from bot.safety import crisis_card, load_crisis_directory

        return crisis_card(load_crisis_directory(), country, risk)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def run_console(content: Content, stdin: TextIO, out: TextIO) -> int:
    """Chat until end of input; returns the exit code."""
    console = Console(content, out)
    console.apply(Command("start"))
    for line in stdin:
        console.handle_line(line)
    print("(end of input, goodbye)", file=out)
    return 0
