"""Saved web pages from trafilatura's own test corpus: the article, its headings, its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.text.chapters import split_chapters
from narrate.text.script import read_script
from tests.conftest import DATA, run_narrate

DOCS = DATA / "documents"


def test_a_blog_post_gives_its_headings_as_chapters_and_its_metadata() -> None:
    script = read_script(DOCS / "caktusgroup-blog-post.html")
    outline = split_chapters(script)
    assert outline.title == "Testing Client-Side Applications with Django Post Mortem"
    assert [c.title for c in outline.chapters] == [
        "Testing Client-Side Applications with Django Post Mortem",  # the untitled opening
        "What Happened",
        "Tracing the Error",
        "Finding a Fix",
        "Fixing at the Source",
        "What’s Next",
    ]
    assert script.meta["author"] == "Mark Lavin"
    assert script.meta["date"] == "2015-06-08"
    assert script.meta["language"] == "en"
    assert script.skipped == ("2 code blocks",)
    words = " ".join(p for c in outline.chapters for p in c.paragraphs)
    assert outline.chapters[0].paragraphs[0].startswith("I had the opportunity to give a webcast")
    assert "import os" not in words  # the code blocks
    assert "Back to blog" not in words and "Caktus Group" not in words  # navigation, footer


def test_an_interview_page_keeps_every_question() -> None:
    outline = split_chapters(read_script(DOCS / "github-blog-interview.html"))
    assert outline.title == "Leader spotlight: Erin Spiceland"
    titles = [c.title for c in outline.chapters]
    assert titles[1] == "How would you summarize your career (so far) in a single sentence?"
    assert titles[-1] == "What are you looking forward to next?"
    assert len(titles) == 6
    last = " ".join(outline.chapters[-1].paragraphs)
    assert "Check back in soon" in last
    assert "Subscribe" not in last and "Sign up" not in last


def test_a_page_with_no_article_is_one_line(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Menu</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/about'>About</a></nav></body></html>"
    )
    with pytest.raises(InputError, match="no article text found"):
        read_script(page)
    done = run_narrate("build", str(page), "--out", str(tmp_path / "out"))
    assert done.returncode != 0 and done.stderr.count("\n") == 1


def test_sections_of_a_page_keep_their_headings_and_paragraphs() -> None:
    """trafilatura puts this page's sections in <div>s: each heading is a chapter and each
    paragraph its own (they were read as one 38,000-character paragraph, headings inside)."""
    outline = split_chapters(read_script(DOCS / "laviedesidees-sections.html"))
    titles = [c.title for c in outline.chapters]
    assert titles[:2] == [
        "L’évaluation et les listes de revues",
        "Contribution aux revues et qualité des recherches",
    ]
    assert titles[-1].startswith("Annexe : Place des français et des européens")
    assert len(titles) == 7
    paragraphs = [p for c in outline.chapters for p in c.paragraphs]
    assert len(paragraphs) >= 55 and max(len(p) for p in paragraphs) < 3000
    assert not any(title in p for title in titles[1:] for p in paragraphs)


def test_nested_list_items_are_read_once_each() -> None:
    outline = split_chapters(read_script(DOCS / "denkanstoos-nested-lists.html"))
    agenda = next(c for c in outline.chapters if c.title == "Agenda")
    (items,) = agenda.paragraphs
    for item in ("Small groups (30 mins).", "Presentations (15 mins).", "Three “War Stories”"):
        assert items.count(item) == 1, item
    assert items.index("Knowledge/Experience Exchange") < items.index("Three “War Stories”")
    assert items.index("Three “War Stories”") < items.index("Small groups")


def test_a_wiki_page_is_read_without_its_citation_marks_edit_links_and_reference_lists() -> None:
    script = read_script(DOCS / "wikipedia-tsne.html")
    outline = split_chapters(script)
    assert [c.title for c in outline.chapters] == [
        "T-distributed stochastic neighbor embedding",  # the untitled opening
        "Details",  # not "Details[edit]"
        "Software",
    ]  # no "Contents" (the wiki's own table of contents), no References or External links
    assert script.left_out == ("the References section", "the External links section")
    assert script.skipped == ("13 citation marks", "30 formulas")
    words = " ".join(p for c in outline.chapters for p in c.paragraphs)
    assert "[1]" not in words and "[edit]" not in words and "[" not in words
    assert "Machine-learning venues" not in words  # the navigation box beside the article
    assert "developed by Laurens van der Maaten and Geoffrey Hinton. It is" in words
    assert "Given a set of N high-dimensional objects" in words  # a formula that is one letter
    assert "of the distribution Q from the distribution P" in words
    everything = read_script(DOCS / "wikipedia-tsne.html", include_all=True)
    titles = [c.title for c in split_chapters(everything).chapters]
    assert titles[-2:] == ["References", "External links"] and everything.left_out == ()


def test_wiki_chrome_inside_another_page_is_taken_out_and_text_superscripts_stay(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><title>Notes</title></head><body><article>"
        "<h1>Notes</h1><p>The 1<sup>st</sup> ascent was made in 1953.<sup class='reference'>"
        "<a href='#c1'>[1]</a></sup> It took seven weeks to climb from the base camp, and "
        "the party carried <math alttext='{\\displaystyle x^{2}}'><mi>x</mi></math> loads "
        "of oxygen.</p><p>Many more climbers have followed them since then, most of them "
        "guided by Sherpas who know the mountain better than anyone alive.</p>"
        "<h2>Sources</h2><ol><li>A book about mountains, 1954.</li></ol>"
        "</article></body></html>",
        encoding="utf-8",
    )
    script = read_script(page)
    words = " ".join(p for c in split_chapters(script).chapters for p in c.paragraphs)
    assert "The 1st ascent was made in 1953. It took" in words
    assert "carried loads of oxygen" in words
    assert script.skipped == ("1 citation mark", "1 formula")
    assert script.left_out == ("the Sources section",)
