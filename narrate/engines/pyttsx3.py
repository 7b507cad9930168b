"""The pyttsx3 adapter: espeak-ng on Linux (from the espeakng-loader wheel), SAPI5 or NSSS elsewhere.

pyttsx3 is wrapped here once; nothing else in narrate knows it exists. Its quirks, measured:
the first `save_to_file` + `runAndWait` in a process may write nothing and leave its text pending,
so that the next call writes the earlier text into the later file; a call may write an empty file;
it prints "Audio saved to ..." on stdout. Every file is therefore checked, and a failed call drops
the driver (and whatever it still holds) before the text is tried again.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import sys
import tempfile
import wave
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from narrate.engines import Clip, Voice, VoiceSettings
from narrate.errors import EngineError

LINUX = sys.platform.startswith("linux")
ATTEMPTS = 3
WARM_UP_TEXT = "Ready."

DriverFactory = Callable[[], Any]


def identity(settings: VoiceSettings) -> dict[str, str]:
    ident = {
        "engine": "pyttsx3",
        "pyttsx3": _version("pyttsx3"),
        "platform": sys.platform,
        "voice": settings.voice or "",
        "rate": str(settings.rate),
    }
    if LINUX:
        ident["espeak-ng"] = _version("espeakng-loader")
    return ident


def default_voice() -> str | None:
    return "gmw/en-us" if LINUX else None


def voices() -> list[Voice]:
    found = _new_driver().getProperty("voices")
    return [
        Voice(id=v.id, name=v.name or v.id, languages=tuple(str(x) for x in (v.languages or ())))
        for v in found
    ]


def open(settings: VoiceSettings) -> Pyttsx3Speaker:  # noqa: A001 - the EngineKind protocol
    return Pyttsx3Speaker(settings)


class Pyttsx3Speaker:
    """Speaks one utterance at a time into a checked WAV file and returns its samples."""

    def __init__(
        self,
        settings: VoiceSettings,
        new_driver: DriverFactory | None = None,
        check_words: bool = LINUX,
    ) -> None:
        self._settings = settings
        self._new_driver = new_driver or _new_driver
        self._check_words = check_words
        """espeak-ng reports where each word is; other platforms' drivers may not."""
        self._scratch = Path(tempfile.mkdtemp(prefix="narrate-tts-"))
        self._calls = 0
        self.restarts = 0
        """How often a failed call made the adapter drop its driver (for tests and logs)."""
        self._words: list[tuple[int, int]] = []
        self._driver = self._configured_driver()
        self.synthesize(WARM_UP_TEXT)

    def synthesize(self, text: str) -> Clip:
        for _ in range(ATTEMPTS):
            clip = self._speak_once(text)
            if clip is not None:
                return clip
            self.restarts += 1
            self._driver = self._configured_driver()
        raise EngineError(f"the speech engine wrote no usable audio for: {text[:60]!r}")

    def close(self) -> None:
        for path in self._scratch.glob("*"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._scratch.rmdir()

    def _speak_once(self, text: str) -> Clip | None:
        self._calls += 1
        path = self._scratch / f"utterance-{self._calls}.wav"
        self._words.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            self._driver.save_to_file(text, str(path))
            self._driver.runAndWait()
        try:
            clip = read_wav(path)
        except (OSError, EOFError, wave.Error):
            return None
        finally:
            path.unlink(missing_ok=True)
        if self._check_words and not words_match(self._words, text):
            return None  # the file holds another text's audio (the stale-file bug)
        return clip if fits_text(clip, text, self._settings.rate) else None

    def _on_word(self, name: str | None = None, location: int = 0, length: int = 0) -> None:
        self._words.append((location, length))

    def _configured_driver(self) -> Any:
        driver = self._new_driver()
        driver.connect("started-word", self._on_word)
        if self._settings.voice:
            driver.setProperty("voice", self._settings.voice)
        driver.setProperty("rate", self._settings.rate)
        return driver


def fits_text(clip: Clip, text: str, rate: int) -> bool:
    """A clip fits its text when it holds sound and lasts roughly as long as the text takes to say."""
    if not any(clip.samples[1::2]):  # every high byte zero: silence or nothing
        return False
    words = max(1, len(text.split()))
    expected = words * 60 / rate
    return 0.15 * expected <= clip.duration_s <= 4 * expected + 1.5


def words_match(words: list[tuple[int, int]], text: str) -> bool:
    """The engine's word events (1-based character position, length) describe `text`: each ends
    at a word boundary of it, and the last starts at or after its last word. Audio of another
    text fails this, barring a text with the very same word lengths."""
    tokens = [m for m in re.finditer(r"\S+", text) if any(ch.isalnum() for ch in m.group())]
    if not tokens:
        return True
    if not words:
        return False
    for location, length in words:
        end = location - 1 + length
        if end > len(text) + 1 or (end < len(text) and text[end - 1].isalnum() and text[end].isalnum()):
            return False
    last_start = max(location for location, _ in words) - 1
    return tokens[-1].start() <= last_start < len(text)


def read_wav(path: Path) -> Clip:
    """Samples of a 16-bit PCM WAV file, mixed down to mono."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise wave.Error("not 16-bit PCM")
        frames = wav.readframes(wav.getnframes())
        channels, rate = wav.getnchannels(), wav.getframerate()
    if not frames:
        raise EOFError("empty WAV")
    if channels > 1:
        from narrate.audio import load_pydub

        frames = load_pydub().AudioSegment(frames, sample_width=2, frame_rate=rate, channels=channels)
        frames = frames.set_channels(1).raw_data
    return Clip(samples=frames, sample_rate=rate)


def _new_driver() -> Any:
    """A new pyttsx3 engine object (not pyttsx3.init's cached one, so a bad one can be dropped)."""
    if LINUX:
        _load_bundled_espeak()
    try:
        from pyttsx3.engine import Engine
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EngineError(f"pyttsx3 is not installed ({exc}); reinstall narrate") from None
    try:
        return Engine("espeak" if LINUX else None)
    except (RuntimeError, OSError) as exc:
        raise EngineError(f"the speech engine did not start: {exc}") from None


def _load_bundled_espeak() -> None:
    """Load the wheel's libespeak-ng so that pyttsx3's dlopen("libespeak-ng.so.1") finds it."""
    try:
        import espeakng_loader
    except ImportError:
        return  # a system espeak-ng may still be there; pyttsx3 says so if not
    ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"
