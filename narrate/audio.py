"""Sound: clips and pauses into chapter PCM (pydub), PCM into MP3 frames (ffmpeg), frame counting.

pydub and ffmpeg live here only.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from narrate.errors import EngineError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from narrate.engines import Clip

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
# LAME's encoder delay (576) plus the decoder's (529): a decoder that is given no Info header
# (our joined files carry none) plays this much silence before each part's first sample.
CODEC_DELAY_SAMPLES = 1105
EDGE_MARGIN_MS = 30
SILENCE_DBFS = -50.0


@dataclass(frozen=True)
class AudioFormat:
    """The encoded output. Every field shapes the audio, so all of it is part of the cache key."""

    sample_rate: int = 44100
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0
    """Integrated loudness as heard on two speakers (ITU-R BS.1770, measured dual-mono)."""
    true_peak_db: float = -1.0


@dataclass(frozen=True)
class ChapterPcm:
    """A chapter's speech and pauses as one run of PCM, with where each utterance lies in it."""

    samples: bytes
    sample_rate: int
    spans: tuple[tuple[int, int], ...]
    """(first, last + 1) sample of each utterance's sound."""


@cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary that the imageio-ffmpeg wheel ships (or FFMPEG_BINARY / a system one)."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise EngineError(f"no ffmpeg found: {exc}") from None


def load_pydub() -> Any:
    """pydub, told where ffmpeg is (it warns on import when none is on PATH; we bring our own)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Couldn't find ffmpeg"
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on 3.12
        import pydub
        import pydub.silence

    pydub.AudioSegment.converter = ffmpeg_exe()
    return pydub


def assemble(clips_and_pauses: Iterable[tuple[Clip, int]]) -> ChapterPcm:
    """Trim each clip's edge silence, then lay clips end to end, each followed by its pause."""
    pydub = load_pydub()
    AudioSegment = pydub.AudioSegment  # noqa: N806 - pydub's class
    detect_leading_silence = pydub.silence.detect_leading_silence

    parts: list[bytes] = []
    spans: list[tuple[int, int]] = []
    position = 0
    rate = 0
    for clip, pause_ms in clips_and_pauses:
        if rate and clip.sample_rate != rate:
            raise EngineError("the engine changed its sample rate in the middle of a chapter")
        rate = clip.sample_rate
        segment = AudioSegment(clip.samples, sample_width=2, frame_rate=rate, channels=1)
        lead = max(0, detect_leading_silence(segment, SILENCE_DBFS) - EDGE_MARGIN_MS)
        tail = max(0, detect_leading_silence(segment.reverse(), SILENCE_DBFS) - EDGE_MARGIN_MS)
        spoken = segment[lead : max(lead, len(segment) - tail)]
        pause = AudioSegment.silent(duration=pause_ms, frame_rate=rate)
        spans.append((position, position + int(spoken.frame_count())))
        parts += [spoken.raw_data, pause.raw_data]
        position += int(spoken.frame_count()) + int(pause.frame_count())
    return ChapterPcm(samples=b"".join(parts), sample_rate=rate, spans=tuple(spans))


def encode_mp3(pcm: ChapterPcm, fmt: AudioFormat) -> bytes:
    """MPEG-1 Layer III CBR frames, with no ID3 tag and no Xing/Info frame, so parts can be joined.

    Each chapter is brought to the loudness target on its own (a linear gain, then a limiter for
    the peaks), so cached chapters stay valid and any mix of them lands on the target."""
    return _encode(pcm, loudness_gain(pcm, fmt), fmt)


def _encode(pcm: ChapterPcm, gain: float, fmt: AudioFormat) -> bytes:
    command = [
        *_ffmpeg_pcm_input(pcm), "-af", _level_filters(gain, fmt),
        "-ar", str(fmt.sample_rate), "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", f"{fmt.bitrate_kbps}k",
        "-write_xing", "0", "-id3v2_version", "0", "-fflags", "+bitexact",
        "-f", "mp3", "pipe:1",
    ]  # fmt: skip
    return _run_ffmpeg(command, pcm.samples, "encode MP3").stdout


def loudness_gain(pcm: ChapterPcm, fmt: AudioFormat) -> float:
    """The gain, in dB, that brings the chapter to the loudness target in the MP3.

    Measured on a sample of the chapter: an engine's level barely moves from sentence to sentence
    (espeak-ng's chapters measured -18.1 +/- 0.1 LUFS), and metering all of it cost a fifth as
    much as encoding it. Then what the encoding loses is measured on a shorter sample, as
    heard: with that gain, limited, resampled, encoded and decoded. LAME takes about 0.4 LU off
    speech (measured on espeak-ng at 32 to 128 kbps, with or without its lowpass) and the
    limiter 0.1 more: the gain makes that up, so the episode lands on the target, not half a
    decibel under it."""
    loudness = measure_loudness(ChapterPcm(loudness_sample(pcm), pcm.sample_rate, ()))
    if loudness is None:
        return 0.0
    gain = fmt.loudness_lufs - loudness
    short = ChapterPcm(loudness_sample(pcm, ENCODING_LOSS_BLOCKS), pcm.sample_rate, ())
    before = measure_loudness(short)
    after = _measure(["-f", "mp3", "-i", "pipe:0"], _encode(short, gain, fmt))
    if before is None or after is None:
        return gain
    return gain + (before + gain) - after


def _level_filters(gain: float, fmt: AudioFormat) -> str:
    # The limiter works on samples, at the engine's rate (half the work of limiting at 44.1 kHz);
    # the resampled, encoded signal's true peak was measured up to 0.2 dB above them.
    ceiling = 10 ** ((fmt.true_peak_db - 0.5) / 20)
    limiter = f"alimiter=limit={ceiling:.4f}:level=0:latency=1"
    return f"volume={gain:.2f}dB,{limiter},aresample={fmt.sample_rate}"


LOUDNESS_BLOCK_S = 3
LOUDNESS_BLOCKS = 30
ENCODING_LOSS_BLOCKS = 10  # the encoder's loss is steady: 30 s tell it as well as 90 s


def loudness_sample(pcm: ChapterPcm, blocks: int = LOUDNESS_BLOCKS) -> bytes:
    """At most `blocks` blocks of LOUDNESS_BLOCK_S seconds, spread over the chapter."""
    block = LOUDNESS_BLOCK_S * pcm.sample_rate * 2
    count = len(pcm.samples) // block
    if count <= blocks:
        return pcm.samples
    picks = (i * count // blocks for i in range(blocks))
    return b"".join(pcm.samples[i * block : (i + 1) * block] for i in picks)


def measure_loudness(pcm: ChapterPcm) -> float | None:
    """Integrated loudness in LUFS, dual-mono (a mono file is heard on both speakers); None for
    silence."""
    return _measure(_ffmpeg_pcm_input(pcm)[3:], pcm.samples)


def _measure(source: list[str], data: bytes) -> float | None:
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", *source,
        "-af", "ebur128=dualmono=true", "-f", "null", "-",
    ]  # fmt: skip
    report = _run_ffmpeg(command, data, "measure loudness", loglevel="info").stderr
    found = _INTEGRATED.findall(report.decode(errors="replace"))
    if not found:
        raise EngineError("ffmpeg reported no loudness for a chapter")
    value = float(found[-1])
    return value if value > _SILENCE_LUFS else None


_INTEGRATED = re.compile(r"\bI:\s+(-?[\d.]+|-inf) LUFS")
_SILENCE_LUFS = -69.0


def _ffmpeg_pcm_input(pcm: ChapterPcm) -> list[str]:
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin",
        "-f", "s16le", "-ar", str(pcm.sample_rate), "-ac", "1", "-i", "pipe:0",
    ]  # fmt: skip


def _run_ffmpeg(
    command: list[str], data: bytes, what: str, loglevel: str = "error"
) -> subprocess.CompletedProcess[bytes]:
    command = [command[0], "-loglevel", loglevel, *command[1:]]
    done = subprocess.run(command, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise EngineError(f"ffmpeg could not {what}: {reason[-1] if reason else 'no reason given'}")
    return done


_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44100, 48000, 32000)


def count_frames(data: bytes) -> int:
    """Frames in a run of MPEG-1 Layer III frames; ValueError if anything else is in it."""
    frames = 0
    offset = 0
    end = len(data)
    while offset < end:
        if end - offset < 4:
            raise ValueError(f"truncated MP3 frame header at byte {offset}")
        b1, b2 = data[offset + 1], data[offset + 2]
        if data[offset] != 0xFF or (b1 & 0xFE) != 0xFA:
            raise ValueError(f"no MPEG-1 Layer III frame at byte {offset}")
        bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
        if bitrate_index in (0, 15) or rate_index == 3:
            raise ValueError(f"bad MP3 frame header at byte {offset}")
        size = 144000 * _BITRATES_KBPS[bitrate_index] // _SAMPLE_RATES[rate_index] + padding
        if offset + size > end:
            raise ValueError(f"truncated MP3 frame at byte {offset}")
        offset += size
        frames += 1
    return frames


def frames_to_ms(frames: int, sample_rate: int) -> int:
    """Where a frame boundary falls, in whole milliseconds."""
    return round(frames * SAMPLES_PER_FRAME * 1000 / sample_rate)
