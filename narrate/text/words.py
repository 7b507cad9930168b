"""Words the voice may get wrong: the names and rare words of an essay, found before building.

A name is a capitalised word that does not start a sentence (nor quoted speech) and is never
written in lowercase elsewhere in the essay; a rare word is one with letters from outside the
English alphabet ("café", "Dvořák"), which an English voice reads by guesswork. espeak-ng cannot
say whether a word is in its dictionary (the dictionary lists only the exceptions to its spelling
rules), so no other word is called rare.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from narrate.text.normalize import spoken_form
from narrate.text.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# After these a capital starts speech or a clause, not a name: 'He said, "Come here."'
_OPENERS = re.compile(r"[\"“‘«(\[:;—–-]\s*$|^\s*$")
_PRONOUN_I = re.compile(r"I(?:['’](?:m|ll|d|ve))?$")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class FoundWord:
    """A word to check, with how often it occurs and why it is listed."""

    word: str
    count: int
    kind: str
    """"name" or "rare"."""


def find_words(paragraphs: Iterable[str], known: Iterable[str] = ()) -> list[FoundWord]:
    """The names and rare words in `paragraphs`, most frequent first; words in `known` (a
    lexicon's keys, already given a pronunciation) are left out."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    lowercase: set[str] = set()
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            for position, m in enumerate(_WORD.finditer(sentence)):
                word = _POSSESSIVE.sub("", m.group())  # "Ingrid's" is said as "Ingrid" is
                counts[word] += 1
                if word[0].islower():
                    lowercase.add(word)
                elif position and not _OPENERS.search(sentence, 0, m.start()):
                    names.add(word)
    skip = set(known) | {w.lower() for w in known}
    found = []
    for word, count in counts.items():
        if word in skip or word.lower() in skip:
            continue
        if _is_abbreviation(word):
            continue  # "St", "Dr": the normalizer says these in full
        if word in names and word.lower() not in lowercase and not _PRONOUN_I.match(word):
            found.append(FoundWord(word, count, "name"))
        elif word[0].islower() and not _APOSTROPHES.sub("", word).isascii():
            found.append(FoundWord(word, count, "rare"))
    return sorted(found, key=lambda w: (-w.count, w.word))


_APOSTROPHES = re.compile(r"['’]")


def _is_abbreviation(word: str) -> bool:
    return not spoken_form(f"{word}. Smith").startswith(word)


def pronunciations_block(words: list[FoundWord], phonemes: list[str | None]) -> str:
    """A `pronunciations.toml` [words] table for `words`, each said as the voice now says it
    (its phonemes in `[[...]]`, to correct), or as written where the engine cannot tell."""
    lines = ["[words]"]
    for word, said in zip(words, phonemes, strict=True):
        value = f"[[{said}]]" if said else word.word
        note = f"{word.count}x, {word.kind}"
        lines.append(f"{_toml_string(word.word)} = {_toml_string(value)}  # {note}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
