"""Where a build's time goes, phase by phase, measured inside one process.

    phases.py [SCRIPT] [--edit CHAPTER]

The chapter side (what a worker does for each chapter: engine start, synthesis, assembly,
loudness, encoding, storing) is timed by making every chapter in this process, one after another,
each with its own engine as a worker would. The driver side (reading and planning, cache lookups,
joining, tags, cover, sidecars, records) is timed by running `narrate.build.build` with its steps
wrapped: a cold build, then a rebuild after one sentence of CHAPTER is edited, then a no-op.
Times are sums over chapters, in seconds, and shares of the whole; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import collections
import functools
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import make_book  # noqa: E402

ESSAY = BENCH.parent / "script" / "the-lighthouse-keeper.txt"
TIMES: collections.Counter[str] = collections.Counter()
CPU: collections.Counter[str] = collections.Counter()
"""CPU seconds of this process and the children it waited for (ffmpeg): steadier under load."""


def cpu_s() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(name: str, function):  # noqa: ANN001, ANN201 - any callable
    @functools.wraps(function)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        start, cpu = time.perf_counter(), cpu_s()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - start
            CPU[name] += cpu_s() - cpu

    return wrapper


def wrap(module, attribute: str, name: str) -> None:  # noqa: ANN001
    setattr(module, attribute, timed(name, getattr(module, attribute)))


def chapter_phases(script: Path, cache_root: Path) -> dict[str, float]:
    """Each chapter made in this process, step by step, as render_chapter makes it."""
    from narrate.render import job as job_module

    TIMES.clear()
    streamed = hasattr(job_module, "assemble_into")  # else the code before streaming, for "before"
    if streamed:
        for attribute, name in [
            ("assemble_into", "chapter: assemble PCM (pydub)"),
            ("encode_mp3_pieces", "chapter: level + encode (ffmpeg)"),
        ]:
            wrap(job_module, attribute, name)
        if hasattr(job_module, "_chapter_level"):  # the code before the streamed meter
            wrap(job_module, "_chapter_level", "chapter: loudness (ffmpeg ebur128)")
        else:  # the meter works while the chapter is spoken: this is the wait for its result
            meter = job_module.LoudnessMeter
            meter.loudness = timed("chapter: loudness (ffmpeg ebur128)", meter.loudness)
    else:
        from narrate.audio import ffmpeg

        wrap(job_module, "assemble", "chapter: assemble PCM (pydub)")
        wrap(job_module, "encode_mp3", "chapter: level + encode (ffmpeg)")
        wrap(ffmpeg, "measure_loudness", "chapter: loudness (ffmpeg ebur128)")
    ChapterCache = job_module.ChapterCache  # noqa: N806
    store_name = "store_parts" if streamed else "store"
    store = getattr(ChapterCache, store_name)
    setattr(ChapterCache, store_name, timed("chapter: store in cache", store))
    kind = job_module.engine_kind("pyttsx3")
    opened = kind.open

    def open_timed(settings):  # noqa: ANN001, ANN202
        speaker = timed("chapter: engine start", opened)(settings)
        speaker.synthesize = timed("chapter: synthesis", speaker.synthesize)
        return speaker

    kind.open = open_timed  # type: ignore[attr-defined]
    CPU.clear()
    # make_chapter, not render_chapter: a chapter made in a fork would time its steps there
    make = getattr(job_module, "make_chapter", job_module.render_chapter)
    for job in plan_jobs(script, cache_root):
        start, cpu = time.perf_counter(), cpu_s()
        make(job)
        TIMES["chapter: total"] += time.perf_counter() - start
        CPU["chapter: total"] += cpu_s() - cpu
    kind.open = opened  # type: ignore[attr-defined]
    setattr(ChapterCache, store_name, store)
    # Nested steps: synthesis runs inside assembly's loop (and, before, loudness inside encoding).
    for counter in (TIMES, CPU):
        counter["chapter: assemble PCM (pydub)"] -= counter["chapter: synthesis"]
        if not streamed:
            counter["chapter: level + encode (ffmpeg)"] -= counter[
                "chapter: loudness (ffmpeg ebur128)"
            ]
    return {name: (TIMES[name], CPU[name]) for name in TIMES}


def plan_jobs(script: Path, cache_root: Path) -> list:
    from narrate.engines import check_settings, engine_kind
    from narrate.planning import plan_episode
    from narrate.render.job import ChapterJob
    from narrate.settings.resolve import BuildSettings
    from narrate.text.script import read_script

    settings = BuildSettings(out_dir=cache_root, cache_dir=cache_root)
    parsed = read_script(script)
    chosen = settings.for_script(parsed)
    voice = check_settings(chosen.voice)
    identities = {voice: engine_kind(voice.engine).identity(voice)}
    from dataclasses import replace

    episode = plan_episode(parsed, replace(chosen, voice=voice), cache_root, identities, settings)
    return [
        ChapterJob(p.key, p.utterances, voice, settings.audio, cache_root)
        for c in episode.chapters
        for p in c.passages
    ]


def driver_phases(script: Path, out: Path, edit: int) -> dict[str, dict[str, float]]:
    """A cold build, a one-chapter rebuild and a no-op, with the driver's steps timed."""
    import narrate.build as build_module
    from narrate.render import pool
    from narrate.render.cache import ChapterCache
    from narrate.settings.resolve import BuildSettings
    from narrate.text.chapters import split_chapters

    for attribute, name in [
        ("read_script", "driver: read script"),
        ("plan_episode", "driver: plan (split, sentences, keys)"),
        ("write_audio", "driver: join MP3 + ID3 tag"),
        ("episode_cover", "driver: cover"),
        ("episode_sidecars", "driver: sidecars (JSON, VTT, SRT), beside the join"),
        ("write_episode_files", "driver: write the sidecars"),
        ("write_record", "driver: record"),
        ("unchanged_report", "driver: up-to-date check"),
        ("check_settings", "driver: check voice"),
    ]:
        if not hasattr(build_module, attribute):  # the code before narrate.uptodate
            attribute = f"_{attribute}"
        wrap(build_module, attribute, name)
    ChapterCache.lookup = timed("driver: cache lookups (read + SHA-256)", ChapterCache.lookup)  # type: ignore[method-assign]
    run_jobs = pool.run_jobs

    def timed_run_jobs(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        start = time.perf_counter()
        yield from run_jobs(*args, **kwargs)
        TIMES["driver: make chapters (pool, waiting)"] += time.perf_counter() - start

    pool.run_jobs = timed_run_jobs
    settings = BuildSettings(out_dir=out)
    results = {}
    for label in ("cold", "rebuild", "no-op"):
        if label == "rebuild":
            heading = [
                c.title
                for c in split_chapters(build_module.read_script(script)).chapters
            ][edit - 1]
            script.write_text(make_book.edit_sentence(script.read_text(), heading))
        TIMES.clear()
        start = time.perf_counter()
        build_module.build([script], settings)
        TIMES["total"] = time.perf_counter() - start
        results[label] = dict(TIMES)
    try:
        from narrate.uptodate import unchanged_reports
    except ImportError:  # the code before it
        return results
    start = time.perf_counter()
    assert unchanged_reports([script], settings, print) is not None
    results["no-op, told from the inputs (what the command does first)"] = {
        "total": time.perf_counter() - start
    }
    return results


def show(title: str, times: dict, total_key: str) -> None:
    """Wall seconds and share of the total; CPU seconds too where measured."""

    def wall(value) -> float:  # noqa: ANN001
        return value[0] if isinstance(value, tuple) else value

    total = wall(times.get(total_key)) or sum(wall(v) for v in times.values())
    print(f"\n{title}")
    for name, value in sorted(times.items(), key=lambda kv: -wall(kv[1])):
        cpu = f"  cpu {value[1]:7.3f} s" if isinstance(value, tuple) else ""
        print(f"  {name:<48} {wall(value):8.3f} s  {100 * wall(value) / total:5.1f} %{cpu}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", nargs="?", type=Path, default=ESSAY)
    parser.add_argument("--edit", type=int, default=3)
    parser.add_argument("--skip-chapters", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="narrate-phases-"))
    try:
        script = scratch / args.script.name
        shutil.copyfile(args.script, script)
        if not args.skip_chapters:
            times = chapter_phases(script, scratch / "c")
            show("chapter side, every chapter in one process", times, "chapter: total")
        for label, times in driver_phases(script, scratch / "out", args.edit).items():
            show(f"driver side: {label} build", times, "total")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
