"""What is actually said for a chapter: sentences, their spoken form and the pauses after them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narrate.text.chapters import Chapter
from narrate.text.lexicon import Lexicon
from narrate.text.normalize import spoken_form
from narrate.text.pauses import Pauses
from narrate.text.utterances import cut_long

# Longest text handed to the engine at once: a run with no sentence end is cut at a clause or
# word boundary so that no engine call is unbounded.

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "prof",
        "rev",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "mt",
        "ft",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "al",
        "fig",
        "no",
        "vol",
        "pp",
        "ch",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "ltd",
        "co",
        "corp",
        "approx",
    ]
)
# Dotted abbreviations ("U.S.", "e.g.", "p.m.") end a sentence only before a word that usually
# starts one: "The U.S. Army arrived." is one sentence, "I left at 5 p.m. The rest stayed." two.
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]\.?$")
_SENTENCE_STARTERS = frozenset(
    re.findall(
        r"\w+",
        "The A An He She It I We They You This That These Those There Then But And So Yet If "
        "When While After Before His Her Its Our Their My Your In On At As",
    )
)
# A sentence ends at . ! ? or … (and any closing quotes or brackets) before a capital or digit.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9À-Ý])")


@dataclass(frozen=True)
class Sentence:
    """One utterance: the text as written (for transcripts) and as the engine will say it."""

    written: str
    spoken: str
    pause_after_ms: int


def chapter_sentences(
    chapter: Chapter, pauses: Pauses, lexicon: Lexicon | None = None, language: str | None = None
) -> tuple[Sentence, ...]:
    """The chapter as spoken: its title, a pause, then its paragraphs sentence by sentence.
    English (`language` None or en-*) is read here; any other language by its own rules."""
    from narrate.text.languages import is_english

    if not is_english(language):
        from narrate.text.languages.speak import spoken_chapter

        title, paragraphs = spoken_chapter(chapter, language, lexicon)
        return _paused(Sentence(chapter.title, title, pauses.title_ms), paragraphs, pauses)
    title = _sentence(chapter.title, pauses.title_ms, lexicon, heading=True)
    if not is_speakable(title.spoken):  # a title such as ".." or "* * *"
        title = Sentence(chapter.title, f"Chapter {chapter.index}", pauses.title_ms)
    sentences = [title]
    for paragraph in chapter.paragraphs:
        parts = [part for part in split_sentences(paragraph) if is_speakable(part)]
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            pause = pauses.paragraph_ms if last else pauses.sentence_ms
            sentences.append(_sentence(part, pause, lexicon))
    last = sentences[-1]
    sentences[-1] = Sentence(last.written, last.spoken, pauses.chapter_ms)
    return tuple(sentences)


def _paused(
    title: Sentence, paragraphs: list[list[tuple[str, str]]], pauses: Pauses
) -> tuple[Sentence, ...]:
    """Sentences given as (written, spoken) per paragraph, with the pauses after each."""
    sentences = [title]
    for paragraph in paragraphs:
        for position, (written, spoken) in enumerate(paragraph):
            last = position == len(paragraph) - 1
            pause = pauses.paragraph_ms if last else pauses.sentence_ms
            sentences.append(Sentence(written, spoken, pause))
    end = sentences[-1]
    sentences[-1] = Sentence(end.written, end.spoken, pauses.chapter_ms)
    return tuple(sentences)


def is_speakable(text: str) -> bool:
    """Text with a letter or digit in it: anything else the engine would meet with silence."""
    return any(ch.isalnum() for ch in text)


def _sentence(
    written: str, pause_ms: int, lexicon: Lexicon | None, heading: bool = False
) -> Sentence:
    spoken = spoken_form(written, heading=heading, lexicon=lexicon)
    return Sentence(written=written, spoken=spoken, pause_after_ms=pause_ms)


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, then cut any run longer than `MAX_UTTERANCE_CHARS`."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        sentence = paragraph[start : match.end()]
        last = sentence.split()[-1]
        if match.group().startswith(".") and _is_abbreviation(last):
            continue
        if match.group().startswith(".") and _DOTTED.match(last.lstrip("\"'“‘(")):
            following = paragraph[match.end() :].split(None, 1)[0].strip("\"'“‘«([")
            if following not in _SENTENCE_STARTERS:
                continue
        pieces.append(sentence.strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return [short for piece in pieces if piece for short in cut_long(piece)]


def _is_abbreviation(word: str) -> bool:
    bare = word.lstrip("\"'“‘(").rstrip("\"'”’»)].").lower()
    return bare in _ABBREVIATIONS or (len(bare) == 1 and bare.isalpha())
