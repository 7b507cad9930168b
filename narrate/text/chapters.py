"""Splitting a `Script` into `Chapter`s. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narrate.engines import DEFAULT_RATE
from narrate.errors import InputError
from narrate.text.script import Script

OPENING_TITLE = "Introduction"

# Lower-case words that Title Case leaves small ("The Pact of the Sea").
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "en",
        "for",
        "from",
        "if",
        "in",
        "into",
        "nor",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "over",
        "per",
        "so",
        "than",
        "the",
        "to",
        "up",
        "upon",
        "via",
        "vs",
        "vs.",
        "with",
        "without",
        "yet",
    ]
)
_CHAPTER_WORD = re.compile(
    r"^(chapter|part|book|prologue|epilogue|interlude|afterword|foreword|preface)\b", re.I
)
_NUMBERED = re.compile(r"^(?:\d{1,3}|[IVXLCDM]{1,7})[.)]\s+(\S.*)$")
_CLOSING = "\"'”’»)]*_"
_SENTENCE_END = ".!,;:…"
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 120


@dataclass(frozen=True)
class Chapter:
    """One chapter: its title as written and its paragraphs, each a single line of text."""

    index: int
    """Position in the episode, counting from 1."""
    title: str
    paragraphs: tuple[str, ...]
    title_in_text: bool = True
    """False when the essay gave no title and narrate chose one (the untitled opening)."""

    @property
    def words(self) -> int:
        """Words spoken: the title's and the body's."""
        return len(self.title.split()) + sum(len(p.split()) for p in self.paragraphs)

    @property
    def minutes(self) -> float:
        """Estimated reading time at the default rate."""
        return self.words / DEFAULT_RATE  # words per minute


@dataclass(frozen=True)
class Outline:
    """An essay as chapters, with the episode's title."""

    title: str
    chapters: tuple[Chapter, ...]


def split_chapters(script: Script, language: str | None = None) -> Outline:
    """Split an essay into chapters: a structured document by its headings or table of contents
    (as its reader found them), plain text by heading-like lines (in a language other than
    English, sentence-case lines count as headings too)."""
    if script.sections is not None:
        heading_title = script.heading_title
        sections = [(s.title, list(s.paragraphs)) for s in script.sections]
    elif script.markdown:
        heading_title, sections = _markdown_sections(script.text)
    else:
        heading_title, sections = None, _plain_sections(script.text, language)
    title = _text(script.meta.get("title")) or heading_title or _title_from_stem(script.path.stem)
    chapters: list[Chapter] = []
    for heading, paragraphs in sections:
        if heading is None and not paragraphs:
            continue
        chapters.append(
            Chapter(
                index=len(chapters) + 1,
                title=heading if heading is not None else (heading_title or OPENING_TITLE),
                paragraphs=tuple(paragraphs),
                title_in_text=heading is not None,
            )
        )
    if not chapters:
        raise InputError(f"{script.path}: has no text to narrate")
    if not any(chapter.paragraphs for chapter in chapters):
        raise InputError(f"{script.path}: has headings but no text under any of them")
    return Outline(title=title, chapters=tuple(chapters))


Section = tuple[str | None, list[str]]


def _plain_sections(text: str, language: str | None = None) -> list[Section]:
    sections: list[Section] = [(None, [])]
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if is_heading(line, language):
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    return sections


def is_heading(line: str, language: str | None = None) -> bool:
    """True for a bare short line that reads as a chapter title (see the README for the styles).
    English asks for Title Case; other languages write titles in sentence case."""
    if language is not None and not language.lower().startswith("en"):
        from narrate.text.languages import sentence_case_heading

        if sentence_case_heading(line):
            return True
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if _CHAPTER_WORD.match(line) and len(words) <= 10 and not line.endswith("."):
        return True
    bare = line.rstrip(_CLOSING)
    if not bare:
        return False
    if bare.endswith("?"):
        return len(words) <= 10 and _is_title_case(words)
    if bare[-1] in _SENTENCE_END:
        return False
    numbered = _NUMBERED.match(line)
    if numbered:
        words = numbered.group(1).split()
    return _is_all_caps(line) or _is_title_case(words)


def _is_all_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_title_case(words: list[str]) -> bool:
    seen_capital = False
    for position, word in enumerate(words):
        core = word.strip("\"'“”‘’()[]{}«»—–-*_:,;")
        first = next((ch for ch in core if ch.isalpha()), None)
        if first is None:
            continue  # numbers, dashes, '&', emoji
        if not core[0].isalpha() and not core[0].isdigit():
            continue
        if first.isupper():
            seen_capital = True
        elif position == 0 or core.lower() not in SMALL_WORDS:
            return False
    return seen_capital


# --- Markdown -------------------------------------------------------------------------------


def _markdown_sections(text: str) -> tuple[str | None, list[Section]]:
    from narrate.text.readers.markdown import markdown_sections

    title, sections = markdown_sections(text)
    return title, [(s.title, list(s.paragraphs)) for s in sections]


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _title_from_stem(stem: str) -> str:
    words = re.sub(r"[-_.]+", " ", stem).split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Untitled"
