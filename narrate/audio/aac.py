"""AAC parts of an M4B: each cached passage's MP3 made into ADTS frames of its own, once, so an
audiobook is joined by copying them and an edit encodes only its own part again.

ffmpeg's AAC encoder turns L samples (a whole number of 1024-sample frames) into L / 1024 + 1
frames, the first its priming. The parts are joined without their priming frames: the stream
then decodes to exactly the parts' samples, in order; at a join the decoder's overlap meets a
part's first frame without the one before it, which costs nothing in the silence every passage
begins with (measured: the error there is the encoder's own, as in one encode of the whole).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from narrate.audio.mp3 import SAMPLES_PER_FRAME

AAC_FRAME_SAMPLES = 1024
M4B_SAMPLE_RATE = 44_100


def part_samples(mp3_frames: int) -> int:
    """The samples a part holds for an MP3 of `mp3_frames` frames (at the M4B's own rate): its
    decoded length rounded to whole AAC frames (half to even, so parts do not drift one way),
    padded or cut in the pause that ends it. Each part is then within 512 samples (12 ms) of
    its MP3, and a book of n parts within some 300 * sqrt(n) samples of the MP3 at its end."""
    whole, rest = divmod(mp3_frames * SAMPLES_PER_FRAME, AAC_FRAME_SAMPLES)
    if rest > AAC_FRAME_SAMPLES // 2 or (rest == AAC_FRAME_SAMPLES // 2 and whole % 2):
        whole += 1
    return max(1, whole) * AAC_FRAME_SAMPLES


@dataclass(frozen=True)
class AdtsRun:
    """ADTS frames of one stream, one after another, and each frame's length in bytes."""

    data: bytes
    lengths: array[int]

    @property
    def header_bytes(self) -> int:
        """Every frame's header: 7 bytes, or 9 with a CRC."""
        return 7 if self.data[1] & 0x01 else 9


def adts_run(data: bytes) -> AdtsRun:
    """The frames in `data`; ValueError if anything else is in it. (One encode makes a run: its
    frames share the first one's rate, channels and profile.)"""
    if len(data) < 7 or data[0] != 0xFF or data[1] & 0xF6 != 0xF0:
        raise ValueError("no ADTS frame at byte 0")
    b1 = data[1]  # sync, layer and CRC flag: the same in every frame
    shortest = 8 if b1 & 0x01 else 10  # a header and at least a byte
    lengths = array("H")  # an ADTS frame is at most 8,191 bytes
    at, end = 0, len(data)
    while at < end:
        # one loop over every frame of a book (1.5 million for ten hours): kept to the bone
        if end - at < 7 or data[at] != 0xFF or data[at + 1] != b1:
            raise ValueError(f"no ADTS frame at byte {at}")
        length = (data[at + 3] & 0x03) << 11 | data[at + 4] << 3 | data[at + 5] >> 5
        if length < shortest or at + length > end:
            raise ValueError(f"truncated ADTS frame at byte {at}")
        lengths.append(length)
        at += length
    return AdtsRun(data, lengths)


def joined_run(part: bytes, samples: int) -> tuple[int, AdtsRun]:
    """A part's frames as they are joined (its priming frame dropped), checked to hold `samples`,
    and the priming frame's length; ValueError for a part that is damaged or was made for
    another length."""
    run = adts_run(part)
    if len(run.lengths) != samples // AAC_FRAME_SAMPLES + 1:
        raise ValueError(
            f"{len(run.lengths)} AAC frames where {samples // AAC_FRAME_SAMPLES + 1} belong"
        )
    priming = run.lengths[0]
    return priming, AdtsRun(part[priming:], run.lengths[1:])
