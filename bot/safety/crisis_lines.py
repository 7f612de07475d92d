"""Crisis lines by country, and the short card a person in trouble reads first.

The numbers live in ``content/crisis_lines.yaml`` so they can be re-checked and corrected
without touching code; every number there carries its sources, so a reviewer can tell a
confirmed line from one that still needs checking. The card is plain text on purpose:
Telegram makes bare phone numbers tappable, and no parse mode means no escaping bug can
ever swallow a number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
DEFAULT_PATH = CONTENT_DIR / "crisis_lines.yaml"

#: Telegram refuses longer messages; the card must always fit in one.
MAX_CARD_CHARS = 4096
DOUBLE_CHECK = "(please double-check)"


class LineKind(StrEnum):
    SUICIDE_CRISIS = "suicide_crisis"
    DOMESTIC_VIOLENCE = "domestic_violence"
    OTHER = "other"


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    SINGLE_SOURCE = "single-source"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Emergency(_Model):
    """The number to call when someone is in danger now; it always leads the card."""

    number: str = Field(min_length=2)
    sources: tuple[str, ...] = Field(min_length=1)
    checked: dt.date
    confidence: Confidence


class Line(_Model):
    """One helpline. Hours stay exactly as sourced: a missing value is never read as 24/7."""

    kind: LineKind
    name: str = Field(min_length=1)
    phone: str | None = None
    sms: str | None = None
    chat: str | None = None
    hours: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    checked: dt.date
    confidence: Confidence

    @model_validator(mode="after")
    def _reachable(self) -> Line:
        if not (self.phone or self.sms):
            raise ValueError(f"line {self.name!r} has neither a phone number nor an SMS")
        return self


class NeverShow(_Model):
    """A superseded or unverified number, kept so tests can prove it never reaches a card."""

    number: str
    why: str


class Country(_Model):
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    aliases: tuple[str, ...] = ()
    emergency: Emergency
    lines: tuple[Line, ...] = ()
    never_show: tuple[NeverShow, ...] = ()


class Fallback(_Model):
    """What to offer when we do not know someone's country: no number is guessed for them."""

    name: str
    url: str = Field(pattern=r"^https://")
    note: str = ""
    emergency_text: str = "your local emergency number"


class CrisisDirectory(_Model):
    checked: dt.date
    fallback: Fallback
    countries: tuple[Country, ...] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _unique_iso2(cls, countries: tuple[Country, ...]) -> tuple[Country, ...]:
        seen: set[str] = set()
        for country in countries:
            if country.iso2 in seen:
                raise ValueError(f"country {country.iso2} is listed twice")
            seen.add(country.iso2)
        return countries

    def get(self, iso2: str | None) -> Country | None:
        """The country for a stored ISO code; None (never a guess) when we do not have it."""
        if not iso2:
            return None
        code = iso2.strip().upper()
        return next((c for c in self.countries if c.iso2 == code), None)

    def search(self, query: str) -> list[Country]:
        """Countries whose name, code or common alias matches what someone typed.

        Exact matches (code, name, alias) come first, then names that start with the query,
        then names containing it, so "uk" finds the United Kingdom and "ger" finds Germany.
        """
        key = _fold(query)
        if not key:
            return []
        exact: list[Country] = []
        prefix: list[Country] = []
        inside: list[Country] = []
        for country in self.countries:
            names = [_fold(country.iso2), _fold(country.name), *map(_fold, country.aliases)]
            if key in names:
                exact.append(country)
            elif len(key) >= 2 and any(n.startswith(key) for n in names):
                prefix.append(country)
            elif len(key) >= 3 and any(key in n for n in names):
                inside.append(country)
        return exact + prefix + inside


def _fold(text: str) -> str:
    """Case- and accent-free form, so "españa", "ESPAÑA" and "espana" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", stripped).strip()


def load_crisis_directory(path: Path | None = None) -> CrisisDirectory:
    """Read and validate the directory; a broken file fails at start-up, not mid-crisis."""
    if path is None:
        return _load_default()
    return _load(path)


@lru_cache(maxsize=1)
def _load_default() -> CrisisDirectory:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> CrisisDirectory:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return CrisisDirectory.model_validate(raw)


# -- the card -------------------------------------------------------------------------------

#: The card for a self-harm threat in the other person's words: the number is for *them*
#: (the person reading is not the one at risk), so it is framed as something they may do
#: without replying, and suicide lines come first because they also advise callers worried
#: about someone else.
THEIR_SELF_HARM = "their_self_harm"

_ORDER: dict[str | None, tuple[LineKind, ...]] = {
    None: (LineKind.SUICIDE_CRISIS, LineKind.DOMESTIC_VIOLENCE, LineKind.OTHER),
    "self_harm": (LineKind.SUICIDE_CRISIS, LineKind.OTHER, LineKind.DOMESTIC_VIOLENCE),
    "danger": (LineKind.DOMESTIC_VIOLENCE, LineKind.SUICIDE_CRISIS, LineKind.OTHER),
    "children": (LineKind.DOMESTIC_VIOLENCE, LineKind.SUICIDE_CRISIS, LineKind.OTHER),
    THEIR_SELF_HARM: (LineKind.SUICIDE_CRISIS, LineKind.DOMESTIC_VIOLENCE, LineKind.OTHER),
}

_OPENING: dict[str | None, str] = {
    None: "Here are people you can talk to, free and in confidence.",
    "self_harm": (
        "Thank you for telling me. You don't have to carry this alone: "
        "you can talk to someone at one of these lines."
    ),
    "danger": "Your safety comes first. These services help people facing abuse or threats.",
    "children": (
        "Your children's safety and yours come first. "
        "These services help with abuse and threats, including towards children."
    ),
    THEIR_SELF_HARM: (
        "Their safety is a job for emergency services where they are, not for a reply from "
        "you. A crisis line can also talk it through with you, including what to do for "
        "someone else."
    ),
}

_LABEL = {
    LineKind.SUICIDE_CRISIS: "crisis line",
    LineKind.DOMESTIC_VIOLENCE: "abuse and violence line",
    LineKind.OTHER: "listening line",
}

# Research provenance notes inside the sourced hours ("(CODE file)") mean nothing to a
# reader in crisis; the YAML keeps them, the card leaves them out.
_PROVENANCE = re.compile(
    r"\s*\((?:per )?(?:CODE file|code lists only|single source)(?: only)?\)|CODE file:\s*|"
    r"\s*\(CODE file;\s*[^)]*\)",
    re.I,
)


def _danger_line(number: str, risk: str | None, mark: str = "") -> str:
    if risk == THEIR_SELF_HARM:
        return (f"If you think they are in danger right now, you can call {number}{mark} "
                "for them (or the emergency number where they are), without replying to them.")
    who = "you or a child are" if risk == "children" else "you are"
    return f"If {who} in danger right now, call {number}{mark}."


def _hours(line: Line) -> str:
    hours = _PROVENANCE.sub("", line.hours or "").strip()
    if not hours or hours.lower().startswith(("not stated", "not verified")):
        return "not confirmed, may not be 24/7"
    return hours


def _line_text(line: Line) -> str:
    mark = f" {DOUBLE_CHECK}" if line.confidence is Confidence.SINGLE_SOURCE else ""
    parts = [f"{line.name} ({_LABEL[line.kind]}){mark}"]
    if line.phone:
        parts.append(f"  Call: {line.phone}")
    if line.sms:
        sms = _PROVENANCE.sub("", line.sms).strip()
        starts_with_verb = sms.split(" ", 1)[0].lower() in {"text", "sms", "whatsapp", "caretext"}
        parts.append(f"  {sms}" if starts_with_verb else f"  Text: {sms}")
    parts.append(f"  Hours: {_hours(line)}")
    return "\n".join(parts)


def _ordered(lines: tuple[Line, ...], risk: str | None) -> list[Line]:
    order = _ORDER.get(risk, _ORDER[None])
    rank = {kind: i for i, kind in enumerate(order)}
    # sorted() is stable, so lines of one kind keep the file's order (confirmed ones first).
    return sorted(
        lines, key=lambda line: (rank[line.kind], line.confidence is not Confidence.CONFIRMED)
    )


def crisis_card(directory: CrisisDirectory, iso2: str | None, risk: str | None) -> str:
    """The text shown before anything else when someone may be at risk.

    Safe-messaging practice: calm, short, no promises about outcomes, no diagnosing, no
    detail about means. The emergency number is always the first line, because someone in
    danger may read nothing else; the link to findahelpline.com is always the last.
    """
    risk_key = risk if risk in _ORDER else None
    country = directory.get(iso2)
    if country is None:
        return "\n".join(
            [
                _danger_line(directory.fallback.emergency_text, risk_key),
                "",
                _OPENING[risk_key],
                "I don't know the helplines for your country yet. "
                "You can find free, confidential ones at findahelpline.com, "
                "or send /crisis to pick your country.",
                "",
                directory.fallback.url,
            ]
        )

    emergency = country.emergency
    mark = f" {DOUBLE_CHECK}" if emergency.confidence is Confidence.SINGLE_SOURCE else ""
    first = _danger_line(emergency.number, risk_key, mark)
    lines = _ordered(country.lines, risk_key)
    # Never fail in a crisis: if a long file ever made the card too big, the least urgent
    # lines go first (tests keep every real card well under the limit).
    while True:
        card = _country_card(directory, country, first, risk_key, lines)
        if len(card) <= MAX_CARD_CHARS or not lines:
            return card
        lines = lines[:-1]


def _country_card(
    directory: CrisisDirectory,
    country: Country,
    first: str,
    risk: str | None,
    lines: list[Line],
) -> str:
    blocks = [first, "", _OPENING[risk], ""]
    if lines:
        blocks.append(f"{country.name}:")
        blocks.extend(_line_text(line) for line in lines)
    else:
        blocks.append(f"I don't have a checked helpline for {country.name} yet.")
    blocks.append("")
    footer = f"Numbers checked {directory.checked.isoformat()}."
    if any(line.confidence is Confidence.SINGLE_SOURCE for line in lines):
        footer += f' Ones marked "{DOUBLE_CHECK}" have only one source so far.'
    blocks.append(footer)
    blocks.append("Another country: send /crisis. More helplines worldwide:")
    blocks.append(directory.fallback.url)
    return "\n".join(blocks)
