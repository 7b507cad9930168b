"""A long chapter made in passages, through the real engine and ffmpeg: one chapter to every
reader, its transcript on its speech, and an edit that speaks again only its own passage."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import build_json, decoded_samples, ffmpeg, ffmpeg_chapters

SCRIPTS = Path(__file__).parents[1] / "script"


def _cache_entries(out: Path) -> set[str]:
    return {p.stem for p in (out / ".narrate-cache" / "chapters").glob("??/*.json")}


def _audio(path: Path) -> bytes:
    """The MP3 frames behind the ID3 tag."""
    data = path.read_bytes()
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | byte
    return data[10 + size :]


def _silences(path: Path) -> list[tuple[float, float]]:
    """(start, end) in seconds of each stretch below -50 dB of 0.15 s or more, as ffmpeg finds them."""
    log = subprocess.run(
        [ffmpeg(), "-nostats", "-i", str(path), "-af", "silencedetect=n=-50dB:d=0.15", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    starts = [float(x) for x in re.findall(r"silence_start: ([\d.]+)", log)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", log)]
    return list(zip(starts, ends, strict=False))


def _cues(vtt: str) -> list[tuple[float, float]]:
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"
    cues = []
    for match in re.finditer(rf"{stamp} --> {stamp}", vtt):
        h1, m1, s1, f1, h2, m2, s2, f2 = (int(x) for x in match.groups())
        cues.append((h1 * 3600 + m1 * 60 + s1 + f1 / 1000, h2 * 3600 + m2 * 60 + s2 + f2 / 1000))
    return cues


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The lighthouse essay's paragraphs as one long chapter (some 8,500 characters)."""
    folder = tmp_path_factory.mktemp("passages")
    lines = (SCRIPTS / "the-lighthouse-keeper.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in lines if len(line) > 120]
    text = "A short opening, before the long watch.\n\nThe Long Watch\n\n" + "\n\n".join(paragraphs)
    (folder / "watch.txt").write_text(text + "\n", encoding="utf-8")
    result = build_json("watch.txt", "--out", "out", "--format", "mp3,chapter-mp3", cwd=folder)
    return folder, result


def test_a_long_chapter_is_one_chapter_to_every_reader(built: tuple[Path, dict]) -> None:
    folder, result = built
    (episode,) = result["episodes"]
    output = folder / "out" / "watch.mp3"
    assert len(_cache_entries(folder / "out")) >= 3  # the opening, and the long chapter in parts
    marks = ffmpeg_chapters(output)
    assert [m[2] for m in marks] == ["Introduction", "The Long Watch"]
    assert [(m[0], m[1]) for m in marks] == [
        (c["start_ms"], c["end_ms"]) for c in episode["chapters"]
    ]
    assert abs(marks[-1][1] - decoded_samples(output) * 1000 / 44100) <= 50
    chapter_file = next((folder / "out" / "watch").glob("02 - *.mp3"))
    length_ms = decoded_samples(chapter_file) * 1000 / 44100
    assert abs(length_ms - (marks[1][1] - marks[1][0])) <= 50


def test_the_transcript_stays_on_the_speech_across_the_passages(built: tuple[Path, dict]) -> None:
    folder, _ = built
    silences = _silences(folder / "out" / "watch.mp3")
    cues = _cues((folder / "out" / "watch.vtt").read_text(encoding="utf-8"))
    gaps = [
        (end, start)
        for (_, end), (start, _) in zip(cues, cues[1:], strict=False)
        if start - end >= 0.3
    ]
    assert len(gaps) > 40
    for end, start in gaps:  # every pause between sentences is silent where the transcript says
        middle = (end + start) / 2
        assert any(a <= middle <= b for a, b in silences), (end, start)


def test_an_edit_speaks_again_only_its_own_passage(
    built: tuple[Path, dict], tmp_path: Path
) -> None:
    folder, _ = built
    work = tmp_path / "again"
    shutil.copytree(folder, work)
    before = _cache_entries(work / "out")
    old_audio = _audio(work / "out" / "watch.mp3")
    essay = work / "watch.txt"
    text = essay.read_text(encoding="utf-8")
    last = text.rstrip().rsplit("\n\n", 1)[1]
    edited = last.replace(". ", ". And then, quite suddenly, the wind dropped. ", 1)
    assert edited != last
    essay.write_text(text.replace(last, edited), encoding="utf-8")
    result = build_json("watch.txt", "--out", "out", cwd=work)
    (episode,) = result["episodes"]
    assert [c["synthesized"] for c in episode["chapters"]] == [False, True]
    assert len(_cache_entries(work / "out") - before) == 1
    new_audio = _audio(work / "out" / "watch.mp3")
    same = next(i for i, (a, b) in enumerate(zip(old_audio, new_audio, strict=False)) if a != b)
    assert same > len(old_audio) / 2  # the passages before the edit are the same frames


def test_a_long_chapter_remade_gives_the_same_bytes(
    built: tuple[Path, dict], tmp_path: Path
) -> None:
    """Each passage starts from a clean engine: remade (`--chapter 2`, by other processes), the
    chapter is the same audio, frame for frame."""
    folder, _ = built
    work = tmp_path / "remade"
    shutil.copytree(folder, work)
    before = (work / "out" / "watch.mp3").read_bytes()
    result = build_json("watch.txt", "--out", "out", "--chapter", "2", cwd=work)
    (episode,) = result["episodes"]
    assert [c["synthesized"] for c in episode["chapters"]] == [False, True]
    assert (work / "out" / "watch.mp3").read_bytes() == before
