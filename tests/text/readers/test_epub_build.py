"""End to end: a real EPUB 3 book built to MP3 and M4B with the book's own chapters and cover."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from tests.conftest import DATA, build_json, ffmpeg_chapters

BOOK = DATA / "documents" / "moby-dick-trimmed.epub"
TITLES = [
    "ETYMOLOGY.",
    "Chapter 1. Loomings.",
    "Chapter 2. The Carpet-Bag.",
    "Chapter 3. The Spouter-Inn.",
]


def looks_like_the_book_cover(data: bytes) -> bool:
    """The episode cover is square and shows the book's cover in its middle."""
    with zipfile.ZipFile(BOOK) as book:
        original = Image.open(io.BytesIO(book.read("OPS/images/9780316000000.jpg"))).convert("RGB")
    cover = Image.open(io.BytesIO(data)).convert("RGB")
    if cover.width != cover.height or cover.width < 1400:
        return False
    height = cover.height
    width = round(original.width * height / original.height)
    middle = cover.crop(((cover.width - width) // 2, 0, (cover.width + width) // 2, height))
    difference = ImageChops.difference(middle.resize(original.size), original)
    return max(ImageStat.Stat(difference).mean) < 12


def test_an_epub_book_builds_to_mp3_and_m4b_with_its_chapters_and_cover(tmp_path: Path) -> None:
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4

    out = tmp_path / "out"
    report = build_json(str(BOOK), "--out", str(out), "--format", "mp3,m4b")["episodes"][0]
    assert [c["title"] for c in report["chapters"]] == TITLES
    mp3, m4b = out / "moby-dick-trimmed.mp3", out / "moby-dick-trimmed.m4b"
    for path in (mp3, m4b):
        assert [title for _, _, title in ffmpeg_chapters(path)] == TITLES
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == "Moby-Dick" and str(tags["TPE1"]) == "Herman Melville"
    apic = tags.getall("APIC")
    assert len(apic) == 1 and apic[0].mime == "image/jpeg"
    assert looks_like_the_book_cover(apic[0].data)
    book = MP4(m4b)
    assert book.tags["\xa9nam"] == ["Moby-Dick"]
    assert looks_like_the_book_cover(bytes(book.tags["covr"][0]))
