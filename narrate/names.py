"""File names made from titles and script names: the one sanitizer every output uses."""

from __future__ import annotations

import re
import unicodedata

# Leaves room for "NNN - " and ".mp3" within the 255-byte name limit of ext4, APFS and NTFS.
MAX_NAME_BYTES = 200
_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|]')
_NOT_PUBLISHABLE = re.compile(r"[^A-Za-z0-9._-]+")
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


def episode_stem(script_name: str) -> str:
    """An essay's output name, from its file name without extension: what its episode's files
    and records are called."""
    return file_name(script_name, ascii_only=True) or "episode"


def file_name(text: str, limit: int = 80, ascii_only: bool = False) -> str:
    """`text` as a name every common file system takes: no path separators or reserved
    characters, no edge dots or spaces, no reserved device name, at most `limit` characters.

    `ascii_only` keeps only ASCII letters, digits, '-', '_' and '.' (Apple's rule for published
    names); otherwise letters of every script are kept. '' when nothing is left."""
    name = _publishable(text, limit) if ascii_only else name_part(text, limit)
    base, dot, rest = name.partition(".")
    if base.rstrip(" ").lower() in _RESERVED:
        name = f"{base}_{dot}{rest}"
    return name


def _publishable(text: str, limit: int) -> str:
    ascii_text = "".join(
        ch if ch.isascii() else "" if unicodedata.category(ch) == "Mn" else "-"
        for ch in unicodedata.normalize("NFKD", text)
    )
    return _NOT_PUBLISHABLE.sub("-", ascii_text).strip("-._")[:limit].strip("-._")


def name_part(text: str, limit: int = 80) -> str:
    """`text` as part of a file name (a title after "NN - "), letters of every script kept: as
    `file_name`, but with no device-name check, which only a whole name needs."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text
    )
    text = _BIDI_CONTROLS.sub("", text)
    text = " ".join(_NOT_IN_FILE_NAMES.sub("_", text).split())
    clipped = text[:limit]
    while len(clipped.encode("utf-8")) > MAX_NAME_BYTES:
        clipped = clipped[:-1]
    if clipped != text:
        clipped = _drop_dangling_marks(clipped)
    return clipped.strip(" .")


def clip_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` of UTF-8, cut between characters."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    clipped = text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    return _drop_dangling_marks(clipped)


def _drop_dangling_marks(text: str) -> str:
    """Remove joiners, selectors and modifiers left at the end by a cut inside a character
    sequence (an emoji with a skin tone, a family emoji, an accented letter)."""
    while text and unicodedata.category(text[-1]) in ("Mn", "Me", "Cf", "Sk"):
        text = text[:-1]
    return text
