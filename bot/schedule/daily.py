"""Daily check-ins on the due-queue: keep one pending row per person, decide what is sent.

The decisions are in `bot.schedule.checkins` (pure); this module applies them to the store.
It never talks to Telegram: `bot.telegram.checkin_sender` words and sends what was claimed.

Ordering, so a crash loses at most the one message in flight and never sends one twice:
the claim of a row, the decision to send or skip it, and the insertion of the next row all
commit in one transaction; only then is the message sent. UNIQUE(user_id, kind, ref) with
ref = the local date makes a second check-in on one local day impossible.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.schedule import checkins as plan
from bot.store import DueRow, Store

log = logging.getLogger(__name__)

KIND = "checkin"
PULL_FIELD = "pull_day"
WEEKLY_FIRST_LINE = "Weekly check-in"
SUMMARY_FIRST_LINE = "Weekly summary"
PREFIX = "!ci:"


async def reschedule(store: Store, user_id: int, now: datetime) -> plan.Slot | None:
    """Replace the person's pending check-in with the next one their settings give.

    Call inside `store.transaction()`. A local day that already had its check-in (claimed)
    is never given a second one.
    """
    await store.cancel(user_id, KIND)
    user = await store.user(user_id)
    schedule = plan.plan_for(user)
    if schedule is None:
        return None
    last = await store.last_claimed(user_id, KIND)
    slot = plan.next_checkin(schedule, now, after=date.fromisoformat(last) if last else None)
    if slot is not None:
        await store.schedule(user_id, KIND, slot.local_date.isoformat(), slot.due)
    return slot


async def on_claimed(store: Store, row: DueRow, now: datetime) -> bool:
    """Decide, inside the claiming transaction, whether to send `row`; queue the next one.

    After downtime a check-in less than 3 hours late is still sent (unless it would now land
    in quiet hours); an older one is skipped. Either way the next one is queued for a later
    local day than both the row's day and today, so no local day gets two.
    """
    user = await store.user(row.user_id)
    schedule = plan.plan_for(user)
    if schedule is None:
        return False
    local_today = now.astimezone(schedule.zone).date()
    ref = date.fromisoformat(row.ref)
    send = (plan.deliverable(schedule, row.due_at, now)
            and plan.wanted(schedule, plan.day_number(schedule, ref)))
    after = max(ref, local_today) if send else ref
    await store.cancel(row.user_id, KIND)
    slot = plan.next_checkin(schedule, now, after=after)
    if slot is not None:
        await store.schedule(row.user_id, KIND, slot.local_date.isoformat(), slot.due)
    return send


#: A pull from here up is answered with "ride it out" and crisis help, not just "noted".
HIGH_PULL = 8
#: The how-are-you answers (004 step 9 and 11); none is stored, "dark" opens crisis help.
WELLBEING_BUTTONS = (("ok", "🙂 Getting by"), ("sleep", "😴 Sleeping badly"),
                     ("low", "🌧 Low most days"), ("dark", "⚠️ Thoughts of not wanting to live"))


def asks_wellbeing(day: int, weekly: bool) -> bool:
    """Once a week: every weekly check-in, and days 5, 12, 19 ... of the first ninety."""
    return weekly or day % 7 == 5


def summary_due(day: int) -> bool:
    """Days 8, 15, ... of the first ninety: the week just done comes before the check-in."""
    return day > 1 and day % 7 == 1 and day <= plan.DAYS


def week_values(answers: list[tuple[datetime, int]], days: list[date],
                tz: str) -> list[int | None]:
    """The last answer given on each local day (None where there was none)."""
    zone = plan.zone(tz)
    by_day: dict[date, int] = {}
    for at, value in answers:
        by_day[at.astimezone(zone).date()] = value
    return [by_day.get(d) for d in days]


#: Quiet-hours choices in set-up and /checkins ("none": start == end, no quiet hours).
QUIET = {"q22_07": ("22:00", "07:00"), "q23_08": ("23:00", "08:00"),
         "q21_06": ("21:00", "06:00"), "q00_06": ("00:00", "06:00"), "none": ("00:00", "00:00")}
PAUSE_DAYS = {"d1": 1, "d3": 3, "d7": 7, "d14": 14, "d30": 30}
HARD_LABELS = ("my_birthday", "their_birthday", "anniversary", "breakup", "holiday", "other")
#: Recorded fields after which the pending check-in is worked out again.
RESCHEDULE = {"country", "tz", "tz_zone", "checkin_time", "quiet", "checkins_mode", "pause",
              "nc_start", "nc_since", "run"}


async def record_setting(store: Store, user_id: int, name: str, value: str | int,
                         today: date) -> bool:
    """Store a check-in setting recorded by a flow; False if `name` is not one of them."""
    from bot.schedule.zones import ZONES

    value = str(value)
    if name == "tz_zone" and value in ZONES:
        await store.set_profile(user_id, tz=ZONES[value])
    elif name == "quiet" and value in QUIET:
        start, end = QUIET[value]
        await store.set_profile(user_id, quiet_start=start, quiet_end=end)
    elif name == "checkins_mode" and value in ("daily", "weekly", "off", "resume"):
        mode = "daily" if value == "resume" else value
        await store.set_profile(user_id, checkins=mode, paused_until=None)
    elif name == "pause" and value in PAUSE_DAYS:
        until = today + timedelta(days=PAUSE_DAYS[value])
        await store.set_profile(user_id, checkins="paused", paused_until=until.isoformat())
    elif name.startswith("hard_") and name[5:] in HARD_LABELS:
        if len(value) == 5 and value[2] == "-":
            await store.add_hard_date(user_id, value, name[5:])
    elif name == "hard_clear":
        await store.clear_hard_dates(user_id)
    else:
        return False
    return True


async def setting_changed(store: Store, user_id: int, name: str, value: str | int,
                          now: datetime) -> None:
    """After a recorded setting: a country with one zone sets it; the check-in is re-planned."""
    if name not in RESCHEDULE:
        return
    if name == "country":
        from bot.schedule.zones import country_tz

        zone_name = country_tz(str(value))
        if zone_name:
            await store.set_profile(user_id, tz=zone_name)
    await reschedule(store, user_id, now)
