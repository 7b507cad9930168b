"""The loudness decision, all of it here: the gain that brings a chapter to the target, the
limiter that keeps its peaks under the true-peak ceiling, and the ffmpeg filters that apply both.

The limiter is only run where the gain takes a sample over the ceiling. Elsewhere it is at rest
(its gain exactly 1, its look-ahead holding nothing over the limit) and passes samples through
unchanged, so a fresh limiter over each stretch that holds peaks, from a sample where the
continuous one would be at rest to one where it is at rest again, gives the same samples: the
MP3 is byte for byte the one the limiter over the whole piece gives, for a tenth of its work
(speech peaks in short bursts).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from narrate.audio import AudioFormat

LIMITER_ATTACK_S = 0.005
"""ffmpeg's alimiter: how far it looks ahead (its delay), so how early a peak lowers the gain."""
LIMITER_RELEASE_S = 0.05
"""How long the limiter's gain takes to come back to 1 after the last peak has passed."""
_CHUNK = 1 << 19
"""Samples read at a time (1 MiB)."""
_SCAN_BLOCK = 2048
_PEAK_BLOCK = 64
_MERGE_GAP_S = 0.2
"""Stretches of peaks closer than this are limited as one (fewer filters, the same samples)."""
_MAX_STRETCHES = 200
"""Bounds the filter graph's size (ffmpeg's command line) for passages of any length."""


@dataclass(frozen=True)
class Level:
    """How a chapter is brought to the loudness target: a linear gain, then a limiter for the
    peaks that the gain takes over the ceiling."""

    gain_db: float
    ceiling: float
    """The limiter's limit, as a fraction of full scale."""

    def threshold(self) -> int:
        """The least 16-bit sample value the gain could take over the ceiling (with room for
        the filters' float rounding: erring low only limits a stretch more, at no cost in sound)."""
        return math.floor(self.ceiling / 10 ** (self.gain_db / 20) * 32768 * 0.999)

    def piece_filters(self, pcm: BinaryIO, first: int, end: int, rate: int, out_rate: int) -> str:
        """`filters` for samples `first` to `end` of the 16-bit mono file `pcm` at `rate`: its
        peaks found by `peak_stretches`."""
        peaks = peak_stretches(pcm, first, end, self.threshold(), rate)
        return self.filters(peaks, end - first, out_rate)

    def filters(self, peaks: Sequence[tuple[int, int]], samples: int, out_rate: int) -> str:
        """An ffmpeg filter graph from input `[0:a]` (`samples` samples) to `[out]`: the gain,
        the limiter over each (first, end) stretch in `peaks` (from `peak_stretches`), then
        resampling to `out_rate`. Outside those stretches the limiter would pass samples through
        unchanged; in double precision either way, so the resampler sees the same numbers."""
        gain = f"volume={self.gain_db:.2f}dB,aformat=sample_fmts=dbl"
        resample = f"aresample={out_rate}"
        limiter = (
            f"alimiter=limit={self.ceiling:.4f}:attack={LIMITER_ATTACK_S * 1000:g}"
            f":release={LIMITER_RELEASE_S * 1000:g}:level=0:latency=1"
        )
        cuts: list[tuple[int, int, bool]] = []
        position = 0
        for first, end in peaks:
            first, end = max(first, position), min(end, samples)
            if first >= end:
                continue
            if first > position:
                cuts.append((position, first, False))
            cuts.append((first, end, True))
            position = end
        if not cuts:
            return f"[0:a]{gain},{resample}[out]"
        if position < samples:
            cuts.append((position, samples, False))
        if len(cuts) == 1:
            return f"[0:a]{gain},{limiter},{resample}[out]"
        points = "|".join(str(end) for _, end, _ in cuts[:-1])
        labels = "".join(f"[s{n}]" for n in range(len(cuts)))
        graph = [f"[0:a]{gain},asegment=samples={points}{labels}"]
        joined = ""
        for n, (_, _, limited) in enumerate(cuts):
            if limited:
                graph.append(f"[s{n}]{limiter}[l{n}]")
            joined += f"[l{n}]" if limited else f"[s{n}]"
        graph.append(f"{joined}concat=n={len(cuts)}:v=0:a=1,{resample}[out]")
        return ";".join(graph)


def level_for(loudness: float | None, fmt: AudioFormat) -> Level:
    """The gain that brings a chapter measured at `loudness` (LUFS, dual-mono; None for silence)
    to the target in the MP3, and the limiter's ceiling under the true-peak limit."""
    gain = 0.0 if loudness is None else fmt.loudness_lufs - loudness + encoding_loss_db(fmt)
    # The limiter works on samples, at the engine's rate (half the work of limiting at 44.1 kHz);
    # the resampled, encoded signal's true peak was measured up to 0.2 dB above them.
    return Level(round(gain, 2), round(10 ** ((fmt.true_peak_db - 0.5) / 20), 4))


def encoding_loss_db(fmt: AudioFormat) -> float:
    """What the limiter and LAME take off speech's loudness, made up in the gain so the MP3 lands
    on the target, not under it. Measured (chapter PCM against its MP3, both by ebur128) over
    eight espeak-ng voices and a Piper voice: 0.4-0.8 LU up to 160 kbps, 0.2-0.6 at 192 and
    -0.1-0.3 from 256 (LAME keeps more of the signal there). A fixed figure per bitrate, not a
    measurement per chapter: measuring it cost three ffmpeg runs a chapter, a quarter of a
    chapter's time, to land within 0.1 LU where this lands within 0.2."""
    if fmt.bitrate_kbps <= 160:
        return 0.6
    if fmt.bitrate_kbps <= 224:
        return 0.4
    return 0.2


def peak_stretches(
    pcm: BinaryIO, first: int, end: int, threshold: int, rate: int
) -> list[tuple[int, int]]:
    """(first, end) ranges, counted from `first`, of the 16-bit mono samples `first` to `end` of
    the file `pcm` that the limiter must see: each sample at or over `threshold`, from where the
    limiter's look-ahead first reaches it to where its gain is back to 1 (twice the limiter's
    own reach, for margin), close ones merged. Read a chunk at a time: memory stays flat."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on 3.12
        import audioop

    samples = end - first
    before = 2 * math.ceil(rate * LIMITER_ATTACK_S) + 2
    after = 2 * math.ceil(rate * (LIMITER_ATTACK_S + LIMITER_RELEASE_S)) + 2
    gap = round(rate * _MERGE_GAP_S)
    stretches: list[list[int]] = []
    pcm.seek(2 * first)
    for chunk_start in range(0, samples, _CHUNK):
        chunk = pcm.read(2 * min(_CHUNK, samples - chunk_start))
        for block in range(0, len(chunk) // 2, _SCAN_BLOCK):
            if audioop.max(chunk[2 * block : 2 * (block + _SCAN_BLOCK)], 2) < threshold:
                continue
            for start in range(block, min(len(chunk) // 2, block + _SCAN_BLOCK), _PEAK_BLOCK):
                if audioop.max(chunk[2 * start : 2 * (start + _PEAK_BLOCK)], 2) < threshold:
                    continue
                at = chunk_start + start
                low, high = max(0, at - before), min(samples, at + _PEAK_BLOCK + after)
                _add(stretches, low, high, gap)
    while len(stretches) > _MAX_STRETCHES:
        gap *= 2
        merged: list[list[int]] = []
        for low, high in stretches:
            _add(merged, low, high, gap)
        stretches = merged
    return [(low, high) for low, high in stretches]


def _add(stretches: list[list[int]], low: int, high: int, gap: int) -> None:
    """Add a stretch after the others: joined to the last if it starts within `gap` of it."""
    if stretches and low - stretches[-1][1] <= gap:
        stretches[-1][1] = high
    else:
        stretches.append([low, high])
