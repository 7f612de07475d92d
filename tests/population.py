"""A generated, deterministic population written into a real store file, with its true figures.

Each person is drawn from a seeded `random.Random`: the day they joined, how long they kept
answering check-ins, their urges (pull before and after, tactic, tool, outcome; some left
half-way), slips, and whether they moved to weekly check-ins after day 90. The rows go into
the real schema (its CHECK constraints apply) with the fields and values the bot records.
`Truth` is worked out from the generated people directly, not from the rows, so a test can
compare it with what the store's SQL computes.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOOLS = ("ride", "ground", "refocus", "remember", "reach_out")
TACTICS = ("love_bombing", "apology", "guilt", "self_harm_threat", "emergency", "anger",
           "flying_monkeys", "hey", "pretext", "missing")
OUTCOMES = ("did_not_reply", "still_want_to", "replied")
SLIPS = ("replied", "called", "met", "checked", "unblocked", "other")


@dataclass
class Person:
    user_id: int
    joined: date
    nc_start: date | None
    checkin_time: str | None
    mode: str
    checkin_days: list[int] = field(default_factory=list)  # day numbers answered (1 = joined)
    sent_days: list[int] = field(default_factory=list)
    urges: list[tuple[int, int, str, str, int | None, str | None]] = field(default_factory=list)
    slips: list[int] = field(default_factory=list)

    def day(self, n: int) -> date:
        return self.joined + timedelta(days=n - 1)


@dataclass
class Truth:
    people: int
    by_week: dict[str, int]
    eligible: dict[int, int]
    kept: dict[int, int]
    urges_started: int
    urges_finished: int
    pairs: list[tuple[int, int]]
    pair_people: int
    tools: Counter[str]
    tactics: Counter[str]
    slips: int
    person_days: int
    sent: int
    answered: int
    answered_people: int
    reached_90: int
    weekly_90: int


def generate(count: int, seed: int = 17, span_days: int = 120,
             first_id: int = 5_000_000) -> list[Person]:
    rng = random.Random(seed)
    today = NOW.date()
    people = []
    for i in range(count):
        joined = today - timedelta(days=rng.randrange(span_days))
        age = (today - joined).days + 1
        set_up = rng.random() < 0.85
        nc_start = joined - timedelta(days=rng.choice((0, 0, 7, 30))) if set_up else None
        person = Person(first_id + i, joined, nc_start, "20:00" if set_up else None, "daily")
        if nc_start and (today - nc_start).days + 1 > 90 and rng.random() < 0.4:
            person.mode = "weekly"
        elif set_up and rng.random() < 0.05:
            person.mode = "off"
        # Check-ins: answered with some chance each day until the person drifts away.
        stay = min(age, 1 + int(rng.expovariate(1 / 30))) if set_up else 0
        for d in range(1, stay + 1):
            person.sent_days.append(d)
            if rng.random() < 0.7:
                person.checkin_days.append(d)
        for d in range(stay + 1, min(age, stay + 3) + 1):  # a few unanswered after drifting
            person.sent_days.append(d)
        for _ in range(rng.choice((0, 0, 1, 2, 3, 5))):
            d = rng.randint(1, max(1, min(age, stay + 5)))
            before = rng.randint(3, 10)
            tactic, tool = rng.choice(TACTICS), rng.choice(TOOLS)
            if rng.random() < 0.8:  # finished: rated after and said how it went
                after = max(0, min(10, before - rng.randint(-1, 6)))
                person.urges.append((d, before, tactic, tool, after, rng.choice(OUTCOMES)))
            else:  # left half-way, after picking a tool
                person.urges.append((d, before, tactic, tool, None, None))
        if rng.random() < 0.25:
            person.slips = [rng.randint(1, age) for _ in range(rng.randint(1, 3))]
        people.append(person)
    return people


def write(people: list[Person], db_path: Path) -> None:
    """Insert the people into a store file that `Store.open` has already created."""
    users, records, due = [], [], []
    for p in people:
        users.append((p.user_id, p.joined.isoformat(), p.nc_start and p.nc_start.isoformat(),
                      p.checkin_time, p.mode))
        events: list[tuple[datetime, str, int | None, str | None]] = []
        for d in p.checkin_days:
            events.append((_at(p.day(d), 9), "pull_day", 4, None))
        for n, (d, before, tactic, tool, after, outcome) in enumerate(p.urges):
            base = _at(p.day(d), 10) + timedelta(minutes=n)
            events += [(base, "pull_before", before, None),
                       (base + timedelta(seconds=1), "tactic", None, tactic),
                       (base + timedelta(seconds=2), "tool", None, tool)]
            if after is not None:
                events += [(base + timedelta(seconds=3), "pull_after", after, None),
                           (base + timedelta(seconds=4), "outcome", None, outcome)]
        for n, d in enumerate(p.slips):
            events.append((_at(p.day(d), 11) + timedelta(minutes=n), "slip", None, "replied"))
        events.sort(key=lambda e: e[0])
        records += [(p.user_id, at.isoformat(), name, vi, vs) for at, name, vi, vs in events]
        for d in p.sent_days:
            at = _at(p.day(d), 9).isoformat()
            due.append((p.user_id, "checkin", p.day(d).isoformat(), at, at, at))
    db = sqlite3.connect(db_path)
    with db:
        db.executemany("INSERT INTO users (user_id, created_on, nc_start, checkin_time, checkins)"
                       " VALUES (?, ?, ?, ?, ?)", users)
        db.executemany("INSERT INTO records (user_id, at, field, value_int, value_id) "
                       "VALUES (?, ?, ?, ?, ?)", records)
        db.executemany("INSERT INTO due (user_id, kind, ref, due_at, claimed_at, sent_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", due)
    db.close()


def truth(people: list[Person]) -> Truth:
    """The figures, counted from the people as generated."""
    today = NOW.date()
    by_week: Counter[str] = Counter()
    eligible: Counter[int] = Counter()
    kept: Counter[int] = Counter()
    tools: Counter[str] = Counter()
    tactics: Counter[str] = Counter()
    pairs: list[tuple[int, int]] = []
    pair_people = reached = weekly = person_days = 0
    for p in people:
        year, week, _ = p.joined.isocalendar()
        by_week[f"{year}-W{week:02d}"] += 1
        age = (today - p.joined).days + 1
        for d in (7, 30, 60, 90):
            if age >= d:
                eligible[d] += 1
                if p.checkin_days and max(p.checkin_days) >= d:
                    kept[d] += 1
        mine = [(u[1], u[4]) for u in p.urges if u[4] is not None]
        pairs += mine
        pair_people += bool(mine)
        tools.update(u[3] for u in p.urges)
        tactics.update(u[2] for u in p.urges)
        days_with_answers = p.checkin_days + [u[0] for u in p.urges] + p.slips
        person_days += max(days_with_answers, default=1)
        if p.nc_start and p.checkin_time and (today - p.nc_start).days + 1 > 90:
            reached += 1
            weekly += p.mode == "weekly"
    return Truth(
        people=len(people), by_week=dict(by_week), eligible=dict(eligible), kept=dict(kept),
        urges_started=sum(len(p.urges) for p in people),
        urges_finished=sum(u[5] is not None for p in people for u in p.urges),
        pairs=pairs, pair_people=pair_people, tools=tools, tactics=tactics,
        slips=sum(len(p.slips) for p in people), person_days=person_days,
        sent=sum(len(p.sent_days) for p in people),
        answered=sum(len(p.checkin_days) for p in people),
        answered_people=sum(bool(p.checkin_days) for p in people),
        reached_90=reached, weekly_90=weekly)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
