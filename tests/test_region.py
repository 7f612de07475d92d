"""Which country button comes first on a card, from Telegram's language_code (never stored)."""

from __future__ import annotations

import pytest

from bot.telegram.region import region_hint


@pytest.mark.parametrize(("code", "country"), [
    ("pt-br", "BR"), ("en-GB", "GB"), ("es_MX", "MX"), ("de", "DE"), ("ja", "JP"),
    ("sr-Latn-RS", "RS"),
])
def test_a_region_or_a_language_of_one_country_gives_a_hint(code: str, country: str) -> None:
    assert region_hint(code) == country


@pytest.mark.parametrize("code", [None, "", "en", "es", "pt", "fr", "ar", "zh-hans", "x",
                                  "en-419", "--", "en-ÄÖ"])
def test_a_language_spoken_in_many_countries_gives_none(code: str | None) -> None:
    assert region_hint(code) is None
