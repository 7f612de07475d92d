"""Turn a typed answer into a value: a country code, a date, or a time of day.

Typing is only ever an alternative to buttons. The text is read here and dropped; only the
value (``de``, ``2026-01-05``, ``08:30``) goes on.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from bot.safety import CrisisDirectory
from bot.schedule.zones import zone_for_local_time

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# re.ASCII: \d would otherwise match any script's digits, and int() of some is an error.
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$",
                   re.I | re.ASCII)
#: The earliest start date taken: no-contact runs longer than a lifetime are a typo.
OLDEST = timedelta(days=100 * 365)


def parse(kind: str, text: str, directory: CrisisDirectory,
          today: date | None = None, now: datetime | None = None) -> str | None:
    text = text.strip()[:100]
    if kind == "country":
        return parse_country(text, directory)
    if kind == "date":
        found = parse_date(text)
        today = today or (now or datetime.now(UTC)).date()
        if found and today - OLDEST <= found <= today:
            return found.isoformat()
        return None
    if kind == "time":
        return parse_time(text)
    if kind == "localtime":
        # Only the zone the clock implies is kept, never the typed text.
        typed = parse_time(text)
        return zone_for_local_time(typed, now or datetime.now(UTC)) if typed else None
    if kind == "monthday":
        return parse_month_day(text)
    if kind == "letter":  # the unsent letter: only the fact that one was written goes on
        return "written" if text else None
    return None


def parse_month_day(text: str) -> str | None:
    """A yearly date: 25 December, Dec 25, 25.12, 12-25 (month first only with a dash)."""
    text = text.lower().replace(",", " ").strip()
    found = parse_date(text)
    if found:
        return found.strftime("%m-%d")
    day = month = None
    if re.fullmatch(r"\d{1,2}-\d{1,2}", text, re.ASCII):
        month, day = (int(p) for p in text.split("-"))
    elif re.fullmatch(r"\d{1,2}[./]\d{1,2}\.?", text, re.ASCII):
        day, month = (int(p) for p in re.split(r"[./]", text.rstrip("."))[:2])
    else:
        words = text.split()
        numbers = _numbers(words)
        named = next((_MONTHS[w[:3]] for w in words if w[:3] in _MONTHS), None)
        if named and len(numbers) == 1:
            day, month = numbers[0], named
    if day is None or month is None:
        return None
    try:
        return date(2000, month, day).strftime("%m-%d")  # 2000 is a leap year: 02-29 is fine
    except (ValueError, OverflowError):
        return None


def parse_country(text: str, directory: CrisisDirectory) -> str | None:
    matches = directory.search(text)
    return matches[0].iso2.lower() if matches else None


def parse_date(text: str) -> date | None:
    """ISO (2026-03-01), day.month.year (1.3.2026), or with a month name (3 March 2026)."""
    text = text.lower().replace(",", " ")
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    words = text.split()
    numbers = _numbers(words)
    month = next((_MONTHS[w[:3]] for w in words if w[:3] in _MONTHS), None)
    if month is None or len(numbers) != 2:
        return None
    day, year = sorted(numbers)
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):  # 31 February; a year past 9999
        return None


def _numbers(words: list[str]) -> list[int]:
    """Whole numbers among the words (3rd, 21st too), ASCII digits only.

    "²".isdigit() is True but int("²") raises; other scripts' digits are refused as well.
    """
    out = []
    for word in words:
        bare = word.rstrip("stndrh")
        if bare.isascii() and bare.isdigit() and len(bare) <= 4:
            out.append(int(bare))
    return out


def parse_time(text: str) -> str | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix and not 1 <= hour <= 12:
        return None
    if suffix == "pm" and hour != 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"
