"""ID3 tags and chapter marks, read back by mutagen, eyeD3 and ffmpeg."""

from __future__ import annotations

from pathlib import Path

import eyed3
import pytest
from mutagen.id3 import ID3

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.ffmpeg import encode_mp3
from narrate.audio.mp3 import count_frames, frames_to_ms
from narrate.output import ChapterMark, EpisodeTags
from narrate.output.tags import id3_tag
from tests.conftest import ffmpeg_chapters

TAGS = EpisodeTags(
    title="Salt & Iron <1>", artist="Ada Quill", album="Essays", date="2026-09-14",
    genre="Podcast", comment="A short walk.",
)  # fmt: skip


def _episode(path: Path, titles: list[str]) -> list[ChapterMark]:
    """A real MP3 of silent frames with one mark per title, contiguous from 0."""
    frames = encode_mp3(ChapterPcm(bytes(22050 * 2 * len(titles)), 22050, ()), AudioFormat())
    total = count_frames(frames)
    bounds = [frames_to_ms(total * i // len(titles), 44100) for i in range(len(titles) + 1)]
    marks = [ChapterMark(t, bounds[i], bounds[i + 1]) for i, t in enumerate(titles)]
    path.write_bytes(id3_tag(TAGS, marks) + frames)
    return marks


TITLES = [
    "Introduction",
    "Elisabeth Shue’s Masterpiece",
    "Chapter 1 — Beginnings",
    "A & B",
    "🐟 Fish",
]


def test_tags_and_chapters_read_back_by_mutagen_in_playback_order(tmp_path: Path) -> None:
    path = tmp_path / "e.mp3"
    # short titles last: mutagen's own save() would sort these CHAP frames by size
    marks = _episode(path, ["A much longer first chapter title than the rest", "Mid title", "C"])
    raw = ID3(path, translate=False)
    assert raw.version == (2, 3, 0)
    assert str(raw["TYER"]) == "2026"  # v2.3 has no TDRC
    tag = ID3(path)
    assert str(tag["TIT2"]) == TAGS.title and str(tag["TPE1"]) == "Ada Quill"
    assert str(tag["TALB"]) == "Essays" and str(tag["TCON"]) == "Podcast"
    assert str(tag.getall("COMM")[0]) == "A short walk."
    chaps = tag.getall("CHAP")
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (m.start_ms, m.end_ms, m.title) for m in marks
    ]
    assert all(c.start_offset == 0xFFFFFFFF and c.end_offset == 0xFFFFFFFF for c in chaps)
    (toc,) = tag.getall("CTOC")
    assert toc.child_element_ids == ["ch1", "ch2", "ch3"]
    assert toc.flags & 3 == 3  # top-level and ordered


def test_ffmpeg_lists_chapters_in_order_with_titles_intact(tmp_path: Path) -> None:
    path = tmp_path / "e.mp3"
    marks = _episode(path, TITLES)
    assert ffmpeg_chapters(path) == [(m.start_ms, m.end_ms, m.title) for m in marks]


def test_eyed3_reads_the_table_of_contents(tmp_path: Path) -> None:
    path = tmp_path / "e.mp3"
    marks = _episode(path, TITLES)
    tag = eyed3.load(path).tag
    (toc,) = list(tag.table_of_contents)
    assert toc.toplevel and toc.ordered
    chapters = {c.element_id: c for c in tag.chapters}
    listed = [chapters[i] for i in toc.child_ids]
    assert [(c.times[0], c.times[1], c.title) for c in listed] == [
        (m.start_ms, m.end_ms, m.title) for m in marks
    ]


@pytest.mark.parametrize("count", [255, 300])
def test_past_255_chapters_tables_nest_and_every_mark_survives(tmp_path: Path, count: int) -> None:
    path = tmp_path / "long.mp3"
    marks = _episode(path, [f"Chapter {n}" for n in range(1, count + 1)])
    assert [t for _, _, t in ffmpeg_chapters(path)] == [m.title for m in marks]
    tag = eyed3.load(path).tag
    tocs = {t.element_id: t for t in tag.table_of_contents}
    (top,) = [t for t in tocs.values() if t.toplevel]
    flattened: list[bytes] = []
    for child in top.child_ids:
        flattened += tocs[child].child_ids if child in tocs else [child]
    assert len(flattened) == count and all(len(t.child_ids) <= 255 for t in tocs.values())
    chapters = {c.element_id: c.title for c in tag.chapters}
    assert [chapters[i] for i in flattened] == [m.title for m in marks]
