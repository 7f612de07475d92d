"""A likely country from Telegram's `language_code`, to put one country button first.

Only a hint for the crisis card of someone who has not set a country: it is worked out per
update and never stored. A code with a region ("pt-br") gives that region; a bare language
gives a country only where one country clearly dominates its speakers ("de" -> DE, "ja" ->
JP). English, Spanish, Portuguese, French, Arabic and the like give None: any guess would be
wrong for too many people.
"""

from __future__ import annotations

#: Languages spoken mostly in one country (by far); every other language gives no hint.
_ONE_COUNTRY = {
    "bg": "BG", "cs": "CZ", "da": "DK", "de": "DE", "el": "GR", "et": "EE", "fi": "FI",
    "he": "IL", "hr": "HR", "hu": "HU", "id": "ID", "is": "IS", "it": "IT", "ja": "JP",
    "ka": "GE", "ko": "KR", "lt": "LT", "lv": "LV", "nb": "NO", "nl": "NL", "nn": "NO",
    "no": "NO", "pl": "PL", "ro": "RO", "sk": "SK", "sl": "SI", "sv": "SE", "th": "TH",
    "tr": "TR", "uk": "UA", "vi": "VN",
}


def region_hint(language_code: str | None) -> str | None:
    """ISO country for an IETF language tag, or None when it names none sensibly."""
    if not language_code:
        return None
    parts = language_code.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isascii() and part.isalpha():
            return part.upper()
    return _ONE_COUNTRY.get(parts[0].lower())
