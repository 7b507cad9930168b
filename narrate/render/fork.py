"""A call made in a fork of this process: its result, or its exception, comes back by a pipe.

A fork starts where its parent is, in microseconds: a chapter spoken in one starts as clean as in
a fresh process (the engine untouched, or opened and unused) without a fresh Python. A fork can
also be made ahead, to load what the call will need while this process works out what it is.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from narrate.errors import EngineError
from narrate.processes import die_with_parent

T = TypeVar("T")


def can_fork() -> bool:
    """Whether this process may fork now: Linux (macOS's frameworks are not fork-safe), and no
    other thread, which might hold a lock (an import's, a file's) that the copy would inherit."""
    alone = threading.active_count() == 1
    return hasattr(os, "fork") and sys.platform.startswith("linux") and alone


class Forked(Generic[T]):
    """A fork of this process that makes one call and sends back how it went: the call given at
    once (`Forked(function, *args)`), or later (`Forked.ahead`, then `give`; or `kill`)."""

    def __init__(
        self, function: Callable[..., T] | None, *args: object, preload: Sequence[str] = ()
    ) -> None:
        self._call_writer: int | None = None
        reader, writer = os.pipe()
        if function is None:
            call_reader, self._call_writer = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(reader)
            if function is None:
                os.close(self._call_writer)  # type: ignore[arg-type]
                _serve_given(call_reader, writer, preload)
            _serve(function, args, writer)
        os.close(writer)
        if function is None:
            os.close(call_reader)
        self._reader: int | None = reader

    @classmethod
    def ahead(cls, modules: Sequence[str]) -> Forked[Any]:
        """A fork that imports `modules` now, then waits for its call."""
        return cls(None, preload=modules)

    def give(self, function: Callable[..., T], *args: object) -> Forked[T]:
        """The call for a fork made ahead."""
        assert self._call_writer is not None, "given a call already"
        writer, self._call_writer = self._call_writer, None
        with contextlib.suppress(BrokenPipeError), os.fdopen(writer, "wb") as pipe:
            pickle.dump((function, args), pipe)  # (a fork that died is told by `result`)
        return self

    def result(self) -> T:
        """Wait for the call; return its value or raise what it raised."""
        assert self._reader is not None, "waited for already"
        reader, self._reader = self._reader, None
        try:
            with os.fdopen(reader, "rb") as pipe:
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
        """Stop the fork, working or waiting for its call."""
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        for fd in (self._reader, self._call_writer):
            if fd is not None:
                os.close(fd)
        self._reader = self._call_writer = None


def _start_child() -> None:
    # Ctrl-C reaches the whole process group: the parent decides, and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _serve_given(call_reader: int, writer: int, preload: Sequence[str]) -> None:
    """A fork made ahead: load, wait for the call (none: leave), make it."""
    _start_child()
    for module in preload:
        with contextlib.suppress(Exception):  # the call itself says what is missing
            importlib.import_module(module)
    with os.fdopen(call_reader, "rb") as pipe:
        call = pipe.read()
    if not call:
        os._exit(0)
    function, args = pickle.loads(call)
    _serve(function, args, writer)


def _serve(function: Callable[..., object], args: tuple[object, ...], writer: int) -> None:
    """Make the call, say how it went, and leave without cleaning up (the parent's exit handlers
    and buffers are not this process's)."""
    try:
        _start_child()
        outcome: tuple[str, object] = ("made", function(*args))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
        outcome = ("failed", exc)
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe)
    finally:
        os._exit(0)
