"""Content is written in our own words: no run of 8 words is shared with a seed article.

Every string in content/**/*.yaml and every content/**/*.md text is split into words (case
and punctuation normalised) and each run of eight consecutive words is looked up among all the
eight-word runs of the seed texts. One shared run is a copy.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
#: CI clones the repo with shared/ beside it; a developer's checkout may sit elsewhere.
SEEDS = next((p for p in (Path(os.environ.get("SEEDS_DIR", "/nonexistent")),
                          ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds"))
              if p.is_dir()), ROOT.parent / "shared" / "seeds")
N = 8

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words; apostrophes vanish ("don't" -> "dont"), other punctuation splits."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2019\u2018'`]", "", text)
    return _WORD.findall(text)


def grams(text: str, n: int = N) -> Iterator[tuple[str, ...]]:
    ws = words(text)
    for i in range(len(ws) - n + 1):
        yield tuple(ws[i:i + n])


def seed_grams(paths: Iterable[Path]) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for path in paths:
        out.update(grams(path.read_text(encoding="utf-8", errors="replace")))
    return out


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def content_texts(root: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every string in the YAML files, their raw text, and every Markdown file.

    The raw text is scanned too because YAML drops comments when parsed: an unquoted
    `source: 003_....txt #6 (a seed's words)` keeps only the file name, and everything after
    " #" (the words a writer pasted) never reached the parsed strings.
    """
    for path in sorted(root.rglob("*.yaml")):
        raw = path.read_text(encoding="utf-8")
        where = str(path.relative_to(root))
        for text in _strings(yaml.safe_load(raw)):
            yield where, text
        yield f"{where} (raw text, comments included)", raw
    for path in sorted(root.rglob("*.md")):
        yield str(path.relative_to(root)), path.read_text(encoding="utf-8")


def copied_runs(texts: Iterable[tuple[str, str]],
                seeds: set[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Every (where, eight-word run) that also appears in a seed."""
    return [(where, " ".join(g)) for where, text in texts for g in grams(text) if g in seeds]


@pytest.fixture(scope="module")
def seeds() -> set[tuple[str, ...]]:
    paths = sorted(p for p in SEEDS.glob("*.txt"))
    if not paths:
        if os.environ.get("CI"):
            pytest.fail(f"seed articles not found in {SEEDS}: the copy check cannot run")
        pytest.skip(f"seed articles not found in {SEEDS}")
    return seed_grams(paths)


def test_content_never_copies_eight_words_from_a_seed(seeds: set[tuple[str, ...]]) -> None:
    copies = copied_runs(content_texts(CONTENT), seeds)
    assert not copies, "copied from a seed:\n" + "\n".join(f"{w}: {g}" for w, g in copies)


def test_checker_catches_a_planted_seed_sentence(seeds: set[tuple[str, ...]]) -> None:
    seed_text = (SEEDS / "004_4e09062e582068bc.txt").read_text(encoding="utf-8")
    sentence = next(s for s in re.split(r"(?<=[.!?])\s+", seed_text) if len(words(s)) >= 12)
    planted = f"You are doing well. {sentence.upper()} Breathe out slowly."
    found = copied_runs([("planted.yaml", planted)], seeds)
    assert found and found[0][0] == "planted.yaml"


def test_checker_ignores_case_and_punctuation(seeds: set[tuple[str, ...]]) -> None:
    one = "the first step in leaving a narcissist for good requires brutal honesty"
    mangled = "The FIRST step -- in leaving, a narcissist... for good: requires brutal honesty!"
    assert copied_runs([("x", one)], seeds)
    assert copied_runs([("x", mangled)], seeds)


def test_checker_lets_short_shared_phrases_through(seeds: set[tuple[str, ...]]) -> None:
    assert not copied_runs([("x", "Block their number on your phone today.")], seeds)


def test_words_normalise_curly_apostrophes() -> None:
    assert words("Don\u2019t STOP, me-me") == ["dont", "stop", "me", "me"]


def test_checker_reads_yaml_comments(tmp_path: Path, seeds: set[tuple[str, ...]]) -> None:
    """An unquoted ' #' starts a YAML comment; words after it are content all the same."""
    (tmp_path / "flow.yaml").write_text(
        "source: 003_60bde269299eb751.txt #6 (stop and remember the abuse that really did "
        "take place)\n", encoding="utf-8")
    found = copied_runs(content_texts(tmp_path), seeds)
    assert found and "comments included" in found[0][0]
