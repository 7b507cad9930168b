"""AAC parts of an M4B: each cached passage's MP3 made into ADTS frames of its own, once, so an
audiobook is joined by copying them and an edit encodes only its own part again.

ffmpeg's AAC encoder turns L samples (a whole number of 1024-sample frames) into L / 1024 + 1
frames, the first its priming. The parts are joined without their priming frames: the stream
then decodes to exactly the parts' samples, in order; at a join the decoder's overlap meets a
part's first frame without the one before it, which costs nothing in the silence every passage
begins with (measured: the error there is the encoder's own, as in one encode of the whole).
"""

from __future__ import annotations

from narrate.audio.mp3 import SAMPLES_PER_FRAME

AAC_FRAME_SAMPLES = 1024


def part_samples(mp3_frames: int) -> int:
    """The samples a part holds for an MP3 of `mp3_frames` frames (at the M4B's own rate): its
    decoded length rounded to whole AAC frames (half to even, so parts do not drift one way),
    padded or cut in the pause that ends it. Each part is then within 512 samples (12 ms) of
    its MP3, and a book of n parts within some 300 * sqrt(n) samples of the MP3 at its end."""
    whole, rest = divmod(mp3_frames * SAMPLES_PER_FRAME, AAC_FRAME_SAMPLES)
    if rest > AAC_FRAME_SAMPLES // 2 or (rest == AAC_FRAME_SAMPLES // 2 and whole % 2):
        whole += 1
    return max(1, whole) * AAC_FRAME_SAMPLES


def adts_frames(data: bytes) -> list[bytes]:
    """The ADTS frames in `data`; ValueError if anything else is in it."""
    frames = []
    at = 0
    while at < len(data):
        header = data[at : at + 7]
        if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
            raise ValueError(f"no ADTS frame at byte {at}")
        length = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)
        if length < 7 or at + length > len(data):
            raise ValueError(f"truncated ADTS frame at byte {at}")
        frames.append(data[at : at + length])
        at += length
    return frames


def joined_frames(part: bytes, samples: int) -> list[bytes]:
    """A part's frames as they are joined (its priming frame dropped), checked to hold `samples`;
    ValueError for a part that is damaged or was made for another length."""
    frames = adts_frames(part)
    if len(frames) != samples // AAC_FRAME_SAMPLES + 1:
        raise ValueError(
            f"{len(frames)} AAC frames where {samples // AAC_FRAME_SAMPLES + 1} belong"
        )
    return frames[1:]
