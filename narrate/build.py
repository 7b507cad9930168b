"""The build, orchestration only: plan each episode's chapters, make the ones the cache lacks
(in parallel worker processes), write each episode's files from the cached chapters, and record
what was written."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.audio.mp3 import frames_to_ms
from narrate.engines import ENGINE_PACKAGES, check_settings, engine_kind
from narrate.errors import InputError
from narrate.files import prepare_out_dir
from narrate.output import ChapterMark, ChapterReport, EpisodeReport, EpisodeTags, named_output
from narrate.output.episode import (
    episode_tags,
    positive_number,
    prompt_thread_switches,
    published,
    write_audio,
)
from narrate.output.records import file_stamps, read_record, write_record
from narrate.planning import PlannedEpisode, episode_output, plan_episode
from narrate.podcast.publish import (
    TimedSentence,
    episode_cover,
    episode_sidecars,
    write_episode_files,
)
from narrate.render.cache import CachedChapter, ChapterCache
from narrate.settings.resolve import BuildSettings
from narrate.text import plans as plans_module
from narrate.text.script import Script, read_script
from narrate.uptodate import episode_key, inputs_key, unchanged_report

if TYPE_CHECKING:
    from narrate.render.job import ChapterJob


Progress = Callable[[int, int], None]
Warn = Callable[[str], None]


def build(
    paths: Sequence[Path],
    settings: BuildSettings,
    on_progress: Progress | None = None,
    warn: Warn | None = None,
) -> list[EpisodeReport]:
    """Build one MP3 per essay in `settings.out_dir`; return what was made."""
    warn = warn or (lambda message: None)
    inputs = [inputs_key(path, settings) for path in paths]  # before reading: see uptodate
    scripts = [read_script(path, include_all=settings.include_all) for path in paths]
    for script in scripts:
        for message in script.warnings:
            warn(message)
    _check_unique_stems(scripts)
    chosen = [settings.for_script(script) for script in scripts]
    checked = {c.voice: check_settings(c.voice) for c in chosen}  # lists voices once each
    identities = {voice: engine_kind(voice.engine).identity(voice) for voice in checked.values()}
    out_dir = prepare_out_dir(settings.out_dir)
    cache = ChapterCache(settings.cache_root)
    episodes = []
    for script, c in zip(scripts, chosen, strict=True):
        plans = {} if settings.force else cache.plans(episode_output(out_dir, script))
        voiced = replace(c, voice=checked[c.voice])
        episodes.append(plan_episode(script, voiced, out_dir, identities, settings, plans))

    reports: dict[int, EpisodeReport] = {}
    entries: dict[str, CachedChapter] = {}
    made: set[str] = set()
    jobs: dict[str, ChapterJob] = {}
    for number, episode in enumerate(episodes):
        forced = {
            key
            for c in episode.chapters
            if settings.force or c.chapter.index in settings.remake
            for key in c.keys
        }
        if not forced:
            report = unchanged_report(episode, settings)
            if report is not None:
                reports[number] = report
                continue
        for planned, passage in ((c, p) for c in episode.chapters for p in c.passages):
            key = passage.key
            if key in entries or key in jobs:
                continue
            entry, problem = (None, None) if key in forced else cache.lookup(key)
            if problem:
                warn(
                    f"{episode.script.path}: cached audio of chapter {planned.chapter.index} "
                    f"is damaged ({problem}); making it again"
                )
            if entry is not None:
                entries[key] = entry
                continue
            from narrate.render import job, pool, server  # lazy: a no-op imports none of them

            if settings.executor == "local" and len(jobs) == 1:
                # a second part to make: the workers' server starts (once) while the rest are
                # looked up (a lone chapter or passage is made in a fork of this process instead)
                server.prestart()
            jobs[key] = job.ChapterJob(
                key, passage.utterances, episode.voice, settings.audio, cache.root
            )

    if jobs:
        from narrate.podcast.publish import draw_covers_ahead

        run_jobs = pool.run_jobs
        if settings.executor == "ray":  # the same contract: chapters yielded as they are stored
            from functools import partial

            from narrate.render.cluster import run_jobs as run_on_cluster

            run_jobs = partial(run_on_cluster, address=settings.ray_address)
        wanted = [
            (e.script.meta, e.script.path, _episode_tags(e, ""), e.script.cover) for e in episodes
        ]
        # started before any thread of ours: a lone chapter is made in a fork of this process
        chapters = run_jobs(list(jobs.values()), settings.jobs, on_progress)
        covers = draw_covers_ahead(wanted, settings.podcast, cache.root)  # while workers speak
        # mutagen (~20 ms) is needed the moment the last chapter is in: loaded while they speak
        tagger = threading.Thread(target=import_module, args=("narrate.output.tags",))
        tagger.start()
        try:
            for entry in chapters:
                entries[entry.key] = entry
                made.add(entry.key)
        finally:
            covers.join()
            tagger.join()

    for number, episode in enumerate(episodes):
        if number not in reports:
            chapter_entries = [[entries[key] for key in c.keys] for c in episode.chapters]
            reports[number] = write_episode(
                episode, chapter_entries, made, settings, cache.root, inputs[number]
            )
            keys = [key for c in episode.chapters for key in c.keys]
            plans = plans_module.record((c.plan_key, c.sentences) for c in episode.chapters)
            audio = [f for f in reports[number].files if f.suffix in (".mp3", ".m4b")]
            cache.record_use(episode.output, keys, plans, audio)
    if settings.podcast is not None and settings.podcast.base_url:
        from narrate.podcast.publish import write_feed

        write_feed(out_dir, settings.podcast, warn)
    return [
        replace(reports[n], language=episode.language, voice=episode.voice.voice or "")
        for n, episode in enumerate(episodes)
    ]


def _episode_tags(episode: PlannedEpisode, first_built: str) -> EpisodeTags:
    first_paragraph = next((p for c in episode.outline.chapters for p in c.paragraphs), "")
    meta, title = episode.script.meta, episode.outline.title
    return episode_tags(meta, title, first_paragraph, first_built, episode.language)


def write_episode(
    episode: PlannedEpisode,
    entries: list[list[CachedChapter]],
    made: set[str],
    settings: BuildSettings,
    cache_dir: Path,
    inputs: str | None = None,
) -> EpisodeReport:
    """Write every requested format from each chapter's cached passages (`entries`), atomically,
    and record the result (with `inputs`, the key of what went in: see `narrate.uptodate`)."""
    out_dir = episode.output.parent
    stem = episode.script.stem
    meta = episode.script.meta
    record = read_record(out_dir, stem)
    first_built = record.get("first_built") or datetime.date.today().isoformat()
    reports = []
    said: list[TimedSentence] = []
    position = 0
    for planned, passage_entries in zip(episode.chapters, entries, strict=True):
        rate = passage_entries[0].sample_rate
        start = frames_to_ms(position, rate)
        for passage, entry in zip(planned.passages, passage_entries, strict=True):
            at = frames_to_ms(position, rate)
            spans = zip(passage.sentences, entry.spans_ms, strict=True)
            said += [TimedSentence(at + first, at + end, s.written) for s, (first, end) in spans]
            position += entry.frames
        end = frames_to_ms(position, rate)
        chapter = planned.chapter
        synthesized = any(entry.key in made for entry in passage_entries)
        reports.append(ChapterReport(chapter.index, chapter.title, start, end, synthesized))
    marks = [ChapterMark(r.title, r.start_ms, r.end_ms) for r in reports]
    tags = _episode_tags(episode, first_built)
    script = episode.script
    cover, mime = episode_cover(
        meta, script.path, settings.podcast, tags.title, tags.artist, cache_dir, script.cover
    )
    tags = replace(tags, cover=cover, cover_mime=mime)
    parts = [[entry.path for entry in chapter] for chapter in entries]
    frames = [[entry.frames for entry in chapter] for chapter in entries]
    files: list[Path] = []
    with ThreadPoolExecutor(1) as helper, prompt_thread_switches():
        # The transcripts are Python's work and the joins the kernel's (or ffmpeg's): at once.
        # Written after the audio, so a failed join leaves no sidecars of a newer episode.
        sidecars = helper.submit(episode_sidecars, stem, tags.title, marks, said)
        bitrate = settings.audio.bitrate_kbps
        files += write_audio(episode.output, parts, marks, tags, settings.formats, bitrate, frames)
        files += write_episode_files(out_dir, sidecars.result())
    shown = named_output(files, episode.output)
    report = EpisodeReport(
        episode.script.path, shown, reports[-1].end_ms, tuple(reports), True, tuple(files)
    )
    record.update(
        episode_key=episode_key(episode, settings),
        first_built=first_built,
        guid=record.get("guid") or str(uuid.uuid4()),  # for the life of the episode
        title=tags.title,
        author=tags.artist,
        description=tags.comment,
        published=published(meta, first_built),
        episode=positive_number(meta, "episode", episode.script.path),
        season=positive_number(meta, "season", episode.script.path),
        language=episode.language,
        engine=episode.voice.engine,
        voice=episode.voice.voice or "",
        inputs=inputs if episode.voice.engine in ENGINE_PACKAGES else None,
        warnings=list(script.warnings),
        duration_ms=report.duration_ms,
        chapters=[asdict(r) for r in reports],
        files=file_stamps([path.relative_to(out_dir) for path in files], out_dir),
    )
    write_record(out_dir, stem, record)
    return report


def _check_unique_stems(scripts: list[Script]) -> None:
    seen: dict[str, Path] = {}
    for script in scripts:
        if script.stem in seen:
            raise InputError(
                f"{script.path} and {seen[script.stem]} would both be written as {script.stem}.mp3"
            )
        seen[script.stem] = script.path
