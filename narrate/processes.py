"""Processes that end with the one that started them: Linux's parent-death signal, so that a
build killed (or a chapter's process stopped on Ctrl-C) leaves nothing of its own running on."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """This process is killed when its parent dies, even by SIGKILL (Linux; elsewhere nothing).
    Strictly, when the parent's thread that started it ends: start it from one that waits."""
    prctl = _prctl()
    if prctl is not None:
        with contextlib.suppress(OSError):
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def dying_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for subprocess that makes the program die with this process (Linux),
    resolved here so the child only makes one system call."""
    prctl = _prctl()
    if prctl is None:
        return None
    return lambda: prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@cache
def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
