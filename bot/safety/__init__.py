"""Safety: crisis lines and risk-language detection, pure Python and no Telegram.

The shell reads free text here for risk and hoover tactics, keeps only the derived enum, and
drops the text (DESIGN invariant 1); the crisis card is built here so every screen shows the
same numbers in the same order.
"""

from bot.safety.crisis_lines import (
    Country,
    CrisisDirectory,
    Line,
    LineKind,
    crisis_card,
    load_crisis_directory,
)

__all__ = [
    "Country",
    "CrisisDirectory",
    "Line",
    "LineKind",
    "crisis_card",
    "load_crisis_directory",
]
