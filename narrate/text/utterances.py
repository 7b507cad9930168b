"""How long one utterance may be: a run of text longer than an engine speaks well at once is cut
at a clause mark, else a space, else anywhere (shared by every language's sentence splitter)."""

from __future__ import annotations

from collections.abc import Sequence

MAX_UTTERANCE_CHARS = 300
CLAUSE_MARKS = (", ", "; ", ": ", " — ", " – ")


def cut_long(text: str, marks: Sequence[str] = CLAUSE_MARKS) -> list[str]:
    """Cut at the last clause mark, else the last space, before the limit; else hard-cut."""
    parts: list[str] = []
    while len(text) > MAX_UTTERANCE_CHARS:
        window = text[:MAX_UTTERANCE_CHARS]
        cut = max(window.rfind(mark) for mark in marks)
        if cut < MAX_UTTERANCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut < MAX_UTTERANCE_CHARS // 3:
            cut = MAX_UTTERANCE_CHARS - 1
        parts.append(text[: cut + 1].strip())
        text = text[cut + 1 :].strip()
    if text:
        parts.append(text)
    return parts
