"""The pyttsx3 adapter: its known failures, provoked with a fake driver, and the real engine."""

from __future__ import annotations

import array
import re
import wave
from pathlib import Path

import pytest

from narrate.engines import Clip, VoiceSettings, check_settings
from narrate.engines import pyttsx3 as adapter
from narrate.errors import EngineError

RATE = 175


def _fake_audio(text: str) -> bytes:
    """Samples that spell the text out (so a test can tell whose words a file holds), padded with
    a tone to the length the text takes to say."""
    header = [len(text)] + [ord(ch) for ch in text]
    length = int(len(text.split()) * 60 / RATE * 22050)
    return array.array("h", header + [1000] * max(0, length - len(header))).tobytes()


def _spoken_text(clip: Clip) -> str:
    samples = array.array("h", clip.samples)
    return "".join(chr(x) for x in samples[1 : 1 + samples[0]])


class FakeDriver:
    """Behaves as pyttsx3 2.99 does on Linux when it fails: the first call in a process writes
    nothing and keeps its text pending, the next call writes that earlier text into the later
    file; chosen calls write an empty WAV; every save prints on stdout."""

    calls_in_process = 0

    def __init__(self, empty_on: set[int] | None = None, stale_on: set[int] | None = None) -> None:
        self.stale_on = stale_on or set()
        self.last_said: str | None = None
        self.pending: str | None = None
        self.text: str | None = None
        self.path: str | None = None
        self.empty_on = empty_on or set()

        self.callbacks: dict[str, list] = {}

    def setProperty(self, name: str, value: object) -> None:  # noqa: N802 - pyttsx3's API
        pass

    def connect(self, topic: str, callback) -> None:  # type: ignore[no-untyped-def]
        self.callbacks.setdefault(topic, []).append(callback)

    def notify(self, topic: str, **kwargs: object) -> None:
        for callback in self.callbacks.get(topic, []):
            callback(**kwargs)

    def save_to_file(self, text: str, path: str) -> None:
        self.text, self.path = text, path

    def runAndWait(self) -> None:  # noqa: N802 - pyttsx3's API
        FakeDriver.calls_in_process += 1
        if FakeDriver.calls_in_process == 1:
            self.pending = self.text
            return
        said = self.pending if self.pending is not None else self.text
        if FakeDriver.calls_in_process in self.stale_on:
            said = self.last_said
        self.pending, self.last_said = None, said
        data = b"" if FakeDriver.calls_in_process in self.empty_on else _fake_audio(said or "")
        self.notify("started-utterance", name=None)
        for match in re.finditer(r"\S+", said or ""):  # word events describe the text spoken
            self.notify(
                "started-word",
                name=match.group(),
                location=match.start() + 1,
                length=len(match.group()),
            )
        with wave.open(self.path, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)
            out.writeframes(data)
        print(f"Audio saved to {self.path}")
        self.notify("finished-utterance", name=None, completed=True)


@pytest.fixture
def fresh_process() -> None:
    FakeDriver.calls_in_process = 0


def test_the_fake_reproduces_the_bug_when_used_naively(tmp_path: Path, fresh_process: None) -> None:
    driver = FakeDriver()
    driver.save_to_file("first words", str(tmp_path / "a.wav"))
    driver.runAndWait()
    driver.save_to_file("second words", str(tmp_path / "b.wav"))
    driver.runAndWait()
    assert not (tmp_path / "a.wav").exists()
    assert _spoken_text(adapter.read_wav(tmp_path / "b.wav")) == "first words"


def test_adapter_survives_lost_first_call_and_empty_files_without_mixing_texts(
    fresh_process: None, capsys: pytest.CaptureFixture[str]
) -> None:
    drivers: list[FakeDriver] = []

    def new_driver() -> FakeDriver:
        drivers.append(FakeDriver(empty_on={4}))
        return drivers[-1]

    speaker = adapter.Pyttsx3Speaker(VoiceSettings(rate=RATE), new_driver=new_driver)
    texts = ["Chapter one has these words.", "Chapter two says something else entirely.", "Three."]
    try:
        assert [_spoken_text(speaker.synthesize(t)) for t in texts] == texts
    finally:
        speaker.close()
    assert speaker.restarts == 2  # the lost first call, and the empty file
    assert len(drivers) == 3
    assert capsys.readouterr().out == ""  # "Audio saved to ..." never reaches stdout


def test_adapter_gives_up_loudly_when_the_engine_never_writes(fresh_process: None) -> None:
    class Mute(FakeDriver):
        def runAndWait(self) -> None:  # noqa: N802
            pass

    with pytest.raises(EngineError, match="no usable audio"):
        adapter.Pyttsx3Speaker(VoiceSettings(rate=RATE), new_driver=Mute)


def test_a_clip_must_fit_its_text() -> None:
    one_second = Clip(samples=array.array("h", [500] * 22050).tobytes(), sample_rate=22050)
    assert adapter.fits_text(one_second, "three short words", 175)
    assert not adapter.fits_text(one_second, " ".join(["word"] * 200), 175)
    silence = Clip(samples=bytes(44100), sample_rate=22050)
    assert not adapter.fits_text(silence, "three short words", 175)


def test_real_engine_speaks_with_a_plausible_length_and_keeps_stdout_clean(
    capfd: pytest.CaptureFixture[str],
) -> None:
    speaker = adapter.open(check_settings(VoiceSettings()))
    try:
        short = speaker.synthesize("Hello there.")
        long = speaker.synthesize(
            "This is a considerably longer sentence, with many more words in it."
        )
    finally:
        speaker.close()
    assert short.sample_rate == 22050
    assert 0.4 < short.duration_s < long.duration_s < 8
    assert capfd.readouterr().out == ""


def test_voices_and_settings_are_validated() -> None:
    voices = {v.id: v for v in adapter.voices()}
    assert "gmw/en-us" in voices and voices["gmw/en-us"].languages
    with pytest.raises(EngineError, match="unknown voice"):
        check_settings(VoiceSettings(voice="no-such-voice"))
    with pytest.raises(EngineError, match="out of range"):
        check_settings(VoiceSettings(rate=1000))
    assert check_settings(VoiceSettings(voice="gmw/en")).voice == "gmw/en"


def test_audio_of_another_text_of_about_the_same_length_is_caught_by_its_word_events(
    fresh_process: None,
) -> None:
    FakeDriver.calls_in_process = 1  # past the lost first call
    speaker = adapter.Pyttsx3Speaker(
        VoiceSettings(rate=RATE), new_driver=lambda: FakeDriver(stale_on={4}), check_words=True
    )
    # the same number of words, and a duration that fits
    texts = ["Salt comes from the sea.", "Iron ore comes down from distant hills."]
    try:
        assert [_spoken_text(speaker.synthesize(t)) for t in texts] == texts
    finally:
        speaker.close()
    assert speaker.restarts == 1


RACE_COURSE = (
    "First it marked out a race-course, in a sort of circle, and then all the party were placed "
    "along the course, here and there."
)


@pytest.mark.parametrize(
    ("words", "text", "ok"),
    [
        ([(1, 7), (9, 1), (13, 10)], "Chapter 1 — Beginnings", True),
        ([(1, 5)], "Chapter 1 — Beginnings", False),  # "Ready." spoken instead
        ([(1, 4), (6, 1), (8, 5), (14, 1)], "Fish & Chips 🐟", True),
        ([(1, 4), (6, 4), (11, 2), (14, 9)], "Go.", False),  # a longer text's events
        ([(1, 2)], "At 5 p.m.", False),
        ([(1, 2), (4, 1)], "At 5 p.m.", True),
        ([(153, 3), (161, 4), (166, 1), (167, 1)], "x" * 150 + " I did not know I had.", True),
        # espeak-ng's own events for a sentence of Alice's Adventures in Wonderland: the last two
        # stay on "here" (111), but there is one for every word
        (
            [(1, 5), (7, 2), (10, 6), (17, 3), (21, 1), (23, 4), (36, 2), (39, 1), (41, 4),
             (46, 2), (49, 6), (57, 3), (61, 4), (66, 3), (70, 3), (74, 5), (80, 4), (85, 6),
             (92, 5), (98, 3), (102, 6), (110, 4), (111, 4), (111, 4)],
            RACE_COURSE,
            True,
        ),
        ([(1, 5), (7, 2), (10, 6), (17, 3), (21, 1), (23, 4), (36, 2), (39, 1), (41, 4),
          (46, 2), (49, 6), (57, 3), (61, 4), (66, 3), (70, 3), (74, 5), (80, 4), (85, 6),
          (92, 5), (98, 3), (102, 6)], RACE_COURSE, False),  # cut short after "course,"
        ([(1, 4), (7, 1), (8, 1)], "Well, 😀", True),  # "grinning face": its second word at 8
        ([(1, 4), (7, 1), (8, 1), (9, 3)], "Well, 😀", False),  # and one more: a longer text
        ([], "Words here.", False),
    ],
)
def test_words_match(words: list[tuple[int, int]], text: str, ok: bool) -> None:
    assert adapter.words_match(words, text) is ok


_SPEAK_IN_FRESH_PROCESS = """
import hashlib
from narrate.engines import VoiceSettings
from narrate.engines import pyttsx3 as adapter
speaker = adapter.open(VoiceSettings(voice="gmw/en-us", rate=175))
clips = [speaker.synthesize(t) for t in ("Chapter 1 — Beginnings", "Every story starts somewhere.")]
print(speaker.restarts, hashlib.sha256(b"".join(c.samples for c in clips)).hexdigest())
"""


def test_fresh_processes_running_at_once_speak_identical_samples() -> None:
    """In pyttsx3's asynchronous mode, several processes at once gave empty files and sometimes the
    default rate (200, not the 175 set); this failed about every other time then."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    def run(_: int) -> str:
        command = [sys.executable, "-c", _SPEAK_IN_FRESH_PROCESS]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, range(36)))
    assert len(set(results)) == 1, results
    assert results[0].startswith("0 ")  # no call needed a retry


_WORKER_FORKING_CHAPTERS = """
import hashlib, os, pickle, sys, tempfile
from pathlib import Path
from narrate.render import job as job_module
def folders():
    return {p.name for p in Path(tempfile.gettempdir()).glob("narrate-tts-*")}
jobs = pickle.loads(bytes.fromhex(sys.argv[1]))
before = folders()
made = [hashlib.sha256(job_module.render_chapter(job).path.read_bytes()).hexdigest() for job in jobs]
left = sorted(name.split("-")[2] for name in folders() - before)
print(len(job_module._LOADED), " ".join(made), os.getpid(), " ".join(left))
"""

_FRESH_CHAPTER = """
import hashlib, pickle, sys
from narrate.render.job import render_audio
print(hashlib.sha256(render_audio(pickle.loads(bytes.fromhex(sys.argv[1]))).mp3).hexdigest())
"""


def test_chapters_forked_from_one_open_engine_equal_chapters_from_fresh_processes(
    tmp_path: Path,
) -> None:
    """A worker opens espeak-ng once and forks a process per chapter: each chapter must be the
    bytes a process of its own makes, and each fork speaks in a scratch folder of its own, gone
    when it is done. A subprocess plays the worker (espeak-ng stays out of the test process)."""
    import pickle
    import subprocess
    import sys

    from narrate.audio import AudioFormat
    from narrate.render.job import ChapterJob

    if not adapter.forks_when_open():
        pytest.skip("only espeak-ng (Linux) is forked")
    voice = check_settings(VoiceSettings(voice="gmw/en-us", rate=RATE))
    texts = (
        [("Chapter One", 900), ("It was late, and the lamp was out.", 300)],
        [
            ("Every story starts somewhere.", 500),
            ("Nobody came.", 300),
        ],
    )
    jobs = [
        ChapterJob(f"{n:064x}", tuple(said), voice, AudioFormat(), tmp_path / "cache")
        for n, said in enumerate(texts, 1)
    ]
    worker = subprocess.run(
        [sys.executable, "-c", _WORKER_FORKING_CHAPTERS, pickle.dumps(jobs).hex()],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    loaded, made, pid, left = int(worker[0]), worker[1:3], worker[3], worker[4:]
    assert loaded == 1  # one engine opened, in the worker
    assert left == [pid]  # the worker's open engine's folder only: each fork removed its own
    fresh = [
        subprocess.run(
            [sys.executable, "-c", _FRESH_CHAPTER, pickle.dumps(job).hex()],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for job in jobs
    ]  # fmt: skip
    assert made == fresh
    assert made[0] != made[1]


def test_a_sentence_whose_last_word_events_drift_is_spoken_at_the_first_try() -> None:
    """From Alice's Adventures in Wonderland (the EPUB epub.js tests with): espeak-ng reports its
    last two words at an earlier word's position; the adapter took that for a cut-short clip,
    tried three times and failed the whole book."""
    import subprocess
    import sys

    code = (
        "from narrate.engines import VoiceSettings\n"
        "from narrate.engines import pyttsx3 as adapter\n"
        "import sys\n"
        "speaker = adapter.open(VoiceSettings(voice='gmw/en-us', rate=175))\n"
        "clip = speaker.synthesize(sys.argv[1])\n"
        "print(speaker.restarts, len(clip.samples) / 2 / clip.sample_rate)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, RACE_COURSE], capture_output=True, text=True, check=True
    )
    restarts, seconds = done.stdout.split()
    assert int(restarts) == 0
    assert 5 < float(seconds) < 10  # 24 words at 175 a minute: ~8 s, with the engine's pauses


def test_a_sentence_ending_in_an_emoji_is_spoken_at_the_first_try() -> None:
    """From a saved German blog post (trafilatura's corpus): espeak-ng says an emoji's name, and
    reports its second word a place past the text's end; the adapter took that for another
    text's audio, tried three times and failed the build."""
    import subprocess
    import sys

    code = (
        "from narrate.engines import VoiceSettings\n"
        "from narrate.engines import pyttsx3 as adapter\n"
        "import sys\n"
        "for voice, text in (('gmw/de', 'Jeder hat so seine Schwächen 😀'), ('gmw/en-us', 'Well, 😀')):\n"
        "    speaker = adapter.open(VoiceSettings(voice=voice, rate=175))\n"
        "    clip = speaker.synthesize(text)\n"
        "    print(speaker.restarts, len(clip.samples) / 2 / clip.sample_rate)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        restarts, seconds = line.split()
        assert int(restarts) == 0 and float(seconds) > 0.5
