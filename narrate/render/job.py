"""Making one chapter's audio: speak each utterance, lay out pauses, encode, store.

Runs in a process of its own: espeak-ng keeps state across calls within a process, so a chapter
spoken from a clean start (a fresh process, or a fork of a worker that opened the engine and has
spoken no chapter) sounds the same whatever was built before it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path
from typing import BinaryIO

from narrate.audio import AudioFormat
from narrate.audio.ffmpeg import LoudnessMeter, encode_mp3_pieces
from narrate.audio.level import level_for
from narrate.audio.mp3 import CODEC_DELAY_SAMPLES, count_frames
from narrate.audio.pcm import assemble_into, plan_pieces
from narrate.engines import Clip, Speaker, VoiceSettings, engine_kind, forks_when_open
from narrate.errors import CacheError, EngineHiccup
from narrate.render.cache import CachedChapter, ChapterCache
from narrate.render.fork import Forked


@dataclass(frozen=True)
class ChapterJob:
    """Everything a worker needs to make one chapter, or one passage of a long chapter (made the
    same way: see `narrate.text.passages`)."""

    key: str
    utterances: tuple[tuple[str, int], ...]
    """(spoken text, pause after in ms), in order."""
    voice: VoiceSettings
    audio: AudioFormat
    cache_root: Path
    accept_retries: bool = False
    """Keep audio even if the engine needed retries (then it may differ from a clean build)."""
    identity: tuple[tuple[str, str], ...] = ()
    """The engine identity the key was made with; a cluster worker checks its own against it."""


@dataclass(frozen=True)
class RenderedChapter:
    """A chapter's encoded audio as bytes, before it is stored: what a cluster worker sends back."""

    key: str
    mp3: bytes
    sample_rate: int
    frames: int
    """MP3 frames in `mp3`: the driver checks the bytes it received against it."""
    spans_ms: tuple[tuple[int, int], ...]
    """(start, end) of each utterance, in ms from the chapter's first sample as decoded."""


def expected_length(job: ChapterJob) -> int:
    """About how long the chapter will play, in characters spoken plus pause milliseconds / 10:
    enough to order jobs longest first (speech runs near 14 characters a second)."""
    return sum(len(text) * 7 + pause // 10 for text, pause in job.utterances)


def render_chapter(job: ChapterJob) -> CachedChapter:
    """Speak, assemble and encode a chapter, and store it in the cache.

    The chapter's PCM goes to a file as it is spoken and the MP3 comes back in files, so memory
    stays that of one utterance for a chapter of any length."""
    if hasattr(os, "fork") and forks_when_open(job.voice.engine):
        return _in_a_fork(job)
    return make_chapter(job)


def make_chapter(job: ChapterJob, speaker: Speaker | None = None) -> CachedChapter:
    """The chapter made in this process, by `speaker` or by a voice opened here, and stored."""
    cache = ChapterCache(job.cache_root)
    with cache.workspace(job.key) as scratch:
        outputs, spans_ms = _render_into(job, scratch, speaker)
        return cache.store_parts(job.key, outputs, job.audio.sample_rate, spans_ms)


_LOADED: dict[VoiceSettings, Speaker] = {}
"""Voices this worker loaded and never spoke with: each chapter forks a copy of one."""


def _in_a_fork(job: ChapterJob) -> CachedChapter:
    """The chapter made in a fork of this process, by a copy of a voice loaded once here."""
    loaded = _LOADED.get(job.voice)
    if loaded is None:
        loaded = _LOADED[job.voice] = engine_kind(job.voice.engine).open(job.voice)
        # closed when the worker ends (a pool's worker leaves by os._exit: no atexit)
        Finalize(None, loaded.close, exitpriority=0)
    # A voice whose opening needed engine retries passes its count to every fork: each chapter
    # then raises EngineHiccup, is tried again (by another worker if one is free) and is kept
    # as the engine made it after CLEAN_ATTEMPTS, as for a fresh process that needed retries.
    return Forked(make_chapter, job, loaded).result()


def render_audio(job: ChapterJob) -> RenderedChapter:
    """Speak, assemble and encode a chapter into bytes, in a scratch folder of this machine's
    own: touches no file of the build (what a cluster worker does)."""
    with tempfile.TemporaryDirectory(prefix="narrate-chapter-") as scratch:
        outputs, spans_ms = _render_into(job, Path(scratch))
        mp3 = b"".join(output.read_bytes() for output in outputs)
    return RenderedChapter(job.key, mp3, job.audio.sample_rate, count_frames(mp3), spans_ms)


def store_chapter(cache_root: Path, chapter: RenderedChapter) -> CachedChapter:
    """Put a rendered chapter into the cache, refusing bytes that lost frames on the way."""
    entry = ChapterCache(cache_root).store(
        chapter.key, chapter.mp3, chapter.sample_rate, chapter.spans_ms
    )
    if entry.frames != chapter.frames:
        ChapterCache(cache_root).remove(chapter.key)
        frames = f"{entry.frames} of {chapter.frames} frames"
        raise CacheError(f"chapter {chapter.key[:12]} arrived damaged ({frames})")
    return entry


def _render_into(
    job: ChapterJob, scratch: Path, speaker: Speaker | None = None
) -> tuple[list[Path], tuple[tuple[int, int], ...]]:
    """The chapter's MP3 pieces, written in `scratch`, and each utterance's span in ms; spoken
    by `speaker`, else by one opened (and closed) here."""
    source = scratch / "chapter.pcm"
    if speaker is None:
        speaker = engine_kind(job.voice.engine).open(job.voice)
    meter: LoudnessMeter | None = None
    try:
        spoken = ((speaker.synthesize(text), pause) for text, pause in job.utterances)
        opening = next(spoken, None)
        if opening is not None:
            # the whole chapter is measured as it is spoken, by a meter working alongside
            meter = LoudnessMeter(opening[0].sample_rate)
        with open(source, "wb") as file:
            layout = assemble_into(_chain(opening, spoken), _Tee(file, meter))
        loudness = meter.loudness() if meter is not None else None
    finally:
        speaker.close()
        if meter is not None:
            meter.close()
    if getattr(speaker, "restarts", 0) and not job.accept_retries:
        # A retry changes the engine's internal state, and so the samples: start over in a
        # fresh process rather than keep audio that a clean build would not reproduce.
        raise EngineHiccup(f"the engine needed {speaker.restarts} retries")
    level = level_for(loudness, job.audio)
    pieces = plan_pieces(layout, job.audio.sample_rate)
    outputs = [scratch / f"piece-{number}.mp3" for number in range(len(pieces))]
    encode_mp3_pieces(source, layout.sample_rate, level, job.audio, pieces, outputs)

    def to_ms(sample: int) -> int:
        # pieces keep every sound where one piece would put it (see plan_pieces)
        return round(
            (sample / layout.sample_rate + CODEC_DELAY_SAMPLES / job.audio.sample_rate) * 1000
        )

    return outputs, tuple((to_ms(first), to_ms(end)) for first, end in layout.spans)


def _chain(
    opening: tuple[Clip, int] | None, rest: Iterator[tuple[Clip, int]]
) -> Iterator[tuple[Clip, int]]:
    if opening is not None:
        yield opening
        yield from rest


class _Tee:
    """Writes to the chapter's file and to its loudness meter."""

    def __init__(self, file: BinaryIO, meter: LoudnessMeter | None) -> None:
        self._sinks = [sink for sink in (file, meter) if sink is not None]

    def write(self, data: bytes) -> None:
        for sink in self._sinks:
            sink.write(data)
