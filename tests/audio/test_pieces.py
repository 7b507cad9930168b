"""A chapter encoded in two pieces at once decodes like the chapter encoded whole."""

import array
import math
import subprocess
from pathlib import Path

import pytest

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.ffmpeg import encode_mp3, encode_mp3_pieces, measure_loudness
from narrate.audio.level import level_for
from narrate.audio.mp3 import count_frames, count_frames_in, encoded_frames
from narrate.audio.pcm import PcmLayout, plan_pieces
from tests.conftest import ffmpeg

RATE = 22050


def _chapter(bursts_s: list[float], total_s: float) -> tuple[bytes, PcmLayout]:
    """Tone bursts of 0.4 s with silence between them: utterances and their pauses."""
    samples = array.array("h", [0] * int(total_s * RATE))
    spans = []
    for start_s in bursts_s:
        start = int(start_s * RATE)
        for i in range(int(0.4 * RATE)):
            samples[start + i] = int(12000 * math.sin(2 * math.pi * 440 * i / RATE))
        spans.append((start, start + int(0.4 * RATE)))
    ends = [end for _, end in spans]
    pauses = tuple(zip(ends, [s for s, _ in spans[1:]] + [len(samples)], strict=True))
    return samples.tobytes(), PcmLayout(RATE, len(samples), tuple(spans), pauses)


def _decode(mp3: bytes) -> array.array:
    pcm = subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "pipe:1"],
        input=mp3, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return array.array("h", pcm)


def _onsets(decoded: array.array) -> list[int]:
    """First loud sample of each burst."""
    found = []
    for i, x in enumerate(decoded):
        if abs(x) > 3000 and (not found or i - found[-1] > 44100 // 2):
            found.append(i)
    return found


def test_a_long_chapter_is_cut_in_a_pause_near_its_middle_on_a_frame_boundary() -> None:
    bursts = [0.1 + 1.3 * n for n in range(20)]  # 26 s, a pause of 0.9 s after each burst
    _, layout = _chapter(bursts, 26.5)
    (a0, a1), (b0, b1) = plan_pieces(layout, 44100)
    assert a0 == 0 and b1 == layout.samples
    assert (2 * a1) % 1152 == 0 and b0 - a1 == 576  # one output frame of silence is dropped
    assert abs(a1 - layout.samples / 2) < 1.3 * RATE
    assert any(
        first + 0.07 * RATE <= a1 and b0 <= end - 0.07 * RATE for first, end in layout.pauses
    )
    # short chapters, and chapters with no pause long enough, stay whole
    _, short = _chapter([0.1, 1.4], 5)
    assert plan_pieces(short, 44100) == [(0, short.samples)]
    _, tight = _chapter([0.1 + 0.45 * n for n in range(50)], 23)
    assert plan_pieces(tight, 44100) == [(0, tight.samples)]


def test_two_pieces_decode_to_the_same_timing_and_length_as_one(tmp_path: Path) -> None:
    bursts = [0.1 + 1.3 * n for n in range(20)]
    samples, layout = _chapter(bursts, 26.5)
    source = tmp_path / "chapter.pcm"
    source.write_bytes(samples)
    fmt = AudioFormat()
    whole = encode_mp3(ChapterPcm(samples, RATE, layout.spans), fmt)
    level = level_for(measure_loudness(ChapterPcm(samples, RATE, layout.spans)), fmt)

    one = [tmp_path / "one.mp3"]
    encode_mp3_pieces(source, RATE, level, fmt, [(0, layout.samples)], one)
    assert one[0].read_bytes() == whole  # one piece is the plain encoder's output, byte for byte

    pieces = plan_pieces(layout, 44100)
    outputs = [tmp_path / "a.mp3", tmp_path / "b.mp3"]
    encode_mp3_pieces(source, RATE, level, fmt, pieces, outputs)
    parts = [path.read_bytes() for path in outputs]
    assert [count_frames(p) for p in parts] == [encoded_frames(2 * (e - f)) for f, e in pieces]
    joined = b"".join(parts)
    assert count_frames(joined) == count_frames(whole)
    expected, got = _onsets(_decode(whole)), _onsets(_decode(joined))
    assert len(got) == len(expected) == len(bursts)
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 3


def test_frames_are_counted_the_same_however_the_stream_is_cut() -> None:
    mp3 = encode_mp3(ChapterPcm(bytes(2 * RATE * 3), RATE, ()), AudioFormat())
    frames = count_frames(mp3)
    for size in (1, 3, 100, 417, 4096, len(mp3)):
        chunks = [mp3[i : i + size] for i in range(0, len(mp3), size)]
        assert count_frames_in(chunks) == frames
    with pytest.raises(ValueError, match="truncated"):
        count_frames_in([mp3[:-5]])
