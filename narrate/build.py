"""The build, orchestration only: plan each episode's chapters, make the ones the cache lacks
(in parallel worker processes), write each episode's files from the cached chapters, and record
what was written."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.audio.mp3 import frames_to_ms
from narrate.engines import ENGINE_PACKAGES, VoiceSettings, check_settings, engine_kind
from narrate.errors import InputError
from narrate.files import prepare_out_dir
from narrate.output import ChapterMark, ChapterReport, EpisodeReport, EpisodeTags
from narrate.output.episode import (
    episode_tags,
    positive_number,
    prompt_thread_switches,
    published,
    write_audio,
)
from narrate.output.records import file_stamps, read_record, write_record
from narrate.podcast.publish import (
    TimedSentence,
    episode_cover,
    episode_sidecars,
    write_episode_files,
)
from narrate.render.cache import CachedChapter, ChapterCache, chapter_key
from narrate.settings.resolve import BuildSettings, EpisodeSettings
from narrate.text import plans as plans_module
from narrate.text.chapters import Chapter, Outline, split_chapters
from narrate.text.lexicon import lexicon_at
from narrate.text.script import Script, read_script
from narrate.text.sentences import Sentence, chapter_sentences
from narrate.uptodate import episode_key, inputs_key, planning_version, unchanged_report

if TYPE_CHECKING:
    from narrate.render.job import ChapterJob


@dataclass(frozen=True)
class PlannedChapter:
    chapter: Chapter
    sentences: tuple[Sentence, ...]
    key: str
    plan_key: str
    """What the sentences were made from: the chapter, how it is said, narrate's version."""


@dataclass(frozen=True)
class PlannedEpisode:
    script: Script
    outline: Outline
    output: Path
    chapters: tuple[PlannedChapter, ...]
    voice: VoiceSettings
    language: str


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
            c.key for c in episode.chapters if settings.force or c.chapter.index in settings.remake
        }
        if not forced:
            report = unchanged_report(episode, settings)
            if report is not None:
                reports[number] = report
                continue
        for planned in episode.chapters:
            key = planned.key
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
                # a second chapter to make: the workers' server starts (once) while the rest are
                # looked up (a lone chapter is made in a fork of this process instead)
                server.prestart()
            utterances = tuple((s.spoken, s.pause_after_ms) for s in planned.sentences)
            jobs[key] = job.ChapterJob(key, utterances, episode.voice, settings.audio, cache.root)

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
            chapter_entries = [entries[c.key] for c in episode.chapters]
            reports[number] = write_episode(
                episode, chapter_entries, made, settings, cache.root, inputs[number]
            )
            keys = [c.key for c in episode.chapters]
            plans = plans_module.record((c.plan_key, c.sentences) for c in episode.chapters)
            cache.record_use(episode.output, keys, plans)
    if settings.podcast is not None and settings.podcast.base_url:
        from narrate.podcast.publish import write_feed

        write_feed(out_dir, settings.podcast)
    return [
        replace(reports[n], language=episode.language, voice=episode.voice.voice or "")
        for n, episode in enumerate(episodes)
    ]


def plan_episode(
    script: Script,
    chosen: EpisodeSettings,
    out_dir: Path,
    identities: dict[VoiceSettings, dict[str, str]],
    settings: BuildSettings,
    plans: Mapping[str, Any] | None = None,
) -> PlannedEpisode:
    """The episode's chapters, what each will say, and the cache key of each. `plans` (what an
    earlier build recorded) gives the sentences of the chapters it planned the same way."""
    language = chosen.language
    outline = split_chapters(script, language)
    lexicon = lexicon_at(chosen.lexicon, language)
    identity = identities[chosen.voice]
    if language != "en":  # English keys stay as they were: caches made before still serve
        identity = {**identity, "language": language}
    how = plans_module.planning(planning_version(), chosen.pauses, lexicon, language)
    planned = []
    for chapter in outline.chapters:
        plan_key = plans_module.plan_key(how, chapter)
        sentences = plans_module.recorded(plans, plan_key) or chapter_sentences(
            chapter, chosen.pauses, lexicon, language
        )
        spoken = [[s.spoken, s.pause_after_ms] for s in sentences]
        key = chapter_key(spoken, identity, settings.audio)
        planned.append(PlannedChapter(chapter, sentences, key, plan_key))
    output = episode_output(out_dir, script)
    return PlannedEpisode(script, outline, output, tuple(planned), chosen.voice, language)


def episode_output(out_dir: Path, script: Script) -> Path:
    return out_dir / f"{script.stem}.mp3"


def _episode_tags(episode: PlannedEpisode, first_built: str) -> EpisodeTags:
    first_paragraph = next((p for c in episode.outline.chapters for p in c.paragraphs), "")
    meta, title = episode.script.meta, episode.outline.title
    return episode_tags(meta, title, first_paragraph, first_built, episode.language)


def write_episode(
    episode: PlannedEpisode,
    entries: list[CachedChapter],
    made: set[str],
    settings: BuildSettings,
    cache_dir: Path,
    inputs: str | None = None,
) -> EpisodeReport:
    """Write every requested format from the cached chapters, atomically, and record the result
    (with `inputs`, the key of what went in: see `narrate.uptodate`)."""
    out_dir = episode.output.parent
    stem = episode.script.stem
    meta = episode.script.meta
    record = read_record(out_dir, stem)
    first_built = record.get("first_built") or datetime.date.today().isoformat()
    reports = []
    position = 0
    for planned, entry in zip(episode.chapters, entries, strict=True):
        start = frames_to_ms(position, entry.sample_rate)
        position += entry.frames
        end = frames_to_ms(position, entry.sample_rate)
        chapter = planned.chapter
        reports.append(ChapterReport(chapter.index, chapter.title, start, end, entry.key in made))
    marks = [ChapterMark(r.title, r.start_ms, r.end_ms) for r in reports]
    tags = _episode_tags(episode, first_built)
    script = episode.script
    cover, mime = episode_cover(
        meta, script.path, settings.podcast, tags.title, tags.artist, cache_dir, script.cover
    )
    tags = replace(tags, cover=cover, cover_mime=mime)
    parts = [entry.path for entry in entries]
    said = [
        TimedSentence(report.start_ms + first, report.start_ms + end, sentence.written)
        for report, planned, entry in zip(reports, episode.chapters, entries, strict=True)
        for sentence, (first, end) in zip(planned.sentences, entry.spans_ms, strict=True)
    ]
    files: list[Path] = []
    with ThreadPoolExecutor(1) as helper, prompt_thread_switches():
        # The transcripts are Python's work and the joins the kernel's (or ffmpeg's): at once.
        # Written after the audio, so a failed join leaves no sidecars of a newer episode.
        sidecars = helper.submit(episode_sidecars, stem, tags.title, marks, said)
        bitrate = settings.audio.bitrate_kbps
        files += write_audio(episode.output, parts, marks, tags, settings.formats, bitrate)
        files += write_episode_files(out_dir, sidecars.result())
    report = EpisodeReport(
        episode.script.path, episode.output, reports[-1].end_ms, tuple(reports), True, tuple(files)
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
