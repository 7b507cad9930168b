"""Clips and pauses into one chapter's PCM (pydub lives here only)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from narrate.audio import ChapterPcm
from narrate.audio.ffmpeg import ffmpeg_exe
from narrate.errors import EngineError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from narrate.engines import Clip

EDGE_MARGIN_MS = 30
SILENCE_DBFS = -50.0


def load_pydub() -> Any:
    """pydub, told where ffmpeg is (it warns on import when none is on PATH; we bring our own)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Couldn't find ffmpeg"
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on 3.12
        import pydub
        import pydub.silence

    pydub.AudioSegment.converter = ffmpeg_exe()
    return pydub


def assemble(clips_and_pauses: Iterable[tuple[Clip, int]]) -> ChapterPcm:
    """Trim each clip's edge silence, then lay clips end to end, each followed by its pause."""
    pydub = load_pydub()
    AudioSegment = pydub.AudioSegment  # noqa: N806 - pydub's class
    detect_leading_silence = pydub.silence.detect_leading_silence

    parts: list[bytes] = []
    spans: list[tuple[int, int]] = []
    position = 0
    rate = 0
    for clip, pause_ms in clips_and_pauses:
        if rate and clip.sample_rate != rate:
            raise EngineError("the engine changed its sample rate in the middle of a chapter")
        rate = clip.sample_rate
        segment = AudioSegment(clip.samples, sample_width=2, frame_rate=rate, channels=1)
        lead = max(0, detect_leading_silence(segment, SILENCE_DBFS) - EDGE_MARGIN_MS)
        tail = max(0, detect_leading_silence(segment.reverse(), SILENCE_DBFS) - EDGE_MARGIN_MS)
        spoken = segment[lead : max(lead, len(segment) - tail)]
        pause = AudioSegment.silent(duration=pause_ms, frame_rate=rate)
        spans.append((position, position + int(spoken.frame_count())))
        parts += [spoken.raw_data, pause.raw_data]
        position += int(spoken.frame_count()) + int(pause.frame_count())
    return ChapterPcm(samples=b"".join(parts), sample_rate=rate, spans=tuple(spans))
