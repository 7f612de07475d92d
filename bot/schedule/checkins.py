"""When the next check-in is due, and what it is: pure functions, no clock, no I/O.

Every decision about daily check-ins lives here so it can be tested over a simulated 90 days
in several time zones: the local slot (the chosen time, moved to the end of quiet hours when
it falls inside them), DST-correct conversion with `zoneinfo`, pauses, the day number, phase
and milestones, and the lateness rule applied after downtime.

A check-in belongs to the local date on which it is delivered (the due row's `ref`), so "one
per local day" is the store's UNIQUE(user_id, kind, ref) and cannot be broken by a retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = 90
MILESTONES = (1, 3, 7, 14, 21, 30, 45, 60, 75, 90)
#: Weekly check-ins after graduation run to the end of the first year.
LAST_WEEKLY_DAY = 365
#: A check-in found later than this after downtime is skipped, not sent.
LATE_LIMIT = timedelta(hours=3)
DEFAULT_QUIET = ("22:00", "07:00")


@dataclass(frozen=True)
class Plan:
    """What the scheduler needs to know about one person (read from their user row)."""

    tz: str
    checkin_time: str  # HH:MM, local
    nc_start: date  # day 1 is this date
    mode: str = "daily"  # daily | weekly | paused | off
    quiet_start: str = DEFAULT_QUIET[0]
    quiet_end: str = DEFAULT_QUIET[1]
    paused_until: date | None = None  # no check-in on a local date before this

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)


@dataclass(frozen=True)
class Slot:
    due: datetime  # UTC
    local_date: date  # the date the check-in belongs to (its due row's ref)
    day: int  # 1 on nc_start


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError, OSError):  # a malformed or removed zone name: fall back
        return ZoneInfo("UTC")


def hm(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(hour, minute)


def in_quiet(local: datetime, quiet_start: str, quiet_end: str) -> bool:
    """Quiet hours are [start, end) on the wall clock; start > end wraps past midnight."""
    start, end, now = hm(quiet_start), hm(quiet_end), local.time().replace(tzinfo=None)
    if start == end:
        return False  # no quiet hours
    if start < end:
        return start <= now < end
    return now >= start or now < end


def out_of_quiet(moment: datetime, tz: str, quiet_start: str, quiet_end: str) -> datetime:
    """`moment` itself, or the end of the quiet hours it falls in (a wall-clock time)."""
    zi = zone(tz)
    local = moment.astimezone(zi)
    if not in_quiet(local, quiet_start, quiet_end):
        return moment
    end = hm(quiet_end)
    target = _wall(local.date(), end, zi)
    if target <= local:
        target = _wall(local.date() + timedelta(days=1), end, zi)
    return target.astimezone(moment.tzinfo or UTC)


def _wall(day: date, at: time, zi: ZoneInfo) -> datetime:
    """`day` at wall-clock `at`. A time skipped by DST lands just after the gap (fold=0)."""
    naive = datetime.combine(day, at)
    # Round-trip through UTC so a non-existent local time becomes a real instant.
    return naive.replace(tzinfo=zi).astimezone(UTC).astimezone(zi)


def day_number(plan: Plan, local_date: date) -> int:
    return (local_date - plan.nc_start).days + 1


def wanted(plan: Plan, day: int) -> bool:
    """Is there a check-in on this day of no contact?"""
    if day < 1:
        return False
    if plan.mode in ("daily", "paused"):
        return day <= DAYS
    if plan.mode == "weekly":
        return DAYS < day <= LAST_WEEKLY_DAY and (day - DAYS) % 7 == 0
    return False


def slot_on(plan: Plan, day: date) -> Slot:
    """The check-in planned for local date `day`, moved out of quiet hours if need be."""
    zi = plan.zone
    at = _wall(day, hm(plan.checkin_time), zi)
    moved = out_of_quiet(at, plan.tz, plan.quiet_start, plan.quiet_end).astimezone(zi)
    local_date = moved.date()
    return Slot(moved.astimezone(UTC), local_date, day_number(plan, local_date))


def next_checkin(plan: Plan, now: datetime, after: date | None = None) -> Slot | None:
    """The first check-in due after `now` on a local date after `after` (if given).

    Returns None when no check-in is left (stopped, or past the last day).
    """
    if plan.mode == "off":
        return None
    zi = plan.zone
    today = now.astimezone(zi).date()
    start = max(today - timedelta(days=1), plan.nc_start - timedelta(days=1))
    if after is not None:
        start = max(start, after)
    if plan.paused_until is not None:
        start = max(start, plan.paused_until - timedelta(days=1))
    last = plan.nc_start + timedelta(days=LAST_WEEKLY_DAY + 1)
    day = start
    while day <= last:
        slot = slot_on(plan, day)
        if (slot.due > now and (after is None or slot.local_date > after)
                and (plan.paused_until is None or slot.local_date >= plan.paused_until)
                and wanted(plan, slot.day)):
            return slot
        if plan.mode in ("daily", "paused") and slot.day > DAYS + 1:
            return None
        day += timedelta(days=1)
    return None


def deliverable(plan: Plan, due: datetime, now: datetime) -> bool:
    """A claimed check-in is sent only if under 3 hours late and not now in quiet hours."""
    if now - due > LATE_LIMIT:
        return False
    return not in_quiet(now.astimezone(plan.zone), plan.quiet_start, plan.quiet_end)


def phase(day: int) -> str:
    if day <= 7:
        return "week1"
    if day <= 28:
        return "weeks2_4"
    if day <= 60:
        return "month2"
    if day <= DAYS:
        return "month3"
    return "weekly"


def is_milestone(day: int) -> bool:
    return day in MILESTONES


def near_hard_date(local_date: date, month_days: list[str]) -> str | None:
    """'today' or 'tomorrow' when a hard date ('MM-DD') is today or tomorrow, else None."""
    today = local_date.strftime("%m-%d")
    tomorrow = (local_date + timedelta(days=1)).strftime("%m-%d")
    if today in month_days:
        return "today"
    if tomorrow in month_days:
        return "tomorrow"
    return None


def plan_for(user: dict | None) -> Plan | None:
    """The check-in plan of a user row, or None when there is nothing to schedule.

    Check-ins start once the person has a time zone and a check-in time, and stop while they
    have blocked the bot (`active` 0) or chose "off". Day 1 is their no-contact start, or
    the day they first met the bot when they skipped that question.
    """
    if not user or not user.get("active") or not user.get("tz") or not user.get("checkin_time"):
        return None
    mode = user.get("checkins") or "daily"
    if mode == "off":
        return None
    start = user.get("nc_start") or user.get("created_on")
    paused = user.get("paused_until")
    return Plan(
        tz=user["tz"], checkin_time=user["checkin_time"], nc_start=date.fromisoformat(start),
        mode=mode, quiet_start=user.get("quiet_start") or DEFAULT_QUIET[0],
        quiet_end=user.get("quiet_end") or DEFAULT_QUIET[1],
        paused_until=date.fromisoformat(paused) if paused and mode == "paused" else None)
