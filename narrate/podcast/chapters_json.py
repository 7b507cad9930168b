"""Podcasting 2.0 JSON chapters, pure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from narrate.output import ChapterMark

CHAPTERS_VERSION = "1.2.0"


def chapters_json(marks: Sequence[ChapterMark], title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters: times in seconds, ascending, titles as written."""
    chapters = [
        {
            "startTime": _seconds(mark.start_ms),
            "title": mark.title,
            "endTime": _seconds(mark.end_ms),
        }
        for mark in sorted(marks, key=lambda mark: mark.start_ms)
    ]
    document: dict[str, object] = {"version": CHAPTERS_VERSION}
    if title:
        document["title"] = title
    document["chapters"] = chapters
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _seconds(ms: int) -> int | float:
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)
