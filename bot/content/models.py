"""The shape of content files, as pydantic models.

Content writers never touch Python, so every mistake they can make must be caught here or in
`validate.py` with the file and node named, before the bot starts.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Built-in actions a button can take instead of going to a node.
Action = Literal["crisis", "end", "menu", "summary", "progress"]
#: What a crisis button is for, which orders the card: "danger" puts abuse lines first and
#: then opens the "they're here" screen; "their_self_harm" frames the number as one to call
#: for the other person, without replying to them.
CrisisRisk = Literal["self_harm", "danger", "children", "their_self_harm"]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Button(_Strict):
    """One inline button. Exactly one of `go`, `flow`, `action` says where it leads."""

    label: str = Field(min_length=1)
    go: str | None = None
    flow: str | None = None
    action: Action | None = None
    #: Enum values this choice records, e.g. ``{tactic: guilt}``. Never free text.
    record: dict[str, str] = Field(default_factory=dict)
    #: Show the button only to people who do (or do not) share children with them.
    when: Literal["coparent", "not_coparent"] | None = None
    #: Only with ``action: crisis``: which card to open (none: the neutral one).
    risk: CrisisRisk | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Button:
        targets = [t for t in (self.go, self.flow, self.action) if t is not None]
        if len(targets) != 1:
            raise ValueError("a button needs exactly one of go, flow or action")
        if self.risk is not None and self.action != "crisis":
            raise ValueError("risk is only for a button with action: crisis")
        return self


class Scale(_Strict):
    """A 0-10 scale: eleven buttons whose answer is recorded, then the flow goes on."""

    record: str
    go: str


class Timer(_Strict):
    """Resume the flow later: after `minutes`, or at the next local `at` (HH:MM)."""

    go: str
    minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    at: str | None = None

    @model_validator(mode="after")
    def _one_time(self) -> Timer:
        if (self.minutes is None) == (self.at is None):
            raise ValueError("a timer needs exactly one of minutes or at")
        if self.at is not None and not _HHMM.match(self.at):
            raise ValueError("timer 'at' must be HH:MM (24-hour)")
        return self


class ChecklistItem(_Strict):
    value: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)


class Checklist(_Strict):
    """Items the person ticks on and off; only the ticked enum ids are stored."""

    field: str
    items: list[ChecklistItem] = Field(min_length=1)
    go: str
    done_label: str = "Done"


class Input(_Strict):
    """Typing offered as an option (never required): a country name, a date or a time.

    The shell turns the typed text into an id-like value (``de``, ``2026-01-05``, ``08:30``),
    drops the text, and the engine records the value and goes on.
    """

    kind: Literal["country", "date", "time", "localtime", "monthday", "letter"]
    record: str
    go: str


class Node(_Strict):
    """One screen: one or more short messages, then the ways forward."""

    source: str = Field(min_length=1)
    say: list[str] = Field(min_length=1)
    buttons: list[Button] = Field(default_factory=list)
    scale: Scale | None = None
    timer: Timer | None = None
    checklist: Checklist | None = None
    input: Input | None = None
    end: bool = False
    #: The crisis-help button is added to every screen unless a node turns it off
    #: (and then it must carry its own crisis button).
    crisis_button: bool = True

    @field_validator("say", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Flow(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)
    start: str
    nodes: dict[str, Node] = Field(min_length=1)


class FieldSpec(_Strict):
    """A value the bot may store. `kind` decides what the store accepts.

    - ``enum``: one of `values`, logged with a time (e.g. the tactic of an urge);
    - ``scale``: an integer 0-10 logged with a time;
    - ``profile``: one of `values`, kept as the person's current setting;
    - ``marks``: a set of ticked `values` (checklists);
    - ``country``, ``date``, ``time``: a profile setting given by button or typed input;
    - ``localtime``: the person's clock, typed, kept only as the time zone it implies;
    - ``monthday``: a yearly date (``12-25``), e.g. a hard date, kept with an enum label.
    """

    kind: Literal["enum", "scale", "profile", "marks", "country", "date", "time", "localtime",
                  "monthday"]
    values: list[str] = Field(default_factory=list)
    #: Human words for each value, used when showing recorded values back.
    labels: dict[str, str] = Field(default_factory=dict)
    #: For pasted messages: the node (``flow.node``) that explains each guessed value.
    explain: dict[str, str] = Field(default_factory=dict)
