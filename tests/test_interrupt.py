"""Interrupted builds: Ctrl-C, a killed parent, and what the next run makes of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import build_json, copy_data


def _start_build(script: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "narrate", "build", str(script), "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def _wait_for_entries(out: Path, count: int) -> int:
    entries = out / ".narrate-cache" / "chapters"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = len(list(entries.glob("*/*.json")))
        if found >= count:
            return found
        time.sleep(0.01)
    raise AssertionError("the build made no chapter in time")


def _descendants(pid: int) -> set[int]:
    children: set[int] = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(status.parent.name)
            children |= {child} | _descendants(child)
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_exits_130_keeps_finished_chapters_and_leaves_no_output(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    out = tmp_path / "out"
    process = _start_build(script, out, "--jobs", "1")
    _wait_for_entries(out, 1)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stdout == ""
    assert stderr.strip().splitlines() == [
        "narrate: interrupted; finished chapters are kept and the next build resumes"
    ]
    kept = len(list((out / ".narrate-cache" / "chapters").glob("*/*.json")))
    assert kept >= 1
    assert not (out / "heading-styles.mp3").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    resumed = build_json(str(script), "--out", str(out))["episodes"][0]
    assert sum(not c["synthesized"] for c in resumed["chapters"]) >= kept


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    out = tmp_path / "out"
    process = _start_build(script, out, "--jobs", "2")
    _wait_for_entries(out, 1)
    helpers = _descendants(process.pid)
    assert helpers, "the build should be running worker processes"
    os.kill(process.pid, signal.SIGKILL)  # the parent alone, not its group
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in helpers if _alive(pid)]
    assert not (out / "heading-styles.mp3").exists()


def _encoders(pids: set[int]) -> set[int]:
    found = set()
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"libmp3lame" in command:
            found.add(pid)
    return found


@pytest.mark.parametrize("stop", ["ctrl-c", "parent killed"])
def test_an_edits_rebuild_stopped_while_encoding_leaves_no_encoder_and_the_old_episode(
    tmp_path: Path, stop: str
) -> None:
    """A lone chapter is made in a fork of the command. Stopped while ffmpeg encodes it, by
    Ctrl-C or by the command alone being killed, the encoders must stop at once (not go on
    writing for seconds after narrate has gone), and the last episode stays as it was."""
    paragraph = (
        "The keeper climbed the stairs each evening, counted the steps aloud, and lit the lamp "
        "that the ships had watched for a hundred years, though fewer came every winter. "
    ) * 6
    script = tmp_path / "long.txt"
    script.write_text(
        "Opening\n\n" + paragraph + "\n\nThe Long Night\n\n" + "\n\n".join([paragraph] * 16),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = build_json(str(script), "--out", str(out))["episodes"][0]
    episode = Path(first["output"])
    before = episode.read_bytes()
    script.write_text(script.read_text() + " The light still turns.")  # the long chapter
    process = _start_build(script, out)
    deadline = time.monotonic() + 60
    encoders: set[int] = set()
    while not encoders and time.monotonic() < deadline and process.poll() is None:
        encoders = _encoders(_descendants(process.pid))
        time.sleep(0.005)
    assert encoders, "the rebuild should be encoding its chapter"
    if stop == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends
    else:
        os.kill(process.pid, signal.SIGKILL)  # the command alone, not its group
    process.communicate(timeout=30)
    assert process.returncode == (130 if stop == "ctrl-c" else -signal.SIGKILL)
    time.sleep(0.3)  # an orphaned encoder would go on for seconds: its piece is minutes long
    assert not [pid for pid in encoders if _alive(pid)]
    assert episode.read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
