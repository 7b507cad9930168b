"""Bad input: one clear line on stderr, a non-zero exit, no traceback, nothing left behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, run_narrate


def _assert_one_line_failure(done: subprocess.CompletedProcess[str], phrase: str) -> None:
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("narrate: ") and phrase in lines[0], lines[0]
    assert "Traceback" not in done.stderr


def _leftovers(out: Path) -> list[str]:
    if not out.exists():
        return []
    return sorted(p.name for p in out.iterdir() if p.suffix in {".mp3", ".tmp"})


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"", "is empty"),
        (b"   \n\n\t  \n", "is empty"),
        (bytes(range(256)) * 40, "not a text file"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + os.urandom(2000),
            "not a text file",
        ),
        (b"First Heading\n\nSecond Heading\n", "no text under"),
        (b"---\ntitle: [broken\n---\nSome text.\n", "front matter is not valid YAML"),
    ],
)
def test_unusable_scripts(tmp_path: Path, content: bytes, phrase: str) -> None:
    script = tmp_path / "bad.txt"
    script.write_bytes(content)
    out = tmp_path / "out"
    _assert_one_line_failure(run_narrate("build", str(script), "--out", str(out)), phrase)
    assert _leftovers(out) == []


def test_random_bytes(tmp_path: Path) -> None:
    script = tmp_path / "noise.txt"
    script.write_bytes(os.urandom(4096))
    done = run_narrate("build", str(script), "--out", str(tmp_path / "out"))
    _assert_one_line_failure(done, "not a text file")


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["build", "nope.txt"], "no such file"),
        (["build", "."], "is a directory"),
        (["chapters", "nope.txt"], "no such file"),
        (["build", str(DATA / "two-chapters.txt"), "--voice", "klingon"], "unknown voice"),
        (["build", str(DATA / "two-chapters.txt"), "--rate", "1000"], "out of range"),
        (["build", str(DATA / "two-chapters.txt"), "--rate", "20"], "out of range"),
    ],
)
def test_bad_arguments(tmp_path: Path, args: list[str], phrase: str) -> None:
    done = (
        run_narrate(*args, "--out", str(tmp_path / "out"))
        if args[0] == "build"
        else run_narrate(*args)
    )
    _assert_one_line_failure(done, phrase)
    assert _leftovers(tmp_path / "out") == []


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("mine")
    done = run_narrate("build", str(DATA / "two-chapters.txt"), "--out", str(target))
    _assert_one_line_failure(done, "is a file")
    assert target.read_text() == "mine"


def test_unwritable_output_folder() -> None:
    # /proc/self is a folder that even root cannot create files in
    done = run_narrate("build", str(DATA / "two-chapters.txt"), "--out", "/proc/self")
    _assert_one_line_failure(done, "not writable")


def _small_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))


def test_a_full_disk_fails_cleanly_and_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "narrate", "build", str(DATA / "heading-styles.txt"), "--out", str(out)],
        capture_output=True, text=True, preexec_fn=_small_disk,
    )  # fmt: skip
    _assert_one_line_failure(done, "too large")
    assert _leftovers(out) == []
    assert not list(out.rglob("*.tmp"))


def test_help_is_fast_to_reach_and_lists_commands() -> None:
    done = run_narrate("--help")
    assert done.returncode == 0
    for command in ("build", "chapters", "voices", "cache"):
        assert command in done.stdout
