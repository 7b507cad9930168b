"""One interface over every document format: bytes in, a `Document` (text or chapters) out.

Each format is one module with `read(path, raw, options) -> Document`. Plain text keeps its chapters
to be found from heading-like lines; every structured format (Markdown, Word, web pages, EPUB) hands
back its sections already found, with what it did not read counted in `skipped`.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from narrate.errors import InputError

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and every password-protected .docx


@dataclass(frozen=True)
class Section:
    """A chapter as a reader found it: its heading (None: the untitled opening) and paragraphs."""

    title: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ReadOptions:
    include_all: bool = False
    """EPUB: also read front and back matter (cover, title page, copyright page, contents)."""
    footnotes: str = "read"
    """"read": at the end of the chapter that cites them; "skip": not read (counted)."""
    line_offset: int = 0
    """Lines before the text (front matter), so warnings name the line in the file."""


@dataclass(frozen=True)
class Document:
    """A document as read: either text whose chapters are still to be found, or sections."""

    kind: str
    """"text", "markdown", "docx", "html" or "epub"."""
    text: str = ""
    sections: tuple[Section, ...] | None = None
    """None for plain text: chapters come from heading-like lines in `text`."""
    title: str | None = None
    """The document's own title (a lone top heading, a Title style, the page or book title)."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Metadata the document carries (title, author, description, date, language)."""
    skipped: tuple[str, ...] = ()
    """What was not read, counted: "2 code blocks", "1 table"."""
    left_out: tuple[str, ...] = ()
    """Parts left out whole (an EPUB's cover, title page, copyright page, contents)."""
    warnings: tuple[str, ...] = ()
    cover: bytes | None = None
    """A cover image the document carries (an EPUB's), as stored."""


def detect_kind(path: Path, raw: bytes) -> str:
    """The format by content first (a mislabelled file is read as what it is), then by name."""
    suffix = path.suffix.lower()
    if raw.startswith(b"%PDF"):
        raise InputError(
            f"{path}: is a PDF file; narrate reads text, Markdown, .docx, HTML and EPUB"
        )
    if raw.startswith(OLE_MAGIC):
        raise InputError(
            f"{path}: is password-protected or an old Word .doc file; "
            "save it as .docx without a password"
        )
    if raw.startswith(ZIP_MAGIC) or suffix in {".docx", ".epub"}:
        return _zip_kind(path, raw)
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _zip_kind(path: Path, raw: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(raw)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:64].strip() if "mimetype" in names else b""
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError):
        what = {".docx": "Word document", ".epub": "EPUB book"}.get(path.suffix.lower(), "zip")
        raise InputError(f"{path}: is not a readable {what} (the zip archive is damaged)") from None
    if mimetype == b"application/epub+zip" or "META-INF/container.xml" in names:
        return "epub"
    # the main part may have another name (word/document2.xml): its content type says what it is
    if "word/document.xml" in names or b"wordprocessingml.document.main+xml" in types:
        return "docx"
    raise InputError(f"{path}: is a zip archive but neither a Word document (.docx) nor an EPUB")


def read_document(
    path: Path, raw: bytes, text: str | None, options: ReadOptions, kind: str | None = None
) -> Document:
    """Read `raw` (or `text`, already decoded, for text formats) as its format."""
    kind = kind or detect_kind(path, raw)
    if kind == "epub":
        from narrate.text.readers import epub

        return epub.read(path, raw, options)
    if kind == "docx":
        from narrate.text.readers import docx

        return docx.read(path, raw, options)
    assert text is not None, "text formats are decoded by the caller"
    if kind == "html":
        from narrate.text.readers import html

        return html.read(path, text, options)
    if kind == "markdown":
        from narrate.text.readers import markdown

        return markdown.read(path, text, options)
    from narrate.text.readers import plain

    return plain.read(path, text, options)


# --- shared by the structured readers -------------------------------------------------------

Block = tuple[str, int, str]
"""("heading", level, title) or ("paragraph", 0, text) or ("note", chapter-relative, text)."""


def sections_from_blocks(blocks: list[Block]) -> tuple[str | None, tuple[Section, ...]]:
    """Chapters from headings: the top level gives the chapters, unless one heading sits alone at
    the top over deeper ones (before any text or other heading), when it is the document's title
    and the next level gives chapters. Deeper headings are read as paragraphs; notes ("note"
    blocks) go at the end of their chapter. The text keeps its order either way."""
    levels = [level for kind, level, _ in blocks if kind == "heading"]
    top = min(levels, default=0)
    title: str | None = None
    chapter_level = top
    first = next((b for b in blocks if b[0] == "heading" or has_words(b[2])), None)
    at_the_top = first is not None and first[0] == "heading" and first[1] == top
    if at_the_top and levels.count(top) == 1 and any(level > top for level in levels):
        chapter_level = min(level for level in levels if level > top)
        title = next(text for kind, level, text in blocks if kind == "heading" and level == top)
    found: list[tuple[str | None, list[str], list[str]]] = [(None, [], [])]
    for kind, level, text in blocks:
        if kind == "heading" and level == chapter_level:
            found.append((text, [], []))
        elif kind == "heading" and level < chapter_level:
            continue  # the document's title
        elif kind == "note":
            found[-1][2].append(text)
        elif has_words(text):
            found[-1][1].append(text)
    return title, tuple(Section(t, tuple(paragraphs + notes)) for t, paragraphs, notes in found)


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def one_line(text: str) -> str:
    """Whitespace (newlines, tabs, non-breaking spaces) folded to single spaces."""
    return " ".join(text.split())


_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’)\]]*$")


def as_sentence(text: str) -> str:
    """A list item or table row made a sentence of its own: a full stop when it has no ending."""
    text = one_line(text)
    return text if not text or _ENDS_SENTENCE.search(text) else f"{text}."


def list_paragraph(items: list[str]) -> str:
    """A list read item by item, each a sentence, as one paragraph."""
    return " ".join(as_sentence(item) for item in items if has_words(item))


def cell_text(paragraphs: list[str]) -> str:
    """A table cell's paragraphs (a list in a cell, lines) read as one: each without an ending
    of its own followed by a comma, so the cell is not read as one run-on phrase."""
    parts = [one_line(p) for p in paragraphs if has_words(p)]
    return " ".join(
        part if n == len(parts) - 1 or _ENDS_SENTENCE.search(part) else f"{part},"
        for n, part in enumerate(parts)
    )


def table_row(cells: list[str]) -> str:
    """A table row read as one sentence, its cells joined by commas."""
    return as_sentence(", ".join(one_line(cell) for cell in cells if has_words(cell)))


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def lone_symbol(formula: str) -> str | None:
    """What a formula says when it is one letter or a number ("N", "θ", "2.5"), to be read where
    it stands; None for any other formula (not read, and counted)."""
    said = one_line(formula)
    if (len(said) == 1 and said.isalpha()) or _NUMBER.fullmatch(said):
        return said
    return None


def note_paragraph(label: str, text: str, name: str = "Note") -> str:
    return f"{name} {label}: {one_line(text)}"


def count_summary(counts: Counter[str]) -> tuple[str, ...]:
    """("2 code blocks", "1 table") from {"code block": 2, "table": 1}, in a stable order."""
    return tuple(
        f"{n} {name if n == 1 else _plural(name)}" for name, n in sorted(counts.items()) if n
    )


def _plural(name: str) -> str:
    if name.endswith("x"):
        return f"{name}es"
    return f"{name[:-1]}ies" if name.endswith("y") and name[-2] not in "aeiou" else f"{name}s"
