"""The operator's "Is it helping?" report: text and a PNG, from already-suppressed figures.

Everything here formats an `Outcomes` that the store built from SQL aggregates; nothing reads
a person. A hidden figure (fewer than 10 people) prints as "<10" and is left out of the
picture, so the report cannot narrow anything down to one person either.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from bot.store.stats import MIN_PEOPLE, Figure, Outcomes

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

HIDDEN = f"<{MIN_PEOPLE}"
#: Published figures the retention curve is read against (README, "Is it helping?").
ANCHORS = (
    "SmokefreeTXT: 53.6 % of 18,080 people completed its 42-day programme",
    "mental-health apps: median day-30 retention about 3 %",
    "Wysa: median retention 51 days",
)
#: (day, share) points drawn on the picture as published references.
ANCHOR_POINTS = ((42, 0.536, "SmokefreeTXT day 42"), (30, 0.03, "apps day 30"))


def count(f: Figure) -> str:
    return HIDDEN if f.value is None else f"{round(f.value):,}"


def share(f: Figure) -> str:
    return HIDDEN if f.value is None else f"{100 * f.value:.0f} %"


def mean(f: Figure) -> str:
    return HIDDEN if f.value is None else f"{f.value:.1f}"


def _name(value: str) -> str:
    return value.replace("_", " ")


def _week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def report_text(o: Outcomes, now: datetime) -> str:
    """The report as plain text: counts and averages only, weeks at the finest."""
    weeks = " · ".join(f"{label} {count(f)}" for label, f in o.started_by_week) or "none yet"
    lines = [
        f"Is it helping? Figures for week {_week(now)}. Counts and averages only; "
        f'"{HIDDEN}" means fewer than {MIN_PEOPLE} people.',
        "",
        "PEOPLE",
        f"  Started, all weeks: {count(o.people)}",
        f"  Started per week: {weeks}",
        "",
        "STILL ANSWERING CHECK-INS (a check-in answered on that day or later, of the people "
        "who joined at least that long ago)",
    ]
    for r in o.retention:
        lines.append(f"  Day {r.day}: {count(r.kept)} of {count(r.eligible)} ({share(r.share)})")
    lines += [f"  Compare: {a}." for a in ANCHORS]
    lines += [
        "",
        "URGES",
        f"  Started: {count(o.urges_started)} · finished: {count(o.urges_finished)}",
        f"  Average pull before {mean(o.pull_before)}, after {mean(o.pull_after)} (0-10, "
        f"{count(o.pairs)} urges rated both); it fell in {share(o.pull_fell)} of them",
        "  Tools chosen: " + (" · ".join(f"{_name(v)} {count(f)}" for v, f in o.tools)
                              or "none yet"),
        "  Tactics met: " + (" · ".join(f"{_name(v)} {count(f)}" for v, f in o.tactics)
                             or "none yet"),
        "",
        "SLIPS",
        f"  {count(o.slips)} told: {mean(o.slips_per_100_weeks)} per 100 person-weeks "
        f"({count(o.person_weeks)} person-weeks, joining to last answer)",
        "",
        "CHECK-INS",
        f"  Answered: {count(o.checkins_answered)} of {count(o.checkins_sent)} sent",
        f"  Past day 90 with check-ins: {count(o.reached_day_90)}; of them on weekly "
        f"check-ins now: {count(o.weekly_after_90)}",
    ]
    return "\n".join(lines)


# -- the picture ---------------------------------------------------------------------------

W, H = 900, 420
BG, INK, GRID = (250, 248, 244), (40, 40, 48), (222, 218, 210)
CURVE, BEFORE, AFTER, ANCHOR = (94, 129, 172), (191, 120, 92), (110, 160, 120), (150, 150, 150)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def report_png(o: Outcomes, now: datetime) -> bytes:
    """Retention curve (left) and the average pull before/after an urge (right)."""
    from PIL import Image, ImageDraw  # only when a picture is asked for: text stays quick

    img = Image.new("RGB", (W, H), BG)
    d = ImageDraw.Draw(img)
    title, small = _font(20), _font(14)
    d.text((20, 12), f"Is it helping? Week {_week(now)}", fill=INK, font=title)
    _retention(d, o, (60, 70, 540, 360), small)
    _pull(d, o, (620, 70, 860, 360), small)
    d.text((20, H - 28), f'Hidden: figures from fewer than {MIN_PEOPLE} people ("{HIDDEN}").',
           fill=ANCHOR, font=small)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _retention(d: ImageDraw.ImageDraw, o: Outcomes, box: tuple[int, int, int, int],
               font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    left, top, right, bottom = box
    d.text((left, top - 28), "Still answering check-ins (% of those who joined long enough ago)",
           fill=INK, font=font)

    def xy(day: float, value: float) -> tuple[float, float]:
        return (left + (right - left) * day / 90, bottom - (bottom - top) * value)

    for level in (0, 0.25, 0.5, 0.75, 1):
        y = xy(0, level)[1]
        d.line((left, y, right, y), fill=GRID)
        d.text((left - 44, y - 8), f"{level * 100:.0f}%", fill=INK, font=font)
    points = [xy(0, 1.0)]
    for r in o.retention:
        x = xy(r.day, 0)[0]
        d.text((x - 14, bottom + 6), f"day {r.day}", fill=INK, font=font)
        if r.share.value is None:
            d.text((x - 10, bottom - 22), HIDDEN, fill=ANCHOR, font=font)
            continue
        point = xy(r.day, r.share.value)
        points.append(point)
        d.ellipse((point[0] - 5, point[1] - 5, point[0] + 5, point[1] + 5), fill=CURVE)
        d.text((point[0] + 8, point[1] - 18), share(r.share), fill=CURVE, font=font)
    if len(points) > 1:
        d.line(points, fill=CURVE, width=3)
    for day, value, label in ANCHOR_POINTS:
        x, y = xy(day, value)
        d.rectangle((x - 4, y - 4, x + 4, y + 4), outline=ANCHOR, width=2)
        d.text((x + 8, y - 6), label, fill=ANCHOR, font=font)


def _pull(d: ImageDraw.ImageDraw, o: Outcomes, box: tuple[int, int, int, int],
          font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    left, top, right, bottom = box
    d.text((left - 20, top - 28), "Average pull (0-10), before and after",
           fill=INK, font=font)
    for level in (0, 5, 10):
        y = bottom - (bottom - top) * level / 10
        d.line((left, y, right, y), fill=GRID)
        d.text((left - 24, y - 8), str(level), fill=INK, font=font)
    width = (right - left) // 5
    for i, (label, f, colour) in enumerate((("before", o.pull_before, BEFORE),
                                            ("after", o.pull_after, AFTER))):
        x = left + width * (1 + 2 * i)
        d.text((x, bottom + 6), label, fill=INK, font=font)
        if f.value is None:
            d.text((x + 4, bottom - 22), HIDDEN, fill=ANCHOR, font=font)
            continue
        y = bottom - (bottom - top) * f.value / 10
        d.rectangle((x, y, x + width, bottom), fill=colour)
        d.text((x + 4, y - 20), mean(f), fill=INK, font=font)
    if o.pull_fell.value is not None:
        d.text((left, bottom + 26), f"it fell in {share(o.pull_fell)} of urges",
               fill=INK, font=font)
