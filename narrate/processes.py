"""Processes that end with the one that started them: Linux's parent-death signal, so that a
build killed (or a chapter's process stopped on Ctrl-C) leaves nothing of its own running on.
The programs doing a build's heavy work also run as batch work (Linux's SCHED_BATCH)."""

from __future__ import annotations

import contextlib
import os
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


def batch_work() -> Callable[[], None] | None:
    """A `preexec_fn` for the programs that do a build's heavy work (ffmpeg): each dies with
    this process, and runs under SCHED_BATCH (Linux), resolved here so the child only makes two
    system calls.

    SCHED_BATCH changes no priority; it tells the scheduler the program is not interactive, so
    its threads' wake-ups do not preempt the thread running on the core. An ffmpeg hands every
    frame from thread to thread (reader, filters, encoder, writer), and with two workers'
    encoders and speech on two cores, each hand-off preempted another: an essay's cold build
    took 8-10% less time with it (the same bytes)."""
    prctl = _prctl()
    if prctl is None:
        return None
    batch = getattr(os, "SCHED_BATCH", None)
    no_priority = os.sched_param(0) if batch is not None else None

    def setup() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if batch is not None:
            with contextlib.suppress(OSError):
                os.sched_setscheduler(0, batch, no_priority)

    return setup


@cache
def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
