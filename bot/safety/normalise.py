"""One canonical form for free text, so a short phrase list catches many ways of writing it.

People type in a hurry, on phones, in lower case, with typos and without apostrophes. Both the
text and every phrase in ``content/*_phrases.yaml`` go through `normalise`, so "I'm", "im"
and "I’m" all become "i am" and a phrase author never has to list the variants.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from bot.safety.spelling import correct, split_run_together

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)

# Apostrophe forms first, while the apostrophe still tells "he'll" from "hell".
_NOT = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
_APOS_S = {"he", "she", "it", "that", "there", "what", "who", "where", "here", "how", "let",
           "something", "nothing", "everything", "someone", "everyone", "nobody", "somebody"}
_APOS_SUFFIX = {"m": "am", "re": "are", "ll": "will", "ve": "have", "d": "would"}

# Apostrophe-less forms that are not ordinary words (so "were", "well", "shell" stay put).
_BARE = {
    "im": "i am",
    "iam": "i am",
    "ive": "i have",
    "youre": "you are",
    "ur": "your",
    "u": "you",
    "r": "are",
    "youve": "you have",
    "youll": "you will",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "theyll": "they will",
    "theyve": "they have",
    "thats": "that is",
    "whats": "what is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "aint": "is not",
    "wanna": "want to",
    "wana": "want to",
    "gonna": "going to",
    "gona": "going to",
    "gotta": "got to",
    "hafta": "have to",
    "tryna": "trying to",
    "imma": "i am going to",
    "ima": "i am going to",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "do not know",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "tho": "though",
    "pls": "please",
    "plz": "please",
    "ppl": "people",
    "rn": "right now",
    "idk": "i do not know",
    "abt": "about",
    "kinda": "kind of",
    "sorta": "sort of",
    "outta": "out of",
}

# Bare forms that are also real words: expanded only when a verb follows, so "ill kill
# myself" becomes "i will kill myself" but "i feel ill today" is left alone.
_AMBIGUOUS = {"ill": "i will", "id": "i would", "hell": "he will", "shell": "she will"}
_VERBS_AFTER = frozenset(
    (
        "kill",
        "hurt",
        "end",
        "die",
        "do",
        "be",
        "never",
        "just",
        "go",
        "take",
        "find",
        "make",
        "come",
        "call",
        "jump",
        "cut",
        "hang",
        "slit",
        "overdose",
        "od",
        "stab",
        "shoot",
        "burn",
        "drown",
        "disappear",
        "leave",
        "show",
        "tell",
        "text",
        "answer",
        "regret",
        "pay",
        "rather",
        "not",
        "always",
        "probably",
        "really",
        "hit",
        "beat",
        "get",
        "see",
        "try",
        "stop",
        "give",
        "want",
        "need",
        "lose",
        "ruin",
        "destroy",
        "wait",
        "start",
        "keep",
        "use",
        "miss",
        "talk",
        "write",
        "speak",
        "bother",
        "ever",
        "hurt",
    )
)

#: Short forms people type ("dont", "im", "ill"): known words when splitting "idontwanna".
SHORT_FORMS: frozenset[str] = frozenset(_BARE) | frozenset(_AMBIGUOUS)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Cyrillic and Greek letters that look like Latin ones: "kіll" with a Cyrillic i is "kill".
_LOOKALIKE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k",
        "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y",
        "х": "x", "ь": "b", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q",
        "ԝ": "w", "ɑ": "a", "ɡ": "g", "ι": "i", "α": "a", "β": "b", "ε": "e", "η": "n",
        "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t",
        "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ℓ": "l",
    }
)  # fmt: skip

# Digits and symbols standing for letters, used only inside a word that also has letters
# ("k1ll", "mys3lf", "d!e", "$elf"), so "5 kms", "10pm" and "24/7" keep their meaning.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
     "$": "s", "!": "i", "|": "l", "€": "e", "£": "l"}
)  # fmt: skip
_LEET_CHARS = frozenset("0134578@$!|€£")
_NUMBER_AND_UNIT = re.compile(
    r"\d*1st|\d*2nd|\d*3rd|\d+th|"
    r"\d+(?:s|am|pm|k|km|kms|m|mi|h|hr|hrs|min|mins|mg|ml|g|kg|lb|lbs|x|yo|ish)"
)
_EDGE = "\"'()[]{}.,;:?!*-–—…"


def _unleet(text: str) -> str:
    """Map look-alike digits/symbols inside mixed words; then lone 1/4 too, if any were."""
    tokens = text.split()
    mapped = False
    for i, token in enumerate(tokens):
        core = token.strip(_EDGE)
        if (
            len(core) > 1
            and any(ch.isalpha() for ch in core)
            and any(ch in _LEET_CHARS for ch in core)
            and not _NUMBER_AND_UNIT.fullmatch(core)
        ):
            tokens[i] = token.replace(core, core.translate(_LEET))
            mapped = True
    if mapped:
        tokens = [{"1": "i", "4": "a", "0": "o"}.get(t, t) for t in tokens]
    return " ".join(tokens)


def _visible(text: str) -> str:
    """Drop zero-width and other invisible format characters (category Cf)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def fold(text: str) -> str:
    """Lower case, NFKC, invisible characters dropped, look-alike letters to Latin, accents
    removed, curly quotes straightened; word boundaries unchanged."""
    text = unicodedata.normalize("NFKC", _visible(text)).translate(_QUOTES).casefold()
    text = text.translate(_LOOKALIKE)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _expand_apostrophes(text: str) -> str:
    def nt(match: re.Match[str]) -> str:
        stem = match.group(1)
        return f"{_NOT.get(_single(stem), stem)} not"

    text = re.sub(r"\b(\w+)n't\b", nt, text)

    def suffix(match: re.Match[str]) -> str:
        stem, tail = match.group(1), match.group(2)
        if tail == "s":
            if stem == "let":
                return "let us"
            return f"{stem} is" if stem in _APOS_S else f"{stem}s"
        return f"{stem} {_APOS_SUFFIX[tail]}"

    return re.sub(r"\b(\w+)'(s|m|re|ll|ve|d)\b", suffix, text)


def _single(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


# Stretched spellings of the bare forms ("dooont", "wannaa") find the same expansion.
_BARE_SINGLE = {_single(k): v for k, v in _BARE.items() if _single(k) not in _AMBIGUOUS}


def _expand_bare(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, word in enumerate(words):
        if word in _BARE:
            out.append(_BARE[word])
        elif word in _AMBIGUOUS and i + 1 < len(words) and words[i + 1] in _VERBS_AFTER:
            out.append(_AMBIGUOUS[word])
        elif _single(word) in _BARE_SINGLE and not word.isdigit():
            out.append(_BARE_SINGLE[_single(word)])
        else:
            out.append(word)
    return out


# Unknown words are split when the message is one or two words ("iwanttodie") or the word is
# very long; a long word inside an ordinary sentence ("deadlifting") is left alone.
_SPLIT_ALONE = 7
_SPLIT_ANYWHERE = 20


def _repair(words: list[str], vocab: Collection[str]) -> list[str]:
    """Split run-together words and correct one-letter slips in key words."""
    out: list[str] = []
    split_from = _SPLIT_ALONE if len(words) <= 2 else _SPLIT_ANYWHERE  # noqa: PLR2004
    for word in words:
        if word in vocab or word in _BARE:
            out.append(word)
            continue
        fixed = correct(word, vocab)
        if fixed != word:
            out.append(fixed)
            continue
        pieces = (
            split_run_together(word, vocab)
            if len(word) >= split_from and word.isalpha()
            else None
        )
        out.extend(correct(p, vocab) for p in pieces) if pieces else out.append(word)
    return out


# Laughing emoji read as "lol", so "kill me now 😂" is the idiom, not a cry for help.
_LAUGH = re.compile("[\U0001F602\U0001F923\U0001F606\U0001F605\U0001F639\U0001F60F]")


def normalise(text: str, vocab: Collection[str] | None = None) -> str:
    """The canonical form used for every phrase match (risk words and hoover tactics).

    Lower case, NFKC, invisible characters dropped, look-alike letters and leetspeak mapped,
    accents stripped, quotes straightened, contractions expanded with or without the
    apostrophe, letters repeated more than twice squeezed to two ("sooooo" -> "soo"),
    punctuation turned into spaces, whitespace collapsed. With `vocab` (the words the phrase
    files know) run-together words are split and slips in key words corrected; phrases
    themselves are normalised without it.
    """
    text = _unleet(fold(_LAUGH.sub(" lol ", text)))
    text = _expand_apostrophes(text)
    text = re.sub(r"([^\W\d_])\1{2,}", r"\1\1", text)
    words = _WORD.findall(text.replace("'", ""))
    if vocab is not None:
        words = _repair(words, vocab)
    return " ".join(_expand_bare(words))
