"""Making one chapter's audio: speak each utterance, lay out pauses, encode, store.

Runs in a worker process of its own: espeak-ng keeps state across calls within a process, so a
chapter spoken in a fresh process sounds the same whatever was built before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrate.audio import AudioFormat
from narrate.audio.ffmpeg import encode_mp3
from narrate.audio.mp3 import CODEC_DELAY_SAMPLES
from narrate.audio.pcm import assemble
from narrate.engines import VoiceSettings, engine_kind
from narrate.errors import EngineHiccup
from narrate.render.cache import CachedChapter, ChapterCache


@dataclass(frozen=True)
class ChapterJob:
    """Everything a worker needs to make one chapter."""

    key: str
    utterances: tuple[tuple[str, int], ...]
    """(spoken text, pause after in ms), in order."""
    voice: VoiceSettings
    audio: AudioFormat
    cache_root: Path
    accept_retries: bool = False
    """Keep audio even if the engine needed retries (then it may differ from a clean build)."""


def render_chapter(job: ChapterJob) -> CachedChapter:
    """Speak, assemble and encode a chapter, and store it in the cache."""
    speaker = engine_kind(job.voice.engine).open(job.voice)
    try:
        pcm = assemble((speaker.synthesize(text), pause) for text, pause in job.utterances)
    finally:
        speaker.close()
    if getattr(speaker, "restarts", 0) and not job.accept_retries:
        # A retry changes the engine's internal state, and so the samples: start over in a
        # fresh process rather than keep audio that a clean build would not reproduce.
        raise EngineHiccup(f"the engine needed {speaker.restarts} retries")
    mp3 = encode_mp3(pcm, job.audio)

    def to_ms(sample: int) -> int:
        return round(
            (sample / pcm.sample_rate + CODEC_DELAY_SAMPLES / job.audio.sample_rate) * 1000
        )

    spans_ms = tuple((to_ms(first), to_ms(end)) for first, end in pcm.spans)
    return ChapterCache(job.cache_root).store(job.key, mp3, job.audio.sample_rate, spans_ms)
