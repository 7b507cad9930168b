"""The pyttsx3 adapter: espeak-ng on Linux (from the espeakng-loader wheel), else SAPI5 or NSSS.

pyttsx3 is wrapped here once; nothing else in narrate knows it exists. Its quirks, measured:
pyttsx3 runs espeak-ng asynchronously, and its first `runAndWait` on a driver returns before the
speech is made, so the file is written late, possibly under the next call's name (one text's audio
in another's file); calls may write empty files or lose the rate; it prints "Audio saved to ..." on
stdout. So espeak-ng is started in synchronous mode (see `_start_espeak_synchronously`), each call
waits until the driver reports every utterance finished, every file is checked (it exists, holds
sound, lasts about as long as its text, and the engine's word events span that text), and a failed
call drops the driver before the text is tried again.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import io
import os
import re
import shutil
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from narrate.engines import Clip, Voice, VoiceSettings, installed_version
from narrate.errors import EngineError
from narrate.files import process_exists

LINUX = sys.platform.startswith("linux")
ATTEMPTS = 3
WARM_UP_TEXT = "Ready."
SCRATCH_PREFIX = "narrate-tts-"

DriverFactory = Callable[[], Any]


def identity(settings: VoiceSettings) -> dict[str, str]:
    ident = {
        "engine": "pyttsx3",
        "pyttsx3": installed_version("pyttsx3") or "absent",
        "platform": sys.platform,
        "voice": settings.voice or "",
        "rate": str(settings.rate),
    }
    if LINUX:
        ident["espeak-ng"] = installed_version("espeakng-loader") or "absent"
    return ident


def default_voice(voice_dirs: tuple[str, ...] = ()) -> str | None:
    """espeak-ng's voices come with its data: voice folders are Piper's alone."""
    return "gmw/en-us" if LINUX else None


def voices(voice_dirs: tuple[str, ...] = ()) -> list[Voice]:
    found = _new_driver().getProperty("voices")
    return [
        Voice(id=v.id, name=v.name or v.id, languages=tuple(str(x) for x in (v.languages or ())))
        for v in found
    ]


def open(settings: VoiceSettings) -> Pyttsx3Speaker:  # noqa: A001 - the EngineKind protocol
    return Pyttsx3Speaker(settings)


def forks_when_open() -> bool:
    """espeak-ng (Linux): a speaker opened (and warmed up) but not yet used for a chapter may be
    forked, each copy starting from the state a fresh process would reach (same bytes), so a
    worker opens the engine once instead of a fresh process per chapter starting it. It runs on
    the caller's thread (synchronous mode), so nothing is lost in the fork. SAPI5 and NSSS are
    not forked."""
    return LINUX


_OPENED_HERE = False


def opened_here() -> bool:
    """Whether this process (or the one it was forked from) opened a speaker: espeak-ng's state
    then depends on what it said."""
    return _OPENED_HERE


class Pyttsx3Speaker:
    """Speaks one utterance at a time into a checked WAV file and returns its samples."""

    def __init__(
        self,
        settings: VoiceSettings,
        new_driver: DriverFactory | None = None,
        check_words: bool = LINUX,
    ) -> None:
        global _OPENED_HERE
        _OPENED_HERE = True
        self._settings = settings
        self._new_driver = new_driver or _new_driver
        self._check_words = check_words
        """espeak-ng reports where each word is; other platforms' drivers may not."""
        _remove_scratch_of_dead_processes()
        self._scratch_of: tuple[int, Path] | None = None
        self._calls = 0
        self.restarts = 0
        """How often a failed call made the adapter drop its driver (for tests and logs)."""
        self._words: list[tuple[int, int]] = []
        self._driver: Any = None
        self._utterances = [0, 0]
        self._configured_driver()
        self.synthesize(WARM_UP_TEXT)

    def synthesize(self, text: str) -> Clip:
        for _ in range(ATTEMPTS):
            clip = self._speak_once(text)
            if clip is not None:
                return clip
            self.restarts += 1
            self._configured_driver()
        raise EngineError(f"the speech engine wrote no usable audio for: {text[:60]!r}")

    def close(self) -> None:
        scratch = self._own_scratch()
        if scratch is None:
            return  # none made here (a fork's copy leaves the worker's folder alone)
        self._scratch_of = None
        for path in scratch.glob("*"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            scratch.rmdir()

    def _scratch(self) -> Path:
        """This process's folder for the engine's files: a fork's copy makes its own."""
        scratch = self._own_scratch()
        if scratch is None:
            scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
            self._scratch_of = (os.getpid(), scratch)
        return scratch

    def _own_scratch(self) -> Path | None:
        if self._scratch_of is None or self._scratch_of[0] != os.getpid():
            return None
        return self._scratch_of[1]

    def _speak_once(self, text: str) -> Clip | None:
        self._calls += 1
        path = self._scratch() / f"utterance-{self._calls}.wav"
        self._words.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            self._driver.save_to_file(text, str(path))
            self._driver.runAndWait()
            finished = self._wait_for_engine(timeout_s=10 + len(text) / 100)
        if not finished:
            return None
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

    def _on_started(self, name: str | None = None) -> None:
        self._utterances[0] += 1

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        self._utterances[1] += 1

    def _wait_for_engine(self, timeout_s: float) -> bool:
        """Wait until every utterance the driver started has finished. With espeak-ng's
        asynchronous output, pyttsx3's first runAndWait returns before the speech is made; the
        late file is how one text's audio ends up in the next text's file."""
        deadline = time.monotonic() + timeout_s
        while self._utterances[1] < self._utterances[0]:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def _configured_driver(self) -> None:
        self._driver = self._new_driver()
        self._utterances = [0, 0]  # started, finished: counted per driver
        self._driver.connect("started-word", self._on_word)
        self._driver.connect("started-utterance", self._on_started)
        self._driver.connect("finished-utterance", self._on_finished)
        if self._settings.voice:
            self._driver.setProperty("voice", self._settings.voice)
        self._driver.setProperty("rate", self._settings.rate)


def _remove_scratch_of_dead_processes() -> None:
    """Scratch folders of workers that were killed mid-chapter (their pid is gone)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def fits_text(clip: Clip, text: str, rate: int) -> bool:
    """A clip fits its text when it holds sound and lasts about as long as the text takes to say."""
    if not any(clip.samples[1::2]):  # every high byte zero: silence or nothing
        return False
    # A "word" is the larger of the words and the letters over six (an average English word):
    # a German compound runs to 40 letters, and Hebrew and Arabic write "and", "in" and "the"
    # into the word that follows, so counting spaces alone takes their speech for too long.
    words = max(1, len(text.split()), sum(ch.isalnum() for ch in text) / 6)
    expected = words * 60 / rate
    return 0.15 * expected <= clip.duration_s <= 4 * expected + 1.5


def words_match(words: list[tuple[int, int]], text: str) -> bool:
    """The engine's word events (1-based character positions) span `text`: none starts past its
    end, and the last starts in its last two words, or there is an event for every word.
    Audio of a shorter or longer text fails. (espeak-ng's positions drift in long sentences: by
    a character or two, and after "course, here and there." its last two events stay on "here".)
    """
    tokens = [m for m in re.finditer(r"\S+", text) if any(ch.isalnum() for ch in m.group())]
    if not tokens:
        return True
    if not words:
        return False
    last_start = max(location for location, _ in words) - 1
    # an emoji said as several words ("grinning face") puts the later ones a place past it
    if last_start >= len(text) + sum(ord(ch) > 0xFFFF for ch in text):
        return False
    return tokens[max(0, len(tokens) - 2)].start() <= last_start or len(words) >= len(tokens)


def read_wav(path: Path) -> Clip:
    """Samples of a 16-bit PCM WAV file, mixed down to mono."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise wave.Error("not 16-bit PCM")
        frames = wav.readframes(wav.getnframes())
        channels, rate = wav.getnchannels(), wav.getframerate()
    if not frames:
        raise EOFError("empty WAV")
    if channels > 1:  # SAPI5 or NSSS may write stereo: average the channels
        interleaved = array.array("h", frames)
        frames = array.array(
            "h",
            (sum(interleaved[i : i + channels]) // channels
             for i in range(0, len(interleaved), channels)),
        ).tobytes()  # fmt: skip
    return Clip(samples=frames, sample_rate=rate)


def phonemes(words: list[str], settings: VoiceSettings) -> list[str | None]:
    """How the voice will say each word, in espeak-ng's phoneme notation (what `[[...]]` in a
    pronunciations file takes); None for each where the engine cannot tell (SAPI5, NSSS)."""
    if not LINUX:
        return [None] * len(words)
    _load_bundled_espeak()
    _start_espeak_synchronously()
    from pyttsx3.drivers import _espeak

    lib = _espeak.dll
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    voice = settings.voice or default_voice() or ""
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise EngineError(f"espeak-ng has no voice {voice!r}")
    said: list[str | None] = []
    for word in words:
        text = ctypes.create_string_buffer(word.encode())
        position = ctypes.c_void_p(ctypes.addressof(text))
        clauses = []
        while position.value:  # one call per clause; it moves `position` on, then to NULL
            found = lib.espeak_TextToPhonemes(ctypes.byref(position), _UTF8, _ASCII_PHONEMES)
            clauses.append((found or b"").decode(errors="replace").strip())
        said.append(" ".join(c for c in clauses if c) or None)
    return said


_UTF8 = 1  # espeakCHARS_UTF8
_ASCII_PHONEMES = 0  # espeak-ng's own phoneme names, not IPA: what [[...]] input reads


def _new_driver() -> Any:
    """A new pyttsx3 engine object (not pyttsx3.init's cached one, so a bad one can be dropped)."""
    if LINUX:
        _load_bundled_espeak()
        _start_espeak_synchronously()
    try:
        from pyttsx3.engine import Engine
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EngineError(f"pyttsx3 is not installed ({exc}); reinstall narrate") from None
    try:
        engine = Engine("espeak" if LINUX else None)
    except (RuntimeError, OSError) as exc:
        raise EngineError(f"the speech engine did not start: {exc}") from None
    if LINUX:
        _run_synchronously(engine.proxy._driver)
    return engine


def _start_espeak_synchronously() -> None:
    """Initialise espeak-ng in synchronous mode before pyttsx3 does it in asynchronous mode.

    pyttsx3 asks for asynchronous output: espeak-ng then speaks on a thread of its own while
    pyttsx3's loop polls, and under load settings and audio cross between calls: measured here,
    3 processes at once, 300 runs: 1 in 3 calls wrote an empty WAV and 1 in 16 runs spoke at
    pyttsx3's default rate instead of the one set. Synchronous, every call is made in order, on
    this thread, before `Synth` returns."""
    from pyttsx3.drivers import _espeak
    from pyttsx3.drivers import espeak as espeak_driver

    driver_class = espeak_driver.EspeakDriver
    if driver_class._moduleInitialized:
        return
    if _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000) == -1:
        raise EngineError("espeak-ng did not start (its data files may be missing)")
    current = _espeak.GetCurrentVoice()
    name = current.contents.name if current and current.contents.name else b""
    driver_class._defaultVoice = name.decode() if name else "gmw/en"
    driver_class._moduleInitialized = True
    synth = _espeak.Synth

    def synth_reading_phonemes(text: bytes, flags: int = 0, **options: Any) -> Any:
        # [[...]] in the text is espeak phoneme input (pronunciation entries use it)
        return synth(text, flags=flags | _espeak.PHONEMES, **options)

    _espeak.Synth = synth_reading_phonemes


def _run_synchronously(driver: Any) -> None:
    """Fit pyttsx3's espeak driver to synchronous espeak-ng. Its loop polls every 10 ms until an
    end-of-message event, which synchronous espeak-ng never sends: deliver that event as soon as
    `Synth` returns, and make the loop a single pass (the polling sleep alone cost a worker 10 ms
    of idle time per sentence)."""
    from pyttsx3.drivers import _espeak

    end = (_espeak.EVENT * 2)()
    end[0].type = _espeak.EVENT_MSG_TERMINATED
    end[1].type = _espeak.EVENT_LIST_TERMINATED
    start = driver._start_synthesis

    def start_and_end(text: str) -> None:
        start(text)
        driver._onSynth(None, 0, end)

    def single_pass_loop() -> None:
        driver._looping = True
        driver._proxy.setBusy(False)  # runs the queued commands: settings, save_to_file, endLoop
        if driver._text_to_say:
            start_and_end(driver._text_to_say)
        driver._looping = False

    driver._start_synthesis = start_and_end
    driver.startLoop = single_pass_loop


def _load_bundled_espeak() -> None:
    """Load the wheel's libespeak-ng so that pyttsx3's dlopen("libespeak-ng.so.1") finds it."""
    try:
        import espeakng_loader
    except ImportError:
        return  # a system espeak-ng may still be there; pyttsx3 says so if not
    ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
