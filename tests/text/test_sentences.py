from hypothesis import given
from hypothesis import strategies as st

from narrate.text.chapters import Chapter
from narrate.text.pauses import Pauses
from narrate.text.sentences import chapter_sentences, split_sentences
from narrate.text.utterances import MAX_UTTERANCE_CHARS


def test_sentences_split_at_ends_but_not_after_abbreviations() -> None:
    text = "Dr. Smith arrived at 5 p.m. on St. Mark’s Day. He left (1995) early! Did he? “Yes.” Then silence."
    assert split_sentences(text) == [
        "Dr. Smith arrived at 5 p.m. on St. Mark’s Day.",
        "He left (1995) early!",
        "Did he?",
        "“Yes.”",
        "Then silence.",
    ]


def test_a_long_run_without_punctuation_is_cut_at_word_boundaries() -> None:
    text = " ".join(["word"] * 20_000)
    pieces = split_sentences(text)
    assert all(len(p) <= MAX_UTTERANCE_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()


@given(st.text(min_size=1, max_size=2000))
def test_sentence_splitting_keeps_every_word_and_bounds_every_piece(text: str) -> None:
    pieces = split_sentences(" ".join(text.split()))
    assert all(0 < len(p) <= MAX_UTTERANCE_CHARS for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_chapter_is_title_pause_then_body_with_paragraph_and_chapter_pauses() -> None:
    pauses = Pauses(sentence_ms=1, paragraph_ms=2, title_ms=3, chapter_ms=4)
    chapter = Chapter(1, "A Title", ("One. Two.", "Three."))
    said = chapter_sentences(chapter, pauses)
    assert [(s.written, s.pause_after_ms) for s in said] == [
        ("A Title", 3), ("One.", 1), ("Two.", 2), ("Three.", 4),
    ]  # fmt: skip


def test_unspeakable_titles_are_announced_by_number_and_bare_symbols_skipped() -> None:
    said = chapter_sentences(Chapter(3, "..", ("* * *", "Words here.")), Pauses())
    assert [(s.written, s.spoken) for s in said] == [
        ("..", "Chapter 3"),
        ("Words here.", "Words here."),
    ]
