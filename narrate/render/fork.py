"""A call made in a fork of this process: its result, or its exception, comes back by a pipe.

A fork starts where its parent is, in microseconds: a chapter spoken in one starts as clean as in
a fresh process (the engine untouched, or opened and unused) without a fresh Python.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from narrate.errors import EngineError
from narrate.render.server import die_with_parent

T = TypeVar("T")


def can_fork() -> bool:
    """Whether this process may fork now: Linux (macOS's frameworks are not fork-safe), and no
    other thread, which might hold a lock (an import's, a file's) that the copy would inherit."""
    return (
        hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1
    )


class Forked:
    """`function(*args)` running in a fork of this process, started at construction."""

    def __init__(self, function: Callable[..., T], *args: object) -> None:
        reader, writer = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # works, says how it went, and leaves without cleaning up
            os.close(reader)
            try:
                # Ctrl-C reaches the whole process group: the parent decides, and kills us.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                die_with_parent()
                outcome: tuple[str, object] = ("made", function(*args))
            except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
                outcome = ("failed", exc)
            try:
                with os.fdopen(writer, "wb") as pipe:
                    pickle.dump(outcome, pipe)
            finally:
                os._exit(0)
        os.close(writer)
        self._reader = reader

    def result(self) -> T:
        """Wait for the call; return its value or raise what it raised."""
        try:
            with os.fdopen(self._reader, "rb") as pipe:
                report = pipe.read()
        except BaseException:
            self.kill()
            raise
        os.waitpid(self._pid, 0)
        if not report:
            raise EngineError("the process speaking a chapter died")
        status, value = pickle.loads(report)
        if status == "failed":
            raise value
        return value  # type: ignore[no-any-return]

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
