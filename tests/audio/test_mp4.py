"""The audiobook's MP4, written by narrate, against the same frames and chapters put in an MP4 by
ffmpeg's own muxer (the way narrate made its M4B before): the two files must be the same bytes.
Then what ffmpeg and mutagen read from files only narrate can make (64-bit offsets)."""

from __future__ import annotations

import array
import re
import struct
import subprocess
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutagen.mp4 import MP4

from narrate.audio import mp4
from narrate.audio.aac import AdtsRun, adts_run
from narrate.audio.mp4 import write_audiobook
from narrate.names import clip_utf8
from tests.conftest import ffmpeg, ffmpeg_chapters, speak_lines

Chapters = Sequence[tuple[str, int, int]]


@pytest.fixture(scope="module")
def speech_frames(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Some 280 s of the real engine's speech as AAC-LC ADTS frames, made by ffmpeg as narrate
    makes an M4B's parts: more than 2 MiB, so the audio spans three chunks (of under 1 MiB)."""
    folder = tmp_path_factory.mktemp("aac")
    speak_lines(
        [
            "The keeper climbed the stairs at dusk, as he had for thirty years.",
            "Nobody thanked him; the ships passed, and that was the thanks.",
            "In 1911, the lamp was electrified, and still he climbed.",
        ],
        folder / "speech.pcm",
    )
    (folder / "speech.pcm").write_bytes((folder / "speech.pcm").read_bytes() * 19)  # ~280 s
    subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1",
         "-i", str(folder / "speech.pcm"), "-c:a", "aac", "-b:a", "64k", "-ar", "44100",
         "-ac", "1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "adts",
         str(folder / "speech.aac")],
        check=True,
    )  # fmt: skip
    run = adts_run((folder / "speech.aac").read_bytes())
    frames = [
        run.data[end - length : end]
        for length, end in zip(run.lengths, accumulate(run.lengths), strict=True)
    ]
    assert sum(len(frame) for frame in frames) > 2 << 20
    return frames


def _ffmpeg_m4b(frames: list[bytes], chapters: Chapters, output: Path, language: str) -> None:
    """The frames in an MP4 by ffmpeg's ipod muxer, as narrate did it before writing its own."""
    lines = [";FFMETADATA1"]
    for title, start, end in chapters:
        escaped = re.sub(r"([=;#\\\n\r])", r"\\\1", title)
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start}",
            f"END={end}",
            f"title={escaped}",
        ]
    metadata = output.with_suffix(".txt")
    metadata.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "aac", "-i", "pipe:0", "-f", "ffmetadata",
         "-i", str(metadata), "-map", "0:a:0", "-map_chapters", "1", "-c:a", "copy",
         "-time_base:a", "1/44100", "-fflags", "+bitexact", "-flags:a", "+bitexact",
         "-metadata:s:a:0", f"language={language}", "-movflags", "+faststart",
         "-brand", "M4B ", "-f", "ipod", "-y", str(output)],
        input=b"".join(frames), check=True,
    )  # fmt: skip


def _both(
    frames: list[bytes], chapters: Chapters, folder: Path, language: str = "eng"
) -> tuple[bytes, bytes]:
    _ffmpeg_m4b(frames, chapters, folder / "ffmpeg.m4b", language)
    write_audiobook(folder / "narrate.m4b", lambda: _runs(frames), chapters, language)
    return (folder / "narrate.m4b").read_bytes(), (folder / "ffmpeg.m4b").read_bytes()


def _runs(frames: list[bytes], per_run: int = 700) -> list[AdtsRun]:
    """The frames in runs, as an audiobook's parts come (the last one shorter)."""
    return [adts_run(b"".join(frames[n : n + per_run])) for n in range(0, len(frames), per_run)]


def _ms(frames: int) -> int:
    return frames * 1024 * 1000 // 44100


def test_an_m4b_is_what_ffmpeg_writes_for_the_same_frames(
    speech_frames: list[bytes], tmp_path: Path
) -> None:
    end = _ms(len(speech_frames))
    chapters = [("Introduction", 0, 58_619), ("Shue’s Pact — 1911", 58_619, 160_001)]
    ours, theirs = _both(speech_frames, [*chapters, ("The End", 160_001, end)], tmp_path)
    assert ours == theirs
    audio_chunks = struct.unpack(">I", ours[ours.index(b"stco") + 8 : ours.index(b"stco") + 12])
    assert audio_chunks == (3,)


def test_many_chapters_with_awkward_titles_and_odd_milliseconds(
    speech_frames: list[bytes], tmp_path: Path
) -> None:
    """300 chapters (a Nero chpl lists 255), at times that round half way, titles that need
    escaping in ffmpeg's metadata file or are longer than a chpl title."""
    frames = speech_frames[:3000]
    words = ["Ünïcode", "Shue’s", "日本語", "a=b;c#d\\e", "two\nlines", "🎧" * 70, "é" * 140]
    bounds = [0, *(n * 231 + n % 2 * 5 for n in range(1, 300)), _ms(len(frames))]
    chapters = [
        (clip_utf8(f"{n} {words[n % len(words)]}", 255), start, end)
        for n, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]
    ours, theirs = _both(frames, chapters, tmp_path)
    assert ours == theirs


@pytest.mark.parametrize(
    ("frames", "language"),
    [(1, "eng"), (10, "deu"), (49, ""), (61, "ENG"), (400, "zho")],
    ids=["one frame", "ten", "fewer than ffmpeg probes", "more", "chinese"],
)
def test_short_streams_and_any_language(
    speech_frames: list[bytes], tmp_path: Path, frames: int, language: str
) -> None:
    part = speech_frames[100 : 100 + frames]
    ours, theirs = _both(part, [("Only", 0, _ms(frames))], tmp_path, language)
    assert ours == theirs


def test_past_four_gigabytes_offsets_and_the_mdat_size_take_64_bits(
    speech_frames: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book past 4 GiB (some 150 hours at 64 kbit/s) is played from 64-bit chunk offsets and
    a 64-bit mdat size: made here from a small file with the limit brought down."""
    chapters = [("One", 0, 60_000), ("Two", 60_000, _ms(len(speech_frames)))]
    normal = tmp_path / "normal.m4b"
    write_audiobook(normal, lambda: _runs(speech_frames), chapters, "eng")
    monkeypatch.setattr(mp4, "LARGE", 100_000)
    wide = tmp_path / "wide.m4b"
    write_audiobook(wide, lambda: _runs(speech_frames), chapters, "eng")
    data = wide.read_bytes()
    assert b"co64" in data and b"stco" not in data
    mdat = data.index(b"mdat") - 4
    assert struct.unpack(">I4sQ", data[mdat : mdat + 16]) == (1, b"mdat", len(data) - mdat)
    for path in (normal, wide):
        assert _packets(path) == _packets(normal)
        assert ffmpeg_chapters(path) == ffmpeg_chapters(normal)
        assert [c.title for c in MP4(path).chapters] == ["One", "Two"]


@given(st.lists(st.integers(1, 3 << 19), min_size=1, max_size=400))
def test_frames_share_a_chunk_while_it_stays_under_a_mebibyte(sizes: list[int]) -> None:
    counts, starts = mp4._chunks(array.array("I", sizes), sum(sizes))
    expected: list[list[int]] = []  # ffmpeg's rule, frame by frame
    for size in sizes:
        if expected and sum(expected[-1]) + size < 1 << 20:
            expected[-1].append(size)
        else:
            expected.append([size])
    assert counts == [len(chunk) for chunk in expected]
    assert starts == [sum(map(sum, expected[:n])) for n in range(len(expected))]


def _packets(path: Path) -> list[str]:
    """Every audio packet's size and checksum, as ffmpeg's demuxer reads them."""
    done = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if not line.startswith("#")]


def test_frames_that_are_not_one_aac_stream_are_refused(
    speech_frames: list[bytes], tmp_path: Path
) -> None:
    output = tmp_path / "e.m4b"
    chapters = [("A", 0, 1000)]
    other_rate = bytearray(speech_frames[1])
    other_rate[2] = (other_rate[2] & 0xC3) | (3 << 2)  # 48 kHz
    with pytest.raises(ValueError, match="no ADTS frame"):
        adts_run(speech_frames[0] + b"ID3 tag, not audio")
    cases = {
        "of different kinds": _runs(speech_frames[:3]) + [adts_run(bytes(other_rate))],
        "no AAC frames": [],
        "not 44100": [adts_run(bytes(other_rate))],
    }
    for message, runs in cases.items():
        with pytest.raises(ValueError, match=message):
            write_audiobook(output, lambda runs=runs: runs, chapters, "eng")


def test_frames_that_change_between_the_two_readings_are_refused(
    speech_frames: list[bytes], tmp_path: Path
) -> None:
    first = _runs(speech_frames[:40], per_run=15)
    for second in (speech_frames[:39], speech_frames[:41], speech_frames[1:41]):
        readings = iter([first, _runs(second, per_run=15)])
        with pytest.raises(ValueError, match="changed while it was written"):
            write_audiobook(
                tmp_path / "e.m4b", lambda readings=readings: next(readings), [("A", 0, 900)], "eng"
            )
