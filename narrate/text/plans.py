"""Plans: each chapter's sentences recorded by what they were made from, so that a rebuild after
an edit takes the unchanged chapters' from the last build instead of splitting and normalizing
them again (~0.2 s for a 100,000-word book)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from narrate.text.chapters import Chapter
from narrate.text.sentences import Sentence

if TYPE_CHECKING:
    from narrate.text.lexicon import Lexicon
    from narrate.text.pauses import Pauses


def planning(version: str, pauses: Pauses, lexicon: Lexicon | None, language: str) -> Any:
    """How chapters are said: `version` (what the code depends on), pauses, words, language."""
    return hashlib.sha256(repr((version, pauses, lexicon, language)).encode())


def plan_key(how: Any, chapter: Chapter) -> str:
    """What a chapter's sentences are made from: the chapter, said as `how` (from `planning`)."""
    digest = how.copy()
    digest.update(repr(chapter).encode())
    return str(digest.hexdigest())


def recorded(plans: Mapping[str, Any] | None, key: str) -> tuple[Sentence, ...] | None:
    """The sentences `plans` (from `record`) keep for `key`; None if none, or not sentences."""
    try:
        found = (plans or {}).get("chapters", {}).get(key)
        return tuple(Sentence(str(w), str(s), int(p)) for w, s, p in found) or None
    except (AttributeError, TypeError, ValueError):
        return None


def record(chapters: Iterable[tuple[str, Sequence[Sentence]]]) -> dict[str, Any]:
    """Plans to keep: each chapter's (plan key, sentences)."""
    return {
        "chapters": {
            key: [[s.written, s.spoken, s.pause_after_ms] for s in sentences]
            for key, sentences in chapters
        }
    }
