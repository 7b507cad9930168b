"""Clips and pauses into one chapter's PCM (pydub lives here only)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from narrate.audio import ChapterPcm
from narrate.audio.ffmpeg import ffmpeg_exe
from narrate.audio.mp3 import SAMPLES_PER_FRAME
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


class PcmSink(Protocol):
    """Where a chapter's PCM goes as it is made: a file, a meter, or both."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class PcmLayout:
    """Where things lie in a chapter's PCM written out by `assemble_into`, in samples."""

    sample_rate: int
    samples: int
    spans: tuple[tuple[int, int], ...]
    """(first, last + 1) sample of each utterance's sound."""
    pauses: tuple[tuple[int, int], ...]
    """(first, last + 1) sample of the pause after each utterance."""


def assemble(clips_and_pauses: Iterable[tuple[Clip, int]]) -> ChapterPcm:
    """Trim each clip's edge silence, then lay clips end to end, each followed by its pause."""
    sink = io.BytesIO()
    layout = assemble_into(clips_and_pauses, sink)
    return ChapterPcm(samples=sink.getvalue(), sample_rate=layout.sample_rate, spans=layout.spans)


def assemble_into(clips_and_pauses: Iterable[tuple[Clip, int]], sink: PcmSink) -> PcmLayout:
    """`assemble`, written to `sink` one clip at a time: memory stays that of one utterance
    however long the chapter."""
    pydub = load_pydub()
    AudioSegment = pydub.AudioSegment  # noqa: N806 - pydub's class
    detect_leading_silence = pydub.silence.detect_leading_silence

    spans: list[tuple[int, int]] = []
    pauses: list[tuple[int, int]] = []
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
        spoken_end = position + int(spoken.frame_count())
        spans.append((position, spoken_end))
        sink.write(spoken.raw_data)
        sink.write(pause.raw_data)
        position = spoken_end + int(pause.frame_count())
        pauses.append((spoken_end, position))
    return PcmLayout(rate, position, tuple(spans), tuple(pauses))


SPLIT_MIN_S = 20
"""Chapters at least this long are encoded as two pieces, at once (see `plan_pieces`)."""
CUT_MARGIN_S = 0.07
"""Silence kept on each side of a cut, clear of the resampler's and the limiter's reach."""


def plan_pieces(layout: PcmLayout, out_rate: int) -> list[tuple[int, int]]:
    """(first, end) sample ranges to encode separately: two, cut in the pause nearest the
    middle, for a chapter of at least SPLIT_MIN_S seconds; else the whole chapter.

    A part encoded on its own decodes as its samples padded to whole frames plus one
    (`encoded_frames`), so the cut falls on a frame boundary and the second piece starts one
    frame's worth of silence later: its sound then decodes at exactly the time it would have in
    one piece, and the chapter keeps its frame count. Only the content decides the cut, so a
    chapter's bytes never depend on how many cores were free."""
    rate = layout.sample_rate
    whole = [(0, layout.samples)]
    if not rate or out_rate % rate or layout.samples < SPLIT_MIN_S * rate:
        return whole
    step = SAMPLES_PER_FRAME * rate // out_rate  # one output frame, in source samples
    if step * out_rate != SAMPLES_PER_FRAME * rate:
        return whole
    margin = round(CUT_MARGIN_S * rate)
    middle = layout.samples // 2
    best: int | None = None
    for first, end in layout.pauses[:-1]:  # the last pause ends the chapter
        low = -(-(first + margin) // step) * step
        high = (end - margin - step) // step * step
        if low > high:
            continue
        cut = min(max(middle // step * step, low), high)
        if best is None or abs(cut - middle) < abs(best - middle):
            best = cut
    if best is None:
        return whole
    return [(0, best), (best + step, layout.samples)]
