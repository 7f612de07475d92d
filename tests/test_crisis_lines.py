"""The crisis directory and card: what someone in trouble reads first must be right."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.safety.crisis_lines import (
    DEFAULT_PATH,
    DOUBLE_CHECK,
    MAX_CARD_CHARS,
    CrisisDirectory,
    LineKind,
    crisis_card,
    load_crisis_directory,
)

RISKS = [None, "self_harm", "danger", "children"]
CHECKED = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def directory() -> CrisisDirectory:
    return load_crisis_directory()


# -- the file -------------------------------------------------------------------------------


def test_file_has_at_least_30_countries_with_unique_codes(directory: CrisisDirectory) -> None:
    codes = [c.iso2 for c in directory.countries]
    assert len(codes) >= 30
    assert len(codes) == len(set(codes))


def test_every_country_has_a_sourced_emergency_number(directory: CrisisDirectory) -> None:
    for country in directory.countries:
        assert re.search(r"\d", country.emergency.number), country.iso2
        assert country.emergency.sources, country.iso2
        assert country.emergency.checked == CHECKED


def test_every_line_has_sources_a_checked_date_and_a_way_to_reach_it(
    directory: CrisisDirectory,
) -> None:
    for country in directory.countries:
        for line in country.lines:
            assert line.sources, line.name
            assert line.checked == CHECKED, line.name
            assert line.phone or line.sms, line.name
            assert line.confidence in {"confirmed", "single-source"}, line.name


def test_conflicting_lines_are_left_out() -> None:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for country in raw["countries"]:
        for line in country["lines"]:
            assert line["confidence"] != "conflicting", line["name"]
    assert "Telefono Amico" not in crisis_card(load_crisis_directory(), "IT", None)


def test_default_path_is_the_repo_content_folder() -> None:
    assert Path(__file__).resolve().parents[1] / "content" / "crisis_lines.yaml" == DEFAULT_PATH


def test_a_duplicated_country_is_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["countries"].append(raw["countries"][0])
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        load_crisis_directory(path)


def test_a_line_without_sources_is_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["countries"][0]["lines"][0]["sources"] = []
    path = tmp_path / "nosource.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError):
        load_crisis_directory(path)


# -- the card -------------------------------------------------------------------------------


def _positions(card: str, names: list[str]) -> list[int]:
    return [card.index(name) for name in names]


@pytest.mark.parametrize("risk", RISKS)
def test_every_card_starts_with_the_emergency_number_and_ends_with_findahelpline(
    directory: CrisisDirectory, risk: str | None
) -> None:
    for country in directory.countries:
        card = crisis_card(directory, country.iso2, risk)
        first, *_ = card.splitlines()
        assert country.emergency.number in first, country.iso2
        assert card.rstrip().endswith("https://findahelpline.com"), country.iso2
        assert "2026-11-21" in card
        assert len(card) < MAX_CARD_CHARS


def test_someone_in_danger_from_him_sees_the_abuse_line_before_the_suicide_line(
    directory: CrisisDirectory,
) -> None:
    card = crisis_card(directory, "GB", "danger")
    dv, suicide = _positions(card, ["0808 2000 247", "116 123"])
    assert card.splitlines()[0].endswith("call 999 or 112.")
    assert dv < suicide


def test_a_parent_worried_for_their_children_sees_the_abuse_line_first(
    directory: CrisisDirectory,
) -> None:
    card = crisis_card(directory, "DE", "children")
    assert "child" in card.splitlines()[0]
    dv, suicide = _positions(card, ["116 016", "0800 111 0 111"])
    assert dv < suicide


def test_someone_thinking_of_suicide_sees_the_crisis_line_first(
    directory: CrisisDirectory,
) -> None:
    card = crisis_card(directory, "US", "self_harm")
    suicide, dv = _positions(card, ["988", "1-800-799-7233"])
    assert suicide < dv


def test_neutral_order_is_emergency_then_crisis_then_abuse_line(
    directory: CrisisDirectory,
) -> None:
    card = crisis_card(directory, "FR", None)
    emergency, suicide, dv = _positions(card, ["112", "3114", "3919"])
    assert emergency < suicide < dv


def test_ordering_holds_for_every_country(directory: CrisisDirectory) -> None:
    for country in directory.countries:
        for risk, want_first in [
            ("danger", LineKind.DOMESTIC_VIOLENCE),
            ("children", LineKind.DOMESTIC_VIOLENCE),
            ("self_harm", LineKind.SUICIDE_CRISIS),
            (None, LineKind.SUICIDE_CRISIS),
        ]:
            kinds = {line.kind for line in country.lines}
            if want_first not in kinds:
                continue
            card = crisis_card(directory, country.iso2, risk)
            first_listed = min((card.index(line.name), line.kind) for line in country.lines)
            assert first_listed[1] is want_first, (country.iso2, risk)


def test_single_source_numbers_are_marked_for_double_checking(
    directory: CrisisDirectory,
) -> None:
    card = crisis_card(directory, "IN", "danger")
    women_line = next(ln for ln in card.splitlines() if ln.startswith("Women Helpline"))
    assert DOUBLE_CHECK in women_line
    assert DOUBLE_CHECK in crisis_card(directory, "NG", None).splitlines()[0]
    assert DOUBLE_CHECK not in crisis_card(directory, "US", None)


def test_hours_are_never_made_up_as_24_7(directory: CrisisDirectory) -> None:
    card = crisis_card(directory, "CA", None)
    hope = card[card.index("Hope for Wellness") :].splitlines()
    assert hope[2] == "  Hours: not confirmed, may not be 24/7"


def test_superseded_numbers_never_reach_a_card(directory: CrisisDirectory) -> None:
    for country in directory.countries:
        cards = " ".join(crisis_card(directory, country.iso2, r) for r in RISKS)
        for old in country.never_show:
            match = re.search(r"\+?\d[\d\- ()]{5,}\d", old.number)
            if match:
                assert match.group(0) not in cards, (country.iso2, old.number)


@pytest.mark.parametrize("iso2", [None, "", "XX", "ZZ"])
@pytest.mark.parametrize("risk", RISKS)
def test_unknown_country_gets_no_guessed_number(
    directory: CrisisDirectory, iso2: str | None, risk: str | None
) -> None:
    card = crisis_card(directory, iso2, risk)
    assert "your local emergency number" in card.splitlines()[0]
    assert not re.search(r"\b(112|911|999)\b", card)
    assert "/crisis" in card
    assert "don't know" in card
    assert card.rstrip().endswith("https://findahelpline.com")


def test_country_code_is_case_insensitive(directory: CrisisDirectory) -> None:
    assert directory.get("gb") is directory.get("GB")
    assert directory.get(None) is None


def test_an_unknown_risk_value_falls_back_to_the_neutral_card(
    directory: CrisisDirectory,
) -> None:
    assert crisis_card(directory, "SE", "weird") == crisis_card(directory, "SE", None)


def test_cards_use_no_markup(directory: CrisisDirectory) -> None:
    for country in directory.countries:
        card = crisis_card(directory, country.iso2, "danger")
        assert "<b>" not in card and "**" not in card


# -- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "iso2"),
    [
        ("USA", "US"),
        ("usa", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("England", "GB"),
        ("scotland", "GB"),
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("de", "DE"),
        ("España", "ES"),
        ("espana", "ES"),
        ("ÖSTERREICH", "AT"),
        ("oesterreich", "AT"),
        ("Holland", "NL"),
        ("korea", "KR"),
        ("brasil", "BR"),
        ("mexico", "MX"),
        ("  ireland ", "IE"),
        ("ger", "DE"),
    ],
)
def test_search_finds_countries_by_name_code_or_alias(
    directory: CrisisDirectory, query: str, iso2: str
) -> None:
    found = directory.search(query)
    assert found, query
    assert found[0].iso2 == iso2


def test_search_with_nothing_useful_returns_nothing(directory: CrisisDirectory) -> None:
    assert directory.search("") == []
    assert directory.search("   ") == []
    assert directory.search("atlantis") == []
