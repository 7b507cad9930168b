"""M4B and per-chapter MP3s, made from real encoded chapters and read back with ffmpeg, mutagen
and eyeD3."""

from __future__ import annotations

import array
import math
import os
import re
import stat
import struct
import subprocess
import time
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import eyed3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3
from mutagen.mp4 import MP4, MP4Cover

from narrate import names
from narrate.audio import AudioFormat, ChapterPcm, mp4
from narrate.audio import ffmpeg as ffmpeg_runner
from narrate.audio.aac import AdtsRun, part_samples
from narrate.audio.ffmpeg import encode_mp3
from narrate.audio.mp3 import count_frames, frames_to_ms
from narrate.errors import EngineError, OutputError
from narrate.names import file_name
from narrate.output import ChapterMark, EpisodeTags, formats
from narrate.output.formats import (
    chapter_file_names,
    write_chapter_mp3s,
    write_m4b,
)
from narrate.output.tags import id3_tag
from tests.conftest import decoded_samples, ffmpeg, ffmpeg_chapters

TOLERANCE_MS = 50
RATE = 44100

TITLES = [
    "Silence first",
    "“Curly” quotes — it’s here",
    "Rock & Roll 🎧",
    "a=b; c # not a comment \\ backslash",
]


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


COVER = _png()
TAGS = EpisodeTags(
    title="An “Essay” — Part 1",
    artist="Ann Author",
    album="Collected Essays",
    date="2024-05-01",
    genre="Podcast",
    comment="What it is about & why.",
)


def _pcm(seconds: float, frequency: float, rate: int = 22050) -> ChapterPcm:
    """A tone (or silence at 0 Hz) at the engine's rate."""
    samples = array.array(
        "h",
        (
            int(8000 * math.sin(2 * math.pi * frequency * i / rate))
            for i in range(int(seconds * rate))
        ),
    )
    return ChapterPcm(samples.tobytes(), rate, ())


def _chapters(
    folder: Path, parts: list[tuple[str, float, float]]
) -> tuple[list[list[Path]], list[ChapterMark]]:
    """Encode each (title, seconds, Hz) as a cached chapter is encoded, one of 0.8 s or more as
    two passages (as the build makes a long chapter); marks as the build makes them."""
    folder.mkdir(parents=True, exist_ok=True)
    files, marks, position = [], [], 0
    for number, (title, seconds, frequency) in enumerate(parts, 1):
        start = frames_to_ms(position, RATE)
        halves = [seconds / 2, seconds / 2] if seconds >= 0.8 else [seconds]
        chapter = []
        for passage, length in enumerate(halves):
            frames = encode_mp3(_pcm(length, frequency), AudioFormat())
            path = folder / f"chapter{number}.{passage}.frames"
            path.write_bytes(frames)
            position += count_frames(frames)
            chapter.append(path)
        files.append(chapter)
        marks.append(ChapterMark(title, start, frames_to_ms(position, RATE)))
    return files, marks


def _episode_mp3(files: list[list[Path]], marks: list[ChapterMark], path: Path) -> Path:
    """The episode MP3 exactly as the build joins it."""
    frames = b"".join(f.read_bytes() for chapter in files for f in chapter)
    path.write_bytes(id3_tag(TAGS, marks) + frames)
    return path


def _decode(path: Path) -> array.array:
    pcm = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return array.array("h", pcm)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[ChapterMark], Path]:
    folder = tmp_path_factory.mktemp("episode")
    files, marks = _chapters(
        folder / "cache",
        [(TITLES[0], 0.5, 0), (TITLES[1], 0.8, 440), (TITLES[2], 0.6, 660), (TITLES[3], 0.4, 330)],
    )
    return files, marks, _episode_mp3(files, marks, folder / "episode.mp3")


@pytest.fixture(scope="module")
def m4b(
    episode: tuple[list[Path], list[ChapterMark], Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    files, marks, _ = episode
    output = tmp_path_factory.mktemp("m4b") / "episode.m4b"
    write_m4b(files, marks, EpisodeTags(**{**TAGS.__dict__, "cover": COVER}), output)
    return output


# --- M4B -----------------------------------------------------------------------------------------


def test_m4b_chapters_as_ffmpeg_reads_them(m4b: Path, episode: tuple) -> None:
    _, marks, mp3 = episode
    chapters = ffmpeg_chapters(m4b)
    assert [title for _, _, title in chapters] == TITLES
    assert chapters[0][0] == 0
    for (_, end, _), (start, _, _) in zip(chapters, chapters[1:], strict=False):
        assert end == start  # contiguous
    for (start, end, _), mark in zip(chapters, marks, strict=True):
        assert abs(start - mark.start_ms) <= TOLERANCE_MS
        assert abs(end - mark.end_ms) <= TOLERANCE_MS
    # and the MP3 that the marks came from agrees too
    for (start, _, _), (mp3_start, _, _) in zip(chapters, ffmpeg_chapters(mp3), strict=True):
        assert abs(start - mp3_start) <= TOLERANCE_MS
    assert abs(chapters[-1][1] - decoded_samples(m4b) * 1000 / RATE) <= TOLERANCE_MS


def test_m4b_chapters_as_mutagen_reads_them(m4b: Path, episode: tuple) -> None:
    _, marks, _ = episode
    chapters = MP4(m4b).chapters
    assert [c.title for c in chapters] == TITLES
    assert chapters[0].start == 0
    for chapter, mark in zip(chapters, marks, strict=True):
        assert abs(chapter.start * 1000 - mark.start_ms) <= TOLERANCE_MS


def test_m4b_tags_mark_an_audiobook(m4b: Path) -> None:
    tags = MP4(m4b).tags
    assert tags is not None
    assert tags["stik"] == [2]
    assert tags["©gen"] == ["Audiobook"]
    assert tags["©nam"] == [TAGS.title]
    assert tags["©ART"] == tags["aART"] == [TAGS.artist]
    assert tags["©alb"] == [TAGS.album]
    assert tags["©day"] == [TAGS.date]
    assert tags["desc"] == tags["©cmt"] == [TAGS.comment]
    (cover,) = tags["covr"]
    assert bytes(cover) == COVER
    assert cover.imageformat == MP4Cover.FORMAT_PNG


def test_m4b_without_cover_has_no_covr(episode: tuple, tmp_path: Path) -> None:
    files, marks, _ = episode
    write_m4b(files[:1], marks[:1], TAGS, tmp_path / "e.m4b")
    tags = MP4(tmp_path / "e.m4b").tags
    assert tags is not None and "covr" not in tags
    assert tags["stik"] == [2]


def test_m4b_audio_is_aac_lc_44100_mono_as_long_as_the_mp3(m4b: Path, episode: tuple) -> None:
    _, _, mp3 = episode
    info = MP4(m4b).info
    assert (info.codec, info.sample_rate, info.channels) == ("mp4a.40.2", 44100, 1)
    described = subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(m4b)], capture_output=True, text=True
    ).stderr
    assert re.search(r"Audio: aac \(LC\).*44100 Hz, mono", described)
    assert abs(decoded_samples(m4b) - decoded_samples(mp3)) <= RATE * TOLERANCE_MS / 1000


def test_m4b_sound_starts_where_the_mp3_sound_starts(m4b: Path, episode: tuple) -> None:
    """The AAC parts' priming frames are dropped, so nothing shifts against the chapter marks:
    the first sound lies as far into its chapter in the M4B as in the MP3."""
    _, _, mp3 = episode
    into_chapter = []
    for path in (mp3, m4b):
        pcm = _decode(path)
        loud = max(abs(x) for x in pcm) // 2
        onset_ms = next(i for i, x in enumerate(pcm) if abs(x) > loud) * 1000 / RATE
        start = max(s for s, _, _ in ffmpeg_chapters(path) if s <= onset_ms)
        into_chapter.append(onset_ms - start)
    assert into_chapter[0] > 10  # past the MP3's codec delay into chapter 2 (chapter 1 is silent)
    assert abs(into_chapter[0] - into_chapter[1]) <= 5


def test_m4b_parts_are_made_once_and_a_change_encodes_only_its_own(tmp_path: Path) -> None:
    files, marks = _chapters(
        tmp_path / "cache", [("A", 0.5, 440), ("B", 1.0, 660), ("C", 0.4, 330)]
    )
    write_m4b(files, marks, TAGS, tmp_path / "first.m4b")
    parts = sorted((tmp_path / "cache").glob("*.64k.aac"))
    assert len(parts) == 4  # chapter B is two passages
    made = {path: path.stat().st_mtime_ns for path in parts}
    write_m4b(files, marks, TAGS, tmp_path / "again.m4b")  # every part from before
    assert (tmp_path / "again.m4b").read_bytes() == (tmp_path / "first.m4b").read_bytes()

    (changed,), _ = _chapters(tmp_path / "edited", [("C", 0.6, 220)])
    edited = [files[0], files[1], changed]
    end = marks[1].end_ms + frames_to_ms(count_frames(changed[0].read_bytes()), RATE)
    write_m4b(
        edited, [*marks[:2], ChapterMark("C", marks[1].end_ms, end)], TAGS, tmp_path / "e.m4b"
    )
    assert {path: path.stat().st_mtime_ns for path in parts} == made  # none encoded again
    assert len(list((tmp_path / "edited").glob("*.64k.aac"))) == 1
    chapters = ffmpeg_chapters(tmp_path / "e.m4b")
    assert [t for _, _, t in chapters] == ["A", "B", "C"]
    assert abs(chapters[-1][1] - decoded_samples(tmp_path / "e.m4b") * 1000 / RATE) <= 1


def test_a_damaged_m4b_part_is_made_again(tmp_path: Path) -> None:
    files, marks = _chapters(tmp_path / "cache", [("A", 0.5, 440), ("B", 0.4, 660)])
    write_m4b(files, marks, TAGS, tmp_path / "first.m4b")
    part = next((tmp_path / "cache").glob("chapter2*.64k.aac"))
    part.write_bytes(part.read_bytes()[:-100])  # truncated
    write_m4b(files, marks, TAGS, tmp_path / "again.m4b")
    assert (tmp_path / "again.m4b").read_bytes() == (tmp_path / "first.m4b").read_bytes()


def test_a_failed_m4b_part_stops_the_parts_not_yet_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ((frames,),), _ = _chapters(tmp_path / "cache", [("x", 0.1, 0)])
    files = []
    for n in range(40):
        files.append([tmp_path / "cache" / f"part{n}.frames"])
        files[-1][0].write_bytes(frames.read_bytes())
    ms = frames_to_ms(count_frames(frames.read_bytes()), RATE)
    marks = [ChapterMark(f"Part {n}", n * ms, (n + 1) * ms) for n in range(40)]
    started = []

    def failing(mp3: Path, samples: int, output: Path, bitrate_kbps: int) -> None:
        started.append(mp3)
        time.sleep(0.02)
        raise EngineError("ffmpeg could not encode AAC: no")

    monkeypatch.setattr(formats, "encode_aac_part", failing)
    with pytest.raises(EngineError):
        write_m4b(files, marks, TAGS, tmp_path / "book.m4b")
    assert len(started) <= 2 * (os.cpu_count() or 1)
    assert not (tmp_path / "book.m4b").exists() and not list(tmp_path.rglob("*.aac"))


def test_m4b_keeps_titles_that_need_escaping_or_clipping(tmp_path: Path) -> None:
    long_title = "🎧" * 70  # 280 bytes: more than a Nero chpl title holds
    titles = ["two\nlines", "back\\slash;#=", "é" + "👍🏽" * 40, long_title]
    files, marks = _chapters(tmp_path / "cache", [(t, 0.1, 0) for t in titles])
    write_m4b(files, marks, TAGS, tmp_path / "e.m4b")
    read = [c.title for c in MP4(tmp_path / "e.m4b").chapters]  # fails on a title cut mid-character
    assert read[:2] == titles[:2]
    for got, wanted in zip(read[2:], titles[2:], strict=True):
        assert wanted.startswith(got) and len(got.encode()) <= 255
        assert not unicodedata.category(got[-1]).startswith("M")  # no skin tone left dangling
    assert read[3] == "🎧" * 63


def test_m4b_with_300_chapters(tmp_path: Path) -> None:
    """The QuickTime chapter track holds them all; a Nero chpl holds at most 255 (a one-byte
    count), so mutagen, which reads only chpl, sees the first 255."""
    ((frames,),), _ = _chapters(tmp_path / "cache", [("x", 0.1, 0)])
    per_chapter = count_frames(frames.read_bytes())
    marks = [
        ChapterMark(
            f"Chapter {n} ’",
            frames_to_ms((n - 1) * per_chapter, RATE),
            frames_to_ms(n * per_chapter, RATE),
        )
        for n in range(1, 301)
    ]
    output = tmp_path / "book.m4b"
    write_m4b([[frames]] * 300, marks, TAGS, output)
    chapters = ffmpeg_chapters(output)
    assert [t for _, _, t in chapters] == [m.title for m in marks]
    part = part_samples(per_chapter)  # the same part 300 times: its rounding adds up
    for n, (start, end, _) in enumerate(chapters):
        assert (
            abs(start - n * part * 1000 / RATE) <= 1
            and abs(end - (n + 1) * part * 1000 / RATE) <= 1
        )
    assert abs(decoded_samples(output) - 300 * part) <= 1024
    nero = MP4(output).chapters
    assert [c.title for c in nero] == [m.title for m in marks[:255]]
    assert all(abs(c.start * 1000 - n * part * 1000 / RATE) <= 1 for n, c in enumerate(nero))


def test_m4b_chapter_longer_than_two_and_a_half_minutes(tmp_path: Path) -> None:
    """A chapter track timed in too fine a unit overflows 32 bits in a chapter past some 152 s,
    and ffmpeg then reads the chapters wrong."""
    ((frames,),), _ = _chapters(tmp_path / "cache", [("x", 0.1, 0)])
    part_ms = part_samples(count_frames(frames.read_bytes())) * 1000 / RATE
    counts = [1400, 100, 1400]  # parts: some 180 s, 13 s and 180 s
    bounds = [sum(counts[:n]) * part_ms for n in range(len(counts) + 1)]
    marks = [ChapterMark(f"Chapter {n}", round(bounds[n]), round(bounds[n + 1])) for n in range(3)]
    output = tmp_path / "long.m4b"
    write_m4b([[frames] * count for count in counts], marks, TAGS, output)
    chapters = ffmpeg_chapters(output)
    assert [t for _, _, t in chapters] == [m.title for m in marks]
    for (start, end, _), mark in zip(chapters, marks, strict=True):
        assert abs(start - mark.start_ms) <= 1 and abs(end - mark.end_ms) <= 1
    assert chapters[0][1] > 160_000


def _fake_ffmpeg(folder: Path) -> Path:
    """An ffmpeg that writes half a file where it was told to, then fails."""
    script = folder / "ffmpeg"
    script.write_text(
        '#!/bin/sh\nfor last; do :; done\ncat > /dev/null\nprintf partial > "${last#file:}"\n'
        'echo "Conversion failed!" >&2\nexit 1\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_m4b_failure_leaves_no_file(
    episode: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, marks, _ = episode
    (tmp_path / "cache").mkdir()
    copies = [[tmp_path / "cache" / f"{n}.{p.name}" for p in chapter] for n, chapter in enumerate(files)]
    for chapter, copied in zip(files, copies, strict=True):
        for path, copy in zip(chapter, copied, strict=True):
            copy.write_bytes(path.read_bytes())  # no AAC part made yet: ffmpeg must encode them
    files = copies
    output = tmp_path / "e.m4b"
    fake = str(_fake_ffmpeg(tmp_path))  # written once: parts are encoded on several threads
    monkeypatch.setattr(ffmpeg_runner, "ffmpeg_exe", lambda: fake)
    with pytest.raises(EngineError, match="Conversion failed"):
        write_m4b(files, marks, TAGS, output)
    assert not output.exists() and _leftovers(tmp_path) == []


def test_m4b_bogus_chapter_file_leaves_the_old_file(episode: tuple, tmp_path: Path) -> None:
    files, marks, _ = episode
    output = tmp_path / "e.m4b"
    output.write_bytes(b"old")
    bogus = tmp_path / "bogus.frames"
    bogus.write_bytes(b"not audio at all" * 100)
    with pytest.raises(OutputError, match="bogus.frames"):
        write_m4b([files[0], [bogus], *files[2:]], marks, TAGS, output)
    with pytest.raises(OutputError, match="missing.frames"):
        write_m4b([*files[:3], [tmp_path / "missing.frames"]], marks, TAGS, output)
    assert output.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_m4b_interrupted_leaves_the_old_file(
    episode: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, marks, _ = episode
    output = tmp_path / "e.m4b"
    output.write_bytes(b"old")

    def interrupt(path: Path, tags: EpisodeTags) -> None:
        assert path.name.startswith(".") and path.name.endswith(".tmp") and path.parent == tmp_path
        raise KeyboardInterrupt

    monkeypatch.setattr(formats, "tag_m4b", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_m4b(files, marks, TAGS, output)
    assert output.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_m4b_interrupted_while_written_leaves_nothing(
    episode: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, marks, _ = episode
    output = tmp_path / "e.m4b"
    copy = mp4._copy_payloads

    def copy_then_interrupt(file: IO[bytes], runs: Iterator[AdtsRun], sizes: object) -> None:
        file.write(next(iter(runs)).data)
        file.flush()
        assert _leftovers(tmp_path), "nothing was being written"
        raise KeyboardInterrupt

    monkeypatch.setattr(mp4, "_copy_payloads", copy_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_m4b(files, marks, TAGS, output)
    assert not output.exists() and _leftovers(tmp_path) == []
    monkeypatch.setattr(mp4, "_copy_payloads", copy)
    write_m4b(files, marks, TAGS, output)  # and the next run works
    assert len(MP4(output).chapters) == len(marks)


def test_m4b_part_changed_while_written_is_an_error_and_leaves_no_file(
    episode: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer reads each part twice (sizes, then copy): a part changed in between is caught
    by its length, not copied as it now is."""
    files, marks, _ = episode
    output = tmp_path / "e.m4b"
    write_m4b(files, marks, TAGS, output)  # every part made
    output.unlink()
    copy = mp4._copy_payloads

    def shorten_a_part_first(file: IO[bytes], runs: Iterator[AdtsRun], sizes: object) -> None:
        part = files[1][0].with_suffix(".64k.aac")
        part.write_bytes(part.read_bytes()[:-100])
        copy(file, runs, sizes)  # type: ignore[arg-type]

    monkeypatch.setattr(mp4, "_copy_payloads", shorten_a_part_first)
    with pytest.raises(OutputError, match="changed while the audiobook was written"):
        write_m4b(files, marks, TAGS, output)
    assert not output.exists() and _leftovers(tmp_path) == []
    monkeypatch.undo()
    write_m4b(files, marks, TAGS, output)  # the damaged part is made again
    assert len(MP4(output).chapters) == len(marks)


def test_m4b_refuses_marks_that_do_not_fit(episode: tuple, tmp_path: Path) -> None:
    files, marks, _ = episode
    gap = [marks[0], ChapterMark("x", marks[1].start_ms + 10, marks[1].end_ms)]
    for bad in (marks[:3], gap):
        with pytest.raises(ValueError):
            write_m4b(files[: len(bad)] if bad is gap else files, bad, TAGS, tmp_path / "e.m4b")
    assert list(tmp_path.iterdir()) == []


# --- one MP3 per chapter -------------------------------------------------------------------------

ODD_TITLES = [
    "“Curly” — it’s",
    "Either/Or",
    "../../etc/passwd",
    "CON",
    "Café 🎧",
    "..",
    " Wait... ",
]
ODD_NAMES = [
    "01 - “Curly” — it’s.mp3",
    "02 - Either_Or.mp3",
    "03 - _.._etc_passwd.mp3",
    "04 - CON.mp3",
    "05 - Café 🎧.mp3",
    "06 - Chapter 6.mp3",
    "07 - Wait.mp3",
]


@pytest.fixture(scope="module")
def odd_chapters(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[ChapterMark]]:
    folder = tmp_path_factory.mktemp("odd")
    return _chapters(folder, [(t, 0.3 + 0.1 * n, 220 * (n % 3)) for n, t in enumerate(ODD_TITLES)])


def test_chapter_mp3s_are_named_tagged_and_listed(odd_chapters: tuple, tmp_path: Path) -> None:
    files, marks = odd_chapters
    tags = EpisodeTags(**{**TAGS.__dict__, "cover": COVER})
    paths = write_chapter_mp3s(files, marks, tags, tmp_path, "my-essay")
    folder = tmp_path / "my-essay"
    assert [p.name for p in paths] == ODD_NAMES
    assert all(p.parent == folder for p in paths)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*ODD_NAMES, "my-essay.m3u8"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-essay"]
    total = len(ODD_TITLES)
    for number, (path, mark) in enumerate(zip(paths, marks, strict=True), 1):
        id3 = ID3(path)
        assert id3.version[:2] == (2, 3)
        assert id3["TIT2"].text == [mark.title]
        assert id3["TALB"].text == [TAGS.title]
        assert id3["TPE1"].text == [TAGS.artist]
        assert id3["TRCK"].text == [f"{number}/{total}"]
        assert id3["TCON"].text == [TAGS.genre]
        assert id3["APIC:Cover"].data == COVER
        tag = eyed3.load(path).tag
        assert (tag.title, tag.album, tag.track_num) == (mark.title, TAGS.title, (number, total))
        assert str(tag.getBestDate()).startswith("2024")
        duration_ms = decoded_samples(path) * 1000 / RATE
        assert abs(duration_ms - (mark.end_ms - mark.start_ms)) <= TOLERANCE_MS


def test_m3u8_lists_the_chapters_in_order(odd_chapters: tuple, tmp_path: Path) -> None:
    files, marks = odd_chapters
    write_chapter_mp3s(files, marks, TAGS, tmp_path, "e")
    lines = (tmp_path / "e" / "e.m3u8").read_bytes().decode("utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    entries = list(zip(lines[1::2], lines[2::2], strict=True))
    assert [name for _, name in entries] == ODD_NAMES
    for (info, name), mark in zip(entries, marks, strict=True):
        seconds, title = info.removeprefix("#EXTINF:").split(",", 1)
        assert title == " ".join(mark.title.split())
        assert int(seconds) == round((mark.end_ms - mark.start_ms) / 1000)
        assert (tmp_path / "e" / name).is_file()  # relative to the playlist


def test_rebuild_removes_stale_chapter_files_only_in_its_folder(
    odd_chapters: tuple, tmp_path: Path
) -> None:
    files, marks = odd_chapters
    write_chapter_mp3s(files, marks, TAGS, tmp_path, "e")
    outside = [tmp_path / "07 - Wait.mp3", tmp_path / "other" / "05 - Café 🎧.mp3"]
    for path in outside:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"keep")
    notes = tmp_path / "e" / "notes.txt"
    notes.write_text("mine")
    stale_tmp = tmp_path / "e" / ".03 - x.mp3.999999999.tmp"  # from a killed process
    stale_tmp.write_bytes(b"")

    fewer = [ChapterMark("Renamed", 0, marks[0].end_ms), *marks[1:3]]
    paths = write_chapter_mp3s(files[:3], fewer, TAGS, tmp_path, "e")
    assert [p.name for p in paths] == ["01 - Renamed.mp3", *ODD_NAMES[1:3]]
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == sorted(
        ["01 - Renamed.mp3", *ODD_NAMES[1:3], "e.m3u8", "notes.txt"]
    )
    assert all(path.read_bytes() == b"keep" for path in outside)
    assert ID3(paths[2])["TRCK"].text == ["3/3"]


def test_stale_file_differing_only_in_case_is_kept() -> None:
    """On a case-insensitive file system the old name is the new file: deleting it would lose it."""
    assert formats._name_key("01 - intro.mp3") == formats._name_key("01 - Intro.mp3")
    assert formats._name_key("05 - Cafe\u0301.mp3") == formats._name_key("05 - Café.mp3")


def test_chapter_mp3s_refuse_a_stem_that_is_a_path(odd_chapters: tuple, tmp_path: Path) -> None:
    files, marks = odd_chapters
    for stem in ("..", "../e", "a/b", "", "."):
        with pytest.raises(ValueError):
            write_chapter_mp3s(files, marks, TAGS, tmp_path / "out", stem)
    assert not (tmp_path / "out").exists()


def test_chapter_numbers_widen_past_99() -> None:
    names = chapter_file_names([f"T{n}" for n in range(1, 101)])
    assert names[0] == "001 - T1.mp3" and names[-1] == "100 - T100.mp3"
    assert chapter_file_names(["a"]) == ["01 - a.mp3"]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT1", "LPT1_"),
        ("CONSOLE", "CONSOLE"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("tab\there\x00\x1f\x7f", "tab here"),
        ("  .hidden. ", "hidden"),
        ("..", ""),
        ("", ""),
        ("it’s Café — 🎧", "it’s Café — 🎧"),
        ("Cafe\u0301", "Café"),
        ("\u202eevil\u202c", "evil"),
    ],
)
def test_file_name(name: str, safe: str) -> None:
    assert file_name(name) == safe


def test_file_name_limits_length_without_splitting_a_character() -> None:
    assert file_name("x" * 300) == "x" * 80
    family = "👨\u200d👩\u200d👧"
    name = file_name(family * 30, limit=80)
    assert len(name.encode()) <= names.MAX_NAME_BYTES and not name.endswith("\u200d")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_title_gives_a_name_that_stays_in_its_folder(title: str) -> None:
    name = file_name(title)
    assert name not in (".", "..")
    assert not re.search(r'[/\\:*?"<>|\x00-\x1f\x7f]', name)
    assert name == name.strip(" .")
    assert len(name) <= 80 and len(name.encode("utf-8")) <= names.MAX_NAME_BYTES
    assert os.path.basename(name) == name
    assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
