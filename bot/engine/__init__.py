"""The pure conversation engine. See `core.step`."""

from bot.engine.core import MENU, expected_input, screen, step, with_records
from bot.engine.effects import (
    Button,
    Cancel,
    Effect,
    End,
    Mark,
    OfferDelete,
    Record,
    Say,
    Schedule,
    ShowCrisis,
    ShowSummary,
)
from bot.engine.events import Answer, Choice, Command, Event, Start, Text, TimerFired, Unsupported
from bot.engine.state import CRISIS_FLOW, PASTE_FLOW, Profile, UserState

__all__ = [
    "CRISIS_FLOW", "MENU", "PASTE_FLOW", "Answer", "Button", "Cancel", "Choice", "Command",
    "Effect", "expected_input",
    "End", "Event", "Mark", "OfferDelete", "Profile", "Record", "Say", "Schedule", "ShowCrisis",
    "ShowSummary", "Start", "Text", "TimerFired", "Unsupported", "UserState", "screen", "step",
    "with_records",
]
