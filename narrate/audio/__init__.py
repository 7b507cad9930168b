"""Sound: chapter PCM (`pcm`), the loudness decision (`level`), every ffmpeg run (`ffmpeg`),
MP3 frame arithmetic (`mp3`), the M4B's AAC parts (`aac`) and its container (`mp4`).

`AudioFormat` is the one description of the audio narrate makes, shared by all of them."""

from __future__ import annotations

from dataclasses import dataclass

from narrate.audio.mp3 import DEFAULT_BITRATE


@dataclass(frozen=True)
class AudioFormat:
    """The encoded output. Every field shapes the audio, so all of it is part of the cache key."""

    sample_rate: int = 44100
    bitrate_kbps: int = DEFAULT_BITRATE
    loudness_lufs: float = -16.0
    """Integrated loudness as heard on two speakers (ITU-R BS.1770, measured dual-mono)."""
    true_peak_db: float = -1.0


@dataclass(frozen=True)
class ChapterPcm:
    """A chapter's speech and pauses as one run of PCM, with where each utterance lies in it."""

    samples: bytes
    sample_rate: int
    spans: tuple[tuple[int, int], ...]
    """(first, last + 1) sample of each utterance's sound."""
