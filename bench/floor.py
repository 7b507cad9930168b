"""The floor: a script's text spoken by libespeak-ng straight into ffmpeg's MP3 encoder.

Same engine library as narrate (the espeakng_loader wheel's, driven by pyttsx3 in narrate), same
voice, rate and output format (44.1 kHz mono 64 kbit/s MP3); no chapters, no pauses, no loudness
pass, no tags. Audio is streamed to ffmpeg as espeak-ng makes it, never held whole.

    floor.py SCRIPT OUT.mp3 [--voice gmw/en-us] [--rate 175] [--no-check]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import mmap
import subprocess
import sys
from pathlib import Path

import espeakng_loader

from narrate.audio.ffmpeg import ffmpeg_exe  # found as narrate finds it: no `-version` run

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_RATE = 1
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
SAMPLE_RATE = 22050
WORDS_PER_MINUTE = 175


class _NumberOrName(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p))


class EspeakEvent(ctypes.Structure):
    """espeak_EVENT, as in speak_lib.h (and pyttsx3's _espeak.py)."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _NumberOrName),
    )


SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(EspeakEvent)
)


def load_espeak() -> ctypes.CDLL:
    """The wheel's libespeak-ng, with the prototypes used here."""
    lib = ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
    ]  # fmt: skip
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = []
    lib.espeak_Terminate.restype = ctypes.c_int
    return lib


def ffmpeg_command(out: Path) -> list[str]:
    """Raw 22.05 kHz s16le mono on stdin to a 44.1 kHz mono 64 kbit/s MP3 (narrate's format)."""
    return [
        ffmpeg_exe(), "-y", "-loglevel", "error",
        "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
        "-ar", "44100", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", str(out),
    ]  # fmt: skip


def paragraphs(script: Path) -> list[str]:
    """The script's non-empty lines (paragraphs and headings), as narrate reads plain text."""
    text = script.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def speak_to_mp3(texts: list[str], out: Path, voice: str, rate: int) -> int:
    """Speak `texts` one after another into `out`; return the number of samples made."""
    lib = load_espeak()
    data_path = espeakng_loader.get_data_path().encode()
    sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 1000, data_path, 0)
    if sample_rate != SAMPLE_RATE:
        raise RuntimeError(f"espeak_Initialize returned {sample_rate}, expected {SAMPLE_RATE}")
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"espeak-ng has no voice {voice!r}")
    lib.espeak_SetParameter(ESPEAK_RATE, rate, 0)

    ffmpeg = subprocess.Popen(ffmpeg_command(out), stdin=subprocess.PIPE)
    assert ffmpeg.stdin is not None
    sink = ffmpeg.stdin
    made = [0]
    failure: list[BaseException] = []

    def on_audio(wav: ctypes.Array, count: int, events: ctypes.Array) -> int:
        if count <= 0 or not wav:
            return 0
        try:
            sink.write(ctypes.string_at(wav, count * 2))
        except BaseException as exc:  # noqa: BLE001 - reported after Synth returns
            failure.append(exc)
            return 1
        made[0] += count
        return 0

    callback = SynthCallback(on_audio)
    lib.espeak_SetSynthCallback(callback)
    try:
        for text in texts:
            data = text.encode("utf-8") + b"\0"
            status = lib.espeak_Synth(
                data, len(data), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            if failure:
                raise failure[0]
            if status != 0:
                raise RuntimeError(f"espeak_Synth failed with status {status}")
    finally:
        sink.close()
        ffmpeg.wait()
        lib.espeak_Terminate()
    if ffmpeg.returncode != 0:
        raise RuntimeError(f"ffmpeg exited with {ffmpeg.returncode}")
    return made[0]


_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44100, 48000, 32000)


def mp3_duration_s(path: Path) -> float:
    """Duration of an MPEG-1 Layer III file, from its frame headers (an ID3v2 tag is skipped)."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        offset = 0
        if data[:3] == b"ID3":
            size = data[6:10]
            offset = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])
        frames = 0
        samples = 0
        end = len(data)
        while offset + 4 <= end:
            b1, b2 = data[offset + 1], data[offset + 2]
            if data[offset] != 0xFF or (b1 & 0xFE) != 0xFA:
                break
            bitrate, rate_index = b2 >> 4, (b2 >> 2) & 3
            if bitrate in (0, 15) or rate_index == 3:
                break
            rate = _SAMPLE_RATES[rate_index]
            offset += 144000 * _BITRATES_KBPS[bitrate] // rate + ((b2 >> 1) & 1)
            frames += 1
            samples += 1152
        return samples / rate if frames else 0.0


def check(words: int, duration_s: float, rate: int) -> dict[str, float | bool]:
    """Compare a duration with the `words / rate` estimate; plausible within 0.5x-1.5x."""
    expected = words * 60 / rate
    ratio = duration_s / expected if expected else 0.0
    return {
        "expected_s": round(expected, 1),
        "ratio": round(ratio, 3),
        "plausible": 0.5 <= ratio <= 1.5,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--voice", default="gmw/en-us")
    parser.add_argument("--rate", type=int, default=WORDS_PER_MINUTE)
    parser.add_argument("--no-check", action="store_true", help="skip reading the MP3 back")
    args = parser.parse_args(argv)
    texts = paragraphs(args.script)
    samples = speak_to_mp3(texts, args.out, args.voice, args.rate)
    words = sum(len(t.split()) for t in texts)
    report: dict[str, object] = {"words": words, "speech_s": round(samples / SAMPLE_RATE, 1)}
    if not args.no_check:
        duration = mp3_duration_s(args.out)
        report |= {"mp3_s": round(duration, 1), **check(words, duration, args.rate)}
    print(json.dumps(report))
    return 0 if report.get("plausible", True) else 1


if __name__ == "__main__":
    sys.exit(main())
