"""Plain text: read as it is; chapters are found later from heading-like lines."""

from __future__ import annotations

from pathlib import Path

from narrate.text.readers import Document, ReadOptions


def read(path: Path, text: str, options: ReadOptions) -> Document:
    return Document(kind="text", text=text)
