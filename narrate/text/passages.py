"""Passages: a long chapter's sentences cut into runs made, cached and encoded on their own, so an
edit speaks again only the passage it falls in, not the whole chapter.

Cuts fall at paragraph ends, chosen by the text around them (content-defined, as in
deduplicating backups): at least `PASSAGE_MIN_CHARS` after the last cut, at a paragraph whose
last sentence hashes even, or the first paragraph end past twice the minimum (in a paragraph
that runs on past four times the minimum, the first sentence end). An edit moves at most the
cuts next to it; the passages after them are found again, cut where they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from narrate.text.sentences import Sentence

PASSAGE_MIN_CHARS = 2500
"""About three minutes of speech: a chapter shorter than twice this is one passage."""
JOIN_PAUSE_MS = 200
"""The least silence a cut may fall in: passages are joined as chapters are, in a pause."""


def passage_ends(sentences: Sequence[Sentence], paragraph_ms: int) -> tuple[int, ...]:
    """Where each passage ends: the index one past its last sentence, the last being
    `len(sentences)`."""
    total = sum(len(s.spoken) for s in sentences)
    ends = []
    done = since = 0
    for number, sentence in enumerate(sentences[:-1], 1):
        done += len(sentence.spoken)
        since += len(sentence.spoken)
        if sentence.pause_after_ms < JOIN_PAUSE_MS:
            continue  # too short a silence to join in
        if sentence.pause_after_ms < paragraph_ms and since < 4 * PASSAGE_MIN_CHARS:
            continue  # not a paragraph's end
        if since < PASSAGE_MIN_CHARS or total - done < PASSAGE_MIN_CHARS:
            continue
        if since < 2 * PASSAGE_MIN_CHARS and zlib.crc32(sentence.spoken.encode()) % 2:
            continue
        ends.append(number)
        since = 0
    ends.append(len(sentences))
    return tuple(ends)


def passages(sentences: Sequence[Sentence], paragraph_ms: int) -> list[tuple[Sentence, ...]]:
    """The sentences cut into passages (see `passage_ends`)."""
    cut = []
    start = 0
    for end in passage_ends(sentences, paragraph_ms):
        cut.append(tuple(sentences[start:end]))
        start = end
    return cut
