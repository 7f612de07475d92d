"""One canonical form for free text, so a short phrase list catches many ways of writing it.

People type in a hurry, on phones, in lower case, with typos and without apostrophes. Both the
text and every phrase in ``content/*_phrases.yaml`` go through `normalise`, so "I'm", "im"
and "I’m" all become "i am" and a phrase author never has to list the variants.
"""

from __future__ import annotations

import re
import unicodedata

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
_APOS_S = {"he", "she", "it", "that", "there", "what", "who", "where", "here", "how", "let"}
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
    )
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, NFKC, accents removed, curly quotes straightened; nothing else changed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _expand_apostrophes(text: str) -> str:
    def nt(match: re.Match[str]) -> str:
        stem = match.group(1)
        return f"{_NOT.get(stem, stem)} not"

    text = re.sub(r"\b(\w+)n't\b", nt, text)

    def suffix(match: re.Match[str]) -> str:
        stem, tail = match.group(1), match.group(2)
        if tail == "s":
            if stem == "let":
                return "let us"
            return f"{stem} is" if stem in _APOS_S else f"{stem}s"
        return f"{stem} {_APOS_SUFFIX[tail]}"

    return re.sub(r"\b(\w+)'(s|m|re|ll|ve|d)\b", suffix, text)


def _expand_bare(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, word in enumerate(words):
        if word in _BARE:
            out.append(_BARE[word])
        elif word in _AMBIGUOUS and i + 1 < len(words) and words[i + 1] in _VERBS_AFTER:
            out.append(_AMBIGUOUS[word])
        else:
            out.append(word)
    return out


def normalise(text: str) -> str:
    """The canonical form used for every phrase match (risk words and hoover tactics).

    Lower case, NFKC, accents stripped, quotes straightened, contractions expanded with or
    without the apostrophe, letters repeated more than twice squeezed to two ("sooooo" ->
    "soo"), punctuation turned into spaces, whitespace collapsed.
    """
    text = fold(text)
    text = _expand_apostrophes(text)
    text = re.sub(r"([^\W\d_])\1{2,}", r"\1\1", text)
    words = _WORD.findall(text.replace("'", ""))
    return " ".join(_expand_bare(words))
