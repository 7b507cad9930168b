"""Every run of ffmpeg: loudness metering, the limiter, MP3 and AAC encoding.

ffmpeg is run from here only; the binary comes from the imageio-ffmpeg wheel (no system ffmpeg).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.aac import M4B_SAMPLE_RATE
from narrate.audio.level import Level, level_for
from narrate.errors import EngineError
from narrate.processes import batch_work


@cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary: IMAGEIO_FFMPEG_EXE if set, else the one the imageio-ffmpeg wheel ships,
    else what imageio-ffmpeg finds (a conda or system ffmpeg)."""
    explicit = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if explicit:
        return explicit
    import imageio_ffmpeg

    # imageio-ffmpeg runs `ffmpeg -version` to check even the binary its wheel ships (~15 ms
    # and ~14 ms of CPU in each process that asks). That wheel holds one binary, ffmpeg-*.
    shipped = [
        path
        for path in (Path(imageio_ffmpeg.__file__).parent / "binaries").glob("ffmpeg-*")
        if path.is_file() and os.access(path, os.X_OK)
    ]
    if len(shipped) == 1:
        return str(shipped[0])
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise EngineError(f"no ffmpeg found: {exc}") from None


def encode_mp3(pcm: ChapterPcm, fmt: AudioFormat) -> bytes:
    """MPEG-1 Layer III CBR frames, with no ID3 tag and no Xing/Info frame, so parts can be joined.

    Each chapter is brought to the loudness target on its own (a linear gain, then a limiter for
    the peaks), so cached chapters stay valid and any mix of them lands on the target."""
    level = level_for(measure_loudness(pcm), fmt)
    samples = len(pcm.samples) // 2
    graph = level.piece_filters(
        io.BytesIO(pcm.samples), 0, samples, pcm.sample_rate, fmt.sample_rate
    )
    command = [*_ffmpeg_pcm_input(pcm), *_levelled(graph), *_mp3_output(fmt), "pipe:1"]
    return _run_ffmpeg(command, pcm.samples, "encode MP3").stdout


def encode_mp3_pieces(
    source: Path, sample_rate: int, level: Level, fmt: AudioFormat, pieces: list[tuple[int, int]],
    outputs: list[Path],
) -> None:  # fmt: skip
    """Encode a chapter's raw PCM, read from the file `source`, brought to `level`, into one MP3
    per piece: `pieces` are (first, end) sample ranges of the source. Each piece is read,
    levelled and encoded by an ffmpeg process of its own, all at once, so pieces are encoded on
    as many cores as there are. A single piece is exactly `encode_mp3`'s output for the same
    PCM."""
    raw = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1"]
    with open(source, "rb") as pcm:
        graphs = [
            level.piece_filters(pcm, first, end, sample_rate, fmt.sample_rate)
            for first, end in pieces
        ]
    commands = []
    for (first, end), output, graph in zip(pieces, outputs, graphs, strict=True):
        # ffmpeg's subfile protocol reads exactly these bytes (the file is named relative to
        # its folder, so no comma or colon of the user's path can reach the URL)
        url = (
            f"file:{source.name}" if len(pieces) == 1
            else f"subfile,,start,{2 * first},end,{2 * end},,:{source.name}"
        )  # fmt: skip
        target = f"file:{output.resolve()}"
        commands.append(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
             *raw, "-i", url, *_levelled(graph), *_mp3_output(fmt), target]
        )  # fmt: skip
    _run_all(commands, "encode MP3", cwd=source.parent)


def _run_all(commands: list[list[str]], what: str, cwd: Path) -> None:
    """Run the commands at once; the first failure is raised once all have ended."""
    with contextlib.ExitStack() as stack:
        processes = []
        for command in commands:
            errors = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                cwd=cwd, preexec_fn=batch_work(),  # a chapter stopped stops its pieces
            )  # fmt: skip
            stack.callback(_reap, process)
            processes.append((process, errors))
        for process, errors in processes:
            if process.wait() != 0:
                errors.seek(0)
                raise _failed(what, errors.read())


def _reap(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _failed(what: str, stderr: bytes | str) -> EngineError:
    """ffmpeg's failure to do `what`, told by the last line it wrote."""
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    lines = text.strip().splitlines()
    return EngineError(f"ffmpeg could not {what}: {lines[-1] if lines else 'no reason given'}")


def _levelled(graph: str) -> list[str]:
    """The input through `graph` (from `Level`), its output the one encoded."""
    return ["-filter_complex", graph, "-map", "[out]"]


def _mp3_output(fmt: AudioFormat) -> list[str]:
    return [
        "-ar", str(fmt.sample_rate), "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", f"{fmt.bitrate_kbps}k",
        "-write_xing", "0", "-id3v2_version", "0", "-fflags", "+bitexact",
        "-f", "mp3", "-y",
    ]  # fmt: skip


class LoudnessMeter:
    """Integrated loudness of PCM written to it as it is made, measured by ffmpeg's ebur128 in a
    process of its own (dual-mono: a mono file is heard on both speakers). The whole chapter is
    measured while it is spoken, at the cost of one more process, in memory that stays flat."""

    def __init__(self, sample_rate: int) -> None:
        # ffmpeg reports to a file: a pipe left unread could fill and stall it
        self._report = tempfile.TemporaryFile()  # noqa: SIM115 - closed by loudness/close
        # ebur128 is fed whole-second frames: ffmpeg's threads then hand over 10 times fewer
        # frames (the meter's CPU -15%; the same figure, as the filter works sample by sample)
        command = [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
            "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
            "-af", f"asetnsamples=n={sample_rate},ebur128=dualmono=true:framelog=verbose",
            "-c:a", "pcm_f64le", "-f", "null", "-",  # the meter's doubles, not converted back
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._report,
            preexec_fn=batch_work(),
        )  # fmt: skip
        if sys.platform.startswith("linux"):  # room for ~20 s of speech: the engine never
            import fcntl  # waits for the meter to start up

            with contextlib.suppress(OSError):
                fcntl.fcntl(self._process.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[union-attr]
        self.written = 0

    def write(self, data: bytes) -> None:
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # ffmpeg stopped: `loudness` says why
            self._process.stdin.write(data)
        self.written += len(data)

    def loudness(self) -> float | None:
        """LUFS, dual-mono, of everything written; None for silence (or nothing written)."""
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        returncode = self._process.wait()
        self._report.seek(0)
        report = self._report.read().decode(errors="replace")
        self._report.close()
        if returncode != 0:
            raise _failed("measure loudness", report)
        return _integrated(report) if self.written else None

    def close(self) -> None:
        """Stop the meter without a result (the chapter failed)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._report.close()


def measure_loudness(pcm: ChapterPcm) -> float | None:
    """Integrated loudness of `pcm` in LUFS, dual-mono; None for silence."""
    meter = LoudnessMeter(pcm.sample_rate)
    try:
        meter.write(pcm.samples)
        return meter.loudness()
    finally:
        meter.close()


def _integrated(report: str) -> float | None:
    found = _INTEGRATED.findall(report)
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
        raise _failed(what, done.stderr)
    return done


def encode_aac_part(mp3: Path, samples: int, output: Path, bitrate_kbps: int) -> None:
    """One part of an M4B's audio (see `narrate.audio.aac`): the MP3's frames decoded, padded or
    cut at their end to `samples`, encoded as AAC-LC (44.1 kHz mono) in ADTS frames."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "mp3", "-i", f"file:{mp3.resolve()}",
        "-af", f"apad=whole_len={samples},atrim=end_sample={samples}",
        "-c:a", "aac", "-b:a", f"{bitrate_kbps}k", "-ar", str(M4B_SAMPLE_RATE), "-ac", "1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-f", "adts", "-y", f"file:{output.resolve()}",
    ]  # fmt: skip
    _run_all([command], "encode AAC", cwd=output.parent)
