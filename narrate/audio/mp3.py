"""MPEG-1 Layer III frame arithmetic: bitrates, frame counts, and where frame boundaries fall."""

from __future__ import annotations

from collections.abc import Iterable

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
# LAME's encoder delay (576) plus the decoder's (529): a decoder that is given no Info header
# (our joined files carry none) plays this much silence before each part's first sample.
CODEC_DELAY_SAMPLES = 1105
MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""The bitrates MPEG-1 Layer III allows, in kbps: what --bitrate and narrate.toml accept."""
DEFAULT_BITRATE = 64
_BITRATES_KBPS = (0, *MP3_BITRATES)  # by a frame header's bitrate index
_SAMPLE_RATES = (44100, 48000, 32000)


def count_frames(data: bytes) -> int:
    """Frames in a run of MPEG-1 Layer III frames; ValueError if anything else is in it."""
    frames, rest = _whole_frames(data, 0)
    if rest != len(data):
        raise ValueError(f"truncated MP3 frame at byte {rest}")
    return frames


def count_frames_in(chunks: Iterable[bytes]) -> int:
    """`count_frames` over a stream that arrives in pieces (frames may straddle them)."""
    frames = 0
    pending = b""
    read = 0  # bytes before `pending`, for messages
    for chunk in chunks:
        data = pending + chunk if pending else chunk
        found, end = _whole_frames(data, read)
        frames += found
        pending = data[end:]
        read += end
    if pending:
        raise ValueError(f"truncated MP3 frame at byte {read}")
    return frames


def _whole_frames(data: bytes, at: int) -> tuple[int, int]:
    """Whole frames at the start of `data` (which begins at byte `at` of the stream), and where
    they end; ValueError if something other than a frame header is found."""
    frames = 0
    offset = 0
    end = len(data)
    while end - offset >= 4:
        b1, b2 = data[offset + 1], data[offset + 2]
        if data[offset] != 0xFF or (b1 & 0xFE) != 0xFA:
            raise ValueError(f"no MPEG-1 Layer III frame at byte {at + offset}")
        bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
        if bitrate_index in (0, 15) or rate_index == 3:
            raise ValueError(f"bad MP3 frame header at byte {at + offset}")
        size = 144000 * _BITRATES_KBPS[bitrate_index] // _SAMPLE_RATES[rate_index] + padding
        if offset + size > end:
            break
        offset += size
        frames += 1
    return frames, offset


def encoded_frames(samples: int) -> int:
    """Frames LAME (through ffmpeg) makes of `samples` samples at the output rate: its delay
    and end padding always add one frame to those the samples fill (measured for any length)."""
    return -(-samples // SAMPLES_PER_FRAME) + 1


def frames_to_ms(frames: int, sample_rate: int) -> int:
    """Where a frame boundary falls, in whole milliseconds."""
    return round(frames * SAMPLES_PER_FRAME * 1000 / sample_rate)
