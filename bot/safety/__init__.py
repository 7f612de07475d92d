"""Safety: crisis lines and risk-language detection, pure Python and no Telegram.

The shell reads free text here for risk and hoover tactics, keeps only the derived enum, and
drops the text (DESIGN invariant 1); the crisis card is built here so every screen shows the
same numbers in the same order.
"""

from bot.safety.assess import Assessment, Voice, assess
from bot.safety.crisis_lines import (
    Country,
    CrisisDirectory,
    Line,
    LineKind,
    crisis_card,
    load_crisis_directory,
)
from bot.safety.normalise import normalise
from bot.safety.risk import (
    RISK_PRIORITY,
    TACTICS,
    Risk,
    detect_risk,
    detect_risks,
    guess_tactic,
)

__all__ = [
    "Assessment",
    "Voice",
    "assess",
    "RISK_PRIORITY",
    "TACTICS",
    "Country",
    "CrisisDirectory",
    "Line",
    "LineKind",
    "Risk",
    "crisis_card",
    "detect_risk",
    "detect_risks",
    "guess_tactic",
    "load_crisis_directory",
    "normalise",
]
