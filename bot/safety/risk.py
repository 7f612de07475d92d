"""Risk language and hoover tactics in free text, read in memory and then forgotten.

Matching is phrase lists (``content/risk_phrases.yaml``, ``content/tactic_phrases.yaml``)
over `normalise`d text rather than a model: it runs offline in well under a millisecond, is
explainable to a reviewer, and a missed wording is fixed by adding one line of YAML. The
lists lean towards false alarms on purpose: an extra crisis card costs little, a missed one
may cost a life. See docs/risk_detection.md for the method and the measured figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.safety.normalise import SHORT_FORMS, fold, normalise
from bot.safety.phrases import RuleSet, compile_all, compile_phrase, squeeze
from bot.safety.spelling import KEY_WORDS

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
RISK_PATH = CONTENT_DIR / "risk_phrases.yaml"
TACTIC_PATH = CONTENT_DIR / "tactic_phrases.yaml"

__all__ = ["compile_phrase"]  # re-exported for tests and tools


class Risk(StrEnum):
    """What kind of help to show first; values are the engine's `Text.risk` strings."""

    SELF_HARM = "self_harm"
    DANGER = "danger"
    CHILDREN = "children"


#: When several kinds match, the one `detect_risk` reports. Every kind still gets the card.
RISK_PRIORITY: tuple[Risk, ...] = (Risk.SELF_HARM, Risk.DANGER, Risk.CHILDREN)

TACTICS: tuple[str, ...] = (
    "love_bombing",
    "apology",
    "guilt",
    "self_harm_threat",
    "emergency",
    "anger",
    "flying_monkeys",
    "hey",
    "pretext",
    "missing",
)


class SafetyFileError(ValueError):
    """A safety file that cannot be used; the message is one line naming file and problem."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path.name}: {problem}")


# Everyday words so run-together text splits well ("imstandingonthebridge"); the phrase
# files add their own words at load.
_COMMON = frozenset(
    str.split(
        """a about after again all also always am an and any anyone anything are around as at
    away back bad be because been before being best better big but by call can come could
    day days did do does done down each even ever every everyone everything feel feeling
    for from get getting go going gone good got had has have he help her here him his home
    how i if in into is it its just keep know last leave life like little long look lot
    love make me more most much my myself need never new next night no nobody not nothing
    now of off ok okay on once one only or other our out over people please really right
    said same say see she should so some someone something still stop such sure take tell
    than thank thanks that the their them then there these they thing things think this
    those though thought through time to today together tomorrow tonight too try up us
    very want was way we week well went were what when where which while who why will
    with without work would yeah year years yes yet you your yourself therapist
    everybody somebody anybody afternoon morning evening yesterday weekend understand
    remember believe anymore happened happening already another because"""
    )
)


@dataclass(frozen=True)
class _RiskRules:
    kinds: Mapping[Risk, RuleSet]
    benign: RuleSet
    unsure: RuleSet
    theirs: RuleSet
    own: RuleSet
    past: RuleSet
    vocab: frozenset[str]


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SafetyFileError(path, f"cannot read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C if available
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SafetyFileError(path, f"not valid YAML{where}") from None


def _phrase_list(path: Path, raw: Mapping[str, object], key: str, *, required: bool) -> list[str]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise SafetyFileError(path, f"'{key}' must be a non-empty list of phrases")
    return value


_CONCEPT = re.compile(r"@([a-z_]+)")


def _expand_concepts(path: Path, raw: dict[str, object]) -> dict[str, object]:
    """Replace `@name` in every phrase by the choices listed under `concepts: name:`.

    A concept is an idea (a child, a means, a farewell) written once and used in many
    phrases, so widening an idea is one edit and no phrase forgets a word of it.
    """
    concepts = raw.get("concepts") or {}
    if not isinstance(concepts, dict) or not all(
        isinstance(v, list) and v and all(isinstance(w, str) for w in v)
        for v in concepts.values()
    ):
        raise SafetyFileError(path, "'concepts' must map names to non-empty lists of words")
    choices = {str(k): "|".join(v) for k, v in concepts.items()}

    def expand(phrase: object) -> object:
        if not isinstance(phrase, str):
            return phrase
        def one(m: re.Match[str]) -> str:
            if m.group(1) not in choices:
                raise SafetyFileError(path, f"unknown concept @{m.group(1)} in {phrase!r}")
            return choices[m.group(1)]
        return _CONCEPT.sub(one, phrase)

    return {k: ([expand(p) for p in v] if isinstance(v, list) and k != "concepts" else v)
            for k, v in raw.items()}


def load_risk_rules(path: Path = RISK_PATH) -> _RiskRules:
    """Read and compile the risk file; `SafetyFileError` on the first problem."""
    raw = _load_yaml(path)
    if not isinstance(raw, dict):
        raise SafetyFileError(path, "must be a mapping of kinds to phrase lists")
    known = {r.value for r in Risk} | {"benign", "unsure", "theirs", "own", "past", "concepts"}
    unknown = sorted(str(k) for k in raw if k not in known)
    if unknown:
        raise SafetyFileError(path, f"unknown section {unknown[0]!r}")
    raw = _expand_concepts(path, raw)
    vocab: set[str] = set()
    try:
        kinds = {
            risk: compile_all(_phrase_list(path, raw, risk.value, required=True), vocab,
                              where=risk.value)
            for risk in Risk
        }
        extra = {
            key: compile_all(_phrase_list(path, raw, key, required=False), vocab, where=key)
            for key in ("benign", "unsure", "theirs", "own", "past")
        }
    except ValueError as exc:
        if isinstance(exc, SafetyFileError):
            raise
        raise SafetyFileError(path, f"phrase does not compile: {exc}") from None
    return _RiskRules(kinds=kinds, vocab=frozenset(vocab), **extra)


@cache
def _risk_rules() -> _RiskRules:
    return load_risk_rules(RISK_PATH)


# -- whose words ------------------------------------------------------------------------------

_THIRD = {"he", "she", "they", "him", "his", "her", "them", "their", "himself", "herself"}
_FIRST = {"i", "me", "my", "myself", "we", "us", "our", "im", "ive"}
_RELATIONS = {
    "ex", "exs", "mum", "mom", "mother", "dad", "father", "husband", "wife", "boyfriend",
    "girlfriend", "partner", "bf", "gf", "brother", "sister", "parents", "stepdad", "stepmum",
    "stepmom", "fiance", "fiancee", "abuser", "narc", "friend", "mums", "moms", "dads",
}  # fmt: skip

# A quote the user clearly attributes to someone else: 'he texted "i'll kill myself"' or
# 'she said: i will hurt myself'. These are hoover tactics, not the user's own risk.
_REPORTER = (
    r"\b(?:he|she|they|him|her|ex|mum|mom|mother|dad|father|husband|wife|boyfriend|"
    r"girlfriend|partner|bf|gf|sister|brother)\b[^\"\n:]{0,40}?\b(?:said|says|say|saying|"
    r"texted|texts|text|wrote|writes|messaged|messages|sent|sends|told me|tells me|"
    r"threatened|threatens|threatening|posted|posts|commented|replied|answered)\b"
)
_QUOTED = re.compile(_REPORTER + r"[^\"\n:]{0,15}?(?:\"[^\"]*(?:\"|$)|:[^\n]*)", re.I)


def _strip_reported_speech(text: str) -> str:
    return _QUOTED.sub(" ", fold(text))


def _mask(text: str, rules: RuleSet, words: frozenset[str]) -> str:
    for rule in rules.candidates(words):
        text = rule.regex.sub(lambda m: " " + "_ " * len(m.group(0).split()), text)
    return text


def _any(rules: RuleSet, text: str, words: frozenset[str]) -> bool:
    return any(r.regex.search(text) for r in rules.candidates(words))


def _count(rules: RuleSet, text: str, words: frozenset[str]) -> int:
    return sum(1 for r in rules.candidates(words) if r.regex.search(text))


def _about_someone_else(text: str, start: int, matched: str) -> bool:
    """Is this self-harm phrase said about him/her ("he threatened suicide"), not the user?

    Only phrases without a first-person word can be; the nearest pronoun in the few words
    before decides, and "my ex", "my mum" count as third person.
    """
    if _FIRST & set(matched.split()):
        return False
    before = text[:start].split()[-5:]
    for i in range(len(before) - 1, -1, -1):
        word = before[i]
        if word in _RELATIONS or word in _THIRD:
            return True
        if word in _FIRST:
            return False
    return False


# Text is matched `squeeze`d ("will" is "wil"), so the word sets above are squeezed too.
_THIRD = {squeeze(w) for w in _THIRD}
_FIRST = {squeeze(w) for w in _FIRST}
_RELATIONS = {squeeze(w) for w in _RELATIONS}

# -- distance: "he never hit me", "i used to self harm" ---------------------------------------

_NEGATORS = {"not", "never", "no", "nt"}
# "I can't believe he hit me", "I can't stop hurting myself": the negator is not a denial.
_NOT_A_DENIAL = {"think", "know", "believe", "sure", "understand", "remember", "care", "mind",
                 "stop", "help", "wait", "even", "tell", "say", "explain"}


_NOT_A_DENIAL = {squeeze(w) for w in _NOT_A_DENIAL}


def _negated(text: str, start: int, end: int) -> bool:
    """A negator just before the phrase ("never hit me", "not afraid of him"), or a past
    that is over ("used to", "no longer", "years ago" right after it).

    "I can't believe he hit me" is not negated: a negator before a thinking verb is about
    the thinking.
    """
    before = text[:start].split()[-3:]
    for i, word in enumerate(before):
        if word in _NEGATORS:
            following = before[i + 1] if i + 1 < len(before) else ""
            if following not in _NOT_A_DENIAL:
                return True
        if word == "used" and i + 1 < len(before) and before[i + 1] == "to":
            return True
        if word == "longer" and i > 0 and before[i - 1] == "no":
            return True
    near = text[:start].split()
    ever = "ever" in near[-2:] or "ever" in text[start:end].split()[:4]
    compared = text[end:].split()[:1] in (["like"], ["as"])  # "no one ever hit me like he did"
    if ever and not compared and (_NEGATORS | {"nobody", "noone"}) & set(near[-6:]):
        return True  # "I don't think he'd ever hurt me", "no one has ever hit me"
    after = text[end:].split()[:4]
    return "ago" in after and bool({"years", "months", "long"} & set(after))


@dataclass(frozen=True)
class _Hits:
    """What the phrase files found in one message."""

    own: frozenset[Risk]  # live risks that read as the user's own (or anyone's, for danger)
    distanced_self_harm: bool  # only negated/past self-harm ("i no longer want to die")
    their_self_harm: bool  # self-harm words in reported speech or about him/her
    unsure: bool
    theirs_cues: int
    own_cues: int
    prepared: str


def _first_live(
    text: str, rules: RuleSet, words: frozenset[str], *, first_person: bool
) -> tuple[bool, bool, bool]:
    """(live hit, only distanced hits, a hit about someone else) for one kind's phrases."""
    distanced = other = False
    for rule in rules.candidates(words):
        for m in rule.regex.finditer(text):
            if first_person and _about_someone_else(text, m.start(), m.group(0)):
                other = True
            elif _negated(text, m.start(), m.end()):
                distanced = True
            else:
                return True, False, other
    return False, distanced, other


def _prepared(text: str, vocab: Iterable[str]) -> str:
    return f" {squeeze(normalise(text, vocab))} "  # type: ignore[arg-type]


@cache
def _vocab() -> frozenset[str]:
    return _risk_rules().vocab | _tactic_rules().vocab | _COMMON | KEY_WORDS | SHORT_FORMS


def _read(text: str) -> _Hits:
    rules = _risk_rules()
    vocab = _vocab()
    prepared = _prepared(text, vocab)
    words = frozenset(prepared.split())
    plain = _mask(prepared, rules.benign, words)
    stripped = _strip_reported_speech(text)
    if stripped == fold(text):
        own_text, own_words = plain, words
    else:
        own_prepared = _prepared(stripped, vocab)
        own_words = frozenset(own_prepared.split())
        own_text = _mask(own_prepared, rules.benign, own_words)
    found: set[Risk] = set()
    distanced_self = their_self = False
    for risk, kind_rules in rules.kinds.items():
        if risk is Risk.SELF_HARM:
            live, distanced, other = _first_live(own_text, kind_rules, own_words,
                                                 first_person=True)
            distanced_self = distanced and not live
            reported = own_text is not plain and _first_live(
                plain, kind_rules, words, first_person=False)[0]
            their_self = (other or reported) and not live
        else:
            live = _first_live(plain, kind_rules, words, first_person=False)[0]
        if live:
            found.add(risk)
    if Risk.SELF_HARM in found and _any(rules.past, plain, words):
        found.discard(Risk.SELF_HARM)  # "that was years ago": ask gently, no card
        distanced_self = True
    unsure = _any(rules.unsure, plain, words)
    return _Hits(
        own=frozenset(found),
        distanced_self_harm=distanced_self,
        their_self_harm=their_self,
        unsure=unsure or distanced_self,
        theirs_cues=_count(rules.theirs, prepared, words),
        own_cues=_count(rules.own, own_text, own_words),
        prepared=prepared,
    )


def detect_risks(text: str) -> frozenset[Risk]:
    """Every kind of risk the message reads as; empty when none.

    Self-harm counts only when it reads as the writer's own: not a quote he is reported to
    have sent, not "he threatened suicide" (those are his hoover, see `assess`).
    """
    return _read(text).own


def detect_risk(text: str) -> Risk | None:
    """The most urgent risk in the message (self_harm > danger > children), or None."""
    found = detect_risks(text)
    return next((risk for risk in RISK_PRIORITY if risk in found), None)


# -- tactics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TacticRules:
    order: tuple[str, ...]
    strong: Mapping[str, RuleSet]
    weak: Mapping[str, RuleSet]
    threshold: float
    margin: float
    vocab: frozenset[str]


def load_tactic_rules(path: Path = TACTIC_PATH) -> _TacticRules:
    """Read and compile the tactic file; `SafetyFileError` on the first problem."""
    raw = _load_yaml(path)
    if not isinstance(raw, dict):
        raise SafetyFileError(path, "must be a mapping with 'priority' and 'tactics'")
    order = raw.get("priority")
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(TACTICS):
        raise SafetyFileError(path, f"'priority' must list exactly: {', '.join(TACTICS)}")
    tactics = raw.get("tactics")
    if not isinstance(tactics, dict):
        raise SafetyFileError(path, "'tactics' must map each tactic to its phrases")
    unknown = sorted(str(t) for t in tactics if t not in TACTICS)
    if unknown:
        raise SafetyFileError(path, f"unknown tactic {unknown[0]!r}")
    try:
        threshold = float(raw.get("threshold", 2))
        margin = float(raw.get("margin", 1))
    except (TypeError, ValueError):
        raise SafetyFileError(path, "'threshold' and 'margin' must be numbers") from None
    vocab: set[str] = set()
    strong: dict[str, RuleSet] = {}
    weak: dict[str, RuleSet] = {}
    for tactic in TACTICS:
        spec = tactics.get(tactic) or {}
        if isinstance(spec, list):
            spec = {"strong": spec}
        if not isinstance(spec, dict) or set(spec) - {"strong", "weak"}:
            raise SafetyFileError(path, f"tactic {tactic!r} must have 'strong'/'weak' lists")
        try:
            strong[tactic] = compile_all(spec.get("strong") or [], vocab, where=tactic)
            weak[tactic] = compile_all(spec.get("weak") or [], vocab, where=tactic)
        except ValueError as exc:
            raise SafetyFileError(path, f"phrase does not compile: {exc}") from None
    return _TacticRules(order=tuple(order), strong=strong, weak=weak, threshold=threshold,
                        margin=margin, vocab=frozenset(vocab))


@cache
def _tactic_rules() -> _TacticRules:
    return load_tactic_rules(TACTIC_PATH)


def tactic_scores(text: str) -> dict[str, float]:
    """Each tactic's score for a message: 2 per strong phrase found, 1 per weak one."""
    return _scores(_prepared(text, _vocab()))


def _scores(prepared: str) -> dict[str, float]:
    rules = _tactic_rules()
    scores: dict[str, float] = {}
    words = frozenset(prepared.split())
    for tactic in rules.order:
        score = 2.0 * _count(rules.strong[tactic], prepared, words)
        score += _count(rules.weak[tactic], prepared, words)
        if score:
            scores[tactic] = score
    return scores


def _guess(prepared: str, *, self_harm: bool) -> str | None:
    rules = _tactic_rules()
    scores = _scores(prepared)
    # Any threat of self-harm is named as one, however sweet or practical the rest.
    if self_harm or scores.get("self_harm_threat", 0) >= 2:  # noqa: PLR2004 - one strong
        return "self_harm_threat"
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], rules.order.index(kv[0])))
    if not ranked or ranked[0][1] < rules.threshold:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if ranked[0][1] - runner_up < rules.margin:
        return None
    return ranked[0][0]


def guess_tactic(text: str) -> str | None:
    """Which hoover tactic a pasted message most looks like, as an enum id, or None.

    Guesses only when one tactic clearly leads (thresholds in tactic_phrases.yaml, chosen by
    measurement); a threat of self-harm, even veiled, is always `self_harm_threat`.
    """
    hits = _read(text)
    self_harm = Risk.SELF_HARM in hits.own or hits.their_self_harm
    return _guess(hits.prepared, self_harm=self_harm)


# -- checks -----------------------------------------------------------------------------------


def check_safety_files(content_dir: Path = CONTENT_DIR, *, required: bool = True) -> list[str]:
    """One line per broken safety file (risk phrases, tactic phrases, crisis lines).

    With `required=False` (a content folder other than the bot's own) a missing file is
    skipped rather than reported.
    """
    from bot.safety.crisis_lines import load_crisis_directory

    problems: list[str] = []
    default = content_dir.resolve() == CONTENT_DIR
    for path, load, cached in (
        (content_dir / "risk_phrases.yaml", load_risk_rules, _risk_rules),
        (content_dir / "tactic_phrases.yaml", load_tactic_rules, _tactic_rules),
    ):
        if not required and not path.exists():
            continue
        try:
            cached() if default else load(path)  # the default files are loaded once only
        except SafetyFileError as exc:
            problems.append(str(exc))
    lines = content_dir / "crisis_lines.yaml"
    if not required and not lines.exists():
        return problems
    try:
        load_crisis_directory(lines)
    except OSError as exc:
        problems.append(f"{lines.name}: cannot read ({exc.strerror})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{lines.name}: not valid YAML{where}")
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err["loc"]) or "file"
        problems.append(f"{lines.name}: {where}: {err['msg']}")
    except (ValueError, TypeError) as exc:
        problems.append(f"{lines.name}: {exc}")
    return problems


def warm() -> None:
    """Load and compile every phrase now (start-up), so no person waits ~100 ms for it."""
    _vocab()
    _read("warm up")
