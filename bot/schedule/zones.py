"""Time zones from a country, a short pick list, or the person's local time.

Set-up asks for the country (for crisis lines) and derives the time zone from it where the
country has one; where it has several, set-up shows a short pick list (ids below, declared in
content/fields.yaml as `tz_zone`); anywhere else "tell me your local time" gives a fixed
offset. A fixed offset does not follow daylight saving, so the check-in text of /checkins
says how to correct it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import TZPATH, ZoneInfo

#: Pick-list ids (content-safe: lower case) -> IANA zone.
ZONES: dict[str, str] = {
    "us_eastern": "America/New_York",
    "us_central": "America/Chicago",
    "us_mountain": "America/Denver",
    "us_arizona": "America/Phoenix",
    "us_pacific": "America/Los_Angeles",
    "us_alaska": "America/Anchorage",
    "us_hawaii": "Pacific/Honolulu",
    "ca_newfoundland": "America/St_Johns",
    "ca_atlantic": "America/Halifax",
    "ca_eastern": "America/Toronto",
    "ca_central": "America/Winnipeg",
    "ca_saskatchewan": "America/Regina",
    "ca_mountain": "America/Edmonton",
    "ca_pacific": "America/Vancouver",
    "au_eastern": "Australia/Sydney",
    "au_queensland": "Australia/Brisbane",
    "au_south": "Australia/Adelaide",
    "au_north": "Australia/Darwin",
    "au_west": "Australia/Perth",
}
#: Countries with more than one zone get a pick list in set-up (the prefix of ZONES ids).
MULTI = {"US": "us", "CA": "ca", "AU": "au"}
#: Single-zone countries people often pick, so no system file is needed for them.
SINGLE: dict[str, str] = {
    "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin", "FR": "Europe/Paris",
    "ES": "Europe/Madrid", "IN": "Asia/Kolkata", "NZ": "Pacific/Auckland",
    "NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "AT": "Europe/Vienna",
    "CH": "Europe/Zurich", "IT": "Europe/Rome", "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo", "DK": "Europe/Copenhagen", "FI": "Europe/Helsinki",
    "PL": "Europe/Warsaw", "ZA": "Africa/Johannesburg", "SG": "Asia/Singapore",
    "PH": "Asia/Manila", "JP": "Asia/Tokyo", "IL": "Asia/Jerusalem", "NG": "Africa/Lagos",
    "KE": "Africa/Nairobi", "PK": "Asia/Karachi",
}
#: Offsets that are not whole hours, as a real zone with that offset (Etc/ has only hours).
_ODD_OFFSETS = {
    (3, 30): "Asia/Tehran", (4, 30): "Asia/Kabul", (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu", (6, 30): "Asia/Yangon", (9, 30): "Australia/Darwin",
    (10, 30): "Australia/Lord_Howe", (-3, -30): "America/St_Johns",
    (-9, -30): "Pacific/Marquesas", (8, 45): "Australia/Eucla", (12, 45): "Pacific/Chatham",
}


def country_tz(country: str | None) -> str | None:
    """The zone of a country with exactly one; None where set-up must ask."""
    if not country:
        return None
    code = country.upper()
    if code in MULTI:
        return None
    if code in SINGLE:
        return SINGLE[code]
    zones = _zone_tab().get(code, [])
    return zones[0] if len(zones) == 1 else None


@cache
def _zone_tab() -> dict[str, list[str]]:
    for folder in TZPATH:
        try:
            with open(f"{folder}/zone.tab", encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        out: dict[str, list[str]] = {}
        for line in lines:
            if line and not line.startswith("#"):
                parts = line.split("\t")
                if len(parts) >= 3:
                    out.setdefault(parts[0], []).append(parts[2])
        return out
    return {}


def zone_for_local_time(local_hhmm: str, now: datetime) -> str | None:
    """A zone whose clock reads `local_hhmm` at `now` (to the nearest quarter hour)."""
    hour, minute = (int(p) for p in local_hhmm.split(":"))
    utc = now.astimezone(ZoneInfo("UTC"))
    typed = utc.replace(hour=hour, minute=minute, second=0, microsecond=0)
    diff = typed - utc.replace(second=0, microsecond=0)
    # The typed clock may be on the previous or next UTC day: pick the nearest offset.
    while diff > timedelta(hours=14):
        diff -= timedelta(days=1)
    while diff <= timedelta(hours=-12):
        diff += timedelta(days=1)
    quarters = round(diff.total_seconds() / 900)
    if not -48 <= quarters <= 56:
        return None
    total = quarters * 15
    hours, minutes = int(total / 60), total - int(total / 60) * 60
    if minutes == 0:
        # Etc/GMT signs are POSIX-inverted: UTC+2 is "Etc/GMT-2".
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return _ODD_OFFSETS.get((hours, minutes)) or f"Etc/GMT{-round(total / 60):+d}"
