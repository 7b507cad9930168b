"""End to end through the real engine, real ffmpeg and real files, read back by other readers."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import eyed3
import pytest

from narrate.audio import AudioFormat
from narrate.engines import VoiceSettings, check_settings, engine_kind
from narrate.planning import plan_episode
from narrate.render.cache import ChapterCache
from narrate.render.job import ChapterJob
from narrate.render.pool import run_jobs
from narrate.settings.resolve import BuildSettings
from narrate.text.script import read_script
from tests.conftest import (
    DATA,
    build_json,
    copy_data,
    decoded_samples,
    ffmpeg_chapters,
    run_narrate,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _audio_digest(path: Path) -> str:
    """The MP3 frames without the tag: the audio samples as encoded."""
    data = path.read_bytes()
    tag_size = (
        10 + int.from_bytes(bytes(b & 0x7F for b in data[6:10]), "big") if data[:3] == b"ID3" else 0
    )
    # 7-bit "syncsafe" size: recompute properly
    size = 0
    for b in data[6:10]:
        size = (size << 7) | b
    tag_size = 10 + size if data[:3] == b"ID3" else 0
    return hashlib.sha256(data[tag_size:]).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("built")
    script = copy_data("heading-styles.txt", folder)
    result = build_json(str(script), "--out", str(folder / "out"))
    return folder, result


def test_build_writes_a_chaptered_mp3_that_ffmpeg_and_eyed3_read(built: tuple[Path, dict]) -> None:
    folder, result = built
    (episode,) = result["episodes"]
    output = Path(episode["output"])
    assert output == folder / "out" / "heading-styles.mp3"
    titles = [c["title"] for c in episode["chapters"]]
    assert titles[1:] == [
        "The Pact: Love Without Redemption", "Elisabeth Shue’s Masterpiece", "Chapter 1 — Beginnings",
        "CHAPTER TWO: THE MIDDLE", "3. A Numbered Heading", "What Is Left to Say?", "Fish & Chips 🐟",
    ]  # fmt: skip
    assert [c["index"] for c in episode["chapters"]] == list(range(1, len(titles) + 1))
    assert all(c["synthesized"] for c in episode["chapters"])

    marks = ffmpeg_chapters(output)
    assert [m[2] for m in marks] == titles
    assert marks[0][0] == 0
    assert all(a[1] == b[0] for a, b in zip(marks, marks[1:], strict=False))  # contiguous
    audio_ms = decoded_samples(output) * 1000 / 44100
    assert abs(marks[-1][1] - audio_ms) <= 50
    assert [(m[0], m[1]) for m in marks] == [
        (c["start_ms"], c["end_ms"]) for c in episode["chapters"]
    ]
    assert episode["duration_ms"] == marks[-1][1]

    tag = eyed3.load(output).tag
    assert tag.version == (2, 3, 0)
    assert tag.title == "Heading Styles" and tag.genre.name == "Podcast"
    (toc,) = list(tag.table_of_contents)
    by_id = {c.element_id: c for c in tag.chapters}
    assert [by_id[i].title for i in toc.child_ids] == titles

    info = eyed3.load(output).info
    assert (info.sample_freq, info.mode, info.bit_rate) == (44100, "Mono", (False, 64))
    assert info.mp3_header.version == 1.0 and info.mp3_header.layer == 3


def test_each_chapter_is_its_own_text_spoken_alone(
    built: tuple[Path, dict], tmp_path: Path
) -> None:
    """espeak-ng is deterministic in a fresh process: a chapter made on its own must give the same
    samples as in the build. A chapter carrying another's words (pyttsx3's stale-file bug) could not."""
    folder, _ = built
    voice = check_settings(VoiceSettings())
    identity = engine_kind(voice.engine).identity(voice)
    essay = read_script(folder / "heading-styles.txt")
    chosen = BuildSettings().for_script(essay)
    episode = plan_episode(essay, chosen, folder / "out", {chosen.voice: identity}, BuildSettings())
    build_cache = ChapterCache(folder / "out" / ".narrate-cache")
    digests = []
    for planned in reversed(episode.chapters):  # another order than the build's
        (passage,) = planned.passages
        job = ChapterJob(
            key=passage.key, utterances=passage.utterances,
            voice=voice, audio=AudioFormat(), cache_root=tmp_path,
        )  # fmt: skip
        (alone,) = run_jobs([job], 1)
        in_build, problem = build_cache.lookup(passage.key)
        assert problem is None and in_build is not None
        assert _digest(alone.path) == _digest(in_build.path), planned.chapter.title
        digests.append(_digest(alone.path))
    assert len(set(digests)) == len(digests)


def test_unchanged_rebuild_makes_nothing_and_says_so(built: tuple[Path, dict]) -> None:
    folder, first = built
    output = Path(first["episodes"][0]["output"])
    before = _digest(output)
    done = run_narrate("build", str(folder / "heading-styles.txt"), "--out", str(folder / "out"))
    assert done.returncode == 0, done.stderr
    assert "nothing was made" in done.stdout
    again = build_json(str(folder / "heading-styles.txt"), "--out", str(folder / "out"))
    assert not any(c["synthesized"] for c in again["episodes"][0]["chapters"])
    assert again["episodes"][0]["chapters"] == [
        {**c, "synthesized": False} for c in first["episodes"][0]["chapters"]
    ]
    assert _digest(output) == before


AUDIO_LIBRARIES = {
    "pydub", "pyttsx3", "espeakng_loader", "imageio_ffmpeg", "mutagen", "PIL", "piper",
    "onnxruntime", "numpy", "lameenc", "audioop",
}  # fmt: skip


def test_an_unchanged_rebuild_imports_no_audio_or_speech_library(built: tuple[Path, dict]) -> None:
    folder, _ = built
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "narrate", "build",
         str(folder / "heading-styles.txt"), "--out", str(folder / "out"), "--json"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not any(c["synthesized"] for c in json.loads(done.stdout)["episodes"][0]["chapters"])
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "narrate" in imported  # the importtime report is what it seems
    assert not imported & AUDIO_LIBRARIES


def test_editing_one_paragraph_remakes_only_its_chapter(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    out = str(tmp_path / "out")
    first = build_json(str(script), "--out", out)["episodes"][0]
    script.write_text(
        script.read_text().replace(
            "Every story starts somewhere.", "Every story starts at the start."
        )
    )
    second = build_json(str(script), "--out", out)["episodes"][0]
    made = [c["title"] for c in second["chapters"] if c["synthesized"]]
    assert made == ["Chapter 1 — Beginnings"]
    marks = ffmpeg_chapters(Path(second["output"]))
    assert [(m[0], m[1]) for m in marks] == [
        (c["start_ms"], c["end_ms"]) for c in second["chapters"]
    ]
    assert all(a[1] == b[0] for a, b in zip(marks, marks[1:], strict=False))
    assert abs(marks[-1][1] - decoded_samples(Path(second["output"])) * 1000 / 44100) <= 50
    assert second["chapters"][3]["end_ms"] - second["chapters"][3]["start_ms"] > (
        first["chapters"][3]["end_ms"] - first["chapters"][3]["start_ms"]
    )
    # chapters before the edit keep their marks exactly
    assert second["chapters"][:4] == [
        {
            **c,
            "end_ms": c["end_ms"] if i < 3 else second["chapters"][3]["end_ms"],
            "synthesized": i == 3,
        }
        for i, c in enumerate(first["chapters"][:4])
    ]
    # --chapter remakes a chosen chapter; --force remakes all
    chosen = build_json(str(script), "--out", out, "--chapter", "2")["episodes"][0]
    assert [c["index"] for c in chosen["chapters"] if c["synthesized"]] == [2]
    forced = build_json(str(script), "--out", out, "--force")["episodes"][0]
    assert all(c["synthesized"] for c in forced["chapters"])


def test_remaking_any_one_chapter_alone_gives_the_same_episode(tmp_path: Path) -> None:
    """A lone chapter is made in a fork of the command's own process, the others by workers:
    each must sound as the workers made it, so the episode comes out byte for byte the same."""
    script = copy_data("heading-styles.txt", tmp_path)
    out = str(tmp_path / "out")
    first = build_json(str(script), "--out", out, "--jobs", "2")["episodes"][0]
    episode = Path(first["output"])
    whole = _digest(episode)
    for chapter in first["chapters"]:
        again = build_json(str(script), "--out", out, "--chapter", str(chapter["index"]))
        made = [c["index"] for c in again["episodes"][0]["chapters"] if c["synthesized"]]
        assert made == [chapter["index"]]
        assert _digest(episode) == whole, chapter["title"]


def test_changing_voice_or_rate_remakes_everything(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    out = str(tmp_path / "out")
    build_json(str(script), "--out", out)
    for args in (["--rate", "200"], ["--voice", "gmw/en"]):
        episode = build_json(str(script), "--out", out, *args)["episodes"][0]
        assert all(c["synthesized"] for c in episode["chapters"]), args


def test_a_corrupt_cache_entry_is_reported_and_made_again(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    out = tmp_path / "out"
    first = build_json(str(script), "--out", str(out))["episodes"][0]
    clean_audio = _audio_digest(Path(first["output"]))
    victim = sorted((out / ".narrate-cache" / "chapters").glob("*/*.mp3"))[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    (out / "two-chapters.mp3").unlink()  # so the build has to read the cache
    done = run_narrate("build", str(script), "--out", str(out), "--json")
    assert done.returncode == 0
    assert "damaged" in done.stderr and done.stderr.count("\n") == 1
    episode = json.loads(done.stdout)["episodes"][0]
    assert sum(c["synthesized"] for c in episode["chapters"]) == 1
    assert _audio_digest(Path(episode["output"])) == clean_audio


def test_two_cold_builds_are_identical(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    a = build_json(str(script), "--out", str(tmp_path / "a"), "--jobs", "1")["episodes"][0]
    b = build_json(str(script), "--out", str(tmp_path / "b"), "--jobs", "2")["episodes"][0]
    assert a["chapters"] == b["chapters"]
    assert _audio_digest(Path(a["output"])) == _audio_digest(Path(b["output"]))


def test_a_build_killed_midway_resumes_to_the_same_samples(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    clean = build_json(str(script), "--out", str(tmp_path / "clean"))["episodes"][0]
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "narrate", "build", str(script), "--out", str(out), "--jobs", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    entries = out / ".narrate-cache" / "chapters"
    deadline = time.monotonic() + 60
    while len(list(entries.glob("*/*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(entries.glob("*/*.json")))
    assert 2 <= finished < len(clean["chapters"])
    assert not (out / "heading-styles.mp3").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]

    resumed = build_json(str(script), "--out", str(out))["episodes"][0]
    reused = sum(not c["synthesized"] for c in resumed["chapters"])
    assert reused >= finished
    assert resumed["chapters"] == [
        {**c, "synthesized": c["synthesized"]} for c in resumed["chapters"]
    ]
    assert [(c["start_ms"], c["end_ms"]) for c in resumed["chapters"]] == [
        (c["start_ms"], c["end_ms"]) for c in clean["chapters"]
    ]
    assert _audio_digest(Path(resumed["output"])) == _audio_digest(Path(clean["output"]))


def test_markdown_with_front_matter_builds_with_its_tags(tmp_path: Path) -> None:
    script = copy_data("front-matter.md", tmp_path)
    episode = build_json(str(script), "--out", str(tmp_path / "out"))["episodes"][0]
    tag = eyed3.load(episode["output"]).tag
    assert tag.title == "Salt & Iron: A Field Guide"
    assert tag.artist == "Ada Quill"
    assert str(tag.recording_date).startswith("2026")
    assert tag.comments[0].text == "A short walk through two old trades."
    assert [m[2] for m in ffmpeg_chapters(Path(episode["output"]))] == [
        "Salt & Iron: A Field Guide", "The Salt Pans", "Iron & Fire",
    ]  # fmt: skip


def test_several_scripts_in_one_build(tmp_path: Path) -> None:
    a = copy_data("two-chapters.txt", tmp_path)
    b = copy_data("front-matter.md", tmp_path)
    result = build_json(str(a), str(b), "--out", str(tmp_path / "out"))
    assert [Path(e["output"]).name for e in result["episodes"]] == [
        "two-chapters.mp3",
        "front-matter.mp3",
    ]
    assert all(Path(e["output"]).is_file() for e in result["episodes"])


def test_chapters_command(tmp_path: Path) -> None:
    done = run_narrate("chapters", str(DATA / "two-chapters.txt"), "--json")
    assert done.returncode == 0
    rows = json.loads(done.stdout)["chapters"]
    assert [(r["index"], r["title"], r["words"]) for r in rows] == [
        (1, "Introduction", 9), (2, "The First Part", 16), (3, "The Second Part", 14),
    ]  # fmt: skip


def test_voices_command() -> None:
    done = run_narrate("voices", "--json")
    assert done.returncode == 0
    ids = {v["id"] for v in json.loads(done.stdout)["voices"]}
    assert {"gmw/en-us", "gmw/en"} <= ids


def test_loudness_is_on_target_as_heard_on_two_speakers(built: tuple[Path, dict]) -> None:
    """−16 LUFS integrated (±1), measured dual-mono as the standards file asks, true peak ≤ −1 dBTP,
    by ffmpeg's BS.1770 meter on the built file."""
    import re
    import subprocess

    from tests.conftest import ffmpeg

    _, result = built
    report = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostats", "-i", result["episodes"][0]["output"],
         "-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    integrated = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1])
    true_peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", report)[-1])
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0
