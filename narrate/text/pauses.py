"""The silences after each kind of utterance, and how settings name them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from narrate.errors import InputError


@dataclass(frozen=True)
class Pauses:
    """Silences, in milliseconds, placed after each kind of utterance."""

    sentence_ms: int = 350
    paragraph_ms: int = 800
    title_ms: int = 1000
    chapter_ms: int = 1600


PAUSE_KEYS = ("sentence", "paragraph", "title", "chapter")
MAX_PAUSE_MS = 10_000


def with_pauses(base: Pauses, overrides: Mapping[str, object], where: str) -> Pauses:
    """`base` with the pauses named in `overrides` (keys as in PAUSE_KEYS, or with "_ms")."""
    values = {}
    for key, value in overrides.items():
        name = str(key).removesuffix("_ms")
        if name not in PAUSE_KEYS:
            raise InputError(f"{where}: unknown pause {key!r} (known: {', '.join(PAUSE_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PAUSE_MS:
            raise InputError(f"{where}: pause {key!r} must be 0 to {MAX_PAUSE_MS} milliseconds")
        values[f"{name}_ms"] = value
    return replace(base, **values)
