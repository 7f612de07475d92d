"""The check-in texts (`content/checkins.yaml`): one message per day 1-90, and the rest.

Checked like the flows: every problem is listed with the file and the day named, so a
content writer sees the whole list at once (`python -m bot check-content`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.loader import DEFAULT_ROOT, MAX_TEXT, ContentError, Problem

FILE = "checkins.yaml"
DAYS = 90
MILESTONES = (1, 3, 7, 14, 21, 30, 45, 60, 75, 90)
PHASES = {"week1": (1, 7), "weeks2_4": (8, 28), "month2": (29, 60), "month3": (61, 90)}
TEXTS = ("first_line", "question", "milestone", "graduation", "weekly", "hard_today",
         "hard_tomorrow", "summary", "summary_empty", "answered", "paused", "stopped")
#: Room for the first line, a milestone header and a hard-date note around a day's text.
_ROOM = 600


@dataclass(frozen=True)
class CheckinTexts:
    days: dict[int, str]
    texts: dict[str, str]
    milestones: tuple[int, ...] = MILESTONES
    phases: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(PHASES))

    def __getattr__(self, name: str) -> str:
        texts = self.__dict__.get("texts", {})
        if name in texts:
            return texts[name]
        raise AttributeError(name)

    def day(self, number: int) -> str:
        return self.days[min(max(number, 1), DAYS)]


def check_checkins(root: Path = DEFAULT_ROOT) -> tuple[CheckinTexts | None, list[Problem]]:
    path = root / FILE
    try:
        data = yaml.safe_load(path.read_bytes())
    except OSError as exc:
        return None, [Problem(FILE, None, f"cannot read: {exc.strerror}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        return None, [Problem(FILE, None, f"not valid YAML{where}")]
    if not isinstance(data, dict):
        return None, [Problem(FILE, None, "must be a mapping")]
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for name in TEXTS:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(FILE, None, f"'{name}' is missing or empty"))
        else:
            texts[name] = value.strip()
            if len(value) + _ROOM > MAX_TEXT:
                problems.append(Problem(FILE, None, f"'{name}' is over {MAX_TEXT - _ROOM} "
                                                    "characters"))
    for name in set(data) - set(TEXTS) - {"days", "milestones"}:
        problems.append(Problem(FILE, None, f"unknown key '{name}'"))
    milestones = data.get("milestones")
    if sorted(milestones or []) != list(MILESTONES):
        problems.append(Problem(FILE, None, f"milestones must be exactly {list(MILESTONES)}"))
    raw_days = data.get("days")
    days: dict[int, str] = {}
    if not isinstance(raw_days, dict):
        problems.append(Problem(FILE, None, "'days' must map each day 1-90 to its message"))
        raw_days = {}
    for key, text in raw_days.items():
        if not isinstance(key, int) or not 1 <= key <= DAYS:
            problems.append(Problem(FILE, f"day {key}", "not a day number from 1 to 90"))
        elif not isinstance(text, str) or not text.strip():
            problems.append(Problem(FILE, f"day {key}", "message is empty"))
        elif len(text) + _ROOM > MAX_TEXT:
            problems.append(Problem(FILE, f"day {key}",
                                    f"message over {MAX_TEXT - _ROOM} characters: {len(text)}"))
        else:
            days[key] = text.strip()
    for number in range(1, DAYS + 1):
        if number not in raw_days:
            problems.append(Problem(FILE, f"day {number}", "missing: every day 1-90 needs one"))
    for name in ("milestone", "graduation", "hard_today", "hard_tomorrow"):
        if "{" in texts.get(name, "") and name != "milestone":
            problems.append(Problem(FILE, None, f"'{name}' takes no placeholders"))
    if "milestone" in texts and "{day}" not in texts["milestone"]:
        problems.append(Problem(FILE, None, "'milestone' must say which day: use {day}"))
    if problems:
        return None, problems
    return CheckinTexts(days=days, texts=texts), []


def load_checkins(root: Path = DEFAULT_ROOT) -> CheckinTexts:
    texts, problems = check_checkins(root)
    if problems or texts is None:
        raise ContentError(problems)
    return texts
