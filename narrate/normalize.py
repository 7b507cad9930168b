"""Text for speech: the written form of a sentence turned into what a reader would say."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def normalize(text: str, heading: bool = False) -> str:
    """The spoken form of `text`; never empty for text that holds a letter or digit."""
    spoken = _SPACES.sub(" ", text).strip()
    if heading and spoken.isupper():
        spoken = spoken.title()  # ALL-CAPS headings would otherwise be spelled out letter by letter
    return spoken or text
