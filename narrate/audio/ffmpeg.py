"""Every run of ffmpeg: loudness metering, the limiter, MP3 and AAC encoding.

ffmpeg is run from here only; the binary comes from the imageio-ffmpeg wheel (no system ffmpeg).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import IO

from narrate.audio import AudioFormat, ChapterPcm
from narrate.errors import EngineError

M4B_SAMPLE_RATE = 44100


@cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary that the imageio-ffmpeg wheel ships (or FFMPEG_BINARY / a system one)."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise EngineError(f"no ffmpeg found: {exc}") from None


def encode_mp3(pcm: ChapterPcm, fmt: AudioFormat) -> bytes:
    """MPEG-1 Layer III CBR frames, with no ID3 tag and no Xing/Info frame, so parts can be joined.

    Each chapter is brought to the loudness target on its own (a linear gain, then a limiter for
    the peaks), so cached chapters stay valid and any mix of them lands on the target."""
    return _encode(pcm, chapter_level(pcm, fmt), fmt)


def _encode(pcm: ChapterPcm, level: str, fmt: AudioFormat) -> bytes:
    command = [*_ffmpeg_pcm_input(pcm), "-af", level, *_mp3_output(fmt), "pipe:1"]
    return _run_ffmpeg(command, pcm.samples, "encode MP3").stdout


def chapter_level(pcm: ChapterPcm, fmt: AudioFormat) -> str:
    """The loudness decision for a chapter, all of it here: measure the chapter (a sample of
    it), choose the gain that brings it to the target, and cap its peaks with a limiter under
    the true-peak ceiling. Returned as the ffmpeg filters that apply it (gain, limiter, then
    resampling to the output rate); every encoder path goes through this one function."""
    return _level_filters(loudness_gain(pcm, fmt), fmt)


def encode_mp3_pieces(
    source: Path, sample_rate: int, level: str, fmt: AudioFormat, pieces: list[tuple[int, int]],
    outputs: list[Path],
) -> None:  # fmt: skip
    """Encode a chapter's raw PCM, read from the file `source`, with the filters `level` (from
    `chapter_level`), into one MP3 per piece: `pieces` are (first, end) sample ranges of the
    source. One ffmpeg process, in which each piece is read, levelled and encoded on threads of
    its own, so pieces are encoded at once on as many cores as there are. A single piece is
    exactly `encode_mp3`'s output for the same PCM."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin"]
    raw = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1"]
    if len(pieces) == 1:
        command += [*raw, "-i", f"file:{source.name}"]
    for first, end in pieces if len(pieces) > 1 else ():
        # ffmpeg's subfile protocol reads exactly these bytes (the file is named relative to
        # its folder, so no comma or colon of the user's path can reach the URL)
        command += [*raw, "-i", f"subfile,,start,{2 * first},end,{2 * end},,:{source.name}"]
    for number, output in enumerate(outputs):
        target = f"file:{output.resolve()}"
        command += ["-map", f"{number}:a", "-af", level, *_mp3_output(fmt), target]
    _run_ffmpeg(command, b"", "encode MP3", cwd=source.parent)


def _mp3_output(fmt: AudioFormat) -> list[str]:
    return [
        "-ar", str(fmt.sample_rate), "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", f"{fmt.bitrate_kbps}k",
        "-write_xing", "0", "-id3v2_version", "0", "-fflags", "+bitexact",
        "-f", "mp3", "-y",
    ]  # fmt: skip


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
    after = _measure(["-f", "mp3", "-i", "pipe:0"], _encode(short, _level_filters(gain, fmt), fmt))
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
# The encoder's loss is steady: with 9 s the samples land at -16.1 LUFS, as with 30 s.
ENCODING_LOSS_BLOCKS = 3


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
    command: list[str], data: bytes, what: str, loglevel: str = "error", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    command = [command[0], "-loglevel", loglevel, *command[1:]]
    done = subprocess.run(command, input=data, capture_output=True, check=False, cwd=cwd)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise EngineError(f"ffmpeg could not {what}: {reason[-1] if reason else 'no reason given'}")
    return done


def encode_m4b(
    frames: Iterable[bytes], chapters: Path, output: Path, bitrate_kbps: int, language: str
) -> None:
    """Feed the chapters to ffmpeg as one MP3 stream (so no gap or overlap can arise at a join) and
    let it write AAC in an iPod-flavoured MP4 with a QuickTime chapter track and a Nero chpl, its
    chapters from the FFMETADATA file `chapters`."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "mp3", "-i", "pipe:0",
        "-f", "ffmetadata", "-i", f"file:{chapters}",
        # Not -map_metadata -1: it drops the chapter titles and the chapter track with them.
        "-map", "0:a:0", "-map_chapters", "1",
        "-c:a", "aac", "-b:a", f"{bitrate_kbps}k", "-ar", str(M4B_SAMPLE_RATE), "-ac", "1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-metadata:s:a:0", f"language={language}",
        "-movflags", "+faststart", "-brand", "M4B ",
        "-f", "ipod", "-y", f"file:{output}",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            assert process.stdin is not None
            _feed(process.stdin, frames)
            returncode = process.wait()
        except BaseException:
            # ffmpeg must be gone before the caller removes its file: the faststart pass
            # reopens the file by name and would bring it back.
            process.kill()
            process.wait()
            raise
        if returncode != 0:
            errors.seek(0)
            reason = errors.read().decode(errors="replace").strip().splitlines()
            last = reason[-1] if reason else "no reason given"
            raise EngineError(f"ffmpeg could not make the audiobook: {last}")


def _feed(stdin: IO[bytes], frames: Iterable[bytes]) -> None:
    try:
        for part in frames:
            stdin.write(part)
        stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped reading; its exit status says why
