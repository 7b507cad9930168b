"""Plain text: read as it is; chapters are found later from heading-like lines.

Two shapes of plain text other programs write are read as a reader would: a Project Gutenberg
book (its header and licence are not the book: only the text between its START and END lines is
read, counted on the skipped line, and its Title and Author lines give the tags), and text
hard-wrapped at a margin, as Gutenberg and e-mail write it (a paragraph's lines are joined, so a
wrapped line is not read as a paragraph of its own, nor its last words as a heading).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from narrate.text.readers import Document, ReadOptions, count_summary, one_line

_START = re.compile(r"^\*{3} ?START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$", re.M | re.I)
_END = re.compile(r"^\*{3} ?END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$", re.M | re.I)
_FIELD = re.compile(r"^(Title|Author): *(\S.*)$", re.M)
_CREDITS = re.compile(r"\A\s*Produced by\b.*?(?:\n[ \t]*\n|\Z)", re.S | re.I)
"""The volunteers' credit that opens a Gutenberg text (to the first blank line)."""
_CLOSING = re.compile(r"^[ \t]*End of (?:the )?Project Gutenberg.*\s*\Z", re.M | re.I | re.S)
"""The closing line before the END line."""
WRAPPED_CHARS = (45, 80)
"""A line this long followed by another line was wrapped at a margin (prose, not verse)."""
_WRAPPED_SHARE = 0.3
"""...when at least this share of the text's lines are so: the text is hard-wrapped."""


def read(path: Path, text: str, options: ReadOptions) -> Document:
    meta: dict[str, Any] = {}
    skipped: Counter[str] = Counter()
    start = _START.search(text)
    if start:
        header = text[: start.start()]
        meta = {key.lower(): one_line(value) for key, value in _FIELD.findall(header)}
        end = _END.search(text, start.end())
        text = text[start.end() : end.start() if end else len(text)]
        text = _CLOSING.sub("", _CREDITS.sub("", text, count=1), count=1)
        skipped["Project Gutenberg header and licence"] += 1
        text, lines = _without_title_page(text, meta)
        skipped["title page line"] += lines
    return Document(kind="text", text=unwrap(text), meta=meta, skipped=count_summary(skipped))


def _without_title_page(text: str, meta: dict[str, Any]) -> tuple[str, int]:
    """`text` without the title page that opens it: the lines, before any other, that give the
    book's title or author ("PRIDE AND PREJUDICE", "By Jane Austen"), which the tags already
    carry (read as they were, each was a chapter of three words). Returns the lines dropped."""
    said = {_plain(meta[key]) for key in ("title", "author") if meta.get(key)}
    said |= {f"by {name}" for name in said}
    lines = text.split("\n")
    dropped = 0
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        if _plain(line) not in said:
            return "\n".join(lines[number:]), dropped
        dropped += 1
    return text, 0  # nothing but the title: read it


def _plain(line: str) -> str:
    return one_line(re.sub(r"[^\w\s]", " ", line)).casefold()


def unwrap(text: str) -> str:
    """`text` with each paragraph on one line, if it was hard-wrapped; else as it is."""
    lines = text.split("\n")
    low, high = WRAPPED_CHARS

    def wrapped(line: str, following: str) -> bool:
        return low <= len(line.rstrip()) <= high and bool(line.strip() and following.strip())

    written = sum(1 for line in lines if line.strip())
    if not written or sum(map(wrapped, lines, lines[1:])) < _WRAPPED_SHARE * written:
        return text
    joined: list[str] = []
    for previous, line in zip(["", *lines[:-1]], lines, strict=True):
        if joined and wrapped(previous, line):
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
        else:
            joined.append(line)
    return "\n".join(joined)
