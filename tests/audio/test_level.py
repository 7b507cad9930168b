"""The limiter runs only where peaks are, and the MP3 is the one a limiter over everything gives."""

import array
import io
import math
import subprocess
from pathlib import Path

import pytest

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.ffmpeg import encode_mp3, encode_mp3_pieces, measure_loudness
from narrate.audio.level import Level, encoding_loss_db, level_for, peak_stretches
from tests.conftest import ffmpeg, speak_lines

RATE = 22050


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Some 15 s of the real engine's speech, with pauses, as raw PCM."""
    path = tmp_path_factory.mktemp("speech") / "speech.pcm"
    speak_lines(
        [
            "The keeper climbed the stairs at dusk, as he had for thirty years.",
            "Nobody thanked him; the ships passed, and that was the thanks!",
            "In 1911, the lamp was electrified, and still he climbed.",
            "What would you have done? Stayed below, and watched the dark come in?",
        ],
        path,
    )
    return path


def _limited_everywhere(source: Path, level: Level, first: int, end: int, out: Path) -> bytes:
    """The reference: the gain and one limiter over the whole piece, as ffmpeg's filters chain
    them, with the MP3 settings narrate uses (CBR, no Xing frame, no tag, bit-exact)."""
    subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
         "-i", f"subfile,,start,{2 * first},end,{2 * end},,:{source.name}",
         "-af", f"volume={level.gain_db:.2f}dB,alimiter=limit={level.ceiling:.4f}:level=0"
         ":latency=1,aresample=44100",
         "-ar", "44100", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0",
         "-id3v2_version", "0", "-fflags", "+bitexact", "-f", "mp3", "-y", str(out)],
        check=True, cwd=source.parent,
    )  # fmt: skip
    return out.read_bytes()


def _stretches(source: Path, level: Level, first: int, end: int) -> list[tuple[int, int]]:
    with open(source, "rb") as pcm:
        return peak_stretches(pcm, first, end, level.threshold(), RATE)


@pytest.mark.parametrize("gain_db", [None, 6.0, 14.0])
def test_speech_limited_where_it_peaks_encodes_as_if_limited_everywhere(
    speech: Path, tmp_path: Path, gain_db: float | None
) -> None:
    fmt = AudioFormat()
    samples = speech.stat().st_size // 2
    pcm = ChapterPcm(speech.read_bytes(), RATE, ())
    level = level_for(measure_loudness(pcm), fmt)
    if gain_db is not None:  # louder still: peaks everywhere, stretches merged
        level = Level(gain_db, level.ceiling)
    stretches = _stretches(speech, level, 0, samples)
    limited = sum(end - first for first, end in stretches)
    assert stretches and limited < samples  # the gain takes speech over the ceiling, in places
    if gain_db is None:
        assert limited < samples / 3  # at the target, peaks are brief
    # two pieces, cut on a frame boundary as a chapter's are (each limited on its own)
    cut = samples // 2 // 576 * 576
    pieces = [(0, cut), (cut + 576, samples)]
    for piece in ([(0, samples)], pieces):
        outputs = [tmp_path / f"piece-{n}.mp3" for n in range(len(piece))]
        encode_mp3_pieces(speech, RATE, level, fmt, piece, outputs)
        for (first, end), output in zip(piece, outputs, strict=True):
            expected = _limited_everywhere(speech, level, first, end, tmp_path / "all.mp3")
            assert output.read_bytes() == expected


def test_peaks_at_a_piece_s_edges_and_between_them(tmp_path: Path) -> None:
    """Bursts over the ceiling at the very first and last samples, and at every spacing from
    a few samples to seconds, on a tone that never reaches it: limited the same as everywhere."""
    samples = array.array("h", (int(9000 * math.sin(i / 7)) for i in range(6 * RATE)))
    spots = [0, len(samples) - 40] + [RATE + round(1.6**n) for n in range(1, 22)]
    for spot in spots:
        for i in range(spot, min(len(samples), spot + 30)):
            samples[i] = 31000 if i % 2 else -31000
    source = tmp_path / "bursts.pcm"
    source.write_bytes(samples.tobytes())
    level = Level(0.5, 0.8414)
    stretches = _stretches(source, level, 0, len(samples))
    assert stretches[0][0] == 0 and stretches[-1][1] == len(samples) and len(stretches) > 2
    output = tmp_path / "out.mp3"
    encode_mp3_pieces(source, RATE, level, AudioFormat(), [(0, len(samples))], [output])
    assert output.read_bytes() == _limited_everywhere(
        source, level, 0, len(samples), tmp_path / "all.mp3"
    )


def test_without_peaks_no_limiter_runs_and_the_mp3_is_the_same(tmp_path: Path) -> None:
    samples = array.array("h", (int(9000 * math.sin(i / 7)) for i in range(3 * RATE)))
    source = tmp_path / "quiet.pcm"
    source.write_bytes(samples.tobytes())
    level = Level(1.0, 0.8414)
    assert _stretches(source, level, 0, len(samples)) == []
    assert "alimiter" not in level.filters([], len(samples), 44100)
    output = tmp_path / "out.mp3"
    encode_mp3_pieces(source, RATE, level, AudioFormat(), [(0, len(samples))], [output])
    assert output.read_bytes() == _limited_everywhere(
        source, level, 0, len(samples), tmp_path / "all.mp3"
    )


def test_stretches_are_merged_to_keep_the_filter_graph_bounded() -> None:
    # a peak every 0.3 s for ten minutes: 2,000 stretches before merging
    samples = array.array("h", [0] * (600 * RATE))
    for at in range(0, len(samples), int(0.3 * RATE)):
        samples[at] = 32000
    found = peak_stretches(io.BytesIO(samples.tobytes()), 0, len(samples), 30000, RATE)
    assert 0 < len(found) <= 200
    peaks = range(0, len(samples), int(0.3 * RATE))
    assert all(any(first <= at < end for first, end in found) for at in peaks)
    assert all(a[1] < b[0] for a, b in zip(found, found[1:], strict=False))  # ordered, apart


def test_stretches_are_counted_from_the_piece_s_first_sample() -> None:
    samples = array.array("h", [0] * (4 * RATE))
    samples[3 * RATE] = 32000
    data = io.BytesIO(samples.tobytes())
    ((first, end),) = peak_stretches(data, 2 * RATE, 4 * RATE, 30000, RATE)
    assert first < RATE < end <= 2 * RATE


def test_the_gain_brings_the_measured_loudness_to_the_target_plus_what_lame_takes() -> None:
    fmt = AudioFormat(loudness_lufs=-16.0)
    assert level_for(-21.0, fmt).gain_db == round(5 + encoding_loss_db(fmt), 2)
    assert level_for(None, fmt).gain_db == 0.0
    assert level_for(None, fmt).ceiling == round(10 ** (-1.5 / 20), 4)
    assert encoding_loss_db(AudioFormat(bitrate_kbps=320)) < encoding_loss_db(fmt)
    assert encode_mp3(ChapterPcm(bytes(2 * RATE), RATE, ()), fmt)  # silence: no limiter at all
