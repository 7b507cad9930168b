"""Plain text other programs write: a Project Gutenberg book, hard-wrapped at a margin."""

from __future__ import annotations

from pathlib import Path

from narrate.text.chapters import split_chapters
from narrate.text.readers.plain import unwrap
from narrate.text.script import read_script
from tests.conftest import DATA, run_narrate

PRIDE = DATA / "documents" / "gutenberg-pride-trimmed.txt"


def test_a_gutenberg_book_is_its_text_between_the_markers_with_its_title_and_author() -> None:
    script = read_script(PRIDE)
    assert script.meta["title"] == "Pride and Prejudice"
    assert script.meta["author"] == "Jane Austen"
    assert script.skipped == ("1 Project Gutenberg header and licence", "2 title page lines")
    outline = split_chapters(script)
    assert outline.title == "Pride and Prejudice"
    titles = [c.title for c in outline.chapters]
    # the title page ("PRIDE AND PREJUDICE", "By Jane Austen") was two chapters of three words
    assert titles == ["Chapter 1", "Chapter 2", "Chapter 6"]
    words = " ".join(p for c in outline.chapters for p in c.paragraphs)
    for boilerplate in ("Project Gutenberg", "License", "START OF", "Produced by", "Release Date"):
        assert boilerplate not in words and boilerplate not in titles


def test_a_hard_wrapped_paragraph_is_one_paragraph_and_its_last_line_no_heading() -> None:
    """Gutenberg wraps at ~70 characters: each line was a paragraph (a pause mid-sentence), and
    a paragraph's last line in Title Case ("Meryton?") became a chapter."""
    chapters = split_chapters(read_script(PRIDE)).chapters
    first = next(c for c in chapters if c.title == "Chapter 1")
    assert first.paragraphs[0] == (
        "It is a truth universally acknowledged, that a single man in possession "
        "of a good fortune, must be in want of a wife."
    )
    sixth = next(c for c in chapters if c.title == "Chapter 6")
    assert (
        '"Did you not think, Mr. Darcy, that I expressed myself uncommonly well just now, when '
        'I was teasing Colonel Forster to give us a ball at Meryton?"'
    ) in sixth.paragraphs
    assert not any(c.title.startswith("Meryton") for c in chapters)


def test_text_not_wrapped_at_a_margin_is_read_as_it_is() -> None:
    """Essays with a paragraph per line, and verse (short lines), keep their lines."""
    essay = (DATA / "heading-styles.txt").read_text(encoding="utf-8")
    assert unwrap(essay) == essay
    verse = "April is the cruellest month, breeding\nLilacs out of the dead land, mixing\n"
    assert unwrap(verse) == verse


def test_the_chapters_command_says_what_a_gutenberg_book_left_out() -> None:
    done = run_narrate("chapters", str(PRIDE), "--spoken")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "skipped: 1 Project Gutenberg header and licence, 2 title page lines"
    )


def test_a_gutenberg_text_that_is_only_its_title_is_read(tmp_path: Path) -> None:
    book = tmp_path / "short.txt"
    book.write_text(
        "Title: Ozymandias\nAuthor: Percy Bysshe Shelley\n\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK OZYMANDIAS ***\n\nOzymandias\n\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK OZYMANDIAS ***\n",
        encoding="utf-8",
    )
    script = read_script(book)
    assert "Ozymandias" in script.text and "title page line" not in " ".join(script.skipped)
