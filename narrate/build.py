"""The build: plan each episode's chapters, make the ones the cache lacks (in parallel worker
processes), then join the encoded chapters into each episode's MP3 with its tags and marks."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.audio import AudioFormat, frames_to_ms
from narrate.cache import CachedChapter, ChapterCache, chapter_key
from narrate.chapters import Chapter, Outline, split_chapters
from narrate.engines import VoiceSettings, check_settings, engine_kind
from narrate.errors import InputError, OutputError
from narrate.files import remove_stale_temporaries, replacing
from narrate.podcast import TimedSentence, episode_cover, write_episode_files
from narrate.records import file_stamps, files_untouched, read_record, write_record
from narrate.render import ChapterJob
from narrate.script import Script, read_script
from narrate.speech import Pauses, Sentence, chapter_sentences, with_pauses

if TYPE_CHECKING:
    from narrate.config import PodcastSettings
    from narrate.lexicon import Lexicon
    from narrate.tags import ChapterMark, EpisodeTags

CACHE_FOLDER = ".narrate-cache"
FORMATS = ("mp3", "m4b", "chapter-mp3")


@dataclass(frozen=True)
class BuildOptions:
    """How to build: where to, with which voice and format, and what to remake."""

    out_dir: Path = Path("audio_out")
    cache_dir: Path | None = None
    """None: `<out_dir>/.narrate-cache`."""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    voice_overrides: dict[str, object] = field(default_factory=dict)
    """Engine, voice or rate given as flags: they win over an essay's front matter."""
    audio: AudioFormat = field(default_factory=AudioFormat)
    pauses: Pauses = field(default_factory=Pauses)
    """Pauses from defaults and narrate.toml; an essay's front matter may override them."""
    pause_overrides: dict[str, int] = field(default_factory=dict)
    """Pauses given on the command line: they override the front matter."""
    jobs: int = 0
    """Worker processes; 0: one per core."""
    podcast: PodcastSettings | None = None
    """From narrate.toml: cover art, and the feed when it has a base_url."""
    lexicon: Path | None = None
    """A pronunciation file; None: `pronunciations.toml` beside each essay, if there is one."""
    formats: tuple[str, ...] = ("mp3",)
    """Any of FORMATS."""
    force: bool = False
    remake: frozenset[int] = frozenset()
    """Chapter numbers (from 1) to make again even if cached."""
    executor: str = "local"
    """Where chapters are made: "local" (a process pool) or "ray" (a Ray cluster)."""
    ray_address: str | None = None
    """The Ray cluster's HOST:PORT; None: RAY_ADDRESS, else a local Ray."""


@dataclass(frozen=True)
class ChapterReport:
    index: int
    title: str
    start_ms: int
    end_ms: int
    synthesized: bool


@dataclass(frozen=True)
class EpisodeReport:
    script: Path
    output: Path
    duration_ms: int
    chapters: tuple[ChapterReport, ...]
    written: bool
    """False when the output was already up to date and nothing was made or written."""
    files: tuple[Path, ...] = ()
    """Every file this episode's build wrote (or, when up to date, had written)."""

    @property
    def synthesized(self) -> int:
        return sum(chapter.synthesized for chapter in self.chapters)


@dataclass(frozen=True)
class PlannedChapter:
    chapter: Chapter
    sentences: tuple[Sentence, ...]
    key: str


@dataclass(frozen=True)
class PlannedEpisode:
    script: Script
    outline: Outline
    output: Path
    chapters: tuple[PlannedChapter, ...]


Progress = Callable[[int, int], None]
Warn = Callable[[str], None]


def build(
    paths: Sequence[Path],
    options: BuildOptions,
    on_progress: Progress | None = None,
    warn: Warn | None = None,
) -> list[EpisodeReport]:
    """Build one MP3 per essay in `options.out_dir`; return what was made."""
    warn = warn or (lambda message: None)
    scripts = [read_script(path) for path in paths]
    for script in scripts:
        for message in script.warnings:
            warn(message)
    _check_unique_stems(scripts)
    asked = [voice_for(script, options) for script in scripts]
    checked = {voice: check_settings(voice) for voice in set(asked)}  # lists voices once each
    voices = [checked[voice] for voice in asked]
    identities = {voice: engine_kind(voice.engine).identity(voice) for voice in set(voices)}
    out_dir = prepare_out_dir(options.out_dir)
    cache = ChapterCache(options.cache_dir or out_dir / CACHE_FOLDER)
    episodes = [
        plan_episode(script, out_dir, identities[voice], options)
        for script, voice in zip(scripts, voices, strict=True)
    ]

    reports: dict[int, EpisodeReport] = {}
    entries: dict[str, CachedChapter] = {}
    made: set[str] = set()
    jobs: dict[str, ChapterJob] = {}
    for number, episode in enumerate(episodes):
        forced = {
            c.key for c in episode.chapters if options.force or c.chapter.index in options.remake
        }
        if not forced:
            report = _unchanged_report(episode, options)
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
            else:
                jobs[key] = ChapterJob(
                    key=key,
                    utterances=tuple((s.spoken, s.pause_after_ms) for s in planned.sentences),
                    voice=voices[number],
                    audio=options.audio,
                    cache_root=cache.root,
                )

    if jobs:
        from narrate.workers import run_jobs  # lazy: a no-op rebuild starts no workers

        if options.executor == "ray":  # the same contract: chapters yielded as they are stored
            from functools import partial

            from narrate.render.cluster import run_jobs as run_on_cluster

            run_jobs = partial(run_on_cluster, address=options.ray_address)
        for entry in run_jobs(list(jobs.values()), options.jobs, on_progress):
            entries[entry.key] = entry
            made.add(entry.key)

    for number, episode in enumerate(episodes):
        if number not in reports:
            chapter_entries = [entries[c.key] for c in episode.chapters]
            reports[number] = write_episode(episode, chapter_entries, made, options, cache.root)
            cache.record_use(episode.output, [c.key for c in episode.chapters])
    if options.podcast is not None and options.podcast.base_url:
        from narrate.podcast import write_feed

        write_feed(out_dir, options.podcast)
    return [reports[number] for number in range(len(episodes))]


def parse_formats(text: str) -> tuple[str, ...]:
    """ "mp3,m4b" -> ("mp3", "m4b"); `InputError` naming an unknown format."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise InputError(
            f"unknown format {', '.join(unknown) or repr(text)}: choose from {', '.join(FORMATS)}"
        )
    return names


VOICE_KEYS = ("engine", "voice", "rate")


def voice_for(script: Script, options: BuildOptions) -> VoiceSettings:
    """The build's voice, with the essay's front matter `engine`, `voice` and `rate` over it
    (flags given on the command line still win); not yet checked against the engine."""
    chosen = {key: script.meta[key] for key in VOICE_KEYS if script.meta.get(key) is not None}
    chosen.update(options.voice_overrides)
    if not chosen:
        return options.voice
    if "rate" in chosen and (
        isinstance(chosen["rate"], bool) or not isinstance(chosen["rate"], int)
    ):
        raise InputError(f"{script.path}: front matter 'rate' must be words per minute, a number")
    for key in ("engine", "voice"):
        if key in chosen and not isinstance(chosen[key], str):
            raise InputError(f"{script.path}: front matter {key!r} must be a name")
    if "engine" in chosen and "voice" not in chosen:
        chosen["voice"] = None  # another engine: its own default voice
    return replace(options.voice, **chosen)


def plan_episode(
    script: Script, out_dir: Path, identity: dict[str, str], options: BuildOptions
) -> PlannedEpisode:
    outline = split_chapters(script)
    pauses = options.pauses
    if "pauses" in script.meta:
        given = script.meta["pauses"]
        if not isinstance(given, dict):
            raise InputError(f"{script.path}: front matter 'pauses' must map names to milliseconds")
        pauses = with_pauses(pauses, given, f"{script.path}: front matter")
    pauses = with_pauses(pauses, options.pause_overrides, "--pause")
    lexicon = lexicon_for(script, options.lexicon)
    planned = []
    for chapter in outline.chapters:
        sentences = chapter_sentences(chapter, pauses, lexicon)
        spoken = [[s.spoken, s.pause_after_ms] for s in sentences]
        planned.append(
            PlannedChapter(chapter, sentences, chapter_key(spoken, identity, options.audio))
        )
    return PlannedEpisode(script, outline, out_dir / f"{script.stem}.mp3", tuple(planned))


LEXICON_NAME = "pronunciations.toml"


def lexicon_for(script: Script, named: Path | None) -> Lexicon | None:
    """The pronunciation entries for an essay: the named file, else one beside the essay."""
    path = named or script.path.parent / LEXICON_NAME
    if named is None and not path.is_file():
        return None
    from narrate.lexicon import load_lexicon

    return load_lexicon(path)


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output folder if needed; refuse a file or a folder we cannot write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: is a file; --out must be a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from None
    probe = out_dir / f".narrate-write-test.{os.getpid()}.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: the output folder is not writable ({exc.strerror})"
        ) from None
    remove_stale_temporaries(out_dir)
    return out_dir


def write_episode(
    episode: PlannedEpisode,
    entries: list[CachedChapter],
    made: set[str],
    options: BuildOptions,
    cache_dir: Path,
) -> EpisodeReport:
    """Write every requested format from the cached chapters, atomically, and record the result."""
    from narrate.tags import ChapterMark

    out_dir = episode.output.parent
    record = read_record(out_dir, episode.script.stem)
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
    tags = episode_tags(episode, first_built)
    cover, mime = episode_cover(
        episode.script.meta,
        episode.script.path,
        options.podcast,
        tags.title,
        tags.artist,
        cache_dir,
    )
    tags = replace(tags, cover=cover, cover_mime=mime)
    parts = [entry.path for entry in entries]
    said = [
        TimedSentence(report.start_ms + first, report.start_ms + end, sentence.written)
        for report, planned, entry in zip(reports, episode.chapters, entries, strict=True)
        for sentence, (first, end) in zip(planned.sentences, entry.spans_ms, strict=True)
    ]
    files: list[Path] = []
    if "mp3" in options.formats:
        write_mp3(parts, marks, tags, episode.output)
        files.append(episode.output)
    if "m4b" in options.formats:
        from narrate.formats import write_m4b

        m4b = episode.output.with_suffix(".m4b")
        write_m4b(parts, marks, tags, m4b, options.audio.bitrate_kbps)
        files.append(m4b)
    if "chapter-mp3" in options.formats:
        from narrate.formats import write_chapter_mp3s

        files += write_chapter_mp3s(parts, marks, tags, out_dir, episode.script.stem)
        files.append(out_dir / episode.script.stem / f"{episode.script.stem}.m3u8")
    files += write_episode_files(out_dir, episode.script.stem, tags.title, marks, said)
    report = EpisodeReport(
        episode.script.path, episode.output, reports[-1].end_ms, tuple(reports), True, tuple(files)
    )
    record.update(
        episode_key=_episode_key(episode, options),
        first_built=first_built,
        guid=record.get("guid") or str(uuid.uuid4()),  # for the life of the episode
        title=tags.title,
        author=tags.artist,
        description=tags.comment,
        published=_published(episode.script.meta, first_built),
        episode=_positive(episode.script, "episode"),
        season=_positive(episode.script, "season"),
        duration_ms=report.duration_ms,
        chapters=[asdict(r) for r in reports],
        files=file_stamps([path.relative_to(out_dir) for path in files], out_dir),
    )
    write_record(out_dir, episode.script.stem, record)
    return report


def _published(meta: dict, first_built: str) -> str:
    """The episode's date as an ISO datetime in UTC: front matter `date`, else the first build."""
    value = meta.get("date") or first_built
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    else:
        try:
            day = value if isinstance(value, datetime.date) else date_of(str(value))
        except ValueError:
            day = datetime.date.fromisoformat(first_built)
        moment = datetime.datetime(day.year, day.month, day.day, 8, tzinfo=datetime.UTC)
    return moment.isoformat()


date_of = datetime.date.fromisoformat


def _positive(script: Script, key: str) -> int | None:
    value = script.meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{script.path}: front matter {key!r} must be a positive whole number")
    return value


def write_mp3(parts: list[Path], marks: list[ChapterMark], tags: EpisodeTags, output: Path) -> None:
    """The chapters' MP3 frames behind one ID3 tag, written atomically."""
    from narrate.tags import id3_tag

    tag = id3_tag(tags, marks)
    try:
        with replacing(output) as tmp, open(tmp, "wb") as handle:
            handle.write(tag)
            for part in parts:
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the episode ({exc.strerror})") from None


def episode_tags(episode: PlannedEpisode, first_built: str) -> EpisodeTags:
    from narrate.tags import EpisodeTags

    meta = episode.script.meta
    first_paragraph = next((p for c in episode.outline.chapters for p in c.paragraphs), "")
    return EpisodeTags(
        title=episode.outline.title,
        artist=_meta_text(meta, "author"),
        album=_meta_text(meta, "album") or _meta_text(meta, "podcast") or episode.outline.title,
        date=_meta_text(meta, "date") or first_built,
        genre=_meta_text(meta, "genre") or "Podcast",
        comment=_meta_text(meta, "description") or _shorten(first_paragraph, 500),
    )


def _episode_key(episode: PlannedEpisode, options: BuildOptions) -> str:
    """Changes whenever anything that goes into the episode's files changes."""
    payload = {
        "chapters": [[c.key, c.chapter.title] for c in episode.chapters],
        "title": episode.outline.title,
        "meta": {k: str(v) for k, v in sorted(episode.script.meta.items())},
        "formats": sorted(options.formats),
        "podcast": repr(options.podcast),
        "format": 3,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _unchanged_report(episode: PlannedEpisode, options: BuildOptions) -> EpisodeReport | None:
    """The last build's report, if its files are all still there untouched and nothing changed."""
    out_dir = episode.output.parent
    record = read_record(out_dir, episode.script.stem)
    if record.get("episode_key") != _episode_key(episode, options):
        return None
    if not files_untouched(out_dir, record.get("files") or {}):
        return None
    chapters = tuple(ChapterReport(**{**c, "synthesized": False}) for c in record["chapters"])
    files = tuple(out_dir / name for name in record["files"])
    return EpisodeReport(
        episode.script.path, episode.output, record["duration_ms"], chapters, False, files
    )


def _check_unique_stems(scripts: list[Script]) -> None:
    seen: dict[str, Path] = {}
    for script in scripts:
        if script.stem in seen:
            raise InputError(
                f"{script.path} and {seen[script.stem]} would both be written as {script.stem}.mp3"
            )
        seen[script.stem] = script.path


def _meta_text(meta: dict, key: str) -> str:
    value = meta.get(key)
    return " ".join(str(value).split()) if value is not None else ""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
