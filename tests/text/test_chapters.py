from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narrate.errors import InputError
from narrate.text.chapters import OPENING_TITLE, is_heading, split_chapters
from narrate.text.script import Script, read_script
from tests.conftest import DATA


def _plain(text: str, name: str = "essay.txt", meta: dict | None = None) -> Script:
    return Script(
        path=Path(name), stem="essay", text=text, markdown=name.endswith(".md"), meta=meta or {}
    )


def test_every_heading_style_makes_a_chapter_with_its_title_as_written() -> None:
    outline = split_chapters(read_script(DATA / "heading-styles.txt"))
    assert [c.title for c in outline.chapters] == [
        OPENING_TITLE,
        "The Pact: Love Without Redemption",
        "Elisabeth Shue’s Masterpiece",
        "Chapter 1 — Beginnings",
        "CHAPTER TWO: THE MIDDLE",
        "3. A Numbered Heading",
        "What Is Left to Say?",
        "Fish & Chips 🐟",
    ]
    assert [c.index for c in outline.chapters] == list(range(1, 9))
    assert outline.chapters[0].paragraphs == (
        "This opening has no heading. It sets the scene in 1995 — a year of rain.",
    )
    assert not outline.chapters[0].title_in_text


@pytest.mark.parametrize(
    "line",
    [
        "He walked home.",
        "It was, in retrospect, a warning",
        "She said it best: nothing is wasted",
        "what the lower case line says",
        "Why did she leave him there when the night was so cold and the roads so long?",
        "This is a longer line that happens to Start With Capitals but goes on and on and on and on",
    ],
)
def test_sentences_are_not_headings(line: str) -> None:
    assert not is_heading(line)


def test_the_opening_takes_the_episode_title_when_there_is_one() -> None:
    outline = split_chapters(
        _plain("Opening words.\n\nThe Next Part\n\nMore words.", meta={"title": "My Episode"})
    )
    assert outline.title == "My Episode"
    assert outline.chapters[0].title == OPENING_TITLE
    assert outline.chapters[1].title == "The Next Part"


def test_no_opening_chapter_when_the_text_starts_with_a_heading() -> None:
    outline = split_chapters(_plain("The Only Part\n\nAll the words."))
    assert [c.title for c in outline.chapters] == ["The Only Part"]


def test_markdown_title_sections_and_front_matter() -> None:
    outline = split_chapters(read_script(DATA / "front-matter.md"))
    assert outline.title == "Salt & Iron: A Field Guide"
    assert [c.title for c in outline.chapters] == [
        "Salt & Iron: A Field Guide",
        "The Salt Pans",
        "Iron & Fire",
    ]
    opening = outline.chapters[0].paragraphs[0]
    assert "*" not in opening and "](" not in opening and "short" in opening and "link" in opening
    assert outline.chapters[1].paragraphs[-1] == "It belongs to the salt pans section."
    assert outline.chapters[2].paragraphs == ("Smiths heat the iron until it glows.",)


def test_markdown_with_only_level_one_headings_uses_them_as_chapters() -> None:
    outline = split_chapters(_plain("# One\n\nText one.\n\n# Two\n\nText two.", name="x.md"))
    assert [c.title for c in outline.chapters] == ["One", "Two"]


def test_headings_without_any_body_are_refused() -> None:
    with pytest.raises(InputError, match="no text under"):
        split_chapters(_plain("First Heading\n\nSecond Heading\n"))


_word = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Z", "C")), min_size=1, max_size=12
)
_line = st.lists(_word, min_size=1, max_size=20).map(" ".join)


@given(st.lists(_line, min_size=1, max_size=12))
def test_splitting_loses_and_duplicates_no_word(lines: list[str]) -> None:
    text = "\n\n".join(lines)
    if not any(ch.isalnum() for ch in text):
        return
    try:
        outline = split_chapters(_plain(text))
    except InputError:
        assert all(is_heading(line) for line in lines)  # only headings, nothing to read
        return
    words: list[str] = []
    for chapter in outline.chapters:
        if chapter.title_in_text:
            words += chapter.title.split()
        for paragraph in chapter.paragraphs:
            words += paragraph.split()
    assert words == text.split()
