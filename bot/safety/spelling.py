"""Repairs for hurried typing before matching: one-letter slips in key words, run-together words.

A person in crisis types fast on a phone ("mysefl", "suicdal", "iwanttodie"), and someone may
hide words on purpose. Only words that matter for safety are corrected, and never into a
real English word's place: `REAL_NEIGHBOURS` lists the dictionary words one edit away from a
key word ("will" is one letter from "kill" and must stay "will"). Regenerate it when
`KEY_WORDS` changes: ``python -m bot.safety.spelling WORDLIST`` (one word a line, e.g. the
Debian package wamerican's list), and paste its output below.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from functools import cache
from pathlib import Path


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

#: Words a one-letter slip must not hide (each also matched by the phrase files).
KEY_WORDS: frozenset[str] = _words(
    """
    want myself yourself himself herself kill killing suicide suicidal overdose overdosed tablets
    pills bridge danger dangerous afraid scared terrified frightened knife knives weapon
    razor threatened threatening restraining protection goodbye burden unalive strangled
    strangle choked choking punched slapped kicked pushed raped hanging noose paracetamol
    cutting bleeding anymore disappear alive living existing children daughter outside
    """
)

#: Dictionary words one edit (drop, add, swap, replace a letter) from a key word: left alone.
REAL_NEIGHBOURS: frozenset[str] = _words(
    """
    abridge alike aline anger ant aped banging bill billing bills bleeping blending breeding
    bride bridged bridges bridle brightened bunched burdens bushed butting cant caped cared
    catting changing chocked chocking choke choker chokes chowed chowing clapped coked
    coking cooked cooking cuttings dagger dancer dander dangers danker daughters dill dills
    disappears diving draped exiting fill filling fills flapped fridge ganging gaped gill
    gills giving goodby goodbyes goodbys goose gushed gutting handing hanger hangings hill
    hills hinging hiving hunched hushed ill ills japed jiving jutting kicker killings kills
    kiln kilning kilo kilt kinked knaves knifed knifes lapped laughter licked liking liming
    lining live livings loose loving lunched manger mill milling mills moose munched mushed
    nicked noise nooses nose nutting olive outsider outsides outsize overdoes overdone
    overdoses palls pant picked piles pill pilling pinched polls projection protections
    pulls punches pusher pushes putting raced raged raked ranger ranging rant rape rapes
    rapid rapped rared rasped rated raved razed razors reaped retraining ricked ridge rill
    rills roped rushed rutting sacred sapped scaled scare scares scarfed scarred scored
    seared shared sicked sill sills skill slipped slopped snapped snared soared spared
    spills stared straggle straggled strange strangler strangles suicides swapped tables
    tablet taped terrifies ticked till tilling tills vaped waft wait wan wand wane wank
    wants wart watt weapons went wicked will willing wills wont
    """
)

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one drop, adjacent swap, replacement or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out: set[str] = set()
    for a, b in splits:
        if b:
            out.add(a + b[1:])
            out.update(a + c + b[1:] for c in _LETTERS)
        if len(b) > 1:
            out.add(a + b[1] + b[0] + b[2:])
        out.update(a + c + b for c in _LETTERS)
    out.discard(word)
    return out


@cache
def _slips() -> dict[str, str]:
    """Misspelling -> key word, built once (a few thousand entries)."""
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for key in sorted(KEY_WORDS):
        for slip in edits1(key):
            if len(slip) < 3 or slip in KEY_WORDS or slip in REAL_NEIGHBOURS:
                continue
            if slip in table and table[slip] != key:
                ambiguous.add(slip)
            table[slip] = key
    for slip in ambiguous:
        del table[slip]
    return table


def correct(word: str, known: Collection[str] = ()) -> str:
    """`word`, or the key word it is one slip away from (never when `word` is `known`)."""
    if len(word) < 3 or word in known:
        return word
    return _slips().get(word, word)


_MAX_WORD = 16
_SHORT_OK = frozenset({"i", "a", "u"})


def split_run_together(token: str, vocab: Collection[str]) -> list[str] | None:
    """Split "iwanttodie" into known words, or None when no confident split exists.

    Fewest pieces wins (a dynamic programme over positions, linear in the length); a letter
    outside any known word costs more than a word, and the split is used only when known
    words cover at least four fifths of the letters (three fifths in a long run).
    """
    n = len(token)
    inf = float("inf")
    best: list[tuple[float, int, bool]] = [(0.0, 0, True)] + [(inf, 0, False)] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            piece = token[start:end]
            known = piece in vocab and (len(piece) > 1 or piece in _SHORT_OK)
            if not known and end - start > 1:
                continue
            cost = best[start][0] + (1.0 if known else 2.5)
            if cost < best[end][0]:
                best[end] = (cost, start, known)
    pieces: list[str] = []
    covered = 0
    end = n
    while end > 0:
        _, start, known = best[end]
        pieces.append(token[start:end])
        covered += (end - start) if known else 0
        end = start
    pieces.reverse()
    enough = 0.8 if n < 20 else 0.6  # noqa: PLR2004 - a long run may hold unknown words
    if len(pieces) < 2 or covered < n * enough:
        return None
    return pieces


def _regenerate(wordlist: str) -> None:
    text = Path(wordlist).read_text(encoding="utf-8")
    words = {w for w in text.split() if re.fullmatch("[a-z]+", w)}
    near = sorted({s for k in KEY_WORDS for s in edits1(k)} & words - KEY_WORDS)
    print(" ".join(near))


if __name__ == "__main__":
    _regenerate(sys.argv[1])
