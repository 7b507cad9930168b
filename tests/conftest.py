"""Shared helpers: run the real CLI, and read results back with readers narrate does not use."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

# Tests started in the background by a script (`cmd &` without job control) inherit SIGINT
# ignored, and so would every narrate they start: the Ctrl-C tests need it delivered.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_narrate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a real process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "narrate", *args], capture_output=True, text=True, cwd=cwd
    )


def build_json(*args: str, cwd: Path | None = None) -> dict:
    done = run_narrate("build", *args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # fails if anything but the JSON object reached stdout


_SPEAK = """
import sys
from narrate.engines import VoiceSettings, check_settings
from narrate.engines import pyttsx3 as adapter

speaker = adapter.open(check_settings(VoiceSettings()))
clips = [speaker.synthesize(line) for line in sys.argv[2:]]
speaker.close()
assert all(clip.sample_rate == 22050 for clip in clips)
with open(sys.argv[1], "wb") as out:
    out.write(b"".join(clip.samples + bytes(22050) for clip in clips))
"""


def speak_lines(lines: list[str], out: Path) -> None:
    """The default engine's speech of `lines` as raw 22.05 kHz 16-bit mono PCM in `out`, each
    followed by half a second of silence: spoken in a process of its own, so the espeak-ng it
    loads never meets Piper's in the test process."""
    subprocess.run([sys.executable, "-c", _SPEAK, str(out), *lines], check=True)


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_chapters(path: Path) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, title) of each chapter as ffmpeg's demuxer reads them, in its order."""
    meta = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    chapters = []
    for block in meta.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        num, den = (int(x) for x in fields["TIMEBASE"].split("/"))
        start, end = (round(int(fields[k]) * num * 1000 / den) for k in ("START", "END"))
        title = re.sub(r"\\(.)", r"\1", fields.get("title", ""))  # ffmetadata escapes \ = ; #
        chapters.append((start, end, title))
    return chapters


def decoded_samples(path: Path, rate: int = 44100) -> int:
    """How many samples ffmpeg decodes from the file."""
    pcm = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return len(pcm) // 2


def copy_data(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copy(DATA / name, target)
    return target


@pytest.fixture
def data_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda name: copy_data(name, tmp_path)
