"""Precision: on ordinary prose the normalizer changes nothing but real numbers, symbols and
abbreviations.

The corpus (tests/data/precision/, see its README) is public-domain fiction with names, initials,
dialogue, letters and "I" everywhere. Each sentence's words are compared with its spoken form's
words, letters and digits only (quotes, dashes and case are the voice's business, not a change of
words). A difference is allowed only where the written side holds a token that is a number, a
symbol or a listed abbreviation; anything else ("John the First", "the Fifth. Smith") is a false
positive, and every such sentence is reported.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from narrate.text.normalize import spoken_form
from narrate.text.sentences import split_sentences

CORPUS = Path(__file__).parent.parent / "data" / "precision"
# Written independently of the normalizer's tables, as a reader would list them.
ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+", "Mr Mrs Ms Dr St Jr Sr Prof Rev Capt Col Gen Lt Sgt Mt No vs etc e.g i.e a.m p.m"
    )
)
# Changes a person checked in this corpus and found right (numerals after a sovereign's name are
# numbers too, but the checker does not guess which words are sovereigns).
REVIEWED = {"Louis XVI": "Louis the Sixteenth", "Henry VIII": "Henry the Eighth"}
_TOKEN_GAPS = re.compile(r"\s+|--+|[—–]")
_RUN = re.compile(r"[^\W_]+|[&@%$£€#+=×§°*~½¼¾²³]")


def _licensed(token: str) -> bool:
    bare = token.strip("\"'“”‘’()[],;:!?-—")
    return (
        any(ch.isdigit() for ch in bare)
        or any(ch in "&@%$£€#+=×§°*~½¼¾²³" for ch in bare)
        or bare.rstrip(".") in ABBREVIATIONS
    )


def _runs(text: str) -> tuple[list[str], list[bool]]:
    words, licensed = [], []
    for token in _TOKEN_GAPS.split(text):
        for run in _RUN.findall(token):
            words.append(run.lower())
            licensed.append(_licensed(token))
    return words, licensed


def false_positive(written: str, spoken: str) -> str | None:
    """A description of the first unlicensed change, or None."""
    before, licensed = _runs(written)
    after = [run.lower() for run in _RUN.findall(spoken)]
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        near = licensed[i1:i2] if i2 > i1 else licensed[max(0, i1 - 1) : i1 + 1]
        if not near or not all(near):
            return f"{' '.join(before[i1:i2])!r} -> {' '.join(after[j1:j2])!r}"
    return None


def corpus_sentences() -> list[str]:
    sentences = []
    for path in sorted(CORPUS.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            sentences += split_sentences(" ".join(paragraph.split()))
    return [s for s in sentences if s]


def test_the_corpus_is_big_enough() -> None:
    assert len(corpus_sentences()) >= 2000


def test_no_false_positives_on_ordinary_prose() -> None:
    problems = []
    changed = 0
    for sentence in corpus_sentences():
        spoken = spoken_form(sentence)
        for written, said in REVIEWED.items():
            if written in sentence:
                assert said in spoken, sentence
                sentence = sentence.replace(written, said)
        problem = false_positive(sentence, spoken)
        changed += _runs(sentence)[0] != [r.lower() for r in _RUN.findall(spoken)]
        if problem:
            problems.append(f"{problem}\n    written: {sentence}\n    spoken:  {spoken}")
    assert not problems, f"{len(problems)} sentences changed wrongly:\n" + "\n".join(problems)
    assert changed > 0  # the corpus does hold abbreviations ("Mr", "Mrs") that are expanded


def test_the_checker_catches_invented_words() -> None:
    assert false_positive("After dinner with John I went home.", "with John the First went")
    assert false_positive("Robert C. Martin", "Robert the One hundredth. Martin")
    assert false_positive("Mr. Smith paid 5 dollars.", "Mister Smith paid five dollars.") is None
    assert false_positive("It was 'tis -- so.", "It was tis, so.") is None
