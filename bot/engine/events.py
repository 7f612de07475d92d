"""What can happen to a person's conversation, as the engine sees it.

Free text never arrives here as text: the shell reads it for risk words and hoover tactics,
passes only those derived facts, and drops the text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Start:
    """Open a flow at its start (a menu button, /urge, the welcome screen)."""

    flow: str


@dataclass(frozen=True)
class Choice:
    """A tap on an inline button; `data` is the raw callback data, decoded by the engine."""

    data: str


@dataclass(frozen=True)
class Text:
    """Facts derived from a typed or pasted message. The message itself is never here."""

    length: int
    risk: str | None = None
    tactic: str | None = None
    #: Worrying but not clear ("I can't do this anymore"): ask gently, never stay silent.
    unsure: bool = False
    #: Whose words: "own", "theirs" (the other person's: forwarded, pasted, or plainly
    #: addressed to the user), or None when unclear.
    voice: str | None = None


@dataclass(frozen=True)
class Answer:
    """A typed answer the shell already turned into a value (country code, date, time)."""

    value: str


@dataclass(frozen=True)
class TimerFired:
    timer_id: str


@dataclass(frozen=True)
class Command:
    """A slash command the engine answers (urge, crisis, menu, help, start)."""

    name: str


@dataclass(frozen=True)
class Unsupported:
    """Something the bot cannot use: a sticker, photo, voice note, edit, unknown command."""

    kind: str


Event = Start | Choice | Text | Answer | TimerFired | Command | Unsupported
