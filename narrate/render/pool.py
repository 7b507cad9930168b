"""Worker processes: several chapters at once, each spoken from a clean start (a fork of the
worker's open, unused engine, or a fresh process)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace

from narrate.engines import forks_when_open, speaks_alike_in_any_process, unused_here
from narrate.errors import EngineHiccup
from narrate.processes import die_with_parent
from narrate.render.cache import CachedChapter
from narrate.render.fork import Forked, can_fork
from narrate.render.job import ChapterJob, expected_length, make_chapter, render_chapter
from narrate.render.server import server_context, take_fork_ahead

CLEAN_ATTEMPTS = 3
"""Fresh processes tried for a chapter before audio made with engine retries is accepted."""


def run_jobs(
    jobs: list[ChapterJob], workers: int, on_progress: Callable[[int, int], None] | None = None
) -> Iterator[CachedChapter]:
    """Make each chapter from a clean start and yield each as it is stored. A lone chapter (an
    edit) is made in a fork of this process, started before this returns; several are made by
    workers from the fork server (see `_by_workers`)."""
    ahead = take_fork_ahead()
    if len(jobs) == 1 and unused_here(jobs[0].voice.engine):
        # No server and no worker to start: a fork of a process that never opened the engine
        # speaks as a fresh process would (~0.05 s of a one-chapter rebuild of the essay).
        job, threads = jobs[0], os.cpu_count() or 1
        if ahead is not None:
            return _alone(job, ahead.give(_make_alone, job, threads), on_progress)
        if can_fork():
            return _alone(job, Forked(_make_alone, job, threads), on_progress)
    if ahead is not None:
        ahead.kill()
    return _by_workers(jobs, workers, on_progress)


def _make_alone(job: ChapterJob, threads: int) -> CachedChapter:
    _share_cores(threads)
    return make_chapter(job)


def _alone(
    job: ChapterJob, forked: Forked, on_progress: Callable[[int, int], None] | None
) -> Iterator[CachedChapter]:
    if on_progress:
        on_progress(0, 1)
    try:
        entry = forked.result()
    except EngineHiccup:
        # tried again as the workers would, in fresh processes, counting this attempt
        yield from _by_workers([job], 1, on_progress, attempts=2)
        return
    if on_progress:
        on_progress(1, 1)
    yield entry


def _by_workers(
    jobs: list[ChapterJob],
    workers: int,
    on_progress: Callable[[int, int], None] | None,
    attempts: int = 1,
) -> Iterator[CachedChapter]:
    """Make each chapter from a clean start: in a fork of a worker that keeps its engine open,
    in a worker that keeps its voice loaded (an engine that speaks alike in any process), or
    else in a process of its own; yield each as it is finished."""
    if not jobs:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    context = server_context()
    threads = max(1, (os.cpu_count() or 1) // workers)
    # A worker serves many chapters when each starts clean anyway: from a fork of a voice it
    # loaded once, or in an engine whose sound does not depend on what it said before.
    reusable = all(
        forks_when_open(job.voice.engine) or speaks_alike_in_any_process(job.voice.engine)
        for job in jobs
    )
    pool = _ChapterPool(
        max_workers=workers,
        mp_context=context,
        max_tasks_per_child=None if reusable else 1,
        initializer=_start_worker,
        initargs=(threads,),
    )
    try:
        # Longest first: the short ones then fill the gaps, and the workers finish together
        # instead of one waiting while the other encodes a long chapter that started last.
        ordered = sorted(jobs, key=expected_length, reverse=True)
        submitted = {pool.submit(render_chapter, job): (job, attempts) for job in ordered}
        pending = set(submitted)
        done_count = 0
        if on_progress:
            on_progress(0, len(jobs))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    entry = future.result()
                except EngineHiccup:
                    job, attempt = submitted[future]
                    retry = replace(job, accept_retries=attempt >= CLEAN_ATTEMPTS)
                    resubmitted = pool.submit(render_chapter, retry)
                    submitted[resubmitted] = (retry, attempt + 1)
                    pending.add(resubmitted)
                    continue
                done_count += 1
                if on_progress:
                    on_progress(done_count, len(jobs))
                yield entry
    except BaseException:
        _stop_now(pool)
        raise
    pool.shutdown()


class _ChapterPool(ProcessPoolExecutor):
    """A process pool that replaces a worker which exits after its chapter only while
    chapters wait for one. The standard pool always replaces it, so each build ended by
    starting a fresh worker per core only to stop it again, and shutting down waited for
    that (~0.1 s of every build, a tenth of a one-chapter rebuild of the essay)."""

    def _adjust_process_count(self) -> None:
        # Called on submit and when a worker exits; work items stay pending while they run.
        pending = getattr(self, "_pending_work_items", None)
        processes = getattr(self, "_processes", None)
        if pending is not None and processes is not None and len(pending) <= len(processes):
            return
        super()._adjust_process_count()  # type: ignore[misc]


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and kill what has: its chapter will be made next time."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(threads: int) -> None:
    _share_cores(threads)
    # Ctrl-C reaches the whole process group; the parent decides, and kills workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _share_cores(threads: int) -> None:
    # Engines with threads of their own (Piper's onnxruntime) get a share of the cores: measured,
    # two workers of one thread each beat one of two threads, and oversubscription costs 20-35%.
    from narrate.engines.piper import THREADS_ENV  # preloaded in the fork server

    os.environ.setdefault(THREADS_ENV, str(threads))
