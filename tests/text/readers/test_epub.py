"""EPUB books from the IDPF epub3-samples: the book's own contents, front matter, DRM."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.text.chapters import split_chapters
from narrate.text.script import read_script
from tests.conftest import DATA, run_narrate

DOCS = DATA / "documents"
MOBY = DOCS / "moby-dick-trimmed.epub"


def rezip(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of an EPUB with some members replaced (bytes) or removed (None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change and change[info.filename] is None:
                continue
            data = change.get(info.filename) or old.read(info.filename)
            new.writestr(info, data)
        for name, data in change.items():
            if data is not None and name not in old.namelist():
                new.writestr(name, data)
    return target


def test_chapters_list_the_books_own_titles_and_leave_front_matter_out() -> None:
    done = run_narrate("chapters", str(MOBY), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["title"] == "Moby-Dick"
    assert [c["title"] for c in found["chapters"]] == [
        "ETYMOLOGY.",
        "Chapter 1. Loomings.",
        "Chapter 2. The Carpet-Bag.",
        "Chapter 3. The Spouter-Inn.",
    ]
    assert found["left_out"] == [
        "cover",
        "Moby-Dick (title page)",
        "Original Transcriber’s Notes: (colophon)",
        "Copyright Page",
        "contents",
    ]
    text = run_narrate("chapters", str(MOBY)).stdout
    assert "left out (--include-all reads them): cover; Moby-Dick (title page);" in text


def test_include_all_reads_the_front_and_back_matter() -> None:
    outline = split_chapters(read_script(MOBY, include_all=True))
    titles = [c.title for c in outline.chapters]
    assert titles[:3] == ["Moby-Dick", "Original Transcriber’s Notes:", "ETYMOLOGY."]
    assert "Copyright Page" in titles


def test_the_chapter_heading_is_not_read_twice_and_notes_are_counted() -> None:
    script = read_script(MOBY)
    first = split_chapters(script).chapters[1]
    assert first.paragraphs[0].startswith("Call me Ishmael.")
    assert script.skipped == ()  # the one footnote is in the (left out) colophon
    assert read_script(MOBY, include_all=True).skipped == ("1 note",)


def test_metadata_and_cover_come_from_the_package() -> None:
    script = read_script(DOCS / "wasteland.epub")
    assert script.meta == {
        "title": "The Waste Land",
        "author": "T.S. Eliot",
        "language": "en-US",
        "date": "2011-09-01",
    }
    assert script.cover is not None and script.cover[:3] == b"\xff\xd8\xff"  # the JPEG


def test_anchors_cut_one_file_into_the_right_chapters() -> None:
    script = read_script(DOCS / "wasteland.epub")
    chapters = split_chapters(script).chapters
    assert [c.title for c in chapters] == [
        "I. THE BURIAL OF THE DEAD",
        "II. A GAME OF CHESS",
        "III. THE FIRE SERMON",
        "IV. DEATH BY WATER",
        "V. WHAT THE THUNDER SAID",
        'NOTES ON "THE WASTE LAND"',
    ]
    assert chapters[0].paragraphs[0] == "April is the cruellest month, breeding"
    assert chapters[0].paragraphs[-1] == '"You! hypocrite lecteur! - mon semblable, - mon frere !"'
    assert chapters[3].paragraphs[0] == "Phlebas the Phoenician, a fortnight dead,"
    assert "And went on in sunlight, into the Hofgarten," in chapters[0].paragraphs  # no "10"
    assert script.left_out == ("title page",)


def test_an_epub2_ncx_is_used_when_there_is_no_nav(tmp_path: Path) -> None:
    with zipfile.ZipFile(DOCS / "wasteland.epub") as book:
        opf = book.read("EPUB/wasteland.opf").decode()
    no_nav = opf.replace('properties="nav" ', "")
    copy = rezip(
        DOCS / "wasteland.epub", tmp_path / "ncx.epub", {"EPUB/wasteland.opf": no_nav.encode()}
    )
    titles = [c.title for c in split_chapters(read_script(copy)).chapters]
    assert titles[0] == "I. THE BURIAL OF THE DEAD" and len(titles) == 6


def test_font_obfuscation_is_not_drm() -> None:
    outline = split_chapters(read_script(DOCS / "wasteland-obfuscated-fonts.epub"))
    assert len(outline.chapters) == 6


ENCRYPTED = b"""<?xml version="1.0"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
 <EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#">
  <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
  <CipherData><CipherReference URI="EPUB/wasteland-content.xhtml"/></CipherData>
 </EncryptedData>
</encryption>"""


def test_drm_no_spine_and_a_damaged_zip_are_refused_in_one_line(tmp_path: Path) -> None:
    drm = rezip(
        DOCS / "wasteland.epub", tmp_path / "drm.epub", {"META-INF/encryption.xml": ENCRYPTED}
    )
    with pytest.raises(InputError, match="protected by DRM"):
        read_script(drm)
    with zipfile.ZipFile(DOCS / "wasteland.epub") as book:
        opf = book.read("EPUB/wasteland.opf").decode()
    spineless = opf.replace('<itemref idref="t1" />', "")
    no_spine = rezip(
        DOCS / "wasteland.epub",
        tmp_path / "nospine.epub",
        {"EPUB/wasteland.opf": spineless.encode()},
    )
    with pytest.raises(InputError, match="has no spine"):
        read_script(no_spine)
    damaged = tmp_path / "damaged.epub"
    damaged.write_bytes(MOBY.read_bytes()[:5000])
    for bad in (drm, no_spine, damaged):
        out = tmp_path / f"out-{bad.stem}"
        done = run_narrate("build", str(bad), "--out", str(out))
        assert done.returncode == 1
        assert done.stderr.startswith(f"narrate: {bad}: ") and done.stderr.count("\n") == 1
        assert not out.exists() or not [p for p in out.iterdir() if p.suffix]


def test_nested_entries_are_flattened_in_order(tmp_path: Path) -> None:
    with zipfile.ZipFile(DOCS / "wasteland.epub") as book:
        nav = book.read("EPUB/wasteland-nav.xhtml").decode()
    first, rest = nav.split('<li><a href="wasteland-content.xhtml#ch2">', 1)
    nested = (
        first.replace(
            '<li><a href="wasteland-content.xhtml#ch1">',
            '<li><a href="wasteland-content.xhtml#bodymatter">THE POEM</a><ol>'
            '<li><a href="wasteland-content.xhtml#ch1">',
        )
        + '<li><a href="wasteland-content.xhtml#ch2">'
        + rest.replace(
            '<li><a href="wasteland-content.xhtml#rearnotes">',
            '</ol></li><li><a href="wasteland-content.xhtml#rearnotes">',
        )
    )
    copy = rezip(
        DOCS / "wasteland.epub",
        tmp_path / "parts.epub",
        {"EPUB/wasteland-nav.xhtml": nested.encode()},
    )
    chapters = split_chapters(read_script(copy)).chapters
    assert [c.title for c in chapters][:3] == [
        "THE POEM",
        "I. THE BURIAL OF THE DEAD",
        "II. A GAME OF CHESS",
    ]
    assert chapters[0].paragraphs == ()  # a part with no text of its own: its title is spoken
    assert len(chapters) == 7


def test_include_all_on_the_command_line() -> None:
    done = run_narrate("chapters", str(MOBY), "--include-all", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert "Copyright Page" in [c["title"] for c in found["chapters"]]
    assert found["left_out"] == []


def test_build_takes_include_all_from_its_flag() -> None:
    from narrate.settings.config import load_config
    from narrate.settings.resolve import build_settings

    assert build_settings(load_config(None), {"out_dir": "out", "include_all": True}).include_all
    assert not build_settings(load_config(None), {"out_dir": "out"}).include_all


def test_a_place_listed_twice_in_the_contents_is_one_chapter(tmp_path: Path) -> None:
    """A contents page may list the same entry twice (ebooklib writes its sample so, once at the
    top and once in a section): one chapter, not an empty one before its twin."""
    with zipfile.ZipFile(MOBY) as book:
        nav = book.read("OPS/toc.xhtml").decode()
    entry = '<a href="chapter_001.xhtml">Chapter 1. Loomings.</a>'
    assert entry in nav
    twice = nav.replace(entry, entry + "</li><li>" + entry, 1)
    copy = rezip(MOBY, tmp_path / "twice.epub", {"OPS/toc.xhtml": twice.encode()})
    chapters = split_chapters(read_script(copy)).chapters
    assert [c.title for c in chapters] == [
        c.title for c in split_chapters(read_script(MOBY)).chapters
    ]
    loomings = next(c for c in chapters if c.title == "Chapter 1. Loomings.")
    assert loomings.paragraphs


def test_a_book_whose_only_text_is_left_out_says_how_to_read_it(tmp_path: Path) -> None:
    """epub.js's Alice without a cover holds only a title page (front matter, left out)."""
    book = DOCS / "epubjs-alice-title-page-only.epub"
    done = run_narrate("build", str(book), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert done.stderr.strip().endswith("--include-all reads it"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    chapters = split_chapters(read_script(book, include_all=True)).chapters
    assert "Title Page" in [c.title for c in chapters]
