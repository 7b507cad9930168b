"""The fork server every chapter's worker is forked from: started as early as a build knows it
may need one, preloaded with what a chapter needs, so that each worker starts warm.

Kept apart from the pool so that starting it imports no more than multiprocessing: the server
loads the engines in its own process while the build goes on loading and planning.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
import sys
from multiprocessing.context import BaseContext

# Imported once in the fork server so that each worker starts warm.
_PRELOAD = [
    "narrate.render.job",
    "narrate.render.warm",
    "narrate.engines.pyttsx3",
    "narrate.engines.piper",
    "pyttsx3.engine",
]


def server_context() -> BaseContext:
    """The multiprocessing context whose processes come from the preloaded fork server."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def prestart() -> None:
    """Start the fork server now, in the background: it imports the engines while the build
    goes on, instead of after (a one-chapter rebuild waits for it otherwise)."""
    server_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: this process is killed when its parent dies, even by SIGKILL (a worker with the
    fork server, which exits when narrate does; a chapter's process with its worker)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
