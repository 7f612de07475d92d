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
         "hard_tomorrow", "summary", "summary_empty", "answered", "paused", "stopped",
         "answered_high", "wellbeing_question")
#: Answers to the how-are-you question (never stored): each needs its reply.
WELLBEING = ("ok", "sleep", "low", "dark")
#: Weekly texts after day 90, by stretch of the first year (004's timeline).
AFTER90 = ("months3_6", "months6_12")
#: The last day of the months 3-6 stretch.
MONTH6 = 180
#: Room for the first line, a milestone header and a hard-date note around a day's text.
_ROOM = 600


@dataclass(frozen=True)
class CheckinTexts:
    days: dict[int, str]
    texts: dict[str, str]
    wellbeing: dict[str, str] = field(default_factory=dict)
    after90: dict[str, tuple[str, ...]] = field(default_factory=dict)
    milestones: tuple[int, ...] = MILESTONES
    phases: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(PHASES))

    def __getattr__(self, name: str) -> str:
        texts = self.__dict__.get("texts", {})
        if name in texts:
            return texts[name]
        raise AttributeError(name)

    def day(self, number: int) -> str:
        return self.days[min(max(number, 1), DAYS)]

    def week(self, number: int) -> str:
        """The weekly text for day `number` (> 90): its stretch of the year, in turn."""
        stretch = "months3_6" if number <= MONTH6 else "months6_12"
        texts = self.after90.get(stretch) or (self.texts.get("weekly", ""),)
        first = DAYS if stretch == "months3_6" else MONTH6
        return texts[max((number - first - 1) // 7, 0) % len(texts)]


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
    wellbeing = _text_map(data.get("wellbeing"), "wellbeing", WELLBEING, problems)
    after90: dict[str, tuple[str, ...]] = {}
    raw_after = data.get("after90")
    if not isinstance(raw_after, dict):
        problems.append(Problem(FILE, None, f"'after90' must map {list(AFTER90)} to texts"))
        raw_after = {}
    for stretch in AFTER90:
        items = raw_after.get(stretch)
        if (not isinstance(items, list) or not items
                or not all(isinstance(t, str) and t.strip() for t in items)):
            problems.append(Problem(FILE, f"after90 {stretch}", "needs a list of texts"))
            continue
        after90[stretch] = tuple(t.strip() for t in items)
        for text in after90[stretch]:
            if len(text) + _ROOM > MAX_TEXT:
                problems.append(Problem(FILE, f"after90 {stretch}", "a text is too long"))
    for name in set(raw_after) - set(AFTER90):
        problems.append(Problem(FILE, f"after90 {name}", "unknown stretch"))
    for name in set(data) - set(TEXTS) - {"days", "milestones", "wellbeing", "after90"}:
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
    return CheckinTexts(days=days, texts=texts, wellbeing=wellbeing, after90=after90), []


def _text_map(raw: object, name: str, keys: tuple[str, ...],
              problems: list[Problem]) -> dict[str, str]:
    """A mapping of exactly `keys` to non-empty texts; every gap is reported."""
    out: dict[str, str] = {}
    raw = raw if isinstance(raw, dict) else {}
    for key in keys:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(FILE, f"{name} {key}", "missing or empty"))
        else:
            out[key] = value.strip()
    for key in set(raw) - set(keys):
        problems.append(Problem(FILE, f"{name} {key}", "unknown answer"))
    return out


def load_checkins(root: Path = DEFAULT_ROOT) -> CheckinTexts:
    texts, problems = check_checkins(root)
    if problems or texts is None:
        raise ContentError(problems)
    return texts
