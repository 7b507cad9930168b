"""Markdown read by the real parser: every case the hand-written subset got wrong."""

from __future__ import annotations

import json
from pathlib import Path

from narrate.text.chapters import split_chapters
from narrate.text.script import read_script
from tests.conftest import DATA, build_json, ffmpeg_chapters, run_narrate


def chapters_of(tmp_path: Path, text: str) -> dict[str, list[str]]:
    path = tmp_path / "essay.md"
    path.write_text(text, encoding="utf-8")
    outline = split_chapters(read_script(path))
    return {chapter.title: list(chapter.paragraphs) for chapter in outline.chapters}


def test_setext_headings_are_chapters(tmp_path: Path) -> None:
    text = "Chapter One\n===========\n\nFirst.\n\nChapter Two\n===========\n\nSecond.\n"
    assert chapters_of(tmp_path, text) == {"Chapter One": ["First."], "Chapter Two": ["Second."]}


def test_inline_markup_is_removed_from_titles(tmp_path: Path) -> None:
    text = "## See [the docs](https://x.org) and **bold**\n\nText.\n\n## Second `part`\n\nMore.\n"
    assert list(chapters_of(tmp_path, text)) == ["See the docs and bold", "Second part"]


def test_titles_without_markup_reach_the_mp3_and_chapters_json(tmp_path: Path) -> None:
    essay = tmp_path / "docs.md"
    essay.write_text("## See [the docs](https://x.org) and **bold**\n\nOne.\n\n## *Two*\n\nTwo.\n")
    out = tmp_path / "out"
    build_json(str(essay), "--out", str(out))
    titles = ["See the docs and bold", "Two"]
    assert [title for _, _, title in ffmpeg_chapters(out / "docs.mp3")] == titles
    marks = json.loads((out / "docs.chapters.json").read_text())["chapters"]
    assert [mark["title"] for mark in marks] == titles


def test_lists_are_read_item_by_item_each_a_sentence(tmp_path: Path) -> None:
    text = "# One\n\nBring:\n\n- rope\n- tar and salt\n  1. nested\n- a ripe fig!\n"
    assert chapters_of(tmp_path, text)["One"] == [
        "Bring:",
        "rope. tar and salt. nested. a ripe fig!",
    ]


def test_code_comments_and_link_definitions_are_not_read(tmp_path: Path) -> None:
    text = (
        "# One\n\nBefore.\n\n<!-- a note to self -->\n\n[1]: https://example.org/ref\n\n"
        "    indented code\n\n```\nfenced code\n```\n\nAfter.\n"
    )
    assert chapters_of(tmp_path, text)["One"] == ["Before.", "After."]


def test_a_tilde_fence_is_closed_only_by_tildes(tmp_path: Path) -> None:
    text = "# One\n\n~~~\ncode\n```\nstill code\n~~~\n\nText after the fence.\n"
    assert chapters_of(tmp_path, text)["One"] == ["Text after the fence."]


def test_a_fence_inside_a_blockquote_is_code_too(tmp_path: Path) -> None:
    text = "# One\n\n> Quoted.\n>\n> ```\n> code\n> ```\n\nAfter.\n"
    assert chapters_of(tmp_path, text)["One"] == ["Quoted.", "After."]


def test_an_unclosed_fence_warns_and_keeps_the_text_after_it(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text("---\ntitle: T\n---\n# One\n\nBefore.\n\n```\nx = 1\n\nAfter the fence.\n")
    done = run_narrate("chapters", str(path), "--spoken")
    assert done.returncode == 0, done.stderr
    assert "After the fence." in done.stdout
    assert f"narrate: warning: {path}: line 8: the code fence ``` is never closed" in done.stderr


def test_entities_decoded_and_at_least_kept(tmp_path: Path) -> None:
    text = "# One\n\nSalt &amp; tar &mdash; rope.\n\nGroups of >= 5 people.\n\n>= 5 people came.\n"
    assert chapters_of(tmp_path, text)["One"] == [
        "Salt & tar — rope.",
        "Groups of >= 5 people.",
        ">= 5 people came.",
    ]


def test_blockquotes_are_read_and_tables_row_by_row(tmp_path: Path) -> None:
    text = "# One\n\n> Quoted words\n> go on.\n\n| Bird | Count |\n|---|---|\n| Gull | 12 |\n"
    assert chapters_of(tmp_path, text)["One"] == [
        "Quoted words go on.",
        "Bird, Count. Gull, 12.",
    ]


def test_footnotes_are_read_at_the_end_of_their_chapter(tmp_path: Path) -> None:
    text = "# One\n\nTide.[^a] More.\n\nLast of one.\n\n# Two\n\nTwo.[^b]\n\n[^a]: Note A.\n[^b]: Note *B*.\n"
    assert chapters_of(tmp_path, text) == {
        "One": ["Tide. More.", "Last of one.", "Note a: Note A."],
        "Two": ["Two.", "Note b: Note B."],
    }


def test_footnotes_skipped_when_front_matter_says_so(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text("---\nfootnotes: skip\n---\n# One\n\nTide.[^a]\n\n[^a]: Note A.\n")
    script = read_script(path)
    assert [c.paragraphs for c in split_chapters(script).chapters] == [("Tide.",)]
    assert script.skipped == ("1 footnote",)


def test_chapters_spoken_shows_what_was_skipped(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(
        "# One\n\nText.\n\n```\na\n```\n\n~~~\nb\n~~~\n\n<!-- c -->\n\n![a cat](cat.png)\n"
    )
    done = run_narrate("chapters", str(path), "--spoken")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "skipped: 1 HTML comment, 2 code blocks, 1 image"
    found = json.loads(run_narrate("chapters", str(path), "--json").stdout)
    assert found["skipped"] == ["1 HTML comment", "2 code blocks", "1 image"]


def test_a_file_with_every_case_gives_the_chapters_a_reader_expects() -> None:
    done = run_narrate("chapters", str(DATA / "documents" / "every-case.md"), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["title"] == "Every Case"
    assert [c["title"] for c in found["chapters"]] == [
        "Introduction",  # the untitled opening, as for any essay
        "Low Tide",
        "High Tide",
    ]
    assert found["skipped"] == ["1 HTML comment", "2 code blocks"]
    script = read_script(DATA / "documents" / "every-case.md")
    chapters = {c.title: list(c.paragraphs) for c in split_chapters(script).chapters}
    assert chapters["Introduction"] == [
        "Words before the first heading, with salt & tar — and rope."
    ]
    assert chapters["Low Tide"] == [
        "See the harbour map first. Groups of >= 5 people walk out.",
        ">= 5 people came back.",
        "rope. tar and salt. pine tar. a ripe fig!",
        "After the tilde fence.",
        "A quoted line that goes on.",
        "Bird, Count. Gull, 12.",
        "See the docs and bold",  # a deeper heading, read as a line, without its markup
        "Text under the second heading.",
        "Note tide: Twice a day, near enough.",
        "Note gull: Gulls argue.",
    ]
    assert chapters["High Tide"] == ["The water comes back in."]
