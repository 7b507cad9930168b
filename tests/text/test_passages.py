"""Passages: where a long chapter is cut, and that an edit moves only the cuts next to it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from narrate.text.chapters import split_chapters
from narrate.text.passages import PASSAGE_MIN_CHARS, passage_ends, passages
from narrate.text.pauses import Pauses
from narrate.text.script import read_script
from narrate.text.sentences import Sentence, chapter_sentences

SCRIPTS = Path(__file__).parents[2] / "script"


def _long_chapter() -> tuple[Sentence, ...]:
    """Every paragraph of the sample essays read as one chapter: some 12,000 characters."""
    paragraphs = [
        p
        for name in ("the-lighthouse-keeper.txt", "a-short-walk.txt", "night-trains.md")
        for c in split_chapters(read_script(SCRIPTS / name)).chapters
        for p in c.paragraphs
    ]
    chapter = split_chapters(read_script(SCRIPTS / "a-short-walk.txt")).chapters[1]
    return chapter_sentences(replace(chapter, paragraphs=tuple(paragraphs)), Pauses())


def _chars(sentences: tuple[Sentence, ...]) -> int:
    return sum(len(s.spoken) for s in sentences)


def test_a_chapter_under_twice_the_minimum_is_one_passage() -> None:
    for chapter in split_chapters(read_script(SCRIPTS / "the-lighthouse-keeper.txt")).chapters:
        sentences = chapter_sentences(chapter, Pauses())
        assert _chars(sentences) < 2 * PASSAGE_MIN_CHARS
        assert passages(sentences, Pauses().paragraph_ms) == [sentences]


def test_a_long_chapter_is_cut_at_paragraph_ends_into_passages_of_the_minimum_or_more() -> None:
    sentences = _long_chapter()
    cut = passages(sentences, Pauses().paragraph_ms)
    assert len(cut) >= 3
    assert tuple(s for passage in cut for s in passage) == sentences  # nothing lost or moved
    assert all(_chars(passage) >= PASSAGE_MIN_CHARS for passage in cut)
    assert all(passage[-1].pause_after_ms >= Pauses().paragraph_ms for passage in cut)


def test_an_edit_changes_only_the_passages_next_to_it() -> None:
    sentences = _long_chapter()
    before = passages(sentences, Pauses().paragraph_ms)
    middle = len(sentences) // 2
    old = sentences[middle]
    longer = old.spoken + " Here a whole new sentence is said, and a long one at that."
    for spoken in (longer, old.spoken[:20]):  # a sentence added, most of one taken out
        edited = list(sentences)
        edited[middle] = Sentence(old.written, spoken, old.pause_after_ms)
        after = passages(edited, Pauses().paragraph_ms)
        assert len(set(before) & set(after)) >= len(before) - 2, spoken
        assert before[0] in after and before[-1] in after


def test_no_cut_falls_in_too_short_a_silence() -> None:
    sentences = tuple(Sentence(s.written, s.spoken, 0) for s in _long_chapter())
    assert passage_ends(sentences, 0) == (len(sentences),)


def test_a_paragraph_that_runs_on_is_cut_at_sentence_ends() -> None:
    """A document with no paragraph breaks (some EPUBs, some web pages) is cut all the same."""
    one_paragraph = tuple(Sentence(s.written, s.spoken, 350) for s in _long_chapter())
    cut = passages(one_paragraph, Pauses().paragraph_ms)
    assert len(cut) >= 2
    assert tuple(s for passage in cut for s in passage) == one_paragraph
    assert all(_chars(passage) >= 4 * PASSAGE_MIN_CHARS for passage in cut[:-1])
