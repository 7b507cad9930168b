"""The progress bar, as seen on a real terminal: its line is ended before any message that
follows it, also when the build is stopped with Ctrl-C."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import copy_data


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other side closed: everything is read
                return wanted in seen
            if not chunk:
                return wanted in seen
            seen += chunk
            if wanted and wanted in seen:
                return True
    return wanted in seen


def test_ctrl_c_ends_the_bars_line_before_the_message(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    leader, follower = pty.openpty()  # stderr is a terminal: the bar is drawn
    process = subprocess.Popen(
        [sys.executable, "-m", "narrate", "build", str(script), "--out", str(tmp_path / "out"),
         "--jobs", "1"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower,
        start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    seen = bytearray()
    try:
        assert _read_until(leader, b"speaking [", seen, 120), bytes(seen)
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        assert process.wait(timeout=60) == 130
        _read_until(leader, b"narrate: interrupted", seen, 20)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    text = bytes(seen).decode().replace("\r\n", "\n")
    assert "\nnarrate: interrupted" in text, text
    last_bar = text.rindex("speaking [")
    message = text.index("narrate: interrupted")
    assert "\n" in text[last_bar:message]  # the message starts a line of its own
