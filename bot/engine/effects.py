"""What the engine asks its shell to do. Shells (console, Telegram) carry these out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Say:
    """Send a message. `replace` asks to edit the message whose button was tapped."""

    text: str
    buttons: Keyboard = ()
    replace: bool = False


@dataclass(frozen=True)
class Record:
    """Store an enum value or a 0-10 answer (declared in content/fields.yaml)."""

    field: str
    value: str | int


@dataclass(frozen=True)
class Mark:
    """Tick (`on`) or untick a checklist item."""

    field: str
    value: str
    on: bool


@dataclass(frozen=True)
class Schedule:
    at: datetime
    timer_id: str


@dataclass(frozen=True)
class Cancel:
    timer_id: str


@dataclass(frozen=True)
class ShowCrisis:
    """Show crisis lines, ordered for `risk` (None: neutral order).

    `country` (an ISO code) overrides the person's own country, e.g. while travelling.
    """

    risk: str | None
    country: str | None = None


@dataclass(frozen=True)
class ShowSummary:
    """Show the person's recent urges ("urges") or their own numbers ("progress") back to them,
    from what the store recorded."""

    what: Literal["urges", "progress"] = "urges"


@dataclass(frozen=True)
class OfferDelete:
    """Offer to delete the message the person just pasted, so it does not sit in the chat."""


@dataclass(frozen=True)
class End:
    flow: str


Effect = Say | Record | Mark | Schedule | Cancel | ShowCrisis | ShowSummary | OfferDelete | End
