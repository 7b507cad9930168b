"""The format comes from the content first: a mislabelled file is read as what it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrate.text.readers import detect_kind
from narrate.text.script import read_script
from tests.conftest import DATA

DOCS = DATA / "documents"


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        ("moby-dick-trimmed.epub", "book.txt", "epub"),
        ("pandoc-essay.docx", "essay.epub", "docx"),
        ("caktusgroup-blog-post.html", "saved-page.txt", "html"),
        ("pandoc-essay.md", "notes.markdown", "markdown"),
    ],
)
def test_a_mislabelled_file_is_read_as_what_it_is(
    tmp_path: Path, source: str, name: str, kind: str
) -> None:
    copy = tmp_path / name
    shutil.copy(DOCS / source, copy)
    assert detect_kind(copy, copy.read_bytes()) == kind
    assert read_script(copy).kind == kind


def test_plain_text_stays_plain_text() -> None:
    script = read_script(DATA / "two-chapters.txt")
    assert script.kind == "text" and script.sections is None
