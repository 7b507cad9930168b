"""The cluster executor: each chapter one Ray task, in a fresh worker process on any node.

Workers never see the driver's files: a task speaks and encodes its chapter and sends back the
bytes; the driver stores each in the chapter cache as it arrives, keeping only a few results in
flight so that memory stays flat however long the book. Ray is imported only when chapters are to
be made, so a build with nothing to make never loads it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from narrate.engines import VoiceSettings, engine_kind
from narrate.engines.piper import THREADS_ENV as ENGINE_THREADS_ENV
from narrate.errors import EngineError, EngineHiccup, NarrateError
from narrate.render.cache import RENDER_VERSION, CachedChapter
from narrate.render.job import ChapterJob, RenderedChapter, render_audio, store_chapter

TASK_RETRIES = 3
"""Times Ray runs a chapter again after its worker process or node died."""
CLEAN_ATTEMPTS = 3
"""Fresh processes tried for a chapter before audio made with engine retries is accepted."""
RESULTS_PER_CPU = 2
"""Chapters in flight per cluster CPU: enough to keep every CPU busy, few enough to keep the
driver's memory flat (each finished result waits in the object store until the driver takes it)."""
CONNECT_TIMEOUT_S = 5.0


class ClusterError(NarrateError):
    """The Ray cluster cannot be reached or a worker cannot make the audio this build needs."""


def check_reachable(address: str | None) -> None:
    """Fail with one line, before anything is written, if the cluster's address does not answer.

    A plain TCP connection: a build that turns out to have nothing to make never imports Ray.
    No address and no RAY_ADDRESS means a local cluster Ray starts itself: nothing to check."""
    address = address or os.environ.get("RAY_ADDRESS")
    if not address or address in ("auto", "local"):
        return
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ClusterError(
            f"cannot reach the Ray cluster at {address} ({reason}); "
            "start one with `ray start --head` or fix --ray-address"
        ) from None


def run_jobs(
    jobs: list[ChapterJob],
    workers: int,
    on_progress: Callable[[int, int], None] | None = None,
    address: str | None = None,
) -> Iterator[CachedChapter]:
    """Make each chapter as a Ray task; store and yield each as it arrives.

    `workers` caps the chapters in flight (0: twice the cluster's CPUs)."""
    if not jobs:
        return
    # Ray's driver prints the cluster's error reports (a worker died, a node was lost) on our
    # stdout, which `--json` keeps for one JSON object; Ray retries those chapters itself, and
    # what it cannot save reaches us as an exception.
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        ray, joined_here = _connect(address)
        try:
            yield from _run(ray, jobs, workers, on_progress, cancel_on_stop=not joined_here)
        finally:
            if joined_here:
                ray.shutdown()


def _run(
    ray: Any,
    jobs: list[ChapterJob],
    workers: int,
    on_progress: Callable[[int, int], None] | None,
    cancel_on_stop: bool,
) -> Iterator[CachedChapter]:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    limit = workers or max(1, RESULTS_PER_CPU * cpus)
    render = ray.remote(max_calls=1, max_retries=TASK_RETRIES, num_cpus=1)(_render_on_worker)
    identities: dict[VoiceSettings, tuple[tuple[str, str], ...]] = {}
    waiting = list(reversed(jobs))
    in_flight: dict[Any, tuple[ChapterJob, int]] = {}

    def submit(job: ChapterJob, attempt: int) -> None:
        if not job.identity:
            if job.voice not in identities:  # the same call that made the job's key
                found = engine_kind(job.voice.engine).identity(job.voice)
                identities[job.voice] = tuple(sorted(found.items()))
            # Workers find voices in their own places (packages, NARRATE_VOICE_DIR), never in
            # the driver's folders; the identity says whether theirs is the same voice.
            workers_voice = replace(job.voice, voice_dirs=())
            job = replace(job, identity=identities[job.voice], voice=workers_voice)
        in_flight[render.remote(job)] = (job, attempt)

    done_count = 0
    if on_progress:
        on_progress(0, len(jobs))
    try:
        while waiting or in_flight:
            while waiting and len(in_flight) < limit:
                submit(waiting.pop(), 1)
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            job, attempt = in_flight.pop(ready[0])
            try:
                rendered = ray.get(ready[0])
            except ray.exceptions.RayTaskError as exc:
                cause = exc.cause
                if isinstance(cause, EngineHiccup):
                    submit(replace(job, accept_retries=attempt >= CLEAN_ATTEMPTS), attempt + 1)
                    continue
                if isinstance(cause, NarrateError):
                    raise ClusterError(str(cause)) from None
                first_line = (str(cause).strip().splitlines() or [""])[0]
                raise ClusterError(
                    f"a worker failed on chapter {job.key[:12]}: {type(cause).__name__}: "
                    f"{first_line} (is the same narrate installed on every node?)"
                ) from None
            except ray.exceptions.RayError as exc:  # lost more often than Ray retries
                first_line = (str(exc).strip().splitlines() or [""])[0]
                raise ClusterError(
                    f"chapter {job.key[:12]} was lost: {type(exc).__name__}: {first_line}"
                ) from None
            entry = store_chapter(job.cache_root, rendered)
            del rendered  # the driver holds one chapter's bytes at a time
            done_count += 1
            if on_progress:
                on_progress(done_count, len(jobs))
            yield entry
    except BaseException:
        # Ctrl-C, a refused worker, or the build stopped reading: what is finished stays cached.
        # A driver of our own stops its chapters by leaving: Ray ends a finished job's tasks.
        # Cancelling them one by one races with a chapter that is just finishing, and that race
        # aborts the driver inside Ray (task_manager.cc: "Tried to complete task that was not
        # pending"), so only a caller's own session, which we must not end, cancels them.
        if cancel_on_stop:
            for ref in in_flight:
                ray.cancel(ref, force=True)
        raise


def _render_on_worker(job: ChapterJob) -> RenderedChapter:
    """The Ray task: check this worker would make the same audio, then make it."""
    # Ray gives each task one CPU: an engine with threads of its own (Piper) uses that one.
    os.environ.setdefault(ENGINE_THREADS_ENV, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides what to cancel
    check_worker(job)
    return render_audio(job)


def check_worker(job: ChapterJob) -> None:
    """Refuse, naming the difference, a worker whose engine, libraries or voice would make
    audio other than the job's cache key promises."""
    where = f"worker {socket.gethostname()}"
    try:
        found = engine_kind(job.voice.engine).identity(job.voice)
    except EngineError as exc:
        raise EngineError(f"{where}: {exc}") from None
    found = {**found, "render": str(RENDER_VERSION)}
    expected = {**dict(job.identity), "render": str(RENDER_VERSION)}
    differences = [
        f"{name} {_short(expected.get(name))} on the driver, {_short(found.get(name))} here"
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
    if differences:
        raise EngineError(
            f"{where} would make different audio: {'; '.join(differences)}; "
            "install the same narrate, engine and voice on every node"
        )


def _short(value: str | None) -> str:
    """A setting as a line shows it: checksums cut to 12 digits."""
    if value is None:
        return "(none)"
    return value[:12] + "…" if len(value) > 20 else value


def _connect(address: str | None) -> tuple[Any, bool]:
    """Ray, joined to the cluster at `address` (else RAY_ADDRESS, else a local one Ray starts),
    and whether we joined it here (a library caller may have called `ray.init` already)."""
    try:
        import ray
    except ImportError:
        raise ClusterError("--executor ray needs Ray: pip install 'narrate[ray]'") from None
    if ray.is_initialized():
        return ray, False
    # Workers print nothing to our stdout: with --json it carries one JSON object only.
    settings: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if not (address or os.environ.get("RAY_ADDRESS")):
        settings["include_dashboard"] = False  # a local cluster of our own: no web server
    try:
        ray.init(address=address, **settings)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        where = address or os.environ.get("RAY_ADDRESS") or "local"
        raise ClusterError(f"cannot join the Ray cluster at {where}: {first_line}") from None
    return ray, True


def _host_port(address: str) -> tuple[str, int]:
    bare = address.split("://", 1)[-1].rstrip("/")
    host, _, port = bare.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray-address must be HOST:PORT, not {address!r}")
    return host.strip("[]"), int(port)
