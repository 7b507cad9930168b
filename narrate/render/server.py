"""Where chapters' processes come from, started as early as a build knows it may need them and
preloaded with what a chapter needs: the fork server every worker is forked from (a first
build), or a fork of the command made ahead for a lone chapter (a rebuild).

Kept apart from the pool so that starting either imports no more than it must: the engines are
loaded in the other process while the build goes on loading and planning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from narrate.render.fork import Forked, can_fork

if TYPE_CHECKING:
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
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def prestart() -> None:
    """Start the fork server now, in the background: it imports the engines while the build
    goes on, instead of after (a one-chapter rebuild waits for it otherwise)."""
    server_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()


_AHEAD: list[Forked[Any]] = []


def fork_ahead() -> None:
    """Fork this process now, to load what a chapter needs while the build is loaded and
    planned: a rebuild most often makes one chapter (an edit's), and this fork then makes it
    (`take_fork_ahead`). No server: a lone chapter needs none."""
    if can_fork() and not _AHEAD:
        _AHEAD.append(Forked.ahead([*_PRELOAD, "narrate.render.pool"]))


def take_fork_ahead() -> Forked[Any] | None:
    """The fork made ahead, if any, for the caller to give a call to or to kill."""
    return _AHEAD.pop() if _AHEAD else None
