"""A call made in a fork: its value or its exception comes back; a fork that dies is told."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from narrate.errors import EngineError, InputError
from narrate.render.fork import Forked, can_fork


def _pid_and_double(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _refuse(message: str) -> None:
    raise InputError(message)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_value_comes_back_from_another_process() -> None:
    pid, doubled = Forked(_pid_and_double, 21).result()
    assert doubled == 42 and pid != os.getpid()


def test_what_the_call_raised_is_raised_here() -> None:
    with pytest.raises(InputError, match="no such chapter"):
        Forked(_refuse, "no such chapter").result()


def test_a_fork_that_dies_is_one_clear_error() -> None:
    with pytest.raises(EngineError, match="died"):
        Forked(_die).result()


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        other.join()


def _loaded(module: str) -> bool:
    return module in sys.modules


def test_a_fork_made_ahead_loads_then_makes_the_call_given_later() -> None:
    assert "tabnanny" not in sys.modules  # imported by nothing narrate or pytest runs
    ahead = Forked.ahead(["tabnanny"])
    assert ahead.give(_loaded, "tabnanny").result() is True
    assert "tabnanny" not in sys.modules


def test_a_fork_made_ahead_and_not_needed_is_stopped() -> None:
    ahead = Forked.ahead([])
    pid = ahead._pid
    ahead.kill()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # gone, and reaped
